package crawler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
)

func TestRedirectAndDialOutOfScopeRefused(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	c, err := New(testConfig(sim, &dialLog{}))
	if err != nil {
		t.Fatal(err)
	}
	r := &run{c: c}
	stranger := testOnion("stranger")
	market := sim.Markets()[0].Onion
	req := func(u string) *http.Request {
		rq, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return rq
	}
	via := []*http.Request{req("http://" + market + "/")}
	var rse *redirectScopeError
	if err := r.checkRedirect(req("http://"+stranger+"/x"), via); !errors.As(err, &rse) {
		t.Errorf("redirect to %s: %v, want refused", stranger, err)
	}
	if err := r.checkRedirect(req("http://example.com/"), via); !errors.As(err, &rse) {
		t.Errorf("redirect to clearnet: %v, want refused", err)
	}
	if err := r.checkRedirect(req("http://"+market+"/img/1.png"), via); !errors.Is(err, errNonTextRedirect) {
		t.Errorf("redirect to an image: %v", err)
	}
	if err := r.checkRedirect(req("http://"+market+"/listing/1"), via); err != nil {
		t.Errorf("in-scope redirect refused: %v", err)
	}
	// The transport itself refuses hosts outside the scope: no CONNECT is sent.
	_, err = (&http.Client{Transport: c.transport}).Get("http://" + stranger + "/")
	if err == nil || !strings.Contains(err.Error(), "not in scope") {
		t.Fatalf("out-of-scope fetch: %v", err)
	}
	for _, p := range sim.ProxyLog() {
		if p.Host == stranger {
			t.Fatal("CONNECT sent for an out-of-scope host")
		}
	}
}

func TestConnectAndFirstByteTimeouts(t *testing.T) {
	// A "proxy" that accepts and never answers the SOCKS greeting.
	silent := silentListener(t)
	c, err := New(Config{
		Proxy: "socks5h://" + silent, Seeds: []string{"http://" + testOnion("t") + "/"},
		ConnectTimeout: 200 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
		Retry: map[string]Backoff{ClassConnectTimeout: {Attempts: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(context.Background(), func(context.Context, fentinel.Page) error { return nil })
	if err != nil || st.Errors[ClassConnectTimeout] != 1 {
		t.Errorf("connect timeout: err %v, errors %v", err, st.Errors)
	}

	// A market that answers slower than the first-byte budget.
	sim := startSim(t, marketsim.Options{Latency: 2 * time.Second})
	cfg := testConfig(sim, &dialLog{})
	cfg.Seeds = sim.Seeds()[:1]
	cfg.FirstByteTimeout = 200 * time.Millisecond
	cfg.Retry = map[string]Backoff{ClassFirstByte: {Attempts: 1}}
	c, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err = c.Run(context.Background(), func(context.Context, fentinel.Page) error { return nil })
	if err != nil || st.Errors[ClassFirstByte] != 1 {
		t.Errorf("first-byte timeout: err %v, errors %v", err, st.Errors)
	}
}

func TestPolitenessRateCapsAndProgress(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	cfg := testConfig(sim, &dialLog{})
	cfg.Seeds = sim.Seeds()[:1]
	cfg.PerHostRate = 20 // one request start per 50 ms on the site
	cfg.MaxPagesPerHost = 12
	cfg.ProgressInterval = 50 * time.Millisecond
	var mu sync.Mutex
	var snaps []Stats
	cfg.Progress = func(s Stats) {
		mu.Lock()
		snaps = append(snaps, s)
		mu.Unlock()
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	st, err := c.Run(context.Background(), func(context.Context, fentinel.Page) error { return nil })
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	host := sim.Markets()[0].Onion
	if n := sim.Requests(host, ""); n != 12 || st.Requests != 12 {
		t.Errorf("site got %d requests (stats %d), cap 12", n, st.Requests)
	}
	if st.SkippedBy[SkipHostCap] == 0 {
		t.Errorf("host cap not counted: %+v", st.SkippedBy)
	}
	// Politeness is a lower bound, not a speed target: 12 starts spaced by
	// 50 ms cannot take less than 11 intervals.
	if elapsed < 11*50*time.Millisecond {
		t.Errorf("12 requests at 20/s took %s", elapsed)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(snaps) < 2 {
		t.Fatalf("%d progress snapshots", len(snaps))
	}
	last := snaps[len(snaps)-1]
	if last.Fetched != st.Fetched || last.Requests != st.Requests {
		t.Errorf("final progress %+v differs from the result %+v", last, st)
	}
	for i := 1; i < len(snaps); i++ {
		if snaps[i].Requests < snaps[i-1].Requests {
			t.Errorf("progress went backwards: %d then %d", snaps[i-1].Requests, snaps[i].Requests)
		}
	}
}

func TestBudgetLeavesQueueForNextRun(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	cfg := testConfig(sim, &dialLog{})
	cfg.MaxPages = 5
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var col collector
	st, err := c.RunInfo(context.Background(), col.handle)
	if err != nil || st.Fetched != 5 || st.Pending == 0 {
		t.Fatalf("budgeted run: err %v, fetched %d, pending %d", err, st.Fetched, st.Pending)
	}
	st2, err := c.RunInfo(context.Background(), col.handle)
	if err != nil || st2.Fetched != 5 {
		t.Fatalf("second budgeted run: err %v, fetched %d", err, st2.Fetched)
	}
	for u, n := range col.urls() {
		if n != 1 {
			t.Errorf("%s fetched %d times across budgeted runs", u, n)
		}
	}
}

func TestCredentialsNeverLogged(t *testing.T) {
	sim := startSim(t, marketsim.Options{Hostile: true, QueueWait: time.Second, SlowFor: 5 * time.Second})
	var buf bytes.Buffer
	var mu sync.Mutex
	cfg := hostileConfig(sim, &dialLog{})
	cfg.Logger = slog.New(slog.NewJSONHandler(lockedWriter{&buf, &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	lab, _ := sim.Lab()
	cfg.Cookies = []string{lab.Onion + "=" + sim.Options().SessionCookieName + "=" + sim.Options().SessionCookieValue}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background(), func(context.Context, fentinel.Page) error { return nil }); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	logs := buf.String()
	mu.Unlock()
	if logs == "" {
		t.Fatal("no logs at debug level")
	}
	for _, r := range sim.ProxyLog() {
		if r.Username != "" && strings.Contains(logs, r.Username) {
			t.Fatalf("SOCKS credential %q in the logs", r.Username)
		}
	}
	if strings.Contains(logs, sim.Options().SessionCookieValue) {
		t.Fatal("session cookie value in the logs")
	}
	if strings.Contains(logs, "Acetylfentanyl") || strings.Contains(logs, "<html") {
		t.Fatal("page body in the logs")
	}
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
