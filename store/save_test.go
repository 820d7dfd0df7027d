package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

// step is one crawl observation of a listing and what it must cause.
type step struct {
	name    string
	mutate  func(*listing)
	review  string // triage status to set before this step ("" = none)
	wantNew bool
	wantChg bool
	// alerts queued per sink by this step
	wantAlerts map[string]int
	wantChange string // a substring expected in Changes
}

func TestSavePageAlertTriggers(t *testing.T) {
	hook := fentinel.DefaultRoute("hook") // everything, price beyond 20%
	critOnly := fentinel.Route{Sink: "pager", MinSeverity: fentinel.SeverityCritical, OnNew: true,
		OnChange: fentinel.ChangeTriggers{PriceChangePct: 50}}
	nitazenes := fentinel.Route{Sink: "nitazene-desk", Classes: []string{fentinel.ClassNitazene}, OnNew: true,
		OnChange: fentinel.ChangeTriggers{NewSubstance: true}}
	otherSite := fentinel.Route{Sink: "other-site", Sites: []string{onion("elsewhere")}, OnNew: true}
	noNew := fentinel.Route{Sink: "changes-only", OnChange: fentinel.ChangeTriggers{BackInStock: true, NewVendor: true}}
	routes := []fentinel.Route{hook, critOnly, nitazenes, otherSite, noNew}

	steps := []step{
		{name: "new listing", wantNew: true, wantAlerts: map[string]int{"hook": 1, "pager": 1}},
		{name: "unchanged recrawl", mutate: func(l *listing) { l.at = t0.Add(time.Hour) }, wantAlerts: map[string]int{}},
		{name: "price -10% is not material", mutate: func(l *listing) { l.price = 90 }, wantAlerts: map[string]int{}},
		{name: "price -30% from last alerted", mutate: func(l *listing) { l.price = 70 }, wantChg: true,
			wantAlerts: map[string]int{"hook": 1}, wantChange: "price: 100 -> 70 USD (-30%)"},
		{name: "new substance", mutate: func(l *listing) {
			l.substances = []string{"fentanyl", "protonitazene"}
			l.classes = []string{fentinel.ClassFentanyl, fentinel.ClassNitazene}
		}, wantChg: true, wantAlerts: map[string]int{"hook": 1, "nitazene-desk": 1}, wantChange: "new substance: protonitazene"},
		{name: "substance dropped is not an alert", wantAlerts: map[string]int{}},
		{name: "sold out is not an alert", mutate: func(l *listing) { l.stock = "Sold out" }, wantAlerts: map[string]int{}},
		{name: "back in stock", mutate: func(l *listing) { l.stock = "In stock: 12 left" }, wantChg: true,
			wantAlerts: map[string]int{"hook": 1, "changes-only": 1}, wantChange: "back in stock"},
		{name: "dismissed and unchanged", review: fentinel.StatusDismissed, wantAlerts: map[string]int{}},
		{name: "dismissed then new vendor", mutate: func(l *listing) { l.vendor = "vendorB" }, wantChg: true,
			wantAlerts: map[string]int{"hook": 1, "changes-only": 1}, wantChange: "new vendor: vendorB (was vendorA)"},
		{name: "not flagged anymore", mutate: func(l *listing) { l.flagged = false; l.price = 1 }, wantAlerts: map[string]int{}},
	}

	db := newTestDB(t)
	ctx := context.Background()
	site := onion("market-a")
	l := fentListing(site, "/listing/1")
	var findingID int64
	total := map[string]int{}
	for i, s := range steps {
		if s.mutate != nil {
			s.mutate(&l)
		}
		l.at = t0.Add(time.Duration(i) * time.Hour)
		if s.review != "" {
			if _, err := db.Review(ctx, findingID, s.review, "looks like a duplicate", "analyst1"); err != nil {
				t.Fatal(err)
			}
		}
		r := mustSave(t, db, l, routes)
		if r.New != s.wantNew || r.Changed != s.wantChg {
			t.Fatalf("step %q: New=%v Changed=%v (changes %v), want %v %v", s.name, r.New, r.Changed, r.Changes, s.wantNew, s.wantChg)
		}
		if s.wantChange != "" && !strings.Contains(strings.Join(r.Changes, "|"), s.wantChange) {
			t.Fatalf("step %q: changes %q, want one containing %q", s.name, r.Changes, s.wantChange)
		}
		if i == 0 {
			findingID = r.FindingID
		} else if l.flagged && r.FindingID != findingID {
			t.Fatalf("step %q: finding id %d, want %d (same listing)", s.name, r.FindingID, findingID)
		}
		want := 0
		for sink, n := range s.wantAlerts {
			total[sink] += n
			want += n
		}
		if r.AlertsQueued != want {
			t.Fatalf("step %q: queued %d alerts, want %d", s.name, r.AlertsQueued, want)
		}
	}
	alerts, err := db.ListAlerts(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	ids := map[string]bool{}
	for _, a := range alerts {
		got[a.Sink]++
		if ids[a.ID] || !strings.HasPrefix(a.ID, "msg_") || strings.Contains(a.ID, ".") {
			t.Fatalf("alert id %q duplicate or malformed", a.ID)
		}
		ids[a.ID] = true
		if a.Event.FindingID != findingID || a.State != fentinel.AlertPending {
			t.Fatalf("alert %+v", a)
		}
	}
	for sink, n := range total {
		if got[sink] != n {
			t.Errorf("sink %s: %d alerts in outbox, want %d (all: %v)", sink, got[sink], n, got)
		}
	}
	f, err := db.Finding(ctx, findingID)
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != fentinel.StatusNew {
		t.Errorf("dismissed listing that changed has status %q, want new", f.Status)
	}
	if strings.Join(f.Substances, ",") != "fentanyl,protonitazene" || f.Vendor != "vendorB" || f.Price != 70 {
		t.Errorf("finding = %+v", f)
	}
	if !f.FirstSeen.Equal(t0) || !f.LastSeen.Equal(t0.Add(9*time.Hour)) {
		t.Errorf("first/last seen = %v / %v", f.FirstSeen, f.LastSeen)
	}
	hist, err := db.Triage(ctx, findingID)
	if err != nil || len(hist) != 2 || hist[0].Status != "dismissed" || hist[1].Status != "new" || !strings.Contains(hist[1].Note, "new vendor") {
		t.Errorf("triage history = %+v, %v", hist, err)
	}
}

func TestSavePageEventPayload(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	l := fentListing(onion("payload"), "/item/9")
	r := mustSave(t, db, l, []fentinel.Route{fentinel.DefaultRoute("a"), fentinel.DefaultRoute("b"), fentinel.DefaultRoute("a")})
	if r.AlertsQueued != 2 {
		t.Fatalf("queued %d, want 2 (one per sink, duplicate route ignored)", r.AlertsQueued)
	}
	due, err := db.DueAlerts(ctx, t0, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("DueAlerts = %d, %v", len(due), err)
	}
	ev := due[0].Event
	if ev.Type != fentinel.EventNewFinding || ev.URL != l.page().URL || ev.Site != l.site || ev.Title != l.title ||
		ev.Score != 0.95 || ev.Severity != fentinel.SeverityCritical || strings.Join(ev.Substances, ",") != "fentanyl" ||
		ev.Price != 100 || ev.Currency != "USD" || ev.Vendor != "vendorA" || ev.Snippet != "buy fentanyl powder" ||
		!ev.FirstSeen.Equal(t0) || !ev.OccurredAt.Equal(t0) || ev.FindingID != r.FindingID {
		t.Fatalf("event = %+v", ev)
	}
	if due[0].ID != AlertID(r.FindingID, 1, due[0].Sink) {
		t.Fatalf("alert id %s is not AlertID(finding, 1, sink)", due[0].ID)
	}
	// The raw payload is the JSON the dispatcher sends: check the field names.
	var raw map[string]any
	var payload string
	if err := db.r.QueryRow(`SELECT payload FROM alert_outbox WHERE id = ?`, due[0].ID).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(payload), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"finding_id", "url", "site", "title", "score", "severity", "substances", "price", "vendor", "first_seen", "snippet"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("payload lacks %q: %s", k, payload)
		}
	}
	if raw["severity"] != "critical" {
		t.Errorf("severity in payload = %v", raw["severity"])
	}
}

func TestSavePageNotFlagged(t *testing.T) {
	db := newTestDB(t)
	l := fentListing(onion("decoy"), "/news/1")
	l.flagged = false
	r := mustSave(t, db, l, []fentinel.Route{fentinel.DefaultRoute("hook")})
	if r.FindingID != 0 || r.New || r.AlertsQueued != 0 || r.PageID == 0 {
		t.Fatalf("decoy saved as %+v", r)
	}
	if n, _ := db.CountFindings(context.Background(), fentinel.FindingFilter{}); n != 0 {
		t.Fatalf("%d findings for a decoy", n)
	}
}

func TestOutboxLifecycle(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	mustSave(t, db, fentListing(onion("box"), "/l/1"), []fentinel.Route{fentinel.DefaultRoute("hook")})
	mustSave(t, db, fentListing(onion("box"), "/l/2"), []fentinel.Route{fentinel.DefaultRoute("hook")})
	due, err := db.DueAlerts(ctx, t0, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due = %d, %v", len(due), err)
	}
	a, b := due[0], due[1]
	if err := db.MarkRetry(ctx, a.ID, 1, t0.Add(time.Minute), "503 Service Unavailable"); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.DueAlerts(ctx, t0, 10); len(d) != 1 || d[0].ID != b.ID {
		t.Fatalf("after retry scheduling, due now = %+v", d)
	}
	if d, _ := db.DueAlerts(ctx, t0.Add(time.Minute), 10); len(d) != 2 {
		t.Fatalf("due after a minute = %d, want 2", len(d))
	}
	if err := db.MarkDelivered(ctx, b.ID, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkDead(ctx, a.ID, 8, "gave up: 503"); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.PendingAlerts(ctx); n != 0 {
		t.Fatalf("pending = %d, want 0", n)
	}
	dead, err := db.ListAlerts(ctx, fentinel.AlertDead, 10)
	if err != nil || len(dead) != 1 || dead[0].ID != a.ID || dead[0].Attempts != 8 || dead[0].LastError != "gave up: 503" {
		t.Fatalf("dead = %+v, %v", dead, err)
	}
	if err := db.RequeueAlert(ctx, a.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := db.Alert(ctx, a.ID)
	if err != nil || got.State != fentinel.AlertPending || got.Attempts != 0 || !got.NextAttempt.Equal(t0.Add(time.Hour)) || got.ID != a.ID {
		t.Fatalf("requeued = %+v, %v", got, err)
	}
	del, _ := db.Alert(ctx, b.ID)
	if del.State != fentinel.AlertDelivered || !del.DeliveredAt.Equal(t0.Add(time.Second)) {
		t.Fatalf("delivered = %+v", del)
	}
	// A delivered alert is never requeued nor marked for retry.
	if err := db.RequeueAlert(ctx, b.ID, t0); err == nil {
		t.Fatal("requeue of a delivered alert succeeded")
	}
	if err := db.MarkRetry(ctx, "msg_nope", 1, t0, "x"); err == nil {
		t.Fatal("MarkRetry of unknown id succeeded")
	}
	if err := db.MarkDead(ctx, a.ID, 1, "x"); err != nil {
		t.Fatal(err)
	}
	if n, err := db.RequeueDead(ctx, t0); err != nil || n != 1 {
		t.Fatalf("RequeueDead = %d, %v", n, err)
	}
	id, err := db.QueueAlert(ctx, "hook", fentinel.AlertEvent{Type: "test", FindingID: got.Event.FindingID})
	if err != nil || id == a.ID || id == b.ID {
		t.Fatalf("QueueAlert = %q, %v", id, err)
	}
}

func TestFindingsFilter(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	a, b := onion("filter-a"), onion("filter-b")
	mk := func(site, path string, subs []string, sev fentinel.Severity, score float64, at time.Time) int64 {
		l := fentListing(site, path)
		l.substances, l.severity, l.score, l.at = subs, sev, score, at
		return mustSave(t, db, l, nil).FindingID
	}
	id1 := mk(a, "/1", []string{"fentanyl"}, fentinel.SeverityCritical, 0.95, t0)
	id2 := mk(a, "/2", []string{"carfentanil", "fentanyl"}, fentinel.SeverityHigh, 0.8, t0.Add(-48*time.Hour))
	id3 := mk(b, "/3", []string{"4-anpp"}, fentinel.SeverityMedium, 0.5, t0.Add(-time.Hour))
	if _, err := db.Review(ctx, id3, "escalated", "", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    fentinel.FindingFilter
		want []int64
	}{
		{"all newest first", fentinel.FindingFilter{}, []int64{id1, id3, id2}},
		{"since 24h", fentinel.FindingFilter{Since: t0.Add(-24 * time.Hour)}, []int64{id1, id3}},
		{"min score", fentinel.FindingFilter{MinScore: 0.8}, []int64{id1, id2}},
		{"substance", fentinel.FindingFilter{Substance: "Fentanyl"}, []int64{id1, id2}},
		{"substance carfentanil", fentinel.FindingFilter{Substance: "carfentanil"}, []int64{id2}},
		{"site", fentinel.FindingFilter{Site: b}, []int64{id3}},
		{"status", fentinel.FindingFilter{Status: "escalated"}, []int64{id3}},
		{"severity high+", fentinel.FindingFilter{Severity: fentinel.SeverityHigh}, []int64{id1, id2}},
		{"limit", fentinel.FindingFilter{Limit: 1}, []int64{id1}},
		{"combined none", fentinel.FindingFilter{Site: b, Substance: "fentanyl"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Findings(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, f := range got {
				ids = append(ids, f.ID)
			}
			if len(ids) != len(tt.want) {
				t.Fatalf("ids = %v, want %v", ids, tt.want)
			}
			for i := range ids {
				if ids[i] != tt.want[i] {
					t.Fatalf("ids = %v, want %v", ids, tt.want)
				}
			}
		})
	}
}

func TestStockState(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"Fentanyl 10g In stock ships NL", 1},
		{"Stock: 25", 1},
		{"12 left", 1},
		{"SOLD OUT - back soon", 0},
		{"Out of stock", 0},
		{"not in stock", 0},
		{"Stock: 0", 0},
		{"Fentanyl powder, escrow", -1},
	}
	for _, tt := range tests {
		if got := stockState(tt.text); got != tt.want {
			t.Errorf("stockState(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestPageText(t *testing.T) {
	body := []byte(`<html><head><title>T&amp;itle</title><script>alert("x")</script><style>p{}</style></head>
<body><p>Hello<br>world</p><div>carfentanil<span>100mcg</span></div><noscript>js off</noscript></body></html>`)
	got := pageText(body, "text/html")
	want := "T&itle Hello world carfentanil 100mcg"
	if got != want {
		t.Fatalf("pageText = %q, want %q", got, want)
	}
	if got := pageText([]byte("plain\n\ttext"), "text/plain; charset=utf-8"); got != "plain text" {
		t.Fatalf("plain = %q", got)
	}
	if got := pageText([]byte("<p>unclosed <b>bold <i>x"), ""); got != "unclosed bold x" {
		t.Fatalf("malformed = %q", got)
	}
}

// TestConcurrentSavePage saves from several goroutines at once, as the
// crawler's handlers do: every save lands, each listing once, and nothing
// deadlocks on the single writer connection.
func TestConcurrentSavePage(t *testing.T) {
	db := newTestDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	routes := []fentinel.Route{fentinel.DefaultRoute("hook")}
	const workers, each = 4, 25
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			for i := 0; i < each; i++ {
				l := fentListing(onion("conc-save"), "/l/"+strconv.Itoa(i)) // the same listings from every worker
				l.vendor = "vendor" + strconv.Itoa(w)
				if _, err := db.SavePage(ctx, l.page(), l.verdict(), routes); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}(w)
	}
	for w := 0; w < workers; w++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := db.CountFindings(ctx, fentinel.FindingFilter{}); n != each {
		t.Fatalf("findings = %d, want %d", n, each)
	}
	var obs int
	if err := db.r.QueryRow(`SELECT count(*) FROM listing_observations`).Scan(&obs); err != nil || obs != workers*each {
		t.Fatalf("observations = %d, %v", obs, err)
	}
}
