package crawler

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
)

// hostileConfig crawls the simulator with the hostile lab: a 4 s total
// timeout (the slow page dribbles for 20 s or more), a 2 MiB body cap,
// quick retries.
func hostileConfig(sim *marketsim.Sim, dl *dialLog) Config {
	cfg := testConfig(sim, dl)
	cfg.MaxBodyBytes = 2 << 20
	cfg.Timeout = 4 * time.Second
	cfg.MaxDepth = 8
	cfg.Retry = map[string]Backoff{
		ClassHTTP5xx:       {Attempts: 3, Base: 20 * time.Millisecond, Max: 50 * time.Millisecond},
		ClassTimeout:       {Attempts: 1},
		ClassCircuitKilled: {Attempts: 2, Base: 20 * time.Millisecond, Max: 50 * time.Millisecond},
	}
	return cfg
}

func TestHostileLab(t *testing.T) {
	sim := startSim(t, marketsim.Options{Hostile: true, QueueWait: time.Second, SlowFor: 20 * time.Second})
	lab, ok := sim.Lab()
	if !ok {
		t.Fatal("no lab")
	}
	dl := &dialLog{}
	cfg := hostileConfig(sim, dl)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var col collector
	start := time.Now()
	st, err := c.RunInfo(context.Background(), col.handle)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("hostile crawl: %d pages fetched, %d requests, %s, stats %+v", st.Fetched, st.Requests, time.Since(start).Round(time.Millisecond), st)
	got := col.urls()
	pageOf := map[string]int{}
	for i, p := range col.pages {
		pageOf[p.URL] = i
	}
	labURL := func(p string) string { return "http://" + lab.Onion + p }
	h := lab.Onion
	exact := exactRequests(sim, h)
	trapReq := func(prefix string) int {
		n := 0
		for u, k := range exact {
			if strings.HasPrefix(u, prefix) {
				n += k
			}
		}
		return n
	}

	// Ordinary markets still crawled in full.
	for _, l := range sim.Truth() {
		if l.Site == h || l.Gate != "" {
			continue
		}
		canon, _ := Canonicalize(l.URL)
		if got[canon] != 1 {
			t.Errorf("truth page %s handed on %d times", canon, got[canon])
		}
	}

	t.Run("slow page bounded by the total timeout", func(t *testing.T) {
		if got[labURL(marketsim.LabSlow)] != 0 || st.Errors[ClassTimeout] != 1 || exact[marketsim.LabSlow] != 1 {
			t.Errorf("slow: handed %d, timeout errors %d, requests %d", got[labURL(marketsim.LabSlow)], st.Errors[ClassTimeout], exact[marketsim.LabSlow])
		}
	})
	t.Run("503 then 200 retried once", func(t *testing.T) {
		if got[labURL(marketsim.LabFlaky)] != 1 || st.Errors[ClassHTTP5xx] != 1 || exact[marketsim.LabFlaky] != 2 {
			t.Errorf("flaky: handed %d, 5xx errors %d, requests %d", got[labURL(marketsim.LabFlaky)], st.Errors[ClassHTTP5xx], exact[marketsim.LabFlaky])
		}
	})
	t.Run("25 MB page capped", func(t *testing.T) {
		i, ok := pageOf[labURL(marketsim.LabBig)]
		if !ok {
			t.Fatal("big page not handed on")
		}
		p := col.pages[i]
		if !p.Truncated || int64(len(p.Body)) != cfg.MaxBodyBytes {
			t.Errorf("big page: truncated=%v len=%d", p.Truncated, len(p.Body))
		}
	})
	t.Run("gzip bomb capped after decompression", func(t *testing.T) {
		i, ok := pageOf[labURL(marketsim.LabBomb)]
		if !ok {
			t.Fatal("bomb page not handed on")
		}
		p := col.pages[i]
		compressed, inflated := sim.BombSize()
		sent := sim.BytesSent(h, marketsim.LabBomb)
		t.Logf("bomb: %d bytes compressed, %d inflated; body kept %d, server wrote %d compressed bytes before the crawler hung up", compressed, inflated, len(p.Body), sent)
		if !p.Truncated || int64(len(p.Body)) != cfg.MaxBodyBytes {
			t.Errorf("bomb body %d bytes, truncated=%v", len(p.Body), p.Truncated)
		}
		if st.Bytes > 16*cfg.MaxBodyBytes {
			t.Errorf("read %d body bytes in total", st.Bytes)
		}
	})
	t.Run("traps", func(t *testing.T) {
		cal := trapReq("/lab/calendar/")
		rep := trapReq(marketsim.LabRepeat)
		ses := trapReq(marketsim.LabSession)
		t.Logf("requests per trap: calendar %d, repeating path %d, session ids %d", cal, rep, ses)
		if cal == 0 || cal > calendarLimit+1 {
			t.Errorf("calendar trap: %d requests", cal)
		}
		if rep != 1 {
			t.Errorf("repeating path trap: %d requests", rep)
		}
		if ses != 2 { // /lab/session and /lab/session/list, session ids stripped
			t.Errorf("session-id trap: %d requests: %v", ses, exact)
		}
	})
	t.Run("login wall detected", func(t *testing.T) {
		if st.Blocked[BlockedLogin] != 1 || sim.LabStats().LoginRedirects != 1 || st.SessionExpired != 0 {
			t.Errorf("login: blocked %d, redirects %d, expired %d", st.Blocked[BlockedLogin], sim.LabStats().LoginRedirects, st.SessionExpired)
		}
	})
	t.Run("queue waited out, never early", func(t *testing.T) {
		ls := sim.LabStats()
		if st.Blocked[BlockedQueue] < 1 || ls.QueueKills != 0 || ls.QueuePassed < 1 {
			t.Errorf("queue: blocked %d, lab %+v", st.Blocked[BlockedQueue], ls)
		}
		if got["http://"+h+"/lab/queue/listing/1"] != 1 {
			t.Error("queue-protected listing not fetched after the wait")
		}
	})
	t.Run("captcha recorded", func(t *testing.T) {
		if st.Blocked[BlockedCaptcha] != 1 || got[labURL(marketsim.LabCaptcha)] != 0 {
			t.Errorf("captcha: blocked %d", st.Blocked[BlockedCaptcha])
		}
	})
	t.Run("charsets left as received, Content-Type kept", func(t *testing.T) {
		raw := func(path string) []byte {
			resp, err := (&http.Client{Transport: c.transport}).Get(labURL(path))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			b.ReadFrom(resp.Body)
			return b.Bytes()
		}
		for _, tc := range []struct{ path, ct string }{{marketsim.LabCP1251, "text/html; charset=windows-1251"}, {marketsim.LabGBK, "text/html"}} {
			i, ok := pageOf[labURL(tc.path)]
			if !ok {
				t.Fatalf("%s not handed on", tc.path)
			}
			p := col.pages[i]
			if p.ContentType() != tc.ct || !bytes.Equal(p.Body, raw(tc.path)) {
				t.Errorf("%s: Content-Type %q, body re-encoded: %v", tc.path, p.ContentType(), !bytes.Equal(p.Body, raw(tc.path)))
			}
		}
	})
	t.Run("malformed HTML tolerated", func(t *testing.T) {
		if got[labURL(marketsim.LabMalformed)] != 1 {
			t.Error("malformed listing not handed on")
		}
	})
	t.Run("images, media and archives never fetched", func(t *testing.T) {
		if got[labURL(marketsim.LabGallery)] != 1 {
			t.Error("gallery listing not handed on")
		}
		if n := sim.ImageRequests(); n != 0 {
			t.Errorf("%d image requests", n)
		}
		if n := trapReq(marketsim.LabFiles); n != 0 {
			t.Errorf("%d file downloads", n)
		}
	})
	t.Run("off-site links never followed", func(t *testing.T) {
		markets := map[string]bool{}
		for _, m := range sim.Markets() {
			markets[m.Onion] = true
		}
		for _, r := range sim.ProxyLog() {
			if !markets[r.Host] {
				t.Errorf("CONNECT to %s", r.Host)
			}
		}
		if st.OutOfScope < len(sim.ExternalLinks()) {
			t.Errorf("OutOfScope = %d", st.OutOfScope)
		}
		if _, lookups := dl.snapshot(); len(lookups) != 0 {
			t.Errorf("local lookups %v", lookups)
		}
	})
	t.Run("mirror grouped with its market", func(t *testing.T) {
		mirrors := 0
		for _, m := range sim.Markets() {
			for _, mirror := range m.Mirrors {
				mirrors++
				if site, ok := c.Site("http://" + mirror + "/"); !ok || site != m.Onion {
					t.Errorf("mirror %s: site %q %v, want %s", mirror, site, ok, m.Onion)
				}
				if n := sim.Requests(mirror, ""); n != 0 {
					t.Errorf("mirror %s crawled again: %d requests", mirror, n)
				}
			}
		}
		if mirrors == 0 || st.MirrorsFound != mirrors {
			t.Errorf("mirrors in sim %d, found %d", mirrors, st.MirrorsFound)
		}
	})
}

func TestHostileLoginWithSessionCookie(t *testing.T) {
	sim := startSim(t, marketsim.Options{Hostile: true, QueueWait: time.Second, SlowFor: 20 * time.Second})
	lab, _ := sim.Lab()
	opts := sim.Options()
	for _, tt := range []struct {
		name    string
		cookie  string
		fetched int
		expired int
	}{
		{"valid session", opts.SessionCookieValue, 1, 0},
		{"expired session", "stale-session", 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := hostileConfig(sim, &dialLog{})
			cfg.Seeds = []string{"http://" + lab.Onion + "/lab/members/"}
			cfg.Cookies = []string{lab.Onion + "=" + opts.SessionCookieName + "=" + tt.cookie}
			col, st := crawlOnce(t, cfg)
			if n := col.urls()["http://"+lab.Onion+"/lab/members/listing/1"]; n != tt.fetched || st.SessionExpired != tt.expired {
				t.Errorf("members listing handed %d (want %d), SessionExpired %d (want %d), stats %+v", n, tt.fetched, st.SessionExpired, tt.expired, st)
			}
			var run fentinel.CrawlRun
			st.Apply(&run)
			if run.Fetched != st.Fetched || run.Blocked[BlockedSessionExpired] != tt.expired || run.Blocked[BlockedLogin] != st.Blocked[BlockedLogin] {
				t.Errorf("crawl-run record %+v from %+v", run, st)
			}
		})
	}
}

// TestBombAndBigPageWireBytes measures what the crawler reads from the
// proxy for the gzip bomb and the 25 MB page alone.
func TestBombAndBigPageWireBytes(t *testing.T) {
	sim := startSim(t, marketsim.Options{Hostile: true})
	lab, _ := sim.Lab()
	for _, tt := range []struct {
		path    string
		maxWire int64
	}{
		{marketsim.LabBomb, 64 << 10},
		{marketsim.LabBig, 3 << 20},
	} {
		cfg := hostileConfig(sim, &dialLog{})
		cfg.Seeds = []string{"http://" + lab.Onion + tt.path}
		cfg.MaxDepth = 1
		col, st := crawlOnce(t, cfg)
		if len(col.pages) != 1 || !col.pages[0].Truncated || int64(len(col.pages[0].Body)) != cfg.MaxBodyBytes {
			t.Fatalf("%s: pages %d", tt.path, len(col.pages))
		}
		t.Logf("%s: body kept %d bytes (cap %d), %d bytes read from the proxy", tt.path, len(col.pages[0].Body), cfg.MaxBodyBytes, st.WireBytes)
		if st.WireBytes > tt.maxWire {
			t.Errorf("%s: read %d bytes from the proxy, want at most %d", tt.path, st.WireBytes, tt.maxWire)
		}
	}
}

// TestKilledPathRotatesIdentity: another client on the same circuit (same
// SOCKS credentials) entered the queue a moment ago, so the front kills our
// path when we arrive; the crawler takes a new SOCKS identity, waits out its
// own queue and gets the page.
func TestKilledPathRotatesIdentity(t *testing.T) {
	sim := startSim(t, marketsim.Options{Hostile: true, QueueWait: 2 * time.Second})
	lab, _ := sim.Lab()
	shop := "http://" + lab.Onion + "/lab/queue/"
	cfg := hostileConfig(sim, &dialLog{})
	cfg.Seeds = []string{shop}
	cfg.MaxDepth = 1
	cfg.Isolation = "shared-session"
	other, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: other.transport}).Get(shop)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	col, st := crawlOnce(t, cfg)
	ls := sim.LabStats()
	if ls.QueueKills != 1 || st.Errors[ClassCircuitKilled] != 1 || col.urls()[shop] != 1 {
		t.Fatalf("kills %d, circuit-killed errors %d, shop handed %d; stats %+v", ls.QueueKills, st.Errors[ClassCircuitKilled], col.urls()[shop], st)
	}
	users := map[string]bool{}
	for _, r := range sim.ProxyLog() {
		if r.Host == lab.Onion {
			users[r.Username] = true
		}
	}
	if len(users) != 2 {
		t.Fatalf("%d SOCKS identities used for the lab, want 2 (original, rotated)", len(users))
	}
}
