// Package tornet brings up a private Tor network on 127.0.0.1 for
// integration tests: three directory authorities and one relay (each also
// guard, exit and HSDir), plus one tor process that is both the client
// (SocksPort, ControlPort with cookie and password authentication) and the
// v3 onion service in front of given loopback HTTP servers.
//
// It needs Debian's tor package (tor and tor-gencert); Start returns
// ErrTorNotInstalled without it, and StartT skips the test. Everything runs
// in a temporary directory on free 127.0.0.1 ports; no process reaches any
// other address (TestingTorNetwork, loopback authorities only).
package tornet

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fentinel/fentinel/torctl"
	"golang.org/x/net/proxy"
)

// ErrTorNotInstalled is returned by Start when tor or tor-gencert is not on
// PATH.
var ErrTorNotInstalled = errors.New("tornet: tor not installed: apt-get install tor")

// RecommendedSocksFlags are the SocksPort flags the product recommends and
// the integration tests prove: per-credential circuit isolation, Tor's
// extended onion error codes (proposal 304), and no traffic but onions.
// Together with the global option "SafeSocks 1".
const RecommendedSocksFlags = "IsolateSOCKSAuth ExtendedErrors OnionTrafficOnly"

// DefaultTimeout bounds the bring-up when Options.Timeout is zero.
const DefaultTimeout = 120 * time.Second

// uploadWait is how long to wait for a descriptor-upload event before
// probing regardless.
const uploadWait = 90 * time.Second

// Service is a loopback HTTP server to publish as a v3 onion service.
type Service struct {
	Target string // 127.0.0.1:PORT the service forwards to
	Port   int    // virtual port of the onion; 0 means 80
	// Seed, when set, fixes the onion address (SyntheticOnion(Seed)); when
	// empty, tor generates a fresh key.
	Seed string
	// Key, when set, is the service's ed25519 key (it overrides Seed), for
	// publishing a fixture whose onion name is derived elsewhere.
	Key ed25519.PrivateKey
}

func (s Service) key() ed25519.PrivateKey {
	if s.Key != nil {
		return s.Key
	}
	if s.Seed != "" {
		return seedKey(s.Seed)
	}
	return nil
}

func (s Service) port() int {
	if s.Port == 0 {
		return 80
	}
	return s.Port
}

// Options configures Start.
type Options struct {
	Services []Service
	Timeout  time.Duration // bring-up deadline; 0 means DefaultTimeout
	Dir      string        // working directory; "" means a new temp dir removed by Close
	Logger   *slog.Logger  // progress logs; nil discards
}

// Network is a running private Tor network.
type Network struct {
	dir     string
	ownDir  bool
	log     *slog.Logger
	relays  []*Node
	client  *Node
	onions  []string
	dirAuth []string // DirAuthority lines
	pw      string
	bringUp time.Duration
	keygen  time.Duration

	mu     sync.Mutex
	extra  []*Node
	closed bool
}

// Start brings up the network and returns once every service's onion has
// answered an HTTP request through the client's SocksPort. ctx and
// Options.Timeout bound the bring-up only; the processes run until Close.
// On failure everything started is torn down and the error carries the tail
// of every node's log.
func Start(ctx context.Context, opts Options) (_ *Network, err error) {
	begin := time.Now()
	for _, bin := range []string{"tor", "tor-gencert"} {
		if _, err := exec.LookPath(bin); err != nil {
			return nil, ErrTorNotInstalled
		}
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	n := &Network{dir: opts.Dir, log: opts.Logger}
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	if n.dir == "" {
		n.dir, err = os.MkdirTemp("", "tornet-")
		if err != nil {
			return nil, fmt.Errorf("tornet: temp dir: %w", err)
		}
		n.ownDir = true
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w\n%s", err, n.Tails(15))
			n.Close()
		}
	}()
	if err := n.setupRelays(ctx); err != nil {
		return nil, err
	}
	n.keygen = time.Since(begin)
	n.log.Info("tornet: keys generated", "took", n.keygen.Round(time.Millisecond))

	for _, r := range n.relays {
		if err := r.start(); err != nil {
			return nil, err
		}
	}
	if err := n.startClient(opts.Services); err != nil {
		return nil, err
	}
	if err := n.waitReachable(ctx, opts.Services); err != nil {
		return nil, err
	}
	n.bringUp = time.Since(begin)
	n.log.Info("tornet: network up", "took", n.bringUp.Round(time.Millisecond), "onions", len(n.onions))
	return n, nil
}

// StartT is Start for tests: it skips the test when tor is not installed,
// fails it (with log tails) when the network does not come up, and closes
// the network in t.Cleanup, also when the test fails.
func StartT(t testing.TB, opts Options) *Network {
	t.Helper()
	n, err := Start(context.Background(), opts)
	if errors.Is(err, ErrTorNotInstalled) {
		t.Skip("tor not installed: apt-get install tor")
	}
	if err != nil {
		t.Fatalf("tornet: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// OnionAddress returns the onion address (host only, "….onion") of the
// first service, or "" when there is none.
func (n *Network) OnionAddress() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.onions) == 0 {
		return ""
	}
	return n.onions[0]
}

// OnionAddresses returns the onion address of every service, in order.
func (n *Network) OnionAddresses() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.onions...)
}

// SocksAddr returns the client's SocksPort address (127.0.0.1:PORT).
func (n *Network) SocksAddr() string { return n.client.SocksAddr() }

// ControlAddr returns the client's ControlPort address (127.0.0.1:PORT).
func (n *Network) ControlAddr() string { return n.client.ControlAddr() }

// CookiePath returns the client's control authentication cookie file.
func (n *Network) CookiePath() string { return n.client.CookiePath() }

// ControlPassword returns the password whose hash the client's
// HashedControlPassword holds (for testing password authentication).
func (n *Network) ControlPassword() string { return n.pw }

// Client returns the client/onion-service node.
func (n *Network) Client() *Node { return n.client }

// BringUp returns how long Start took, key generation included.
func (n *Network) BringUp() time.Duration { return n.bringUp }

// KeyGen returns how long key generation took.
func (n *Network) KeyGen() time.Duration { return n.keygen }

// Dir returns the network's working directory.
func (n *Network) Dir() string { return n.dir }

// PIDs returns the process id of every tor process started by the network
// (relays, client and extra clients), running or not.
func (n *Network) PIDs() []int {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []int
	for _, nd := range n.nodes() {
		if nd.proc != nil {
			out = append(out, nd.proc.pid())
		}
	}
	return out
}

// Nodes returns every tor node of the network: the 3 authorities, the
// relay, the client, then the extra clients started with StartClient.
func (n *Network) Nodes() []*Node {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.nodes()
}

func (n *Network) nodes() []*Node {
	all := append([]*Node(nil), n.relays...)
	if n.client != nil {
		all = append(all, n.client)
	}
	return append(all, n.extra...)
}

// Tails returns the last lines of every node's log, for error messages.
func (n *Network) Tails(lines int) string {
	n.mu.Lock()
	nodes := n.nodes()
	n.mu.Unlock()
	var b strings.Builder
	for _, nd := range nodes {
		fmt.Fprintf(&b, "--- %s (%s) ---\n%s\n", nd.Name, nd.logPath(), nd.LogTail(lines))
	}
	return b.String()
}

// Close stops every tor process (SIGTERM to its process group, SIGKILL
// after a 5 s grace period), waits for them, and removes the working
// directory if Start created it. It is safe to call more than once.
func (n *Network) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	nodes := n.nodes()
	n.mu.Unlock()
	var wg sync.WaitGroup
	for _, nd := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if nd.stop() {
				n.log.Warn("tornet: tor ignored SIGTERM, killed", "node", nd.Name)
			}
		}()
	}
	wg.Wait()
	if n.ownDir {
		if err := os.RemoveAll(n.dir); err != nil {
			return fmt.Errorf("tornet: remove %s: %w", n.dir, err)
		}
	}
	return nil
}

// ClientOptions configures an extra client started with StartClient.
type ClientOptions struct {
	Name string // node name, also its directory; "" means "clientN"
	// Torrc holds extra torrc lines, e.g. "DisableNetwork 1".
	Torrc []string
	// NoAuthorities replaces the network's authorities with one that does
	// not exist (127.0.0.1:1), so the client can never bootstrap.
	NoAuthorities bool
	// Config, when set, replaces the client part of the torrc (SocksPort,
	// ControlPort and their authentication), after replacing $SOCKS,
	// $CONTROL and $DIR with the node's free ports and directory. It lets a
	// test run a production torrc inside the private network.
	Config []string
}

// StartClient starts one more tor client (SocksPort with the recommended
// flags, ControlPort with cookie authentication) joined to the network's
// authorities, and returns once its control port listens. Close stops it.
func (n *Network) StartClient(ctx context.Context, opts ClientOptions) (*Node, error) {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil, errors.New("tornet: start client: network closed")
	}
	if opts.Name == "" {
		opts.Name = fmt.Sprintf("client%d", len(n.extra)+1)
	}
	n.mu.Unlock()
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	nd := &Node{Name: opts.Name, dir: filepath.Join(n.dir, opts.Name), socksPort: ports[0], controlPort: ports[1]}
	if err := os.MkdirAll(nd.dir, 0o700); err != nil {
		return nil, fmt.Errorf("tornet: %w", err)
	}
	auth := n.dirAuth
	if opts.NoAuthorities {
		auth = []string{"DirAuthority nowhere orport=2 no-v2 v3ident=" + strings.Repeat("A", 40) + " 127.0.0.1:1 " + strings.Repeat("F", 40)}
	}
	lines := commonTorrc(nd, auth)
	if opts.Config == nil {
		lines = append(lines, clientTorrc(nd, "")...)
	} else {
		r := strings.NewReplacer("$SOCKS", strconv.Itoa(nd.socksPort), "$CONTROL", strconv.Itoa(nd.controlPort), "$DIR", nd.dir)
		lines = append(lines, "ControlPortWriteToFile "+filepath.Join(nd.dir, "controlport"))
		for _, l := range opts.Config {
			lines = append(lines, r.Replace(l))
		}
	}
	lines = append(lines, opts.Torrc...)
	if err := nd.writeTorrc(lines); err != nil {
		return nil, err
	}
	n.mu.Lock()
	n.extra = append(n.extra, nd)
	n.mu.Unlock()
	if err := nd.start(); err != nil {
		return nil, err
	}
	if err := nd.waitControl(ctx); err != nil {
		return nil, fmt.Errorf("%w\n%s", err, nd.LogTail(15))
	}
	return nd, nil
}

// waitReachable waits until every service's descriptor is uploaded and its
// onion answers an HTTP request through the SocksPort.
func (n *Network) waitReachable(ctx context.Context, svcs []Service) error {
	if err := n.client.waitControl(ctx); err != nil {
		return err
	}
	c, err := torctl.Dial(ctx, n.client.ControlAddr(), torctl.Auth{})
	if err != nil {
		return fmt.Errorf("tornet: control port: %w", err)
	}
	defer c.Close()
	if err := c.SetEvents(ctx, "HS_DESC"); err != nil {
		return fmt.Errorf("tornet: control port: %w", err)
	}
	if len(svcs) == 0 {
		return n.waitCircuits(ctx, c)
	}
	// The hostname file appears once tor has loaded the service keys.
	for i := range svcs {
		host, err := waitFile(ctx, filepath.Join(n.client.dir, fmt.Sprintf("hs%d", i), "hostname"), n.client)
		if err != nil {
			return err
		}
		h := strings.TrimSpace(host)
		if k := svcs[i].key(); k != nil && h != OnionAddress(k.Public().(ed25519.PublicKey)) {
			return fmt.Errorf("tornet: service %d: tor says %s, key file says %s", i, h, OnionAddress(k.Public().(ed25519.PublicKey)))
		}
		n.onions = append(n.onions, h)
	}
	if err := n.waitUploaded(ctx, c, n.onions); err != nil {
		return err
	}
	for i, onion := range n.onions {
		if err := n.probe(ctx, c, fmt.Sprintf("http://%s:%d/", onion, svcs[i].port())); err != nil {
			return err
		}
	}
	return nil
}

// waitUploaded waits for an HS_DESC UPLOADED event for every onion; c must
// be subscribed to HS_DESC. A fetch before the descriptor is on the HSDirs
// makes the client mark them "recently queried" for 15 min, hence the wait.
func (n *Network) waitUploaded(ctx context.Context, c *torctl.Conn, onions []string) error {
	want := map[string]bool{}
	for _, o := range onions {
		want[o] = true
	}
	uploaded := map[string]bool{}
	// Should an upload have happened before the subscription, stop waiting
	// after a while and let the probe (with its NEWNYM recovery) decide.
	giveUp := time.NewTimer(uploadWait)
	defer giveUp.Stop()
	for len(uploaded) < len(want) {
		select {
		case <-giveUp.C:
			n.log.Warn("tornet: no HS_DESC UPLOADED event; probing anyway", "uploaded", len(uploaded), "of", len(want))
			return nil
		case ev, ok := <-c.Events():
			if !ok {
				return fmt.Errorf("tornet: control connection closed while waiting for descriptor upload")
			}
			f := strings.Fields(ev.Raw)
			if ev.Type == "HS_DESC" && len(f) >= 3 && f[1] == "UPLOADED" && want[f[2]+".onion"] {
				uploaded[f[2]+".onion"] = true
			}
		case <-n.client.proc.exited:
			return fmt.Errorf("tornet: %s exited while waiting for descriptor upload", n.client.Name)
		case <-ctx.Done():
			return fmt.Errorf("tornet: waiting for onion descriptor upload (%d of %d uploaded): %w", len(uploaded), len(want), ctx.Err())
		}
	}
	n.log.Info("tornet: descriptors uploaded", "onions", len(want))
	return nil
}

// AddService publishes one more onion service on the running client
// (ADD_ONION with Flags=Detach, so it outlives the control connection) and
// returns its address once it answers an HTTP request through the
// SocksPort. With Service.Key or Seed the address is fixed by that key.
func (n *Network) AddService(ctx context.Context, svc Service) (string, error) {
	if !strings.HasPrefix(svc.Target, "127.0.0.1:") {
		return "", fmt.Errorf("tornet: add service: target %q is not on 127.0.0.1", svc.Target)
	}
	c, err := torctl.Dial(ctx, n.ControlAddr(), torctl.Auth{})
	if err != nil {
		return "", fmt.Errorf("tornet: add service: %w", err)
	}
	defer c.Close()
	if err := c.SetEvents(ctx, "HS_DESC"); err != nil {
		return "", fmt.Errorf("tornet: add service: %w", err)
	}
	keyArg := "NEW:ED25519-V3"
	if k := svc.key(); k != nil {
		keyArg = "ED25519-V3:" + base64.StdEncoding.EncodeToString(expandedKey(k))
	}
	r, err := c.Do(ctx, fmt.Sprintf("ADD_ONION %s Flags=DiscardPK,Detach Port=%d,%s", keyArg, svc.port(), svc.Target))
	if err != nil {
		return "", fmt.Errorf("tornet: add service: %w", err)
	}
	var onion string
	for _, l := range r.Lines {
		if id, ok := strings.CutPrefix(l.Text, "ServiceID="); ok {
			onion = id + ".onion"
		}
	}
	if onion == "" {
		return "", fmt.Errorf("tornet: add service: no ServiceID in ADD_ONION reply")
	}
	if k := svc.key(); k != nil && onion != OnionAddress(k.Public().(ed25519.PublicKey)) {
		return "", fmt.Errorf("tornet: add service: tor says %s, key says %s", onion, OnionAddress(k.Public().(ed25519.PublicKey)))
	}
	if err := n.waitUploaded(ctx, c, []string{onion}); err != nil {
		return "", err
	}
	if err := n.probe(ctx, c, fmt.Sprintf("http://%s:%d/", onion, svc.port())); err != nil {
		return "", err
	}
	n.mu.Lock()
	n.onions = append(n.onions, onion)
	n.mu.Unlock()
	return onion, nil
}

func (n *Network) waitCircuits(ctx context.Context, c *torctl.Conn) error {
	for {
		ok, err := c.CircuitEstablished(ctx)
		if err != nil {
			return fmt.Errorf("tornet: waiting for circuits: %w", err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("tornet: waiting for circuits: %w", ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// probe fetches url through the SocksPort until any HTTP response arrives.
// After a failure it sends NEWNYM (which also clears the client's onion
// descriptor cache and HSDir rate limit) before trying again.
func (n *Network) probe(ctx context.Context, c *torctl.Conn, url string) error {
	var last error
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 30*time.Second)
		status, err := Fetch(actx, n.SocksAddr(), "tornet-probe", url)
		cancel()
		if err == nil {
			n.log.Info("tornet: onion reachable", "url", url, "status", status, "attempt", attempt)
			return nil
		}
		last = err
		n.log.Info("tornet: onion not reachable yet", "url", url, "attempt", attempt, "err", err)
		if err := c.NewNymWait(ctx); err != nil {
			return fmt.Errorf("tornet: onion %s not reachable: %w (last: %v)", url, err, last)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("tornet: onion %s not reachable: %w (last: %v)", url, ctx.Err(), last)
		}
	}
}

// Fetch GETs url through the SOCKS5 proxy at socksAddr with the given SOCKS
// username (the isolation key; password "x"), sending the host name to the
// proxy unresolved, and returns the status code after reading the body.
func Fetch(ctx context.Context, socksAddr, user, url string) (int, error) {
	resp, err := Get(ctx, socksAddr, user, url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20)); err != nil {
		return resp.StatusCode, fmt.Errorf("tornet: read %s: %w", url, err)
	}
	return resp.StatusCode, nil
}

// Get is Fetch that returns the response; the caller closes its body.
func Get(ctx context.Context, socksAddr, user, url string) (*http.Response, error) {
	d, err := proxy.SOCKS5("tcp", socksAddr, &proxy.Auth{User: user, Password: "x"}, nil)
	if err != nil {
		return nil, fmt.Errorf("tornet: socks dialer %s: %w", socksAddr, err)
	}
	tr := &http.Transport{
		Proxy:             nil, // never direct: the SOCKS dialer is the only dialer
		DialContext:       d.(proxy.ContextDialer).DialContext,
		DisableKeepAlives: true,
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("tornet: request %s: %w", url, err)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("tornet: fetch %s via %s: %w", url, socksAddr, err)
	}
	return resp, nil
}

// waitFile waits until path exists and is non-empty, and returns it.
func waitFile(ctx context.Context, path string, nd *Node) (string, error) {
	for {
		b, err := os.ReadFile(path)
		if err == nil && len(b) > 0 {
			return string(b), nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("tornet: waiting for %s: %w", path, ctx.Err())
		case <-nd.proc.exited:
			return "", fmt.Errorf("tornet: %s exited (%v) while waiting for %s", nd.Name, nd.proc.waitErr, filepath.Base(path))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freePorts returns n distinct free TCP ports on 127.0.0.1. All listeners
// are held until every port is chosen, so the ports differ.
func freePorts(n int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("tornet: free port: %w", err)
		}
		lns = append(lns, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomPassword() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("tornet: password: %w", err)
	}
	return hex.EncodeToString(b), nil
}
