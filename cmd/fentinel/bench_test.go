package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel/bench"
	"github.com/fentinel/fentinel/marketsim"
)

func runBenchCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &environment{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = runMain(context.Background(), env, append([]string{"bench"}, args...))
	return code, out.String(), errb.String()
}

// TestBenchTinyScenario runs a tiny bench (40 pages at 20 ms, in-process)
// and checks the report's structure and that its counts add up. No timing
// is asserted: the figures depend on the machine.
func TestBenchTinyScenario(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runBenchCmd(t, "", "--in-process", "--json", "--scenario", "parallel,polite,sequential,colly",
		"--latency", "20ms", "--pages", "40", "--polite-pages", "10", "--baseline-pages", "20", "--dir", dir)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("decode report: %v\n%s", err, stdout)
	}
	if rep.Machine.CPUs < 1 || rep.Machine.GoVersion == "" || rep.Machine.MemTotal <= 0 {
		t.Errorf("machine %+v", rep.Machine)
	}
	want := []struct {
		name, mode string
		pages      int
		parallel   int
	}{
		{scenParallel, bench.ModePipeline, 40, 8},
		{scenPolite, bench.ModePipeline, 10, 8},
		{scenSequential, bench.ModeSequential, 20, 1},
		{scenColly, bench.ModeColly, 20, 1},
	}
	if len(rep.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(rep.Results), len(want))
	}
	for i, w := range want {
		r := rep.Results[i]
		sc, m := r.Scenario, r.Measurement
		if sc.Name != w.name || sc.Mode != w.mode || sc.Latency != 20*time.Millisecond || sc.Hosts != 2 {
			t.Errorf("result %d: scenario %+v, want %s/%s", i, sc, w.name, w.mode)
		}
		if sc.Pages != w.pages || m.Fetched != w.pages {
			t.Errorf("%s: asked for %d pages, scenario says %d, fetched %d", w.name, w.pages, sc.Pages, m.Fetched)
		}
		if m.Requests != m.Fetched+m.Errors || m.Fetched != m.Pages+m.Skipped {
			t.Errorf("%s: %d requests, %d fetched, %d errors, %d handed on, %d skipped: counts do not add up",
				w.name, m.Requests, m.Fetched, m.Errors, m.Pages, m.Skipped)
		}
		if r.SimRequests != m.Requests {
			t.Errorf("%s: simulator served %d requests, client counted %d", w.name, r.SimRequests, m.Requests)
		}
		if sc.Parallelism() != w.parallel || r.Bound != float64(w.parallel)/0.020 {
			t.Errorf("%s: parallelism %d bound %v, want %d", w.name, sc.Parallelism(), r.Bound, w.parallel)
		}
		if r.SimMaxInFlight < 1 || r.SimMaxInFlight > sc.Parallelism() {
			t.Errorf("%s: max in flight %d outside [1, %d]", w.name, r.SimMaxInFlight, sc.Parallelism())
		}
		if r.Process != "in-process" || r.FetchedPerSec <= 0 || r.RatioToBound <= 0 || r.PeakRSS <= 0 || m.Bytes <= 0 {
			t.Errorf("%s: missing figures %+v", w.name, r)
		}
	}
	if rep.Results[1].Scenario.PerHostRate != 0 || rep.Results[0].Scenario.PerHostRate <= 0 {
		t.Errorf("polite scenario must use the crawler's default rate, parallel a raised one: %v, %v",
			rep.Results[1].Scenario.PerHostRate, rep.Results[0].Scenario.PerHostRate)
	}
	if rep.Results[1].RateBound != 2*2 { // 2 hosts × crawler.DefaultPerHostRate
		t.Errorf("polite rate bound %v, want 4", rep.Results[1].RateBound)
	}
	if len(rep.Targets) != 2 || rep.Targets[0].Name != "parallel efficiency" || rep.Targets[1].Name != "speed-up over sequential" {
		t.Fatalf("targets %+v", rep.Targets)
	}
	x := rep.Results[0].FetchedPerSec / rep.Results[2].FetchedPerSec
	if d := rep.Targets[1].Ratio - x/targetSpeedup; d > 1e-9 || d < -1e-9 {
		t.Errorf("speed-up ratio %v, want %v", rep.Targets[1].Ratio, x/targetSpeedup)
	}
}

// TestBenchTable checks the human-readable report names every scenario and target.
func TestBenchTable(t *testing.T) {
	code, stdout, stderr := runBenchCmd(t, "", "--in-process", "--scenario", "parallel,sequential", "--mode", "crawl",
		"--latency", "10ms", "--pages", "20", "--baseline-pages", "10")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, s := range []string{"machine:", "parallel", "sequential", "% bound", "peak RSS MiB", "targets (issue 8):", "parallel efficiency", "speed-up over sequential"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("report lacks %q:\n%s", s, stdout)
		}
	}
}

// TestBenchChild drives the child protocol the parent uses: a Job as JSON on
// stdin, the measurement as JSON on stdout.
func TestBenchChild(t *testing.T) {
	ctx := context.Background()
	sim, err := marketsim.Start(ctx, marketsim.Options{Latency: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	job := bench.Job{
		Scenario: bench.Scenario{Name: "child", Mode: bench.ModeCrawl, Pages: 15, Hosts: 2, Latency: 5 * time.Millisecond, Concurrency: 4, PerHost: 2, PerHostRate: 100},
		Proxy:    sim.ProxyURL(), Seeds: sim.Seeds(),
	}
	in, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runBenchCmd(t, string(in), "--child")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var rep struct {
		Measurement bench.Measurement `json:"measurement"`
		Error       string            `json:"error"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("decode %q: %v", stdout, err)
	}
	if rep.Error != "" || rep.Measurement.Fetched != 15 || rep.Measurement.PeakRSS <= 0 || rep.Measurement.Requests != sim.Requests("", "") {
		t.Errorf("child report %+v (simulator served %d)", rep, sim.Requests("", ""))
	}
}

func TestBenchFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown scenario", []string{"--scenario", "parallel,wget"}, `unknown scenario "wget"`},
		{"bad mode", []string{"--mode", "sequential"}, `--mode "sequential"`},
		{"no pages", []string{"--scenario", "parallel", "--pages", "0"}, "pages must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runBenchCmd(t, "", append([]string{"--in-process"}, tt.args...)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}
