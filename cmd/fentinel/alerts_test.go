package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/alert"
	"github.com/fentinel/fentinel/marketsim"
	"github.com/fentinel/fentinel/store"
)

// bodies is a loopback HTTP receiver that records bodies and answers status.
type bodies struct {
	mu     sync.Mutex
	got    [][]byte
	status int
	srv    *httptest.Server
}

func newBodies(t *testing.T, status int) *bodies {
	b := &bodies{status: status}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.got = append(b.got, data)
		b.mu.Unlock()
		w.WriteHeader(b.status)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *bodies) all() [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([][]byte(nil), b.got...)
}

func newTestReceiver(t *testing.T) *marketsim.Receiver {
	t.Helper()
	r, err := marketsim.NewReceiver("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestAlertsTestSendsToEverySink(t *testing.T) {
	dir := t.TempDir()
	soc := newTestReceiver(t)
	plain := newTestReceiver(t)
	slack := newBodies(t, http.StatusOK)
	slackToken := "SYNTHETICSLACKTOKEN42"
	cfgPath := writeFile(t, dir, "f.yaml", fmt.Sprintf(`alerts:
  sinks:
    - name: soc
      type: webhook
      url: %s
      secret_env: SOC_SECRET
    - name: duty-slack
      type: slack
      secret_env: SLACK_URL
      min_severity: high
`, soc.URL()))
	env := map[string]string{"SOC_SECRET": soc.Secret(), "SLACK_URL": slack.srv.URL + "/services/T/B/" + slackToken}
	getenv := func(k string) string { return env[k] }

	code, out, errOut := runIn(t, getenv, "alerts", "test", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"soc", "duty-slack", "ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if got := soc.Received(); len(got) != 1 || !got[0].Valid {
		t.Fatalf("soc receiver: %+v", got)
	} else {
		var p alert.Payload
		if err := json.Unmarshal(got[0].Body, &p); err != nil || p.Type != eventTest {
			t.Fatalf("test payload type = %q (%v)", p.Type, err)
		}
	}
	if len(slack.all()) != 1 {
		t.Fatalf("slack got %d messages", len(slack.all()))
	}
	if strings.Contains(out+errOut, slackToken) || strings.Contains(out+errOut, soc.Secret()) {
		t.Fatal("output contains a secret")
	}

	// --sink picks one; --webhook-url replaces the plain webhooks.
	code, out, _ = runIn(t, getenv, "alerts", "test", "--config", cfgPath, "--sink", "soc")
	if code != 0 || strings.Contains(out, "duty-slack") || len(soc.Received()) != 2 {
		t.Fatalf("--sink soc: exit %d\n%s", code, out)
	}
	code, out, _ = runIn(t, nil, "alerts", "test", "--webhook-url", plain.URL(), "--webhook-secret", plain.Secret())
	if code != 0 || len(plain.Received()) != 1 || !plain.Received()[0].Valid {
		t.Fatalf("--webhook-url: exit %d\n%s", code, out)
	}
}

func TestAlertsTestReportsFailures(t *testing.T) {
	dir := t.TempDir()
	bad := newBodies(t, http.StatusForbidden)
	cfgPath := writeFile(t, dir, "f.yaml", "alerts:\n  sinks:\n    - {name: teams, type: teams, secret_env: TEAMS_URL}\n")
	env := map[string]string{"TEAMS_URL": bad.srv.URL + "/workflows/SECRETSIG"}
	code, out, errOut := runIn(t, func(k string) string { return env[k] }, "alerts", "test", "--config", cfgPath)
	if code != 1 || !strings.Contains(out, "FAILED") || !strings.Contains(out, "403") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "SECRETSIG") {
		t.Fatal("output contains the Teams URL secret")
	}
	for _, args := range [][]string{
		{"alerts"},
		{"alerts", "frobnicate"},
		{"alerts", "test", "--config", cfgPath, "--sink", "nope"},
		{"alerts", "list", "--state", "weird", "--db", filepath.Join(dir, "x.db")},
	} {
		if code, _, _ := runIn(t, func(k string) string { return env[k] }, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// seedOutbox stores n flagged findings routed to sink and returns the DB path.
func seedOutbox(t *testing.T, sink string, n int) (string, []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	site := "bq2wxyyeahsnhdmf2w7cagvrqvksskbrs6umwgbt7ryqp5vvzc7dxnqd.onion"
	for i := 0; i < n; i++ {
		u := fmt.Sprintf("http://%s/listing/%d", site, i)
		p := fentinel.Page{URL: u, FinalURL: u, Site: site, Status: 200, FetchedAt: time.Now(),
			Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(fmt.Sprintf("<title>l%d</title>fentanyl", i))}
		v := fentinel.Verdict{Flagged: true, Score: 0.9, Severity: fentinel.SeverityHigh, Substances: []string{"fentanyl"},
			Classes: []string{fentinel.ClassFentanyl}, Extracted: fentinel.Extracted{Title: fmt.Sprintf("Synthetic listing %d", i)}}
		if _, err := db.SavePage(ctx, p, v, []fentinel.Route{fentinel.DefaultRoute(sink)}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := db.ListAlerts(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(all))
	for i, a := range all {
		ids[i] = a.ID
	}
	if err := db.MarkDead(ctx, ids[0], 5, "synthetic: receiver down"); err != nil {
		t.Fatal(err)
	}
	return path, ids
}

func TestAlertsListAndRetry(t *testing.T) {
	path, ids := seedOutbox(t, "webhook", 3)
	code, out, errOut := runIn(t, nil, "alerts", "list", "--db", path)
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errOut)
	}
	for _, id := range ids {
		if !strings.Contains(out, id) {
			t.Errorf("list lacks %s:\n%s", id, out)
		}
	}
	code, out, _ = runIn(t, nil, "alerts", "list", "--state", "dead", "--format", "jsonl", "--db", path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 1 {
		t.Fatalf("list dead: exit %d\n%s", code, out)
	}
	var a fentinel.Alert
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil || a.ID != ids[0] || a.State != fentinel.AlertDead || a.LastError == "" {
		t.Fatalf("dead row %+v (%v)", a, err)
	}

	// Retry the dead one and deliver everything pending now.
	rcv := newTestReceiver(t)
	code, out, errOut = runIn(t, nil, "alerts", "retry", "--db", path, "--dead", "--deliver", "--wait", "20s",
		"--webhook-url", rcv.URL(), "--webhook-secret", rcv.Secret())
	if code != 0 || !strings.Contains(out, "requeued 1") || !strings.Contains(out, "delivered 3") {
		t.Fatalf("retry: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	got := map[string]bool{}
	for _, d := range rcv.Received() {
		if !d.Valid {
			t.Errorf("invalid delivery: %s", d.Error)
		}
		got[d.ID] = true
	}
	for _, id := range ids {
		if !got[id] {
			t.Errorf("alert %s not delivered with its outbox id", id)
		}
	}
	code, out, _ = runIn(t, nil, "alerts", "list", "--db", path, "--state", "pending")
	if code != 0 || !strings.Contains(out, "(no alerts)") {
		t.Fatalf("after retry, pending list:\n%s", out)
	}
	// By id: a delivered alert cannot be requeued.
	if code, _, errOut := runIn(t, nil, "alerts", "retry", "--db", path, ids[1]); code == 0 {
		t.Fatalf("requeue of a delivered alert succeeded: %s", errOut)
	}
	if code, _, _ := runIn(t, nil, "alerts", "retry", "--db", path); code != 2 {
		t.Fatalf("retry without ids: exit %d, want 2", code)
	}
}
