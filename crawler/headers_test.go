package crawler

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
)

func TestRequestHeadersTorBrowserLike(t *testing.T) {
	c, err := New(Config{Seeds: []string{"http://" + testOnion("h") + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	r := &run{c: c, cfg: c.cfg}
	o := "http://" + testOnion("h")
	seed := r.requestHeaders(fentinel.QueuedURL{URL: o + "/"})
	child := r.requestHeaders(fentinel.QueuedURL{URL: o + "/listing/1", Parent: o + "/"})
	if seed.Get("User-Agent") != DefaultUserAgent || seed.Get("Accept-Language") != "en-US,en;q=0.5" || seed.Get("Referer") != "" {
		t.Errorf("seed headers %v", seed)
	}
	if child.Get("Referer") != o+"/" || child.Get("Sec-Fetch-Site") != "same-origin" {
		t.Errorf("child headers %v", child)
	}
	// Setting Accept-Encoding by hand defeats colly's body cap (gzip bomb).
	if seed.Get("Accept-Encoding") != "" || child.Get("Accept-Encoding") != "" {
		t.Error("Accept-Encoding set by hand")
	}
	// A cross-site parent leaks no Referer.
	other := r.requestHeaders(fentinel.QueuedURL{URL: o + "/x", Parent: "http://" + testOnion("elsewhere") + "/"})
	if other.Get("Referer") != "" {
		t.Error("cross-site Referer sent")
	}
}

// TestNoGoroutinesLeft checks that a Run leaves no goroutine behind: the
// worker pool is fixed and idle connections are closed at the end.
func TestNoGoroutinesLeft(t *testing.T) {
	sim := startSim(t, marketsim.Options{ListingsPerMarket: 100})
	cfg := testConfig(sim, &dialLog{})
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	var mu sync.Mutex
	peak := 0
	st, err := c.Run(context.Background(), func(context.Context, fentinel.Page) error {
		n := runtime.NumGoroutine()
		mu.Lock()
		peak = max(peak, n)
		mu.Unlock()
		return nil
	})
	if err != nil || st.Fetched < 200 {
		t.Fatalf("run: %v, fetched %d", err, st.Fetched)
	}
	deadline := time.Now().Add(5 * time.Second)
	after := runtime.NumGoroutine()
	for after > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		after = runtime.NumGoroutine()
	}
	t.Logf("goroutines: before %d, peak during the crawl %d (simulator included), after %d; %d pages", before, peak, after, st.Fetched)
	if after > before {
		t.Errorf("%d goroutines left after Run (before: %d)", after, before)
	}
}
