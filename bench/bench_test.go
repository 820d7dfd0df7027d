package bench

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// childEnv makes the test binary act as a bench child (see TestMain), so the
// child-process path is tested without building fentinel.
const childEnv = "FENTINEL_BENCH_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if err := ServeChild(context.Background(), os.Stdin, os.Stdout, os.Stderr); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestRunModes(t *testing.T) {
	tests := []struct {
		sc       Scenario
		parallel int // expected Parallelism
	}{
		{Scenario{Name: "crawl", Mode: ModeCrawl, Pages: 40, Hosts: 2, Latency: 20 * time.Millisecond, Concurrency: 8, PerHost: 4, PerHostRate: 1000}, 8},
		{Scenario{Name: "pipeline", Mode: ModePipeline, Pages: 40, Hosts: 2, Latency: 20 * time.Millisecond, Concurrency: 3, PerHost: 4, PerHostRate: 1000}, 3},
		{Scenario{Name: "sequential", Mode: ModeSequential, Pages: 25, Hosts: 2, Latency: 10 * time.Millisecond}, 1},
		{Scenario{Name: "colly", Mode: ModeColly, Pages: 25, Hosts: 2, Latency: 10 * time.Millisecond}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.sc.Name, func(t *testing.T) {
			r := &Runner{Dir: t.TempDir()}
			res, err := r.Run(context.Background(), tt.sc)
			if err != nil {
				t.Fatal(err)
			}
			m := res.Measurement
			if m.Fetched != tt.sc.Pages || m.Pages != m.Fetched-m.Skipped {
				t.Errorf("fetched %d pages (%d handed on, %d skipped), asked for %d", m.Fetched, m.Pages, m.Skipped, tt.sc.Pages)
			}
			if m.Requests != m.Fetched+m.Errors || res.SimRequests != m.Requests {
				t.Errorf("requests: client %d, simulator %d; fetched %d, errors %d", m.Requests, res.SimRequests, m.Fetched, m.Errors)
			}
			if got := tt.sc.Parallelism(); got != tt.parallel {
				t.Errorf("Parallelism = %d, want %d", got, tt.parallel)
			}
			if res.SimMaxInFlight > tt.parallel {
				t.Errorf("a market saw %d requests in flight, parallelism is %d", res.SimMaxInFlight, tt.parallel)
			}
			if !tt.sc.Crawler() && res.SimMaxInFlight != 1 {
				t.Errorf("baseline had %d requests in flight, want 1", res.SimMaxInFlight)
			}
			wantBound := float64(tt.parallel) / tt.sc.Latency.Seconds()
			if math.Abs(res.Bound-wantBound) > 1e-9 || res.RatioToBound <= 0 {
				t.Errorf("bound %v (ratio %v), want %v", res.Bound, res.RatioToBound, wantBound)
			}
			if m.PeakRSS <= 0 || m.Bytes <= 0 || m.Elapsed <= 0 || res.FetchedPerSec <= 0 || res.Process != "in-process" {
				t.Errorf("missing figures: %+v", res)
			}
			if tt.sc.Mode == ModePipeline && (m.DetectBytes <= 0 || m.Flagged == 0) {
				t.Errorf("pipeline detected %d bytes, flagged %d", m.DetectBytes, m.Flagged)
			}
		})
	}
}

func TestRunChildProcess(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := &Runner{
		Exe: exe, Env: append(os.Environ(), childEnv+"=1"), Dir: dir,
		CPUProfile: filepath.Join(dir, "cpu.pprof"), MemProfile: filepath.Join(dir, "mem.pprof"),
	}
	sc := Scenario{Name: "child", Mode: ModePipeline, Pages: 30, Hosts: 2, Latency: 10 * time.Millisecond, Concurrency: 4, PerHost: 2, PerHostRate: 1000}
	res, err := r.Run(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Process != "child" || res.Measurement.Fetched != sc.Pages || res.ChildMaxRSS <= 0 || res.PeakRSS <= 0 {
		t.Errorf("child result %+v", res)
	}
	for _, p := range []string{"cpu-child.pprof", "mem-child.pprof"} {
		if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.Size() == 0 {
			t.Errorf("profile %s: %v", p, err)
		}
	}
}

func TestScenarioValidate(t *testing.T) {
	ok := Scenario{Name: "x", Mode: ModeCrawl, Pages: 1, Hosts: 1, Concurrency: 1, PerHost: 1}
	bad := []Scenario{
		{Name: "mode", Mode: "wget", Pages: 1, Hosts: 1},
		{Name: "pages", Mode: ModeSequential, Hosts: 1},
		{Name: "hosts", Mode: ModeSequential, Pages: 1},
		{Name: "latency", Mode: ModeSequential, Pages: 1, Hosts: 1, Latency: -1},
		{Name: "concurrency", Mode: ModeCrawl, Pages: 1, Hosts: 1, PerHost: 1},
		{Name: "page size", Mode: ModeSequential, Pages: 1, Hosts: 1, PageSize: -1},
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, sc := range bad {
		if err := sc.Validate(); err == nil {
			t.Errorf("%s: Validate succeeded", sc.Name)
		}
	}
	if b := ok.Bound(); !math.IsInf(b, 1) {
		t.Errorf("bound without latency = %v, want +Inf", b)
	}
}

func TestProcStatus(t *testing.T) {
	st, err := ProcStatus(filepath.Join("testdata", "status"))
	if err != nil {
		t.Fatal(err)
	}
	if st["VmHWM"] != 123456<<10 || st["VmRSS"] != 100000<<10 {
		t.Errorf("parsed %v", st)
	}
	if _, err := ProcStatus(filepath.Join("testdata", "nonexistent")); err == nil {
		t.Error("missing file: no error")
	}
}

func TestProfileName(t *testing.T) {
	for _, tc := range [][3]string{{"", "a", ""}, {"cpu.pprof", "seq", "cpu-seq.pprof"}, {"/x/mem", "p", "/x/mem-p"}} {
		if got := profileName(tc[0], tc[1]); got != tc[2] {
			t.Errorf("profileName(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}
