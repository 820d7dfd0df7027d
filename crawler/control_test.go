package crawler

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
	"github.com/fentinel/fentinel/torctl"
)

var _ Control = (*torctl.Conn)(nil)

// fakeControl is a loopback Tor control port that speaks just enough of the
// protocol for torctl: PROTOCOLINFO (NULL auth), AUTHENTICATE, GETINFO
// status/circuit-established and SIGNAL NEWNYM.
type fakeControl struct {
	ln      net.Listener
	circuit string
	mu      sync.Mutex
	cmds    []string
}

func startFakeControl(t *testing.T, circuit string) *fakeControl {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeControl{ln: ln, circuit: circuit}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeControl) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		f.mu.Lock()
		f.cmds = append(f.cmds, line)
		f.mu.Unlock()
		switch kw, _, _ := strings.Cut(line, " "); strings.ToUpper(kw) {
		case "PROTOCOLINFO":
			c.Write([]byte("250-PROTOCOLINFO 1\r\n250-AUTH METHODS=NULL\r\n250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n"))
		case "AUTHENTICATE", "SIGNAL":
			c.Write([]byte("250 OK\r\n"))
		case "GETINFO":
			c.Write([]byte("250-status/circuit-established=" + f.circuit + "\r\n250 OK\r\n"))
		default:
			c.Write([]byte("510 Unrecognized command\r\n"))
		}
	}
}

func (f *fakeControl) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.cmds {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func TestPreflightControlPort(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	for _, tt := range []struct {
		circuit string
		want    error
	}{{"1", nil}, {"0", ErrTorNotReady}} {
		fc := startFakeControl(t, tt.circuit)
		ctl, err := torctl.Dial(context.Background(), fc.ln.Addr().String(), torctl.Auth{})
		if err != nil {
			t.Fatal(err)
		}
		defer ctl.Close()
		cfg := testConfig(sim, &dialLog{})
		cfg.Control = ctl
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = c.Preflight(context.Background())
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("circuit-established=%s: Preflight = %v, want %v", tt.circuit, err, tt.want)
		}
		if fc.count("GETINFO status/circuit-established") != 1 {
			t.Errorf("GETINFO not sent once: %v", fc.cmds)
		}
	}
}

func TestOnionFailuresTypedRetriedAndSiteDown(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	fc := startFakeControl(t, "1")
	ctl, err := torctl.Dial(context.Background(), fc.ln.Addr().String(), torctl.Auth{})
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	gone := testOnion("gone") // valid v3 address that no market serves: F0
	dl := &dialLog{}
	cfg := testConfig(sim, dl)
	cfg.Seeds = []string{"http://" + gone + "/"}
	cfg.Control = ctl
	cfg.DownAfter = 1
	cfg.DownFor = 20 * time.Millisecond
	cfg.Retry = map[string]Backoff{ClassDescriptor: {Attempts: 3, Base: 5 * time.Millisecond, Max: 10 * time.Millisecond}}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	// The error a fetch sees is a typed TorError.
	_, err = (&http.Client{Transport: c.transport}).Get("http://" + gone + "/")
	var te *TorError
	if !errors.As(err, &te) || te.Code != 0xF0 || te.Class != ClassDescriptor || !te.Retryable {
		t.Fatalf("fetch error %v: want TorError 0xF0 descriptor retryable", err)
	}

	st, err := c.Run(context.Background(), func(context.Context, fentinel.Page) error { return nil })
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st.Errors[ClassDescriptor] != 3 || st.Retries != 2 || st.Dropped != 1 || st.Fetched != 0 {
		t.Errorf("stats %+v: want 3 descriptor errors, 2 retries, 1 dropped", st)
	}
	if st.HostsDown < 2 {
		t.Errorf("HostsDown = %d, want the site marked down after each failed probe", st.HostsDown)
	}
	if fc.count("SIGNAL NEWNYM") < 1 {
		t.Errorf("no NEWNYM sent for recovery; control saw %v", fc.cmds)
	}
	n := 0
	for _, r := range sim.ProxyLog() {
		if r.Host == gone {
			n++
			if r.Reply != marketsim.ReplyOnionNotFound {
				t.Errorf("proxy reply 0x%02x", r.Reply)
			}
		}
	}
	if n != 4 { // the direct probe above plus three attempts
		t.Errorf("%d CONNECTs to %s, want 4", n, gone)
	}
}

func TestClearnetStillThroughProxy(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	dl := &dialLog{}
	cfg := testConfig(sim, dl)
	cfg.Seeds = []string{"http://clearnet.example/"}
	cfg.Clearnet = true
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(context.Background(), func(context.Context, fentinel.Page) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if st.Errors[ClassRuleset] != 1 || st.Dropped != 1 {
		t.Errorf("stats %+v: want one not-retried ruleset refusal", st)
	}
	found := false
	for _, r := range sim.ProxyLog() {
		if r.Host == "clearnet.example" && r.ATYP == marketsim.ATYPDomain {
			found = true
		}
	}
	dials, lookups := dl.snapshot()
	if !found || len(lookups) != 0 {
		t.Errorf("clearnet CONNECT through the proxy by name: %v; local lookups %v", found, lookups)
	}
	for _, d := range dials {
		if d != c.ProxyAddr() {
			t.Errorf("dialled %s directly", d)
		}
	}
}

// TestMirrorFailover: the primary onion of a mirror group is gone
// (descriptor not found); the crawler switches to the mirror and crawls the
// market there, reporting every page under the primary's site key.
func TestMirrorFailover(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	market := sim.Markets()[0].Onion
	primary := testOnion("primary-gone")
	cfg := testConfig(sim, &dialLog{})
	cfg.Seeds = []string{"http://" + primary + "/"}
	cfg.Mirrors = map[string][]string{primary: {market}}
	cfg.DownAfter = 1
	cfg.Retry = map[string]Backoff{ClassDescriptor: {Attempts: 3, Base: 5 * time.Millisecond, Max: 10 * time.Millisecond}}
	col, st := crawlOnce(t, cfg)
	if st.Failovers != 1 || st.Errors[ClassDescriptor] != 1 {
		t.Errorf("failovers %d, descriptor errors %d", st.Failovers, st.Errors[ClassDescriptor])
	}
	got := col.urls()
	n := 0
	for _, l := range sim.Truth() {
		if l.Site != market {
			continue
		}
		n++
		canon, _ := Canonicalize(strings.Replace(l.URL, market, primary, 1))
		if got[canon] != 1 {
			t.Errorf("%s handed on %d times", canon, got[canon])
		}
	}
	for _, p := range col.pages {
		if p.Site != primary || hostOf(p.URL) != primary || hostOf(p.FinalURL) != market {
			t.Fatalf("page %s (final %s) site %s", p.URL, p.FinalURL, p.Site)
		}
	}
	if n == 0 || sim.Requests(market, "") < n {
		t.Fatalf("truth %d, requests to the mirror %d", n, sim.Requests(market, ""))
	}
}
