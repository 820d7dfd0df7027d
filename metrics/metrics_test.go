package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fentinel/fentinel"
)

// staticSource answers fixed figures, or err for every query.
type staticSource struct {
	pending  int
	frontier map[string]int
	findings map[fentinel.Severity]int
	err      error
}

func (s staticSource) PendingAlerts(context.Context) (int, error) { return s.pending, s.err }
func (s staticSource) FrontierSizes(context.Context) (map[string]int, error) {
	return s.frontier, s.err
}
func (s staticSource) FindingsBySeverity(context.Context) (map[fentinel.Severity]int, error) {
	return s.findings, s.err
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read /metrics: %v", err)
	}
	return string(b)
}

func TestRunsAndAlertsExposed(t *testing.T) {
	m := New(BuildInfo{Version: "v1.2.3", Revision: "abc123", GoVersion: "go1.26.8"}, staticSource{
		pending:  3,
		frontier: map[string]int{"alpha": 17},
		findings: map[fentinel.Severity]int{fentinel.SeverityCritical: 2, fentinel.SeverityHigh: 5},
	})
	m.AddTarget("beta")
	m.AddSink("hook")
	end := time.Unix(1_800_000_000, 0)
	m.RunStarted("alpha")
	if got := testutil.ToFloat64(m.running.WithLabelValues("alpha")); got != 1 {
		t.Fatalf("crawl_running during run = %v, want 1", got)
	}
	m.RunFinished("alpha", Run{
		Status: StatusFinished, Duration: 42 * time.Second, FinishedAt: end,
		Pages:   map[string]int{"2xx": 40, "404": 2},
		Errors:  map[string]int{"timeout": 1, "socks_hs_desc_not_found": 3},
		Blocked: map[string]int{"queue": 1, "captcha": 2},
		Flagged: 7, New: 4, Changed: 1, Alerts: 5,
	})
	m.RunFinished("alpha", Run{Status: StatusFailed, Duration: time.Second, FinishedAt: end.Add(time.Minute)})
	m.RunsSkipped("alpha", 2)
	m.AlertDelivered("hook")
	m.AlertDelivered("hook")
	m.AlertFailed("hook")
	m.AlertDead("hook")

	text := scrape(t, m)
	want := []string{
		`fentinel_build_info{goversion="go1.26.8",revision="abc123",version="v1.2.3"} 1`,
		`fentinel_crawl_runs_total{status="finished",target="alpha"} 1`,
		`fentinel_crawl_runs_total{status="failed",target="alpha"} 1`,
		`fentinel_crawl_runs_total{status="finished",target="beta"} 0`,
		`fentinel_crawl_runs_skipped_total{target="alpha"} 2`,
		`fentinel_crawl_running{target="alpha"} 0`,
		`fentinel_crawl_duration_seconds_count{target="alpha"} 2`,
		`fentinel_crawl_duration_seconds_sum{target="alpha"} 43`,
		`fentinel_crawl_last_success_timestamp_seconds{target="alpha"} 1.8e+09`,
		`fentinel_crawl_last_run_timestamp_seconds{target="alpha"} 1.80000006e+09`,
		`fentinel_pages_fetched_total{status="2xx",target="alpha"} 40`,
		`fentinel_pages_fetched_total{status="404",target="alpha"} 2`,
		`fentinel_fetch_errors_total{class="socks_hs_desc_not_found",target="alpha"} 3`,
		`fentinel_pages_blocked_total{kind="captcha",target="alpha"} 2`,
		`fentinel_pages_blocked_total{kind="queue",target="alpha"} 1`,
		`fentinel_pages_flagged_total{target="alpha"} 7`,
		`fentinel_findings_new_total{target="alpha"} 4`,
		`fentinel_findings_changed_total{target="alpha"} 1`,
		`fentinel_alerts_queued_total{target="alpha"} 5`,
		`fentinel_alerts_delivered_total{sink="hook"} 2`,
		`fentinel_alerts_failed_total{sink="hook"} 1`,
		`fentinel_alerts_dead_total{sink="hook"} 1`,
		`fentinel_alerts_pending 3`,
		`fentinel_frontier_size{target="alpha"} 17`,
		`fentinel_findings{severity="critical"} 2`,
		`fentinel_findings{severity="high"} 5`,
		`fentinel_findings{severity="low"} 0`,
		`fentinel_go_goroutines `,
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("/metrics lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", text)
	}
}

func TestEverySeriesIsFentinel(t *testing.T) {
	m := New(ReadBuildInfo(), staticSource{})
	m.RunFinished("t", Run{Status: StatusFinished, Pages: map[string]int{"2xx": 1}})
	for _, line := range strings.Split(scrape(t, m), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, Namespace+"_") {
			t.Errorf("scraped series %q is not prefixed %s_", line, Namespace)
		}
	}
	families, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	if len(families) < 20 {
		t.Fatalf("only %d metric families gathered", len(families))
	}
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), Namespace+"_") {
			t.Errorf("series %s is not prefixed %s_", f.GetName(), Namespace)
		}
	}
}

func TestLint(t *testing.T) {
	m := New(ReadBuildInfo(), staticSource{})
	m.RunFinished("t", Run{Status: StatusFinished})
	problems, err := testutil.GatherAndLint(m.Gatherer())
	if err != nil {
		t.Fatalf("GatherAndLint: %v", err)
	}
	for _, p := range problems {
		// Go runtime series come from client_golang; judge only ours.
		if strings.HasPrefix(p.Metric, "fentinel_go_") || strings.HasPrefix(p.Metric, "fentinel_process_") {
			continue
		}
		t.Errorf("lint %s: %s", p.Metric, p.Text)
	}
}

func TestSourceErrorsDropGauges(t *testing.T) {
	m := New(ReadBuildInfo(), staticSource{err: errors.New("database is locked")})
	text := scrape(t, m)
	for _, absent := range []string{"fentinel_alerts_pending ", "fentinel_findings{", "fentinel_frontier_size{"} {
		if strings.Contains(text, absent) {
			t.Errorf("/metrics has %q although its query failed", absent)
		}
	}
	for _, g := range []string{"alerts_pending", "frontier_size", "findings"} {
		if got := testutil.ToFloat64(m.sourceErrors.WithLabelValues(g)); got != 1 {
			t.Errorf("metrics_source_errors_total{gauge=%q} = %v, want 1", g, got)
		}
	}
}

func TestNilSource(t *testing.T) {
	m := New(ReadBuildInfo(), nil)
	if text := scrape(t, m); !strings.Contains(text, "fentinel_build_info{") {
		t.Fatalf("/metrics without a source lacks build info:\n%s", text)
	}
}

func TestReadBuildInfo(t *testing.T) {
	bi := ReadBuildInfo()
	if bi.GoVersion == "" || bi.Version == "" {
		t.Fatalf("ReadBuildInfo() = %+v, want Version and GoVersion set", bi)
	}
}
