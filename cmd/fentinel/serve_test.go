package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/crawler"
	"github.com/fentinel/fentinel/marketsim"
	"github.com/fentinel/fentinel/metrics"
	"github.com/fentinel/fentinel/store"
)

// serveBuild builds the fentinel binary into a test's temp dir (the build
// cache makes every build after the first a link step).
func serveBuild(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "fentinel")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=-tags=sqlite_fts5")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProc is a running `fentinel serve`.
type serveProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string // the HTTP address it listens on
	done chan struct{}
	err  error // Wait's result, once done is closed

	mu    sync.Mutex
	lines []string // stderr log lines
}

// startServe runs the binary with args and waits for its "listening" log line.
func startServe(t *testing.T, bin string, args ...string) *serveProc {
	t.Helper()
	return startServeEnv(t, bin, nil, args...)
}

// startServeEnv is startServe with extra environment variables.
func startServeEnv(t *testing.T, bin string, env []string, args ...string) *serveProc {
	t.Helper()
	p := &serveProc{t: t, cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.lines = append(p.lines, line)
			p.mu.Unlock()
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "serve: listening" {
				addr <- rec.Addr
			}
		}
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("serve log:\n%s", p.log())
		}
	})
	select {
	case p.addr = <-addr:
	case <-p.done:
		t.Fatalf("serve exited before listening: %v\n%s", p.err, p.log())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start listening within 30s\n%s", p.log())
	}
	return p
}

func (p *serveProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// get fetches path from the server and returns status and body.
func (p *serveProc) get(path string) (int, string) {
	p.t.Helper()
	resp, err := http.Get("http://" + p.addr + path)
	if err != nil {
		p.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(b)
}

// metric returns the sum of the samples of name whose labels include want.
func (p *serveProc) metric(name string, want map[string]string) float64 {
	p.t.Helper()
	code, body := p.get("/metrics")
	if code != http.StatusOK {
		p.t.Fatalf("/metrics: status %d", code)
	}
	return metricSum(body, name, want)
}

func metricSum(text, name string, want map[string]string) float64 {
	sum := 0.0
	for _, line := range strings.Split(text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		series, val := line[:sp], line[sp+1:]
		n, labels, _ := strings.Cut(series, "{")
		if n != name {
			continue
		}
		got := map[string]string{}
		for _, kv := range strings.Split(strings.TrimSuffix(labels, "}"), ",") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				got[k] = strings.Trim(v, `"`)
			}
		}
		match := true
		for k, v := range want {
			if got[k] != v {
				match = false
			}
		}
		if match {
			f, err := strconv.ParseFloat(val, 64)
			if err == nil {
				sum += f
			}
		}
	}
	return sum
}

// waitFor polls cond every 100 ms until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM and returns how long the process took to exit; it
// fails the test unless the exit status is 0.
func (p *serveProc) stop() time.Duration {
	p.t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.t.Fatalf("serve still running 20s after SIGTERM")
	}
	took := time.Since(start)
	if p.err != nil {
		p.t.Fatalf("serve exited with %v after SIGTERM, want status 0", p.err)
	}
	return took
}

func serveArgs(sim *marketsim.Sim, db string, extra ...string) []string {
	args := []string{"serve", "--proxy", sim.ProxyURL(), "--db", db, "--listen", "127.0.0.1:0",
		"--name", "sim", "--log-format", "json",
		"--webhook-url", sim.Receiver().URL(), "--webhook-secret", sim.Receiver().Secret()}
	for _, s := range sim.Seeds() {
		args = append(args, "--seed", s)
	}
	return append(args, extra...)
}

func openStore(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// targetRuns returns target's crawl runs, oldest first.
func targetRuns(t *testing.T, db *store.DB, target string) []fentinel.CrawlRun {
	t.Helper()
	all, err := db.Runs(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []fentinel.CrawlRun
	for _, r := range all {
		if r.Target == target {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// TestServe builds the binary once and runs `fentinel serve` against the
// market simulator in each subtest.
func TestServe(t *testing.T) {
	bin := serveBuild(t)
	t.Run("ScheduledRuns", func(t *testing.T) { testServeScheduledRuns(t, bin) })
	t.Run("SIGTERMMidRunAndResume", func(t *testing.T) { testServeSIGTERMMidRunAndResume(t, bin) })
	t.Run("ListenInUse", func(t *testing.T) { testServeListenInUse(t, bin) })
	t.Run("HostileMetrics", func(t *testing.T) { testServeHostileMetrics(t, bin) })
	t.Run("ConfigTargets", func(t *testing.T) { testServeConfigTargets(t, bin) })
}

// testServeScheduledRuns: with a one-second schedule two runs happen, none
// overlap, /metrics and the API reflect them, one alert per finding is
// delivered, and SIGTERM exits 0 at once.
func testServeScheduledRuns(t *testing.T, bin string) {
	ctx := context.Background()
	sim := startSim(t, marketsim.Options{})
	dbPath := filepath.Join(t.TempDir(), "fentinel.db")
	p := startServe(t, bin, serveArgs(sim, dbPath, "--every", "1s")...)

	finished := map[string]string{"target": "sim", "status": "finished"}
	waitFor(t, 240*time.Second, "two finished runs in /metrics", func() bool {
		return p.metric("fentinel_crawl_runs_total", finished) >= 2
	})
	waitFor(t, 60*time.Second, "the outbox to drain", func() bool {
		return p.metric("fentinel_alerts_pending", nil) == 0 && p.metric("fentinel_alerts_delivered_total", nil) > 0
	})

	if code, body := p.get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := p.get("/readyz"); code != 200 || strings.TrimSpace(body) != "ready" {
		t.Errorf("/readyz = %d %q", code, body)
	}

	db := openStore(t, dbPath)
	findings, err := db.Findings(ctx, fentinel.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) == 0 {
		t.Fatal("no findings stored")
	}

	// /metrics reflects the runs, the pages, the findings and the alerts.
	_, text := p.get("/metrics")
	checks := []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"fentinel_crawl_runs_total", finished, 2},
		{"fentinel_crawl_duration_seconds_count", map[string]string{"target": "sim"}, 2},
		{"fentinel_crawl_last_success_timestamp_seconds", map[string]string{"target": "sim"}, float64(time.Now().Add(-time.Minute).Unix())},
		{"fentinel_pages_fetched_total", map[string]string{"target": "sim", "status": "2xx"}, 10},
		{"fentinel_pages_flagged_total", map[string]string{"target": "sim"}, 1},
		{"fentinel_findings_new_total", map[string]string{"target": "sim"}, float64(len(findings))},
		{"fentinel_findings", nil, float64(len(findings))},
		{"fentinel_alerts_delivered_total", map[string]string{"sink": "webhook"}, float64(len(findings))},
		{"fentinel_build_info", nil, 1},
	}
	for _, c := range checks {
		if got := metricSum(text, c.name, c.labels); got < c.min {
			t.Errorf("%s%v = %v, want at least %v", c.name, c.labels, got, c.min)
		}
	}
	if got := metricSum(text, "fentinel_findings", nil); got != float64(len(findings)) {
		t.Errorf("fentinel_findings sums to %v, the store has %d findings", got, len(findings))
	}
	if got := metricSum(text, "fentinel_crawl_runs_total", map[string]string{"status": "failed"}); got != 0 {
		t.Errorf("%v failed runs", got)
	}
	t.Logf("/metrics excerpt:\n%s", metricsExcerpt(text))

	// No two runs of the target overlapped.
	runs := targetRuns(t, db, "sim")
	nFinished := 0
	for i, r := range runs {
		if r.Status == store.RunFinished {
			nFinished++
		}
		if i > 0 && runs[i-1].FinishedAt.After(r.StartedAt) {
			t.Errorf("run %d started at %v before run %d finished at %v", r.ID, r.StartedAt, runs[i-1].ID, runs[i-1].FinishedAt)
		}
		if i < len(runs)-1 && r.Status == store.RunRunning {
			t.Errorf("run %d still running while later run %d exists", r.ID, runs[i+1].ID)
		}
	}
	if nFinished < 2 {
		t.Errorf("%d finished runs in crawl_runs, want at least 2", nFinished)
	}

	// One signed alert per finding, however many runs saw it.
	ids := map[string]bool{}
	for _, d := range sim.Receiver().Received() {
		if !d.Valid {
			t.Errorf("delivery %s not valid: %s", d.ID, d.Error)
		}
		ids[d.ID] = true
	}
	if len(ids) != len(findings) {
		t.Errorf("%d distinct alerts delivered for %d findings", len(ids), len(findings))
	}

	testFindingsAPI(t, p, findings)

	took := p.stop()
	t.Logf("SIGTERM to exit: %v", took)
	if took > 15*time.Second {
		t.Errorf("serve took %v to exit after SIGTERM, want under 15s", took)
	}
	runs = targetRuns(t, db, "sim")
	for _, r := range runs {
		if r.Status == store.RunRunning {
			t.Errorf("run %d left 'running' after shutdown", r.ID)
		}
	}
}

// testFindingsAPI checks the JSON API against the store's findings.
func testFindingsAPI(t *testing.T, p *serveProc, findings []fentinel.Finding) {
	t.Helper()
	var list struct {
		Count    int                `json:"count"`
		Limit    int                `json:"limit"`
		Findings []fentinel.Finding `json:"findings"`
	}
	decode := func(path string, want int, v any) {
		t.Helper()
		code, body := p.get(path)
		if code != want {
			t.Fatalf("GET %s = %d %s, want %d", path, code, body, want)
		}
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, body)
		}
	}
	decode("/api/v1/findings?limit=10000", 200, &list)
	if list.Count != len(findings) || len(list.Findings) != len(findings) {
		t.Fatalf("API lists %d findings (count %d), the store has %d", len(list.Findings), list.Count, len(findings))
	}
	for i, f := range list.Findings {
		if f.ID != findings[i].ID || f.URL != findings[i].URL || f.Severity != findings[i].Severity {
			t.Fatalf("API finding %d = %+v, store has %+v", i, f, findings[i])
		}
	}
	top := findings[0]
	for _, f := range findings {
		if f.Severity > top.Severity {
			top = f
		}
	}
	decode("/api/v1/findings?severity="+top.Severity.String()+"&site="+top.Site, 200, &list)
	if list.Count == 0 {
		t.Fatalf("severity/site filter found nothing, want at least finding %d", top.ID)
	}
	for _, f := range list.Findings {
		if f.Severity < top.Severity || f.Site != top.Site {
			t.Errorf("filtered list has finding %d (severity %s, site %s)", f.ID, f.Severity, f.Site)
		}
	}
	decode("/api/v1/findings?since=1h&min_score=0&limit=1", 200, &list)
	if list.Count != 1 || list.Limit != 1 {
		t.Errorf("limit=1: count %d limit %d", list.Count, list.Limit)
	}
	decode("/api/v1/findings?kind=listing&limit=10000", 200, &list)
	listings := 0
	for _, f := range findings {
		if f.PageKind == fentinel.PageListing {
			listings++
		}
	}
	if list.Count != listings || listings == 0 {
		t.Errorf("kind=listing: %d findings, the store has %d listings", list.Count, listings)
	}
	for _, f := range list.Findings {
		if f.PageKind != fentinel.PageListing {
			t.Errorf("kind=listing returned finding %d of kind %q", f.ID, f.PageKind)
		}
	}
	decode("/api/v1/findings?kind=shop", 400, &struct{}{})
	decode("/api/v1/findings?since=2000-01-01&status=dismissed", 200, &list)
	if list.Count != 0 {
		t.Errorf("status=dismissed: %d findings, none were dismissed", list.Count)
	}
	var one fentinel.Finding
	decode(fmt.Sprintf("/api/v1/findings/%d", top.ID), 200, &one)
	if one.ID != top.ID || one.URL != top.URL || !slices.Equal(one.Substances, top.Substances) {
		t.Errorf("GET finding %d = %+v, want %+v", top.ID, one, top)
	}
	var apiErr struct{ Error string }
	for _, c := range []struct {
		path string
		code int
		want string
	}{
		{"/api/v1/findings/999999999", 404, "not found"},
		{"/api/v1/findings/abc", 400, "id:"},
		{"/api/v1/findings?min_score=2", 400, "min_score:"},
		{"/api/v1/findings?severity=urgent", 400, "severity:"},
		{"/api/v1/findings?since=yesterday", 400, "since:"},
		{"/api/v1/findings?limit=0", 400, "limit:"},
		{"/api/v1/findings?colour=red", 400, "colour:"},
	} {
		decode(c.path, c.code, &apiErr)
		if !strings.Contains(apiErr.Error, c.want) {
			t.Errorf("GET %s error %q, want it to name %q", c.path, apiErr.Error, c.want)
		}
	}
	resp, err := http.Post("http://"+p.addr+"/api/v1/findings", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /api/v1/findings = %d, want 405 (the API is read-only)", resp.StatusCode)
	}
}

// metricsExcerpt keeps the fentinel_* samples of crawls, pages, findings and
// alerts (not the runtime or histogram buckets).
func metricsExcerpt(text string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "#") || strings.Contains(line, "_bucket{") ||
			strings.HasPrefix(line, "fentinel_go_") || strings.HasPrefix(line, "fentinel_process_") || line == "" {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// testServeSIGTERMMidRunAndResume: SIGTERM during a slow crawl exits 0
// quickly and records the run as interrupted; the restart resumes the pass
// from the persistent frontier without fetching pages again.
func testServeSIGTERMMidRunAndResume(t *testing.T, bin string) {
	ctx := context.Background()
	sim := startSim(t, marketsim.Options{Latency: 150 * time.Millisecond})
	dbPath := filepath.Join(t.TempDir(), "fentinel.db")
	args := serveArgs(sim, dbPath, "--every", "1h", "--concurrency", "2", "--per-host", "1")

	p := startServe(t, bin, args...)
	waitFor(t, 60*time.Second, "the first run to be under way", func() bool { return sim.Requests("", "") >= 8 })
	took := p.stop()
	t.Logf("SIGTERM mid-run to exit: %v", took)
	if took > 15*time.Second {
		t.Errorf("serve took %v to exit after SIGTERM, want under 15s", took)
	}

	db := openStore(t, dbPath)
	runs := targetRuns(t, db, "sim")
	if len(runs) != 1 || runs[0].Status != store.RunInterrupted {
		t.Fatalf("after SIGTERM mid-run: runs %+v, want one interrupted run", runs)
	}
	pending, err := db.Frontier("sim").Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pending == 0 {
		t.Fatal("frontier empty after the interrupted run: nothing to resume")
	}

	// The restart's first run (at once: --every) resumes the pass.
	p = startServe(t, bin, args...)
	waitFor(t, 240*time.Second, "the resumed run to finish", func() bool {
		return p.metric("fentinel_crawl_runs_total", map[string]string{"target": "sim", "status": "finished"}) >= 1
	})
	if got := p.metric("fentinel_frontier_size", map[string]string{"target": "sim"}); got != 0 {
		t.Errorf("fentinel_frontier_size after the resumed pass = %v, want 0", got)
	}
	runs = targetRuns(t, db, "sim")
	if len(runs) != 2 || runs[1].Status != store.RunFinished {
		t.Fatalf("after restart: runs %+v, want interrupted then finished", runs)
	}
	if runs[0].Fetched == 0 || runs[1].Fetched == 0 {
		t.Fatalf("fetched %d then %d: the SIGTERM did not split the pass", runs[0].Fetched, runs[1].Fetched)
	}
	// Each page was requested once over both processes, except those in
	// flight at the SIGTERM (at most --concurrency).
	again := 0
	for _, m := range sim.Markets() {
		for _, uri := range sim.RequestURIs(m.Onion) {
			n := sim.Requests(m.Onion, uri)
			for _, longer := range sim.RequestURIs(m.Onion) {
				if longer != uri && strings.HasPrefix(longer, uri) {
					n -= sim.Requests(m.Onion, longer)
				}
			}
			if uri == "/" {
				continue // prefix of everything; the home page is a seed, checked below
			}
			if n > 1 {
				again++
			}
		}
	}
	t.Logf("interrupted run fetched %d pages, resumed run %d; %d pages requested twice", runs[0].Fetched, runs[1].Fetched, again)
	if again > 2 {
		t.Errorf("%d pages requested again after the restart, want at most the 2 in flight", again)
	}
	p.stop()
}

func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no targets", []string{"serve", "--db", filepath.Join(dir, "a.db")}, 1, "config: targets: none configured"},
		{"seed without schedule", []string{"serve", "--seed", "http://a.onion/"}, 2, "--seed needs --every DURATION or --schedule CRON"},
		{"schedule without seed", []string{"serve", "--every", "1m"}, 2, "--every and --schedule need --seed"},
		{"both schedules", []string{"serve", "--seed", "http://a.onion/", "--every", "1m", "--schedule", "@hourly"}, 1, "config: targets[0].schedule"},
		{"bad cron", []string{"serve", "--seed", "http://a.onion/", "--schedule", "every tuesday"}, 1, "config: targets[0].schedule"},
		{"bad listen", []string{"serve", "--seed", "http://a.onion/", "--every", "1m", "--listen", "9464"}, 1, "config: listen"},
		{"bad proxy", []string{"serve", "--seed", "http://a.onion/", "--every", "1m", "--proxy", "http://127.0.0.1:8118"}, 1, "config: proxy"},
		{"stray argument", []string{"serve", "now"}, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runIn(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// testServeListenInUse: a second serve on a busy address fails, naming it.
func testServeListenInUse(t *testing.T, bin string) {
	sim := startSim(t, marketsim.Options{})
	dir := t.TempDir()
	p := startServe(t, bin, serveArgs(sim, filepath.Join(dir, "a.db"), "--every", "1h")...)
	cmd := exec.Command(bin, "serve", "--db", filepath.Join(dir, "b.db"), "--listen", p.addr,
		"--proxy", sim.ProxyURL(), "--seed", sim.Seeds()[0], "--every", "1h")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "serve: listen "+p.addr) {
		t.Fatalf("second serve on %s: %v\n%s", p.addr, err, out)
	}
	p.stop()
}

func TestRunMetrics(t *testing.T) {
	end := time.Unix(1_800_000_000, 0)
	sum := crawlSummary{
		Pages: 40, Flagged: 6, New: 3, Changed: 1, AlertsQueued: 4,
		Crawl: crawler.Stats{
			Fetched: 40,
			Errors:  map[string]int{crawler.ClassHTTP5xx: 2, crawler.ClassHTTP4xx: 1, crawler.ClassHTTP429: 3, crawler.ClassDescriptor: 5},
			Blocked: map[string]int{crawler.BlockedQueue: 1, crawler.BlockedCaptcha: 2},
		},
	}
	tests := []struct {
		name        string
		err         error
		interrupted bool
		status      string
	}{
		{"finished", nil, false, metrics.StatusFinished},
		{"failed", errors.New("crawl: SOCKS proxy unreachable"), false, metrics.StatusFailed},
		{"interrupted", context.Canceled, true, metrics.StatusInterrupted},
		{"cancelled but clean", nil, true, metrics.StatusFinished},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMetrics(sum, tt.err, tt.interrupted, 42*time.Second, end)
			if r.Status != tt.status {
				t.Errorf("status %q, want %q", r.Status, tt.status)
			}
			wantPages := map[string]int{"2xx": 40, "4xx": 1, "429": 3, "5xx": 2}
			if !maps.Equal(r.Pages, wantPages) {
				t.Errorf("pages %v, want %v", r.Pages, wantPages)
			}
			if r.Errors[crawler.ClassDescriptor] != 5 || r.Blocked[crawler.BlockedCaptcha] != 2 {
				t.Errorf("errors %v blocked %v not passed on", r.Errors, r.Blocked)
			}
			if r.Flagged != 6 || r.New != 3 || r.Changed != 1 || r.Alerts != 4 || r.Duration != 42*time.Second || !r.FinishedAt.Equal(end) {
				t.Errorf("counters %+v", r)
			}
		})
	}
}

// TestServeReadiness runs serve in-process: /readyz is 503 naming the proxy
// while the SOCKS proxy is down (or the control port, when one is
// configured) and 200 when it answers; /healthz is 200 either way.
func TestServeReadiness(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()

	for _, tc := range []struct {
		name    string
		proxy   string
		control string
		code    int
		want    string
	}{
		{"proxy down", "socks5h://" + deadAddr, "", 503, "SOCKS proxy " + deadAddr},
		{"control port down", sim.ProxyURL(), deadAddr, 503, "control port " + deadAddr},
		{"proxy up", sim.ProxyURL(), "", 200, "ready"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig()
			cfg.DB = filepath.Join(t.TempDir(), "f.db")
			cfg.Proxy = tc.proxy
			cfg.ControlPort = tc.control
			cfg.Listen = "127.0.0.1:0"
			// A target that does not run during the test.
			cfg.Targets = []targetConf{{Name: "t", Seeds: sim.Seeds(), Schedule: "0 0 1 1 *"}}
			if err := cfg.validateServe(); err != nil {
				t.Fatal(err)
			}
			logs := &serveLogBuffer{}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- serve(ctx, cfg, newLogger(logs, "json", "info")) }()
			var addr string
			waitFor(t, 10*time.Second, "serve to listen", func() bool {
				for _, line := range strings.Split(logs.String(), "\n") {
					var rec struct{ Msg, Addr string }
					if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "serve: listening" {
						addr = rec.Addr
					}
				}
				return addr != ""
			})
			p := &serveProc{t: t, addr: addr}
			if code, body := p.get("/healthz"); code != 200 {
				t.Errorf("/healthz = %d %q", code, body)
			}
			code, body := p.get("/readyz")
			if code != tc.code || !strings.Contains(body, tc.want) {
				t.Errorf("/readyz = %d %q, want %d naming %q", code, body, tc.code, tc.want)
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v after cancel", err)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("serve did not return within 15s of cancel")
			}
		})
	}
}

func TestDBWritable(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	if err := os.WriteFile(db, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := dbWritable(db); err != nil {
		t.Fatalf("dbWritable(%s) = %v", db, err)
	}
	if err := dbWritable(filepath.Join(dir, "missing", "f.db")); err == nil {
		t.Fatal("dbWritable of a file in a missing directory succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("dbWritable left files behind: %v", entries)
	}
}

// serveLogBuffer is a log sink safe for a logger and a reader at once.
type serveLogBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *serveLogBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *serveLogBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServeHostileMetrics crawls the simulator's hostile lab (queue,
// captcha, login wall, flaky 503s, slow pages) and checks that /metrics
// counts the run's errors by class and its blocks by kind exactly as the
// crawl_runs row records them.
func testServeHostileMetrics(t *testing.T, bin string) {
	sim := startSim(t, marketsim.Options{Hostile: true, QueueWait: time.Second, SlowFor: 2 * time.Second})
	dbPath := filepath.Join(t.TempDir(), "fentinel.db")
	p := startServe(t, bin, serveArgs(sim, dbPath, "--every", "1h", "--timeout", "10s")...)
	waitFor(t, 240*time.Second, "the run to end", func() bool {
		return p.metric("fentinel_crawl_runs_total", map[string]string{"target": "sim"}) >= 1
	})
	_, text := p.get("/metrics")
	p.stop()
	db := openStore(t, dbPath)
	runs := targetRuns(t, db, "sim")
	if len(runs) != 1 {
		t.Fatalf("runs %+v, want one", runs)
	}
	run := runs[0]
	if run.Blocked[crawler.BlockedQueue]+run.Blocked[crawler.BlockedCaptcha] == 0 || len(run.Errors) == 0 {
		t.Fatalf("the hostile lab caused no blocks or errors: %+v", run)
	}
	for class, n := range run.Errors {
		if got := metricSum(text, "fentinel_fetch_errors_total", map[string]string{"target": "sim", "class": class}); got != float64(n) {
			t.Errorf("fentinel_fetch_errors_total{class=%q} = %v, crawl_runs says %d", class, got, n)
		}
	}
	for kind, n := range run.Blocked {
		if got := metricSum(text, "fentinel_pages_blocked_total", map[string]string{"target": "sim", "kind": kind}); got != float64(n) {
			t.Errorf("fentinel_pages_blocked_total{kind=%q} = %v, crawl_runs says %d", kind, got, n)
		}
	}
	if got := metricSum(text, "fentinel_pages_fetched_total", map[string]string{"target": "sim", "status": "2xx"}); got != float64(run.Fetched) {
		t.Errorf("fentinel_pages_fetched_total{status=2xx} = %v, crawl_runs says %d fetched", got, run.Fetched)
	}
	var excerpt []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "fentinel_fetch_errors_total") || strings.HasPrefix(line, "fentinel_pages_blocked_total") || strings.HasPrefix(line, "fentinel_pages_fetched_total") {
			excerpt = append(excerpt, line)
		}
	}
	t.Logf("run %d: errors %v blocked %v\n%s", run.ID, run.Errors, run.Blocked, strings.Join(excerpt, "\n"))
}

// testServeConfigTargets runs `serve --config` with two targets, one per
// simulated market, one on an interval and one on a six-field cron
// expression, a webhook whose secret comes from secret_env, an API token
// file, and the listen address from FENTINEL_LISTEN: each target runs on its
// own schedule under its own name, never overlapping itself.
func testServeConfigTargets(t *testing.T, bin string) {
	sim := startSim(t, marketsim.Options{})
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "fentinel.db")
	seeds := sim.Seeds()
	const token = "serve-test-token-0123456789"
	tokenFile := writeFile(t, dir, "api-token", token+"\n")
	cfgPath := writeFile(t, dir, "fentinel.yaml", fmt.Sprintf(`db: %s
proxy: %s
api_token_file: `+tokenFile+`
log_format: json
crawl:
  max_pages: 30
webhooks:
  - name: soc
    url: %s
    secret_env: SOC_SECRET
targets:
  - name: market-a
    seeds: [%q]
    every: 1s
  - name: market-b
    seeds: [%q]
    schedule: "*/2 * * * * *"
    crawl:
      max_pages: 20
`, dbPath, sim.ProxyURL(), sim.Receiver().URL(), seeds[0], seeds[1]))
	p := startServeEnv(t, bin, []string{"SOC_SECRET=" + sim.Receiver().Secret(), "FENTINEL_LISTEN=127.0.0.1:0"}, "serve", "--config", cfgPath)
	for _, target := range []string{"market-a", "market-b"} {
		waitFor(t, 240*time.Second, "two finished runs of "+target, func() bool {
			return p.metric("fentinel_crawl_runs_total", map[string]string{"target": target, "status": "finished"}) >= 2
		})
	}
	if code, body := p.get("/api/v1/findings"); code != http.StatusUnauthorized {
		t.Errorf("API without the token: %d %s, want 401", code, body)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+p.addr+"/api/v1/findings", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("API with the token: %v %v, want 200", resp, err)
	} else {
		resp.Body.Close()
	}
	p.stop()
	db := openStore(t, dbPath)
	for _, c := range []struct {
		target   string
		maxPages int
	}{{"market-a", 30}, {"market-b", 20}} {
		runs := targetRuns(t, db, c.target)
		if len(runs) < 2 {
			t.Fatalf("%s: %d runs, want at least 2", c.target, len(runs))
		}
		for i, r := range runs {
			if i > 0 && runs[i-1].FinishedAt.After(r.StartedAt) {
				t.Errorf("%s: run %d started before run %d finished", c.target, r.ID, runs[i-1].ID)
			}
			if r.Fetched > c.maxPages {
				t.Errorf("%s: run %d fetched %d pages, over its max_pages %d", c.target, r.ID, r.Fetched, c.maxPages)
			}
		}
	}
	// Both markets were crawled, each by its own target.
	hosts := map[string]bool{}
	for _, f := range mustFindings(t, db) {
		hosts[f.Site] = true
	}
	if len(hosts) != 2 {
		t.Errorf("findings from %d sites, want both markets: %v", len(hosts), hosts)
	}
	for _, d := range sim.Receiver().Received() {
		if !d.Valid {
			t.Errorf("delivery %s not valid (secret_env secret not used?): %s", d.ID, d.Error)
		}
	}
	if len(sim.Receiver().Received()) == 0 {
		t.Error("no alerts delivered to the soc webhook")
	}
}

func mustFindings(t *testing.T, db *store.DB) []fentinel.Finding {
	t.Helper()
	list, err := db.Findings(context.Background(), fentinel.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestFindingsAPIToken serves the API over a real (empty) store with a
// token: requests without it or with another are refused with 401.
func TestFindingsAPIToken(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "f.db"))
	const token = "0123456789abcdef-token"
	mux := http.NewServeMux()
	(&findingsAPI{db: db, now: time.Now, token: token}).register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, tc := range []struct {
		name   string
		header string
		code   int
	}{
		{"no header", "", 401},
		{"wrong token", "Bearer 0123456789abcdef-other", 401},
		{"not bearer", "Basic " + token, 401},
		{"token prefix only", "Bearer 0123456789abcdef", 401},
		{"right token", "Bearer " + token, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/findings", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.code {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, body, tc.code)
			}
			if tc.code == 200 && !strings.Contains(string(body), `"count": 0`) {
				t.Fatalf("body %s, want an empty list", body)
			}
			if tc.code == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
		})
	}
}
