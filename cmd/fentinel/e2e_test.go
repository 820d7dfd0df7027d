package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
)

// fentinelBin is the binary built once for the end-to-end tests.
var fentinelBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fentinel-e2e-")
	if err != nil {
		panic(err)
	}
	fentinelBin = filepath.Join(dir, "fentinel")
	build := exec.Command("go", "build", "-tags=sqlite_fts5", "-o", fentinelBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic("build fentinel: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runBin runs the built binary and returns stdout, stderr and the exit code.
func runBin(t *testing.T, ctx context.Context, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.CommandContext(ctx, fentinelBin, args...)
	cmd.Env = append(os.Environ(), "FENTINEL_LOG_FORMAT=json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run fentinel %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

func startSim(t *testing.T, opts marketsim.Options) *marketsim.Sim {
	t.Helper()
	sim, err := marketsim.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

func crawlArgs(sim *marketsim.Sim, db string) []string {
	args := []string{"crawl", "--proxy", sim.ProxyURL(), "--db", db,
		"--webhook-url", sim.Receiver().URL(), "--webhook-secret", sim.Receiver().Secret(),
		"--max-pages", "500", "--alert-wait", "30s"}
	for _, s := range sim.Seeds() {
		args = append(args, "--seed", s)
	}
	return args
}

// TestEndToEndCrawl drives the binary as a user would: crawl the simulated
// markets through the simulator's SOCKS server, then check the database
// against the simulator's ground truth and the alerts against the receiver.
func TestEndToEndCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	sim := startSim(t, marketsim.Options{})
	db := filepath.Join(t.TempDir(), "e2e.db")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	stdout, stderr, code := runBin(t, ctx, crawlArgs(sim, db)...)
	if code != 0 {
		t.Fatalf("crawl exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}

	st := openStore(t, db)
	findings, err := st.Findings(ctx, fentinel.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byURL := map[string]fentinel.Finding{}
	for _, f := range findings {
		byURL[f.URL] = f
	}
	positives := 0
	for _, l := range sim.Truth() {
		if l.Gate != "" {
			continue // behind a login wall or queue the plain crawl does not pass
		}
		f, flagged := byURL[l.URL]
		switch {
		case l.Positive && !flagged:
			t.Errorf("positive %s (%s) not found", l.URL, l.Title)
		case !l.Positive && flagged:
			t.Errorf("%s %s (%s) flagged, score %.2f, substances %v", l.Kind, l.URL, l.Title, f.Score, f.Substances)
		case l.Positive:
			positives++
			for _, want := range l.Substances {
				if !slices.Contains(f.Substances, want) {
					t.Errorf("%s: substances %v, want %s among them", l.URL, f.Substances, want)
				}
			}
		}
	}
	if positives == 0 {
		t.Fatal("simulator ground truth has no positives")
	}

	// Exactly one signed alert per finding.
	got := sim.Receiver().Received()
	if len(got) != len(findings) {
		t.Errorf("receiver got %d deliveries for %d findings", len(got), len(findings))
	}
	seen := map[int64]bool{}
	for _, d := range got {
		if !d.Valid {
			t.Errorf("delivery %s has an invalid signature", d.ID)
		}
		var body struct {
			FindingID int64  `json:"id"`
			URL       string `json:"url"`
		}
		if err := json.Unmarshal(d.Body, &body); err != nil {
			t.Fatalf("delivery %s: %v", d.ID, err)
		}
		if body.FindingID == 0 || body.URL == "" {
			t.Errorf("delivery %s lacks the finding id or url: %s", d.ID, d.Body)
		}
		if seen[body.FindingID] {
			t.Errorf("finding %d alerted twice", body.FindingID)
		}
		seen[body.FindingID] = true
	}
	t.Logf("e2e: %d findings (%d ground-truth positives), %d alerts; %s", len(findings), positives, len(got), strings.TrimSpace(stdout))

	// A second crawl of the unchanged market sends nothing new.
	stdout, stderr, code = runBin(t, ctx, crawlArgs(sim, db)...)
	if code != 0 {
		t.Fatalf("re-crawl exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	// Every page is unchanged, so every verdict is reused, not detected again.
	if m := regexp.MustCompile(`(\d+) pages stored \((\d+) unchanged`).FindStringSubmatch(stdout); m == nil || m[1] != m[2] || m[1] == "0" {
		t.Errorf("re-crawl summary does not show every page unchanged: %s", stdout)
	}
	if n := len(sim.Receiver().Received()); n != len(got) {
		t.Errorf("re-crawl: receiver has %d deliveries, want still %d", n, len(got))
	}
	again, err := st.Findings(ctx, fentinel.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(findings) {
		t.Errorf("re-crawl: %d findings, want %d", len(again), len(findings))
	}

	// Page kinds: the listings among the findings are exactly the
	// simulator's positive listings; the rest are index and vendor pages.
	stdout, stderr, code = runBin(t, ctx, "findings", "--db", db, "--kind", "listing", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("findings --kind listing: exit %d: %s", code, stderr)
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var f fentinel.Finding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("findings line %q: %v", line, err)
		}
		if f.PageKind != fentinel.PageListing {
			t.Errorf("--kind listing returned a %q finding: %s", f.PageKind, f.URL)
		}
		listed[f.URL] = true
	}
	for _, l := range sim.Truth() {
		if l.Gate == "" && l.Positive != listed[l.URL] {
			t.Errorf("%s (positive %v): in --kind listing %v", l.URL, l.Positive, listed[l.URL])
		}
	}
	for _, f := range findings {
		if !listed[f.URL] {
			if k := byURL[f.URL].PageKind; k != fentinel.PageIndex && k != fentinel.PageVendor {
				t.Errorf("non-listing finding %s has kind %q, want index or vendor", f.URL, k)
			}
		}
	}

	// The simulator runs one operator under two handles on the two markets
	// (same PGP key and wallets): the vendor pivot links them.
	stdout, stderr, code = runBin(t, ctx, "vendors", "--db", db, "--linked", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("vendors exit %d: %s", code, stderr)
	}
	linked := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var v struct {
			Name  string `json:"name"`
			Links []struct{ Name, Kind string }
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("vendors line %q: %v", line, err)
		}
		for _, l := range v.Links {
			linked[v.Name] = append(linked[v.Name], l.Name+":"+l.Kind)
		}
	}
	for _, k := range []string{"pgp", "btc", "xmr"} {
		if !slices.Contains(linked["NitroSynth"], "ChemSynth7:"+k) || !slices.Contains(linked["ChemSynth7"], "NitroSynth:"+k) {
			t.Errorf("NitroSynth and ChemSynth7 not linked by %s: %v", k, linked)
		}
	}
}

// TestCrawlDeadProxy: an unreachable proxy stops the crawl with an error
// naming it, before anything else is dialled and before a database is made.
func TestCrawlDeadProxy(t *testing.T) {
	sim := startSim(t, marketsim.Options{})

	// A closed port, and a listener that accepts but never answers.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold the connection open, say nothing
		}
	}()

	for _, addr := range []string{closedAddr, silent.Addr().String()} {
		t.Run(addr, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "dead.db")
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			args := []string{"crawl", "--proxy", "socks5h://" + addr, "--db", db}
			for _, s := range sim.Seeds() {
				args = append(args, "--seed", s)
			}
			start := time.Now()
			_, stderr, code := runBin(t, ctx, args...)
			elapsed := time.Since(start)
			if code == 0 {
				t.Fatal("crawl through a dead proxy exited 0")
			}
			if !strings.Contains(stderr, addr) {
				t.Errorf("error does not name the proxy %s: %s", addr, stderr)
			}
			if elapsed > 30*time.Second {
				t.Errorf("took %v to fail; the contract's bound is 30 s", elapsed)
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("database created despite the dead proxy (stat: %v)", err)
			}
		})
	}
	for _, m := range sim.Markets() {
		if n := sim.Requests(m.Onion, "/"); n != 0 {
			t.Errorf("market %s got %d requests with a dead proxy", m.Name, n)
		}
	}
	if log := sim.ProxyLog(); len(log) != 0 {
		t.Errorf("simulator proxy saw %d connections: %+v", len(log), log)
	}
}

// TestDemo runs the README's main job.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	db := filepath.Join(t.TempDir(), "demo.db")
	stdout, stderr, code := runBin(t, ctx, "demo", "--db", db)
	if code != 0 {
		t.Fatalf("demo exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{"Findings (", "valid Standard Webhooks signature", db} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestCrawlKilledResumes kills the binary (SIGKILL) mid-crawl, runs it again,
// and checks that the second run resumes from the persistent frontier: no
// page is lost, pages are not fetched again beyond those in flight at the
// kill, and no finding or alert is duplicated.
func TestCrawlKilledResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	sim := startSim(t, marketsim.Options{Latency: 100 * time.Millisecond})
	db := filepath.Join(t.TempDir(), "killed.db")
	total := func() int {
		n := 0
		for _, m := range sim.Markets() {
			n += sim.Requests(m.Onion, "/")
		}
		return n
	}

	args := crawlArgs(sim, db)
	first := exec.Command(fentinelBin, append(args, "--concurrency", "4", "--per-host", "2")...)
	first.Env = append(os.Environ(), "FENTINEL_LOG_FORMAT=json")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for total() < 15 {
		if time.Now().After(deadline) {
			first.Process.Kill()
			t.Fatalf("first crawl made only %d requests in a minute", total())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	killedAt := total()
	if n := len(sim.Receiver().Received()); n != 0 {
		t.Fatalf("alerts delivered before the crawl finished: %d", n)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	stdout, stderr, code := runBin(t, ctx, append(args, "--concurrency", "4", "--per-host", "2")...)
	if code != 0 {
		t.Fatalf("resumed crawl exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}

	// A fresh crawl of the same market into another database tells how
	// many requests one whole pass makes.
	before := total()
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	if _, stderr, code := runBin(t, ctx, "crawl", "--proxy", sim.ProxyURL(), "--db", fresh, "--seed", sim.Seeds()[0], "--seed", sim.Seeds()[1]); code != 0 {
		t.Fatalf("reference crawl exit %d: %s", code, stderr)
	}
	onePass := total() - before
	// In-flight requests at the kill (at most --concurrency) may be repeated.
	if resumed := before; resumed > onePass+4 {
		t.Errorf("killed + resumed crawl made %d requests (killed at %d); one whole pass makes %d", resumed, killedAt, onePass)
	}

	st := openStore(t, db)
	findings, err := st.Findings(ctx, fentinel.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byURL := map[string]bool{}
	for _, f := range findings {
		if byURL[f.URL] {
			t.Errorf("finding for %s duplicated", f.URL)
		}
		byURL[f.URL] = true
	}
	for _, l := range sim.Truth() {
		if l.Gate == "" && l.Positive && !byURL[l.URL] {
			t.Errorf("positive %s lost across the kill", l.URL)
		}
	}
	ids := map[string]bool{}
	for _, d := range sim.Receiver().Received() {
		ids[d.ID] = true
	}
	if len(ids) != len(findings) {
		t.Errorf("%d distinct alerts for %d findings", len(ids), len(findings))
	}
	t.Logf("killed after %d requests; killed+resumed %d requests, one whole pass %d; %d findings, %d alerts",
		killedAt, before, onePass, len(findings), len(ids))
}
