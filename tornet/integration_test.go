package tornet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fentinel/fentinel/torctl"
)

// One private network serves every integration test of the package: it is
// started by the first test that needs it and stopped by TestMain.
var shared struct {
	once  sync.Once
	n     *Network
	err   error
	sites []*site
}

// site is a loopback HTTP server published as an onion service.
type site struct {
	name  string
	seed  string
	port  int // virtual onion port
	srv   *httptest.Server
	onion string

	mu    sync.Mutex
	hosts []string // Host headers received
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hosts = append(s.hosts, r.Host)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<html><title>%s</title><body>synthetic market %s, path %s</body></html>\n", s.name, s.name, r.URL.Path)
}

func (s *site) url(path string) string {
	if s.port == 80 {
		return "http://" + s.onion + path
	}
	return fmt.Sprintf("http://%s:%d%s", s.onion, s.port, path)
}

func (s *site) sawHost(h string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.hosts {
		if x == h {
			return true
		}
	}
	return false
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.n != nil {
		start := time.Now()
		pids := shared.n.PIDs()
		shared.n.Close()
		for _, pid := range pids {
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				fmt.Fprintf(os.Stderr, "tornet: tor pid %d still exists after Close (kill 0: %v)\n", pid, err)
				code = 1
			}
		}
		fmt.Fprintf(os.Stderr, "tornet: bring-up %s (key generation %s), teardown %s\n",
			shared.n.BringUp().Round(time.Millisecond), shared.n.KeyGen().Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	}
	for _, s := range shared.sites {
		s.srv.Close()
	}
	if fentinelBin.dir != "" {
		os.RemoveAll(fentinelBin.dir)
	}
	os.Exit(code)
}

// network returns the shared network, starting it on first use. It skips
// in -short mode and where tor is not installed.
func network(t *testing.T) (*Network, []*site) {
	t.Helper()
	if testing.Short() {
		t.Skip("private Tor network: skipped in -short mode")
	}
	if _, err := exec.LookPath("tor"); err != nil {
		t.Skip("tor not installed: apt-get install tor")
	}
	shared.once.Do(func() {
		var svcs []Service
		for i, name := range []string{"A", "B"} {
			s := &site{name: name, seed: "tornet-site-" + name, port: 80 + i*8000} // B listens on 8080
			s.srv = httptest.NewServer(s)
			shared.sites = append(shared.sites, s)
			svcs = append(svcs, Service{Target: s.srv.Listener.Addr().String(), Port: s.port, Seed: s.seed})
		}
		// Two cores shared with the rest of the suite: allow more than the
		// 120 s default.
		var log *slog.Logger
		if os.Getenv("TORNET_LOG") != "" {
			log = slog.New(slog.NewTextHandler(os.Stderr, nil))
		}
		shared.n, shared.err = Start(context.Background(), Options{Services: svcs, Timeout: 240 * time.Second, Logger: log})
		if shared.err == nil {
			for i, s := range shared.sites {
				s.onion = shared.n.OnionAddresses()[i]
			}
		}
	})
	if errors.Is(shared.err, ErrTorNotInstalled) {
		t.Skip("tor not installed: apt-get install tor")
	}
	if shared.err != nil {
		t.Fatalf("private Tor network did not come up: %v", shared.err)
	}
	return shared.n, shared.sites
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// control opens a cookie-authenticated control connection.
func control(t *testing.T, n *Network) *torctl.Conn {
	t.Helper()
	c, err := torctl.Dial(ctxFor(t, 30*time.Second), n.ControlAddr(), torctl.Auth{})
	if err != nil {
		t.Fatalf("control port: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// startClientControl starts a client tor with opts in n and opens its
// control port (cookie auth); both are closed when the test ends.
func startClientControl(ctx context.Context, t *testing.T, n *Network, opts ClientOptions) (*Node, *torctl.Conn) {
	t.Helper()
	nd, err := n.StartClient(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nd.Stop() })
	c, err := torctl.Dial(ctx, nd.ControlAddr(), torctl.Auth{})
	if err != nil {
		t.Fatalf("control port of client %s: %v", opts.Name, err)
	}
	t.Cleanup(func() { c.Close() })
	return nd, c
}

// recorder collects events from a control connection.
type recorder struct {
	mu  sync.Mutex
	evs []torctl.Event
}

func record(t *testing.T, c *torctl.Conn, names ...string) *recorder {
	t.Helper()
	if err := c.SetEvents(ctxFor(t, 10*time.Second), names...); err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	go func() {
		for ev := range c.Events() {
			r.mu.Lock()
			r.evs = append(r.evs, ev)
			r.mu.Unlock()
		}
	}()
	return r
}

func (r *recorder) snapshot() []torctl.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]torctl.Event(nil), r.evs...)
}

// waitFor polls the recorded events until match returns true for one of
// them (at or after index from), or the timeout passes.
func (r *recorder) waitFor(t *testing.T, from int, timeout time.Duration, what string, match func(torctl.Event) bool) torctl.Event {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		evs := r.snapshot()
		for _, ev := range evs[min(from, len(evs)):] {
			if match(ev) {
				return ev
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no event %s within %s (%d events seen)", what, timeout, len(evs))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// streamCirc returns the circuit of the SUCCEEDED stream that user opened to
// host, recorded at or after index from.
func (r *recorder) streamCirc(t *testing.T, from int, user, host string) *torctl.StreamEvent {
	t.Helper()
	ev := r.waitFor(t, from, 30*time.Second, fmt.Sprintf("STREAM SUCCEEDED for %s to %s", user, host), func(ev torctl.Event) bool {
		s := ev.Stream
		return s != nil && s.Status == "SUCCEEDED" && s.SOCKSUsername == user && s.Host() == host
	})
	return ev.Stream
}

// fetchOK fetches url through the SOCKS port as user. A private network of
// four relays sometimes fails to build a circuit ("general SOCKS server
// failure"); Tor Browser retries such a stream, and so does this helper, up
// to three times within the 90 s budget, before it fails the test.
func fetchOK(t *testing.T, socksAddr, user, url string) string {
	t.Helper()
	ctx := ctxFor(t, 90*time.Second)
	var resp *http.Response
	var err error
	for attempt := 1; ; attempt++ {
		resp, err = Get(ctx, socksAddr, user, url)
		if err == nil || attempt == 3 || ctx.Err() != nil {
			break
		}
		t.Logf("fetch %s as %s, attempt %d: %v; retrying", url, user, attempt, err)
		select {
		case <-ctx.Done():
		case <-time.After(3 * time.Second):
		}
	}
	if err != nil {
		t.Fatalf("fetch %s as %s: %v", url, user, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("fetch %s: status %d", url, resp.StatusCode)
	}
	return string(body)
}

func TestNetworkUp(t *testing.T) {
	n, sites := network(t)
	t.Logf("bring-up %s (key generation %s); client pid %d; %d tor processes",
		n.BringUp().Round(time.Millisecond), n.KeyGen().Round(time.Millisecond), n.Client().PID(), len(n.Nodes()))
	for _, s := range sites {
		if s.onion != SyntheticOnion(s.seed) {
			t.Errorf("site %s: onion %s, want %s from its seed", s.name, s.onion, SyntheticOnion(s.seed))
		}
	}
	// The five core nodes run (extra clients of other tests may be stopped).
	nodes := n.Nodes()
	if len(nodes) < 5 {
		t.Fatalf("%d nodes", len(nodes))
	}
	for _, nd := range nodes[:5] {
		if !nd.Running() || syscall.Kill(nd.PID(), 0) != nil {
			t.Errorf("tor node %s (pid %d) not running", nd.Name, nd.PID())
		}
	}
	for _, a := range []string{n.SocksAddr(), n.ControlAddr()} {
		if h, _, _ := net.SplitHostPort(a); h != "127.0.0.1" {
			t.Errorf("listener %s not on 127.0.0.1", a)
		}
	}
}

// TestFetchOnion: a page of each onion through the SocksPort with
// x/net/proxy; the onion name reaches the service unresolved (it is the
// Host header the loopback server sees).
func TestFetchOnion(t *testing.T) {
	n, sites := network(t)
	for _, s := range sites {
		t.Run(s.name, func(t *testing.T) {
			start := time.Now()
			body := fetchOK(t, n.SocksAddr(), "fetch-"+s.name, s.url("/listing/1"))
			if want := "synthetic market " + s.name + ", path /listing/1"; !strings.Contains(body, want) {
				t.Fatalf("body %q lacks %q", body, want)
			}
			host := s.onion
			if s.port != 80 {
				host = fmt.Sprintf("%s:%d", s.onion, s.port)
			}
			if !s.sawHost(host) {
				t.Fatalf("service never saw Host %q", host)
			}
			t.Logf("%s fetched in %s", s.url("/listing/1"), time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestIsolationBySOCKSUsername: two sites fetched at once with per-site
// SOCKS usernames use different circuits, and so do two usernames on one
// site; checked through STREAM and CIRC events on the control port.
func TestIsolationBySOCKSUsername(t *testing.T) {
	n, sites := network(t)
	c := control(t, n)
	rec := record(t, c, "STREAM", "CIRC")
	a, b := sites[0], sites[1]
	type fetch struct{ user, url, host string }
	round := []fetch{
		{"site-" + a.onion, a.url("/"), a.onion},
		{"site-" + b.onion, b.url("/"), b.onion},
		{"alice", a.url("/alice"), a.onion},
		{"bob", a.url("/bob"), a.onion},
	}
	// Two rounds at once: the second shows whether a credential keeps its circuit.
	circs := map[string][]string{}          // user -> circuit per round
	perSite := map[string]map[string]bool{} // onion -> circuits seen
	for r := 0; r < 2; r++ {
		from := len(rec.snapshot())
		var wg sync.WaitGroup
		for _, f := range round {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fetchOK(t, n.SocksAddr(), f.user, f.url)
			}()
		}
		wg.Wait()
		for _, f := range round {
			s := rec.streamCirc(t, from, f.user, f.host)
			circs[f.user] = append(circs[f.user], s.CircID)
			if perSite[f.host] == nil {
				perSite[f.host] = map[string]bool{}
			}
			perSite[f.host][s.CircID] = true
			if !containsAll(s.IsoFields, "SOCKS_USERNAME", "SOCKS_PASSWORD") {
				t.Errorf("stream %s: ISO_FIELDS %v lack SOCKS_USERNAME/SOCKS_PASSWORD", s.ID, s.IsoFields)
			}
		}
	}
	for r := 0; r < 2; r++ {
		ca, cb := circs["site-"+a.onion][r], circs["site-"+b.onion][r]
		if ca == cb {
			t.Errorf("round %d: sites A and B share circuit %s", r, ca)
		}
		if circs["alice"][r] == circs["bob"][r] {
			t.Errorf("round %d: alice and bob share circuit %s on site A", r, circs["alice"][r])
		}
	}
	// Each stream's circuit is a rendezvous circuit to its own onion.
	for user, ids := range circs {
		for _, id := range ids {
			ev := rec.waitFor(t, 0, 10*time.Second, "CIRC for "+id, func(ev torctl.Event) bool {
				return ev.Circ != nil && ev.Circ.ID == id && ev.Circ.RendQuery != ""
			})
			host := a.onion
			if user == "site-"+b.onion {
				host = b.onion
			}
			if ev.Circ.RendQuery+".onion" != host || ev.Circ.Purpose != "HS_CLIENT_REND" {
				t.Errorf("circuit %s of %s: purpose %s rend query %s, want HS_CLIENT_REND to %s", id, user, ev.Circ.Purpose, ev.Circ.RendQuery, host)
			}
		}
	}
	for _, s := range sites {
		var ids []string
		for id := range perSite[s.onion] {
			ids = append(ids, id)
		}
		t.Logf("site %s: %d circuits %v over 2 rounds (usernames per round: %v)", s.name, len(ids), ids, circs)
	}
	t.Logf("same credential kept its circuit across rounds: site-A %v, site-B %v, alice %v, bob %v",
		same(circs["site-"+a.onion]), same(circs["site-"+b.onion]), same(circs["alice"]), same(circs["bob"]))
}

func same(ids []string) bool { return len(ids) == 2 && ids[0] == ids[1] }

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(list, w) {
			return false
		}
	}
	return true
}

// TestNewNym: NEWNYM gives the same credential a fresh circuit; the
// client-side limiter refuses a second one within 10 s, and tor itself
// defers a second raw SIGNAL NEWNYM ("Rate limiting NEWNYM request").
func TestNewNym(t *testing.T) {
	n, sites := network(t)
	a := sites[0]
	c := control(t, n)
	rec := record(t, c, "STREAM", "NOTICE")
	ctx := ctxFor(t, 120*time.Second)

	from := len(rec.snapshot())
	fetchOK(t, n.SocksAddr(), "nym-user", a.url("/before"))
	before := rec.streamCirc(t, from, "nym-user", a.onion)

	// NEWNYM through the limiter, then at once a second one: refused
	// client-side, nothing sent.
	if err := c.NewNym(ctx); err != nil {
		t.Fatalf("NewNym: %v", err)
	}
	err := c.NewNym(ctx)
	var rl *torctl.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("second NewNym = %v, want *torctl.RateLimitError", err)
	}
	if rl.RetryAfter <= 9*time.Second || rl.RetryAfter > torctl.DefaultNewNymInterval {
		t.Fatalf("RetryAfter = %s, want just under %s", rl.RetryAfter, torctl.DefaultNewNymInterval)
	}

	// Tor's own limit: a raw NEWNYM (bypassing the limiter) within 10 s is
	// answered 250 OK but deferred, and tor says so.
	from = len(rec.snapshot())
	if _, err := c.Do(ctx, "SIGNAL NEWNYM"); err != nil {
		t.Fatalf("raw SIGNAL NEWNYM: %v", err)
	}
	ev := rec.waitFor(t, from, 10*time.Second, "NOTICE Rate limiting NEWNYM", func(ev torctl.Event) bool {
		return ev.Type == "NOTICE" && strings.Contains(ev.Raw, "Rate limiting NEWNYM request")
	})
	t.Logf("tor: %s; client limiter: retry in %s", ev.Raw, rl.RetryAfter.Round(time.Millisecond))

	// NewNymWait waits out the client-side interval, then sends.
	start := time.Now()
	if err := c.NewNymWait(ctx); err != nil {
		t.Fatalf("NewNymWait: %v", err)
	}
	if waited := time.Since(start); waited < rl.RetryAfter-time.Second {
		t.Fatalf("NewNymWait returned after %s, limiter asked for %s", waited, rl.RetryAfter)
	}
	t.Logf("NewNymWait waited %s", time.Since(start).Round(time.Millisecond))
	// Let a NEWNYM that tor deferred take effect before the next stream.
	time.Sleep(time.Second)

	from = len(rec.snapshot())
	fetchOK(t, n.SocksAddr(), "nym-user", a.url("/after"))
	after := rec.streamCirc(t, from, "nym-user", a.onion)
	if after.CircID == before.CircID {
		t.Fatalf("same circuit %s before and after NEWNYM", before.CircID)
	}
	if after.NymEpoch == before.NymEpoch {
		t.Errorf("NYM_EPOCH %s unchanged by NEWNYM", before.NymEpoch)
	}
	t.Logf("circuit %s (epoch %s) -> %s (epoch %s) after NEWNYM", before.CircID, before.NymEpoch, after.CircID, after.NymEpoch)
}

// TestControlAuthRealTor: SAFECOOKIE (what tor offers with
// CookieAuthentication), hashed password, and a wrong password (515).
func TestControlAuthRealTor(t *testing.T) {
	n, _ := network(t)
	ctx := ctxFor(t, 30*time.Second)
	c := control(t, n)
	if !containsAll(c.ProtocolInfo.Methods, "SAFECOOKIE", "COOKIE", "HASHEDPASSWORD") {
		t.Errorf("tor offers %v", c.ProtocolInfo.Methods)
	}
	if c.ProtocolInfo.CookieFile != n.CookiePath() {
		t.Errorf("COOKIEFILE %q, want %q", c.ProtocolInfo.CookieFile, n.CookiePath())
	}
	pc, err := torctl.Dial(ctx, n.ControlAddr(), torctl.Auth{Password: n.ControlPassword()})
	if err != nil {
		t.Fatalf("password auth: %v", err)
	}
	pc.Close()
	const wrong = "not-the-password-4711"
	_, err = torctl.Dial(ctx, n.ControlAddr(), torctl.Auth{Password: wrong})
	if !errors.Is(err, torctl.ErrAuthFailed) {
		t.Fatalf("wrong password: %v, want ErrAuthFailed", err)
	}
	if strings.Contains(err.Error(), wrong) {
		t.Fatalf("error text contains the password: %v", err)
	}
	t.Logf("wrong password: %v", err)
}

// TestCircuitEstablished: true on the live client; false on a tor with the
// network disabled and on one whose authorities do not exist.
func TestCircuitEstablished(t *testing.T) {
	n, _ := network(t)
	ctx := ctxFor(t, 60*time.Second)
	ok, err := control(t, n).CircuitEstablished(ctx)
	if err != nil || !ok {
		t.Fatalf("live client: CircuitEstablished = %v, %v; want true", ok, err)
	}
	for _, opts := range []ClientOptions{
		{Name: "offline", Torrc: []string{"DisableNetwork 1"}},
		{Name: "noauth", NoAuthorities: true},
	} {
		t.Run(opts.Name, func(t *testing.T) {
			_, c := startClientControl(ctx, t, n, opts)
			// Ask twice, 2 s apart: it must stay false.
			for i := 0; i < 2; i++ {
				ok, err := c.CircuitEstablished(ctx)
				if err != nil || ok {
					t.Fatalf("CircuitEstablished = %v, %v; want false", ok, err)
				}
				time.Sleep(2 * time.Second)
			}
			m, err := c.GetInfo(ctx, "status/bootstrap-phase")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: circuit-established=0, %s", opts.Name, m["status/bootstrap-phase"])
		})
	}
}
