package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
)

// startSim starts the shared market simulator, closed when the test ends.
func startSim(t testing.TB, opts marketsim.Options) *marketsim.Sim {
	t.Helper()
	s, err := marketsim.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("marketsim.Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// dialLog is a proxy dial hook that records every address dialled and uses
// a resolver that records and fails every lookup: a crawl that resolved a
// name locally would show up in lookups (and fail).
type dialLog struct {
	mu      sync.Mutex
	dials   []string
	lookups []string
}

func (d *dialLog) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.dials = append(d.dials, addr)
	d.mu.Unlock()
	nd := &net.Dialer{Resolver: &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, server string) (net.Conn, error) {
		d.mu.Lock()
		d.lookups = append(d.lookups, server)
		d.mu.Unlock()
		return nil, errors.New("test: local DNS is forbidden")
	}}}
	return nd.DialContext(ctx, network, addr)
}

func (d *dialLog) snapshot() (dials, lookups []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.dials), slices.Clone(d.lookups)
}

// testConfig is a fast configuration for the simulator (loopback: no Tor
// latency), with the dial hook installed.
func testConfig(s *marketsim.Sim, dl *dialLog) Config {
	return Config{
		Proxy:            s.ProxyURL(),
		Seeds:            s.Seeds(),
		MaxDepth:         10,
		Concurrency:      8,
		PerHost:          4,
		PerHostRate:      500,
		Timeout:          10 * time.Second,
		ConnectTimeout:   5 * time.Second,
		FirstByteTimeout: 5 * time.Second,
		Logger:           slog.New(slog.DiscardHandler),
		Retry: map[string]Backoff{
			ClassHTTP5xx: {Attempts: 3, Base: 50 * time.Millisecond, Max: 200 * time.Millisecond},
			ClassProxy:   {Attempts: 2, Base: 10 * time.Millisecond, Max: 20 * time.Millisecond},
		},
		dialProxy: dl.dial,
	}
}

// collector gathers handed-on pages.
type collector struct {
	mu    sync.Mutex
	pages []fentinel.Page
	infos []PageInfo
}

func (c *collector) handle(_ context.Context, p fentinel.Page, info PageInfo) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pages = append(c.pages, p)
	c.infos = append(c.infos, info)
	return nil
}

func (c *collector) urls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[string]int{}
	for _, p := range c.pages {
		m[p.URL]++
	}
	return m
}

func TestCrawlMarketsThroughSOCKS(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	dl := &dialLog{}
	cfg := testConfig(sim, dl)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Preflight(context.Background()); err != nil {
		t.Fatalf("Preflight against a live proxy: %v", err)
	}
	var col collector
	st, err := c.RunInfo(context.Background(), col.handle)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := col.urls()

	// Every listing and content page of the ground truth was fetched, once.
	for _, l := range sim.Truth() {
		if l.Gate != "" {
			continue
		}
		canon, _ := Canonicalize(l.URL)
		if got[canon] != 1 {
			t.Errorf("truth page %s handed on %d times, want 1", canon, got[canon])
		}
	}
	for u, n := range got {
		if n != 1 {
			t.Errorf("%s handed on %d times", u, n)
		}
	}
	if st.Fetched != len(col.pages) || st.Fetched < len(sim.Truth()) {
		t.Errorf("Stats.Fetched = %d, pages = %d, truth = %d", st.Fetched, len(col.pages), len(sim.Truth()))
	}

	// Pages carry what the pipeline needs; Set-Cookie never leaves the crawler.
	markets := map[string]bool{}
	for _, m := range sim.Markets() {
		markets[m.Onion] = true
	}
	for _, p := range col.pages {
		if !markets[p.Site] || p.Status != 200 || p.FetchedAt.IsZero() || p.Depth < 1 || len(p.Body) == 0 || p.FinalURL == "" {
			t.Fatalf("bad page %+v", p)
		}
		if p.Header.Get("Set-Cookie") != "" {
			t.Fatalf("Set-Cookie kept on %s", p.URL)
		}
		if !strings.HasPrefix(p.ContentType(), "text/html") {
			t.Fatalf("Content-Type %q on %s", p.ContentType(), p.URL)
		}
	}

	// No image, ever.
	if n := sim.ImageRequests(); n != 0 {
		t.Errorf("%d image requests", n)
	}

	// OPSEC: only the proxy was dialled, no name was resolved locally, and
	// every CONNECT carried a domain name (ATYP 3) of an in-scope onion with
	// per-site credentials.
	dials, lookups := dl.snapshot()
	if len(lookups) != 0 {
		t.Errorf("local DNS lookups: %v", lookups)
	}
	for _, a := range dials {
		if a != c.ProxyAddr() {
			t.Errorf("dialled %s, not the proxy %s", a, c.ProxyAddr())
		}
	}
	userOf := map[string]string{}
	log := sim.ProxyLog()
	if len(log) == 0 {
		t.Fatal("empty proxy log")
	}
	for _, r := range log {
		if r.ATYP != marketsim.ATYPDomain || !markets[r.Host] {
			t.Errorf("CONNECT atyp=%d host=%s", r.ATYP, r.Host)
		}
		if r.Username == "" || !r.PasswordSet {
			t.Errorf("CONNECT to %s without isolation credentials", r.Host)
		}
		if prev, ok := userOf[r.Host]; ok && prev != r.Username {
			t.Errorf("site %s used two SOCKS identities", r.Host)
		}
		userOf[r.Host] = r.Username
	}
	seenUsers := map[string]bool{}
	for _, u := range userOf {
		if seenUsers[u] {
			t.Errorf("two sites share the SOCKS identity %s", u)
		}
		seenUsers[u] = true
	}

	// Politeness: never more than PerHost requests in flight per site.
	for m := range markets {
		if n := sim.MaxInFlight(m); n > cfg.PerHost {
			t.Errorf("%s saw %d requests in flight, PerHost = %d", m, n, cfg.PerHost)
		}
	}
	if st.WireBytes <= 0 || st.Bytes <= 0 || st.Requests < st.Fetched {
		t.Errorf("counters: %+v", st)
	}
}

func TestPreflightFailsClosed(t *testing.T) {
	// A closed port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()

	// A listener that accepts and never answers.
	silent := silentListener(t)

	// A listener that speaks HTTP, not SOCKS.
	httpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer httpLn.Close()
	go func() {
		for {
			c, err := httpLn.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			c.Close()
		}
	}()

	tests := []struct {
		name, addr string
		timeout    time.Duration
	}{
		{"closed port", closedAddr, PreflightTimeout},
		{"silent listener", silent, 2 * time.Second},
		{"not socks", httpLn.Addr().String(), PreflightTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dl := &dialLog{}
			c, err := New(Config{
				Proxy:     "socks5h://" + tt.addr,
				Seeds:     []string{"http://" + testOnion("dead") + "/"},
				Logger:    slog.New(slog.DiscardHandler),
				dialProxy: dl.dial,
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			err = c.Preflight(ctx)
			if !errors.Is(err, ErrProxyUnreachable) {
				t.Fatalf("Preflight err = %v, want ErrProxyUnreachable", err)
			}
			if !strings.Contains(err.Error(), tt.addr) {
				t.Fatalf("error does not name the proxy %s: %v", tt.addr, err)
			}
			dials, lookups := dl.snapshot()
			if len(lookups) != 0 || len(dials) != 1 || dials[0] != tt.addr {
				t.Fatalf("dials %v lookups %v: want exactly one dial, to the proxy", dials, lookups)
			}
		})
	}
}

func TestRunDeadProxyFailsWithProxyNamed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dl := &dialLog{}
	c, err := New(Config{
		Proxy:     "socks5h://" + addr,
		Seeds:     []string{"http://" + testOnion("d1") + "/", "http://" + testOnion("d2") + "/"},
		Logger:    slog.New(slog.DiscardHandler),
		Retry:     map[string]Backoff{ClassProxy: {Attempts: 2, Base: 10 * time.Millisecond, Max: 10 * time.Millisecond}},
		dialProxy: dl.dial,
	})
	if err != nil {
		t.Fatal(err)
	}
	var handled atomic.Int32
	st, err := c.Run(context.Background(), func(context.Context, fentinel.Page) error { handled.Add(1); return nil })
	if !errors.Is(err, ErrProxyUnreachable) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Run err = %v, want ErrProxyUnreachable naming %s", err, addr)
	}
	if handled.Load() != 0 || st.Errors[ClassProxy] == 0 {
		t.Fatalf("handled %d, stats %+v", handled.Load(), st)
	}
	dials, lookups := dl.snapshot()
	for _, d := range dials {
		if d != addr {
			t.Fatalf("dialled %s", d)
		}
	}
	if len(lookups) != 0 {
		t.Fatalf("lookups %v", lookups)
	}
}

func TestResumeAfterCancelFetchesEachPageOnce(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	dl := &dialLog{}
	cfg := testConfig(sim, dl)
	cfg.Concurrency, cfg.PerHost = 2, 1
	f := NewMemoryFrontier()
	cfg.Frontier = f
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var col collector
	var n atomic.Int32
	_, err = c.RunInfo(ctx, func(ctx context.Context, p fentinel.Page, info PageInfo) error {
		if n.Add(1) == 10 {
			cancel()
		}
		return col.handle(ctx, p, info)
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first run err = %v, want context.Canceled", err)
	}
	first := len(col.urls())
	if pending, _ := f.Pending(context.Background()); pending == 0 {
		t.Fatal("nothing left to resume")
	}
	st, err := c.RunInfo(context.Background(), col.handle)
	if err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	got := col.urls()
	checkEachPageOnce(t, sim, got)
	t.Logf("first run handed %d pages, resumed run %d (total %d)", first, st.Fetched, len(got))
	if first == 0 || st.Fetched == 0 {
		t.Fatalf("first=%d resumed=%d: the cancel did not split the crawl", first, st.Fetched)
	}

	// A third run is a new pass: everything again, all unchanged. Run's
	// handler finds the PageInfo in its context.
	var col3 collector
	st3, err := c.Run(context.Background(), func(ctx context.Context, p fentinel.Page) error {
		info, ok := InfoFrom(ctx)
		if !ok || info.ContentHash != p.ContentHash() {
			return fmt.Errorf("no PageInfo in the handler context for %s", p.URL)
		}
		return col3.handle(ctx, p, info)
	})
	if err != nil {
		t.Fatal(err)
	}
	if st3.Fetched != len(got) || st3.Unchanged != st3.Fetched {
		t.Errorf("new pass fetched %d (unchanged %d), want %d all unchanged", st3.Fetched, st3.Unchanged, len(got))
	}
}

// silentListener returns the address of a loopback listener that accepts
// connections and never writes to them; listener and connections are
// closed when the test ends.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// checkEachPageOnce checks that a crawl resumed over two runs handed on
// every page (got counts hand-ons by URL) and every truth page exactly once,
// and requested every URI of every market exactly once.
func checkEachPageOnce(t *testing.T, sim *marketsim.Sim, got map[string]int) {
	t.Helper()
	for u, k := range got {
		if k != 1 {
			t.Errorf("%s handed on %d times over both runs", u, k)
		}
	}
	for _, l := range sim.Truth() {
		canon, _ := Canonicalize(l.URL)
		if got[canon] != 1 {
			t.Errorf("truth page %s handed on %d times", canon, got[canon])
		}
	}
	for _, m := range sim.Markets() {
		for uri, k := range exactRequests(sim, m.Onion) {
			if k != 1 {
				t.Errorf("%s%s requested %d times", m.Onion, uri, k)
			}
		}
	}
}

// crawlOnce builds a crawler from cfg and runs it once to the end,
// collecting every page handed on.
func crawlOnce(t *testing.T, cfg Config) (*collector, Stats) {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	col := &collector{}
	st, err := c.RunInfo(context.Background(), col.handle)
	if err != nil {
		t.Fatal(err)
	}
	return col, st
}

// exactRequests returns how many times host received each request URI
// (marketsim's Requests counts by prefix).
func exactRequests(sim *marketsim.Sim, host string) map[string]int {
	uris := sim.RequestURIs(host)
	slices.SortFunc(uris, func(a, b string) int { return len(b) - len(a) })
	exact := map[string]int{}
	for _, u := range uris {
		n := sim.Requests(host, u)
		if u == "/" {
			n = sim.Requests(host, "")
		}
		for v, k := range exact {
			if v != u && strings.HasPrefix(v, u) {
				n -= k
			}
		}
		exact[u] = n
	}
	return exact
}

func ExampleCrawler_Run() {
	sim, err := marketsim.Start(context.Background(), marketsim.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	c, err := New(Config{Proxy: sim.ProxyURL(), Seeds: sim.Seeds()[:1], MaxPages: 3, PerHostRate: 100, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Preflight(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	st, err := c.Run(context.Background(), func(ctx context.Context, p fentinel.Page) error { return nil })
	fmt.Println(st.Fetched, err)
	// Output: 3 <nil>
}
