package tornet

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	fentinel "github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/crawler"
	"github.com/fentinel/fentinel/marketsim"
	"github.com/fentinel/fentinel/store"
	"github.com/fentinel/fentinel/torctl"
	"golang.org/x/net/proxy"
)

// marketKey is the ed25519 key marketsim derives a market's onion name
// from (marketsim.OnionFromSeed); the test checks the result against the
// simulator's own name, so a change there fails loudly here.
func marketKey(seed string) ed25519.PrivateKey {
	s := sha256.Sum256([]byte("fentinel-marketsim-seed/" + seed))
	return ed25519.NewKeyFromSeed(s[:])
}

// bridge listens on 127.0.0.1 and forwards every connection through the
// simulator's SOCKS server to onion:80, so a real onion service (tor's
// HiddenServicePort) can front a simulated market.
func bridge(t *testing.T, simSocks, target string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := proxy.SOCKS5("tcp", simSocks, &proxy.Auth{User: "tornet-bridge", Password: "x"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer in.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				out, err := d.(proxy.ContextDialer).DialContext(ctx, "tcp", target)
				cancel()
				if err != nil {
					return
				}
				defer out.Close()
				done := make(chan struct{})
				go func() {
					io.Copy(out, in)
					if tc, ok := out.(interface{ CloseWrite() error }); ok {
						tc.CloseWrite()
					}
					close(done)
				}()
				io.Copy(in, out)
				in.(*net.TCPConn).CloseWrite()
				<-done
			}()
		}
	}()
	return ln.Addr().String()
}

// fentinelBin is cmd/fentinel, built once per test binary.
var fentinelBin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// buildBinary builds cmd/fentinel once into a temp dir removed by TestMain
// (cgo and GOFLAGS come from the environment, as the Makefile sets them).
func buildBinary(t *testing.T) string {
	t.Helper()
	fentinelBin.once.Do(func() {
		fentinelBin.dir, fentinelBin.err = os.MkdirTemp("", "tornet-bin-")
		if fentinelBin.err != nil {
			return
		}
		fentinelBin.path = filepath.Join(fentinelBin.dir, "fentinel")
		cmd := exec.Command("go", "build", "-o", fentinelBin.path, "./cmd/fentinel")
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if !strings.Contains(os.Getenv("GOFLAGS"), "sqlite_fts5") {
			cmd.Env = append(cmd.Env, "GOFLAGS=-tags=sqlite_fts5")
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			fentinelBin.err = fmt.Errorf("go build ./cmd/fentinel: %v\n%s", err, out)
		}
	})
	if fentinelBin.err != nil {
		t.Fatal(fentinelBin.err)
	}
	return fentinelBin.path
}

// cleanEnv is the environment without FENTINEL_* settings, plus extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FENTINEL_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// TestCrawlThroughTor runs the built binary as a user would:
// `fentinel crawl --proxy socks5h://<SocksPort>` with the control port
// configured, against the simulated markets published as real onion
// services of the private network (same onion names as in the simulator).
// It checks the findings against the simulator's ground truth, the signed
// webhook deliveries, and that each market was crawled on its own circuits.
func TestCrawlThroughTor(t *testing.T) {
	n, _ := network(t)
	ctx := ctxFor(t, 8*time.Minute)
	bin := buildBinary(t)

	sim, err := marketsim.Start(ctx, marketsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	simSeed := sim.Options().Seed
	var onions []string
	for i, m := range sim.Markets() {
		key := marketKey(fmt.Sprintf("%s/market/%d", simSeed, i))
		if got := OnionAddress(key.Public().(ed25519.PublicKey)); got != m.Onion {
			t.Fatalf("market %s: key derivation gives %s, simulator says %s (marketsim changed how it derives onion names)", m.Name, got, m.Onion)
		}
		start := time.Now()
		onion, err := n.AddService(ctx, Service{Target: bridge(t, sim.ProxyAddr(), m.Onion+":80"), Key: key})
		if err != nil {
			t.Fatalf("publish %s: %v", m.Name, err)
		}
		t.Logf("market %s published as %s in %s", m.Name, onion, time.Since(start).Round(time.Millisecond))
		onions = append(onions, onion)
	}

	c := control(t, n)
	rec := record(t, c, "STREAM", "CIRC")

	db := filepath.Join(t.TempDir(), "fentinel.db")
	args := []string{"crawl", "--proxy", "socks5h://" + n.SocksAddr(), "--db", db,
		"--webhook-url", sim.Receiver().URL(), "--webhook-secret", sim.Receiver().Secret(),
		"--log-format", "json"}
	for _, m := range sim.Markets() {
		args = append(args, "--seed", m.Home())
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = cleanEnv("FENTINEL_CONTROL_PORT="+n.ControlAddr(), "FENTINEL_CONTROL_COOKIE="+n.CookiePath())
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("fentinel crawl: %v\nstdout:\n%s\nstderr (tail):\n%s", err, stdout.String(), lastLines(stderr.String(), 30))
	}
	t.Logf("fentinel crawl through tor took %s:\n%s", time.Since(start).Round(time.Millisecond), stdout.String())

	// Findings against the ground truth.
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	findings, err := st.Findings(ctx, fentinel.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range findings {
		found[f.URL] = true
	}
	positives := 0
	for _, l := range sim.Truth() {
		if !l.Positive || l.Gate != "" {
			continue
		}
		positives++
		if !found[l.URL] {
			t.Errorf("positive listing %s (%s) not among the findings", l.URL, l.Title)
		}
	}
	truth := map[string]marketsim.Listing{}
	for _, l := range sim.Truth() {
		truth[l.URL] = l
	}
	for _, f := range findings {
		if l, ok := truth[f.URL]; ok && !l.Positive {
			t.Errorf("finding %s (%s) is a %s listing, not a positive", f.URL, f.Title, l.Kind)
		}
	}
	if positives == 0 {
		t.Fatal("the simulator has no positives")
	}

	// Signed alerts: every finding alerted once, every delivery verified.
	recv := sim.Receiver()
	ids := map[string]bool{}
	for _, d := range recv.Received() {
		if !d.Valid {
			t.Errorf("delivery %s not valid: %s", d.ID, d.Error)
		}
		ids[d.ID] = true
	}
	if len(ids) != len(findings) {
		t.Errorf("%d distinct alert deliveries for %d findings", len(ids), len(findings))
	}
	t.Logf("%d findings (%d positives in truth), %d verified deliveries", len(findings), positives, recv.Valid())

	// Circuits per site, from the control port's STREAM events.
	circs := map[string]map[string]bool{} // onion -> circuit ids
	users := map[string]map[string]bool{} // onion -> SOCKS usernames
	for _, ev := range rec.snapshot() {
		s := ev.Stream
		if s == nil || s.Status != "SUCCEEDED" {
			continue
		}
		h := s.Host()
		if circs[h] == nil {
			circs[h], users[h] = map[string]bool{}, map[string]bool{}
		}
		circs[h][s.CircID] = true
		users[h][s.SOCKSUsername] = true
	}
	for i, o := range onions {
		if len(circs[o]) == 0 {
			t.Fatalf("no STREAM SUCCEEDED events for %s", o)
		}
		for j := i + 1; j < len(onions); j++ {
			for id := range circs[o] {
				if circs[onions[j]][id] {
					t.Errorf("sites %s and %s share circuit %s", o, onions[j], id)
				}
			}
			for u := range users[o] {
				if users[onions[j]][u] {
					t.Errorf("sites %s and %s share SOCKS username %q", o, onions[j], u)
				}
			}
		}
		t.Logf("site %s: %d circuits %v, %d SOCKS usernames", o, len(circs[o]), keys(circs[o]), len(users[o]))
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestCrawlPreflightNoCircuits: the binary, pointed at a tor that cannot
// bootstrap (its directory authority does not exist: SocksPort up, no
// circuits) with its control port configured, refuses to crawl and says
// what to do. (With DisableNetwork 1 tor does not even open its SocksPort;
// the crawler then fails closed as "proxy unreachable", tested elsewhere.)
func TestCrawlPreflightNoCircuits(t *testing.T) {
	n, sites := network(t)
	ctx := ctxFor(t, 3*time.Minute)
	bin := buildBinary(t)
	nd, err := n.StartClient(ctx, ClientOptions{Name: "nocircuits", NoAuthorities: true})
	if err != nil {
		t.Fatal(err)
	}
	defer nd.Stop()
	cmd := exec.CommandContext(ctx, bin, "crawl", "--proxy", "socks5h://"+nd.SocksAddr(),
		"--db", filepath.Join(t.TempDir(), "f.db"), "--seed", sites[0].url("/"))
	cmd.Env = cleanEnv("FENTINEL_CONTROL_PORT="+nd.ControlAddr(), "FENTINEL_CONTROL_COOKIE="+nd.CookiePath())
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("fentinel crawl against a tor without circuits: err %v, want a non-zero exit\n%s", err, out)
	}
	msg := string(out)
	for _, want := range []string{"circuit", "bootstrap"} {
		if !strings.Contains(strings.ToLower(msg), want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	t.Logf("exit %d: %s", ee.ExitCode(), strings.TrimSpace(lastLines(msg, 3)))
}

// TestCrawlerDescriptorNotFound: the crawler library, through the real
// SocksPort, classifies a well-formed onion that does not exist as Tor's
// F0 (crawler.ClassDescriptor), within its configured connect timeout, and
// retries it per policy; with the control port attached the pre-flight
// passes on the live client.
func TestCrawlerDescriptorNotFound(t *testing.T) {
	n, _ := network(t)
	ctx := ctxFor(t, 3*time.Minute)
	ctl, err := torctl.Dial(ctx, n.ControlAddr(), torctl.Auth{CookiePath: n.CookiePath()})
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	missing := "http://" + SyntheticOnion("tornet: crawler seed that no service holds") + "/"
	const connectTimeout = 45 * time.Second
	c, err := crawler.New(crawler.Config{
		Proxy:          "socks5h://" + n.SocksAddr(),
		Seeds:          []string{missing},
		ConnectTimeout: connectTimeout,
		Retry:          map[string]crawler.Backoff{crawler.ClassDescriptor: {Attempts: 2, Base: time.Second, Max: time.Second}},
		Control:        torctl.OneKey{Conn: ctl},
		Logger:         slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Preflight(ctx); err != nil {
		t.Fatalf("Preflight against the live client: %v", err)
	}
	start := time.Now()
	st, err := c.Run(ctx, func(context.Context, fentinel.Page) error { return nil })
	took := time.Since(start)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st.Fetched != 0 || st.Errors[crawler.ClassDescriptor] != 2 {
		t.Fatalf("fetched %d, errors %v; want 2 attempts failing as %s", st.Fetched, st.Errors, crawler.ClassDescriptor)
	}
	if took > 2*connectTimeout {
		t.Fatalf("two F0 attempts took %s, more than twice the connect timeout %s", took, connectTimeout)
	}
	t.Logf("%s: errors %v, dropped %d, in %s", missing, st.Errors, st.Dropped, took.Round(time.Millisecond))
}

// TestCrawlerPreflightNotReady: crawler.Preflight with the control port of
// a tor that cannot bootstrap returns crawler.ErrTorNotReady.
func TestCrawlerPreflightNotReady(t *testing.T) {
	n, _ := network(t)
	ctx := ctxFor(t, time.Minute)
	nd, ctl := startClientControl(ctx, t, n, ClientOptions{Name: "notready", NoAuthorities: true})
	c, err := crawler.New(crawler.Config{Proxy: "socks5h://" + nd.SocksAddr(), Seeds: []string{sites0(t)}, Control: torctl.OneKey{Conn: ctl}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Preflight(ctx)
	if !errors.Is(err, crawler.ErrTorNotReady) {
		t.Fatalf("Preflight = %v, want ErrTorNotReady", err)
	}
	t.Logf("%v", err)
}

func sites0(t *testing.T) string {
	_, sites := network(t)
	return sites[0].url("/")
}
