package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
	"github.com/fentinel/fentinel/store"
)

// fakeClock is an injected clock whose Sleep advances time at once and
// records the requested delay.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock(start time.Time) *fakeClock { return &fakeClock{now: start} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// openStore opens a real SQLite store in a temp dir on the fake clock.
func openStore(t testing.TB, clk *fakeClock) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "fentinel.db"))
	mustNoErr(t, err)
	t.Cleanup(func() { db.Close() })
	db.Now = clk.Now
	return db
}

// finding describes one synthetic flagged listing to store.
type finding struct {
	site     byte // onion seed
	n        int  // listing number
	sev      fentinel.Severity
	classes  []string
	subs     []string
	priceUSD float64
}

func (f finding) page(at time.Time) fentinel.Page {
	site := testOnion(f.site)
	u := fmt.Sprintf("http://%s/listing/%d", site, f.n)
	return fentinel.Page{
		URL: u, FinalURL: u, Site: site, Status: 200, FetchedAt: at, Depth: 2,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
		Body:   []byte(fmt.Sprintf("<html><title>Listing %d</title><body>%s for sale, escrow, stealth shipping</body></html>", f.n, strings.Join(f.subs, ", "))),
	}
}

func (f finding) verdict() fentinel.Verdict {
	subs, classes := f.subs, f.classes
	if subs == nil {
		subs = []string{"fentanyl"}
	}
	if classes == nil {
		classes = []string{fentinel.ClassFentanyl}
	}
	sev := f.sev
	if sev == 0 {
		sev = fentinel.SeverityHigh
	}
	return fentinel.Verdict{
		Flagged: true, Score: 0.9, Severity: sev, Substances: subs, Classes: classes,
		Evidence: []fentinel.Evidence{{Rule: "substance:" + subs[0], Kind: fentinel.EvidenceSubstance, Term: subs[0],
			Snippet: subs[0] + " powder for sale, escrow", Zone: "main", Weight: 0.6}},
		Extracted:    fentinel.Extracted{Title: fmt.Sprintf("Synthetic %s listing %d", subs[0], f.n), Price: f.priceUSD, Currency: "USD", Vendor: fmt.Sprintf("vendor%d", f.n%4)},
		RulesVersion: "test@1",
	}
}

// save stores findings with routes and returns how many alerts were queued.
func save(t testing.TB, db *store.DB, clk *fakeClock, routes []fentinel.Route, fs ...finding) int {
	t.Helper()
	queued := 0
	for _, f := range fs {
		res, err := db.SavePage(context.Background(), f.page(clk.Now()), f.verdict(), routes)
		mustNoErr(t, err)
		queued += res.AlertsQueued
	}
	return queued
}

func findings(n int) []finding {
	out := make([]finding, n)
	for i := range out {
		out[i] = finding{site: byte(1 + i%3), n: 1000 + i, priceUSD: float64(100 + i)}
	}
	return out
}

// newReceiver starts a marketsim receiver (which verifies signatures itself).
func newReceiver(t *testing.T) *marketsim.Receiver {
	t.Helper()
	r, err := marketsim.NewReceiver("")
	mustNoErr(t, err)
	t.Cleanup(func() { r.Close() })
	return r
}

func hookFor(t *testing.T, name string, r *marketsim.Receiver) *Webhook {
	t.Helper()
	w, err := NewWebhook(name, r.URL(), r.Secret(), NewHTTPClient(5*time.Second))
	mustNoErr(t, err)
	return w
}

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }

func startClock() *fakeClock { return newFakeClock(time.Now().UTC().Truncate(time.Second)) }

func listAll(t *testing.T, db *store.DB, state string) []fentinel.Alert {
	t.Helper()
	a, err := db.ListAlerts(context.Background(), state, 10000)
	mustNoErr(t, err)
	return a
}

func TestDrainDeliversEachAlertOnceSigned(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	rcv := newReceiver(t)
	routes := []fentinel.Route{fentinel.DefaultRoute("soc")}
	if q := save(t, db, clk, routes, findings(5)...); q != 5 {
		t.Fatalf("queued %d alerts, want 5", q)
	}
	d := NewDispatcher(db, []Sink{hookFor(t, "soc", rcv)}, WithClock(clk), WithRand(seeded(1)))
	st, err := d.Drain(context.Background())
	mustNoErr(t, err)
	if st.Delivered != 5 || st.Messages != 5 || st.Retried != 0 || st.Remaining != 0 {
		t.Fatalf("stats = %+v", st)
	}
	got := rcv.Received()
	ids := map[string]bool{}
	for _, dl := range got {
		if !dl.Valid {
			t.Errorf("receiver rejected %s: %s", dl.ID, dl.Error)
		}
		ids[dl.ID] = true
		var p Payload
		mustNoErr(t, json.Unmarshal(dl.Body, &p))
		if p.AlertID != dl.ID || p.ID == 0 || p.Type != fentinel.EventNewFinding || len(p.Substances) == 0 {
			t.Errorf("payload %+v", p)
		}
	}
	delivered := listAll(t, db, fentinel.AlertDelivered)
	if len(delivered) != 5 || len(ids) != 5 {
		t.Fatalf("%d delivered rows, %d distinct ids received", len(delivered), len(ids))
	}
	for _, a := range delivered {
		if !ids[a.ID] {
			t.Errorf("outbox id %s was not the webhook-id of any delivery", a.ID)
		}
	}
	// A later crawl of the same, unchanged listings queues and sends nothing.
	clk.Advance(time.Hour)
	if q := save(t, db, clk, routes, findings(5)...); q != 0 {
		t.Fatalf("re-crawl queued %d alerts", q)
	}
	st, err = d.Drain(context.Background())
	mustNoErr(t, err)
	if st.Messages != 0 || len(rcv.Received()) != 5 {
		t.Fatalf("re-crawl sent %d messages (receiver total %d)", st.Messages, len(rcv.Received()))
	}
}

func TestDrainRetryBackoffSameID(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	rcv := newReceiver(t)
	rcv.FailFirst(3, http.StatusServiceUnavailable)
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(1)...)
	d := NewDispatcher(db, []Sink{hookFor(t, "soc", rcv)}, WithClock(clk), WithRand(seeded(7)), WithBackoff(2*time.Second, time.Minute))
	st, err := d.Drain(context.Background())
	mustNoErr(t, err)
	if st.Messages != 4 || st.Retried != 3 || st.Delivered != 1 {
		t.Fatalf("stats = %+v", st)
	}
	got := rcv.Received()
	for i, dl := range got {
		if dl.ID != got[0].ID || dl.Attempt != i+1 || !dl.Valid {
			t.Errorf("delivery %d: id %s attempt %d valid %v", i, dl.ID, dl.Attempt, dl.Valid)
		}
	}
	// Backoff: retry n waits in [min·2^(n-1)/2, min·2^(n-1)].
	sleeps := clk.Sleeps()
	if len(sleeps) != 3 {
		t.Fatalf("sleeps = %v", sleeps)
	}
	for i, s := range sleeps {
		hi := (2 * time.Second) << i
		if s < hi/2 || s > hi {
			t.Errorf("sleep %d = %s, want in [%s, %s]", i+1, s, hi/2, hi)
		}
	}
	a := listAll(t, db, fentinel.AlertDelivered)
	if len(a) != 1 || a[0].Attempts != 4 {
		t.Fatalf("outbox = %+v", a)
	}
}

func TestBackoffJitterDeterministicAndCapped(t *testing.T) {
	mk := func(seed uint64) []time.Duration {
		d := NewDispatcher(nil, nil, WithRand(seeded(seed)), WithBackoff(time.Second, 20*time.Second))
		var out []time.Duration
		for n := 1; n <= 8; n++ {
			out = append(out, d.backoff(n, nil))
		}
		return out
	}
	a, b, c := mk(3), mk(3), mk(4)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same seed, different delays")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Fatal("different seeds, same delays: no jitter")
	}
	for i, v := range a {
		if v > 20*time.Second || v < 500*time.Millisecond {
			t.Errorf("delay %d = %s outside [0.5s, 20s]", i+1, v)
		}
	}
	d := NewDispatcher(nil, nil, WithDeadAfter(time.Hour))
	if got := d.backoff(1, &DeliveryError{RetryAfter: 42 * time.Second}); got != 42*time.Second {
		t.Errorf("Retry-After backoff = %s", got)
	}
	if got := d.backoff(1, &DeliveryError{RetryAfter: 48 * time.Hour}); got != time.Hour {
		t.Errorf("huge Retry-After not capped at dead age: %s", got)
	}
}

func TestDrainHonoursRetryAfter(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	rcv := newReceiver(t)
	rcv.Respond429(1, 30*time.Second)
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(1)...)
	d := NewDispatcher(db, []Sink{hookFor(t, "soc", rcv)}, WithClock(clk), WithRand(seeded(1)))
	st, err := d.Drain(context.Background())
	mustNoErr(t, err)
	if st.Delivered != 1 || st.Retried != 1 {
		t.Fatalf("stats = %+v", st)
	}
	if s := clk.Sleeps(); len(s) != 1 || s[0] != 30*time.Second {
		t.Fatalf("sleeps = %v, want exactly the 30s Retry-After", s)
	}
}

func TestDrainPermanentFailureGoesDead(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusGone} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			clk := startClock()
			db := openStore(t, clk)
			rcv := newReceiver(t)
			rcv.FailFirst(1, status)
			save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(1)...)
			d := NewDispatcher(db, []Sink{hookFor(t, "soc", rcv)}, WithClock(clk))
			st, err := d.Drain(context.Background())
			mustNoErr(t, err)
			if st.Messages != 1 || st.Dead != 1 || st.Retried != 0 {
				t.Fatalf("stats = %+v", st)
			}
			dead := listAll(t, db, fentinel.AlertDead)
			if len(dead) != 1 || dead[0].Attempts != 1 || !strings.Contains(dead[0].LastError, fmt.Sprint(status)) {
				t.Fatalf("dead = %+v", dead)
			}
		})
	}
}

func TestDrainDeadLetterAfterAge(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	rcv := newReceiver(t)
	rcv.FailFirst(1000, http.StatusInternalServerError)
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(1)...)
	created := clk.Now()
	d := NewDispatcher(db, []Sink{hookFor(t, "soc", rcv)}, WithClock(clk), WithRand(seeded(2)),
		WithBackoff(2*time.Second, 10*time.Second), WithDeadAfter(time.Minute))
	st, err := d.Drain(context.Background())
	mustNoErr(t, err)
	if st.Dead != 1 || st.Delivered != 0 || st.Remaining != 0 {
		t.Fatalf("stats = %+v", st)
	}
	dead := listAll(t, db, fentinel.AlertDead)
	if len(dead) != 1 || dead[0].Attempts != st.Messages || !strings.Contains(dead[0].LastError, "dead after") {
		t.Fatalf("dead = %+v (messages %d)", dead, st.Messages)
	}
	if age := clk.Now().Sub(created); age < time.Minute || age > time.Minute+10*time.Second {
		t.Fatalf("went dead at age %s, want just past 1m", age)
	}
	if len(rcv.Received()) != st.Messages {
		t.Fatalf("receiver saw %d requests, dispatcher counted %d", len(rcv.Received()), st.Messages)
	}
	// Requeue (alerts retry) revives it with the same id.
	mustNoErr(t, db.RequeueAlert(context.Background(), dead[0].ID, clk.Now()))
	rcv.Reset()
	st, err = d.Drain(context.Background())
	mustNoErr(t, err)
	got := rcv.Received()
	if st.Delivered != 1 || got[len(got)-1].ID != dead[0].ID {
		t.Fatalf("requeued alert: stats %+v, last id %s want %s", st, got[len(got)-1].ID, dead[0].ID)
	}
}

func TestDrainLeavesRestWhenDeadlinePasses(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	rcv := newReceiver(t)
	rcv.FailFirst(1000, http.StatusBadGateway)
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(3)...)
	d := NewDispatcher(db, []Sink{hookFor(t, "soc", rcv)}, WithClock(clk), WithRand(seeded(3)))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	st, err := d.Drain(ctx)
	mustNoErr(t, err)
	if st.Remaining != 3 || st.Delivered != 0 {
		t.Fatalf("stats = %+v", st)
	}
	n, err := db.PendingAlerts(context.Background())
	mustNoErr(t, err)
	if n != 3 {
		t.Fatalf("pending = %d, want 3 left in the outbox", n)
	}
}

// TestRestartMidDelivery: the process stops after the receiver got the
// message but before the outbox recorded it. The next dispatcher resends
// with the same webhook-id, so the receiver can deduplicate.
func TestRestartMidDelivery(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	ctx1, kill := context.WithCancel(context.Background())
	defer kill()
	var once sync.Once
	c := newCapture(t, func(n int, w http.ResponseWriter) {
		if n == 1 {
			once.Do(kill) // "killed" while the receiver holds the message
			time.Sleep(50 * time.Millisecond)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	secret := otherSecret
	hook, err := NewWebhook("soc", c.srv.URL, secret, nil)
	mustNoErr(t, err)
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(1)...)

	st, err := NewDispatcher(db, []Sink{hook}, WithClock(clk)).Drain(ctx1)
	mustNoErr(t, err)
	if st.Delivered != 0 {
		t.Fatalf("first run stats = %+v", st)
	}
	pending := listAll(t, db, fentinel.AlertPending)
	if len(pending) != 1 || pending[0].Attempts != 0 {
		t.Fatalf("after the kill the alert must still be pending and untouched: %+v", pending)
	}
	// Restart.
	st, err = NewDispatcher(db, []Sink{hook}, WithClock(clk)).Drain(context.Background())
	mustNoErr(t, err)
	reqs := c.requests()
	if st.Delivered != 1 || len(reqs) != 2 {
		t.Fatalf("restart: stats %+v, %d requests", st, len(reqs))
	}
	seen := map[string]int{}
	for _, r := range reqs {
		mustNoErr(t, Verify(secret, r.Header, r.Body, time.Minute))
		seen[r.Header.Get(HeaderID)]++
	}
	if len(seen) != 1 || seen[pending[0].ID] != 2 {
		t.Fatalf("ids = %v, want the outbox id %s twice", seen, pending[0].ID)
	}
}

func TestRoutingFromConfig(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	rcv := map[string]*marketsim.Receiver{}
	env := map[string]string{}
	var y strings.Builder
	y.WriteString("alerts:\n  sinks:\n")
	siteA := testOnion(1)
	for _, s := range []struct{ name, extra string }{
		{"all", ""},
		{"critical", "      min_severity: critical\n"},
		{"precursor", "      classes: [precursor]\n"},
		{"site-a", "      sites: [" + siteA + "]\n"},
		{"changes-only", "      on_new: false\n"},
	} {
		r := newReceiver(t)
		rcv[s.name] = r
		key := "SECRET_" + strings.ToUpper(strings.ReplaceAll(s.name, "-", "_"))
		env[key] = r.Secret()
		fmt.Fprintf(&y, "    - name: %s\n      type: webhook\n      url: %s\n      secret_env: %s\n%s", s.name, r.URL(), key, s.extra)
	}
	cfg, err := ParseConfig([]byte(y.String()))
	mustNoErr(t, err)
	sinks, err := BuildSinks(cfg.Sinks, testEnv(env))
	mustNoErr(t, err)
	save(t, db, clk, cfg.Routes(),
		finding{site: 1, n: 1, sev: fentinel.SeverityCritical, subs: []string{"carfentanil"}, classes: []string{fentinel.ClassAnalogue}},
		finding{site: 2, n: 2, sev: fentinel.SeverityHigh, subs: []string{"fentanyl"}, classes: []string{fentinel.ClassFentanyl}},
		finding{site: 1, n: 3, sev: fentinel.SeverityMedium, subs: []string{"4-anpp"}, classes: []string{fentinel.ClassPrecursor}},
	)
	st, err := NewDispatcher(db, sinks, append(cfg.Options(), WithClock(clk))...).Drain(context.Background())
	mustNoErr(t, err)
	want := map[string][]string{
		"all":          {"carfentanil", "fentanyl", "4-anpp"},
		"critical":     {"carfentanil"},
		"precursor":    {"4-anpp"},
		"site-a":       {"carfentanil", "4-anpp"},
		"changes-only": nil,
	}
	total := 0
	for name, subs := range want {
		var got []string
		for _, d := range rcv[name].Received() {
			if !d.Valid {
				t.Errorf("%s: invalid delivery: %s", name, d.Error)
			}
			var p Payload
			mustNoErr(t, json.Unmarshal(d.Body, &p))
			got = append(got, p.Substances...)
		}
		if fmt.Sprint(sortedCopy(got)) != fmt.Sprint(sortedCopy(subs)) {
			t.Errorf("sink %s got %v, want %v", name, got, subs)
		}
		total += len(subs)
	}
	if st.Delivered != total {
		t.Fatalf("delivered %d, want %d", st.Delivered, total)
	}
}

func sortedCopy(s []string) []string {
	c := append([]string{}, s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return c
}

func TestDigestGroupsByWindow(t *testing.T) {
	start := time.Now().UTC().Truncate(15 * time.Minute).Add(time.Minute)
	clk := newFakeClock(start)
	db := openStore(t, clk)
	rcv := newReceiver(t)
	routes := []fentinel.Route{fentinel.DefaultRoute("digest")}
	save(t, db, clk, routes, findings(3)...)
	d := NewDispatcher(db, []Sink{hookFor(t, "digest", rcv)}, WithClock(clk), WithRand(seeded(5)), WithDigest("digest", 15*time.Minute))

	st, err := d.Drain(context.Background())
	mustNoErr(t, err)
	if st.Held != 3 || st.Messages != 0 || len(rcv.Received()) != 0 {
		t.Fatalf("before the window closes: stats %+v, %d requests", st, len(rcv.Received()))
	}
	for _, a := range listAll(t, db, fentinel.AlertPending) {
		if want := start.Truncate(15 * time.Minute).Add(15 * time.Minute); !a.NextAttempt.Equal(want) {
			t.Errorf("held alert next_attempt %s, want window end %s", a.NextAttempt, want)
		}
	}
	// Window closes; the first digest attempt fails and is retried whole.
	clk.Advance(15 * time.Minute)
	rcv.FailFirst(1, http.StatusServiceUnavailable)
	// A finding in the new window goes to the next digest.
	save(t, db, clk, routes, finding{site: 3, n: 77})
	st, err = d.Drain(context.Background())
	mustNoErr(t, err)
	got := rcv.Received()
	if st.Delivered != 3 || st.Messages != 2 || st.Held != 1 || len(got) != 2 {
		t.Fatalf("after the window: stats %+v, %d requests", st, len(got))
	}
	if got[0].ID != got[1].ID || !strings.HasPrefix(got[0].ID, "dg_") || !got[1].Valid || got[1].Status != http.StatusNoContent {
		t.Fatalf("digest retry: ids %s %s valid %v status %d", got[0].ID, got[1].ID, got[1].Valid, got[1].Status)
	}
	var dp DigestPayload
	mustNoErr(t, json.Unmarshal(got[1].Body, &dp))
	if dp.Type != EventDigest || dp.Count != 3 || len(dp.Findings) != 3 || dp.DigestID != got[1].ID {
		t.Fatalf("digest payload %+v", dp)
	}
	clk.Advance(15 * time.Minute)
	st, err = d.Drain(context.Background())
	mustNoErr(t, err)
	got = rcv.Received()
	if st.Delivered != 1 || len(got) != 3 || got[2].ID == got[1].ID {
		t.Fatalf("second window: stats %+v, %d requests", st, len(got))
	}
}

func TestUnknownSinkIsPutAside(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("gone")}, findings(2)...)
	st, err := NewDispatcher(db, nil, WithClock(clk)).Drain(context.Background())
	mustNoErr(t, err)
	if st.Unknown != 2 || st.Messages != 0 {
		t.Fatalf("stats = %+v", st)
	}
	for _, a := range listAll(t, db, fentinel.AlertPending) {
		if a.NextAttempt.Sub(clk.Now()) != time.Hour || !strings.Contains(a.LastError, `"gone"`) || a.Attempts != 0 {
			t.Errorf("alert %+v", a)
		}
	}
}

// TestSecretsNeverLogged runs failing and succeeding deliveries through
// every HTTP sink type with debug logging and checks that no secret shows
// up in logs, outbox errors or payloads (PagerDuty's routing_key excepted:
// the Events API requires it in the body).
func TestSecretsNeverLogged(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	hook := newCapture(t, func(n int, w http.ResponseWriter) {
		if n == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	chat := newCapture(t, func(n int, w http.ResponseWriter) {
		if n%2 == 1 {
			http.Error(w, "invalid_token", http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	pd := newCapture(t, func(n int, w http.ResponseWriter) {
		if n == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	slackToken := "XOXSYNTHETICSLACKTOKEN0001"
	teamsSig := "SYNTHETICTEAMSSIG0002"
	env := map[string]string{
		"HOOK_SECRET": otherSecret,
		"SLACK_URL":   chat.srv.URL + "/services/T0/B0/" + slackToken,
		"TEAMS_URL":   chat.srv.URL + "/workflows/x/invoke?sig=" + teamsSig,
		"PD_KEY":      testRoutingKey,
	}
	cfg := Config{Sinks: []SinkConfig{
		{Name: "hook", URL: hook.srv.URL, SecretEnv: "HOOK_SECRET"},
		{Name: "slack", Type: TypeSlack, SecretEnv: "SLACK_URL"},
		{Name: "teams", Type: TypeTeams, SecretEnv: "TEAMS_URL"},
		{Name: "pd", Type: TypePagerDuty, URL: pd.srv.URL, SecretEnv: "PD_KEY"},
	}}
	mustNoErr(t, cfg.Validate())
	sinks, err := BuildSinks(cfg.Sinks, testEnv(env))
	mustNoErr(t, err)
	save(t, db, clk, cfg.Routes(), findings(2)...)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := NewDispatcher(db, sinks, WithClock(clk), WithLogger(logger), WithRand(seeded(9))).Drain(context.Background())
	mustNoErr(t, err)
	if st.Delivered != 8 || st.Retried == 0 {
		t.Fatalf("stats = %+v", st)
	}
	secrets := []string{otherSecret, strings.TrimPrefix(otherSecret, "whsec_"), slackToken, teamsSig, testRoutingKey, "/services/T0/B0/"}
	var outboxErrs strings.Builder
	for _, a := range listAll(t, db, "") {
		outboxErrs.WriteString(a.LastError)
	}
	// Retried rows kept their last error until delivery cleared it; the
	// logs hold every error that happened.
	if !strings.Contains(logs.String(), "retry scheduled") {
		t.Fatalf("expected retry logs, got:\n%s", logs.String())
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("logs contain secret %q", s)
		}
		if strings.Contains(outboxErrs.String(), s) {
			t.Errorf("outbox errors contain secret %q", s)
		}
		for _, c := range []*capture{hook, chat} {
			for _, r := range c.requests() {
				if bytes.Contains(r.Body, []byte(s)) {
					t.Errorf("payload contains secret %q", s)
				}
			}
		}
	}
	for _, r := range pd.requests() {
		var ev map[string]any
		mustNoErr(t, json.Unmarshal(r.Body, &ev))
		if ev["routing_key"] != testRoutingKey || bytes.Count(r.Body, []byte(testRoutingKey)) != 1 {
			t.Errorf("routing key must appear once, as routing_key: %s", r.Body)
		}
	}
}

// TestIntermittentReceiverFigures delivers through a receiver that fails
// 30% of valid deliveries (seeded) and reports the delivery figures.
func TestIntermittentReceiverFigures(t *testing.T) {
	const n = 60
	clk := startClock()
	db := openStore(t, clk)
	rcv := newReceiver(t)
	rcv.FailRandom(0.3, 42, http.StatusServiceUnavailable)
	if q := save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(n)...); q != n {
		t.Fatalf("queued %d", q)
	}
	st, err := NewDispatcher(db, []Sink{hookFor(t, "soc", rcv)}, WithClock(clk), WithRand(seeded(42))).Drain(context.Background())
	mustNoErr(t, err)
	accepted := map[string]int{}
	for _, d := range rcv.Received() {
		if !d.Valid {
			t.Errorf("invalid delivery %s: %s", d.ID, d.Error)
		}
		if d.Valid && d.Status/100 == 2 {
			accepted[d.ID]++
		}
	}
	dups := 0
	for _, c := range accepted {
		dups += c - 1
	}
	t.Logf("intermittent receiver (30%% 503, seed 42), %d alerts: sent %d, retried %d, delivered %d, distinct ids accepted %d, duplicates by id %d, dead %d",
		n, st.Messages, st.Retried, st.Delivered, len(accepted), dups, st.Dead)
	if st.Delivered != n || len(accepted) != n || dups != 0 || st.Dead != 0 {
		t.Fatalf("stats %+v, accepted %d, dups %d", st, len(accepted), dups)
	}
	if st.Messages != len(rcv.Received()) || st.Messages != n+st.Retried {
		t.Fatalf("sent %d, receiver saw %d, delivered+retried %d", st.Messages, len(rcv.Received()), n+st.Retried)
	}
}

func TestRunDeliversContinuously(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	db.Now = time.Now
	rcv := newReceiver(t)
	rcv.FailFirst(1, http.StatusInternalServerError)
	d := NewDispatcher(db, []Sink{hookFor(t, "soc", rcv)}, WithPollInterval(20*time.Millisecond), WithBackoff(10*time.Millisecond, 50*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	// Queue while Run is already polling.
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(3)...)
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	mustNoErr(t, rcv.WaitFor(wctx, 3))
	cancel()
	select {
	case err := <-done:
		mustNoErr(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// TestChangeTriggersFromConfig: per-sink triggers from YAML reach the
// store, and the finding.changed events it queues are delivered with what
// changed.
func TestChangeTriggersFromConfig(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	price, vendor := newReceiver(t), newReceiver(t)
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`alerts:
  sinks:
    - {name: price, url: %q, secret_env: P, on_new: false, on_change: {price_change_pct: 50}}
    - {name: vendor, url: %q, secret_env: V, on_new: false, on_change: {new_vendor: true}}
`, price.URL(), vendor.URL())))
	mustNoErr(t, err)
	sinks, err := BuildSinks(cfg.Sinks, testEnv(map[string]string{"P": price.Secret(), "V": vendor.Secret()}))
	mustNoErr(t, err)
	d := NewDispatcher(db, sinks, WithClock(clk))
	step := func(f finding, wantPrice, wantVendor int) {
		t.Helper()
		clk.Advance(time.Hour)
		save(t, db, clk, cfg.Routes(), f)
		_, err := d.Drain(context.Background())
		mustNoErr(t, err)
		if len(price.Received()) != wantPrice || len(vendor.Received()) != wantVendor {
			t.Fatalf("after %+v: price sink %d, vendor sink %d; want %d, %d", f, len(price.Received()), len(vendor.Received()), wantPrice, wantVendor)
		}
	}
	base := finding{site: 1, n: 9, priceUSD: 100}
	step(base, 0, 0) // new: both routes have on_new false
	step(base, 0, 0) // unchanged
	up := base
	up.priceUSD = 120 // +20%: below the 50% threshold
	step(up, 0, 0)
	up.priceUSD = 180 // +80%
	step(up, 1, 0)
	moved := up
	v := moved.verdict()
	v.Extracted.Vendor = "another-vendor"
	clk.Advance(time.Hour)
	_, err = db.SavePage(context.Background(), moved.page(clk.Now()), v, cfg.Routes())
	mustNoErr(t, err)
	_, err = d.Drain(context.Background())
	mustNoErr(t, err)
	if len(vendor.Received()) != 1 || len(price.Received()) != 1 {
		t.Fatalf("vendor change: price sink %d, vendor sink %d", len(price.Received()), len(vendor.Received()))
	}
	for _, r := range []*marketsim.Receiver{price, vendor} {
		dl := r.Received()[0]
		var p Payload
		mustNoErr(t, json.Unmarshal(dl.Body, &p))
		if !dl.Valid || p.Type != fentinel.EventChangedFinding || len(p.Changes) == 0 {
			t.Fatalf("changed event: valid %v payload %+v", dl.Valid, p)
		}
	}
}

// TestMixedFailureFigures delivers through a receiver that fails in every
// way the dispatcher must survive: 503, 429 with Retry-After, connections
// dropped mid-request, and answers slower than the attempt timeout (which
// the receiver did process: the only source of duplicates, which it can
// drop by webhook-id).
func TestMixedFailureFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("slow answers take seconds")
	}
	const n = 80
	clk := startClock()
	db := openStore(t, clk)
	var (
		mu       sync.Mutex
		rng      = seeded(2026)
		sent     int
		accepted = map[string]int{}
		slow     int
		kinds    = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := new(bytes.Buffer)
		_, _ = body.ReadFrom(r.Body)
		if err := Verify(otherSecret, r.Header, body.Bytes(), time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		id := r.Header.Get(HeaderID)
		mu.Lock()
		sent++
		x := rng.Float64()
		mu.Unlock()
		kind := "ok"
		switch {
		case x < 0.15:
			kind = "503"
		case x < 0.25:
			kind = "429"
		case x < 0.30:
			kind = "drop"
		case x < 0.35:
			kind = "slow"
		}
		mu.Lock()
		kinds[kind]++
		mu.Unlock()
		switch kind {
		case "503":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "429":
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case "drop":
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
				}
			}
		case "slow":
			// Processed, but the answer comes after the sender gave up.
			mu.Lock()
			accepted[id]++
			slow++
			mu.Unlock()
			select {
			case <-time.After(1500 * time.Millisecond):
			case <-r.Context().Done():
			}
		default:
			mu.Lock()
			accepted[id]++
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(srv.Close)
	hook, err := NewWebhook("soc", srv.URL, otherSecret, nil)
	mustNoErr(t, err)
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(n)...)
	st, err := NewDispatcher(db, []Sink{hook}, WithClock(clk), WithRand(seeded(1)), WithAttemptTimeout(500*time.Millisecond)).Drain(context.Background())
	mustNoErr(t, err)
	mu.Lock()
	defer mu.Unlock()
	dups := 0
	for _, c := range accepted {
		dups += c - 1
	}
	t.Logf("mixed failures (seed 2026), %d alerts: sent %d (%v), retried %d, delivered %d, distinct ids received %d, duplicates by id %d (all after answers slower than the attempt timeout: %d), dead %d",
		n, sent, kinds, st.Retried, st.Delivered, len(accepted), dups, slow, st.Dead)
	if st.Delivered != n || len(accepted) != n || st.Dead != 0 || st.Remaining != 0 {
		t.Fatalf("stats %+v, distinct ids %d", st, len(accepted))
	}
	if dups > slow {
		t.Fatalf("%d duplicates but only %d slow answers", dups, slow)
	}
	if sent != st.Messages {
		t.Fatalf("receiver counted %d requests, dispatcher %d", sent, st.Messages)
	}
}

// TestRetryAfterHoldsTheRestOfTheSink: after a 429 with Retry-After, the
// sink's other due messages wait too instead of each earning a 429.
func TestRetryAfterHoldsTheRestOfTheSink(t *testing.T) {
	clk := startClock()
	db := openStore(t, clk)
	rcv, other := newReceiver(t), newReceiver(t)
	rcv.Respond429(1, 20*time.Second)
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("slow"), fentinel.DefaultRoute("other")}, findings(3)...)
	d := NewDispatcher(db, []Sink{hookFor(t, "slow", rcv), hookFor(t, "other", other)}, WithClock(clk), WithRand(seeded(1)))
	st, err := d.Drain(context.Background())
	mustNoErr(t, err)
	if st.Messages != 7 || st.Retried != 1 || st.Throttled != 2 || st.Delivered != 6 {
		t.Fatalf("stats = %+v", st)
	}
	if got := rcv.Received(); len(got) != 4 || got[0].Status != http.StatusTooManyRequests {
		t.Fatalf("throttled sink saw %d requests", len(got))
	}
	if len(other.Received()) != 3 {
		t.Fatalf("the other sink was held too: %d requests", len(other.Received()))
	}
	if s := clk.Sleeps(); len(s) != 1 || s[0] != 20*time.Second {
		t.Fatalf("sleeps = %v", s)
	}
	attempts := map[int]int{}
	for _, a := range listAll(t, db, fentinel.AlertDelivered) {
		if a.Sink == "slow" {
			attempts[a.Attempts]++
		}
	}
	if attempts[2] != 1 || attempts[1] != 2 {
		t.Fatalf("attempt counts of the throttled sink's alerts = %v, want one with 2 and two with 1", attempts)
	}
}
