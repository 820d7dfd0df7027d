package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/fentinel/fentinel/crawler"
	"github.com/fentinel/fentinel/marketsim"
)

// simSeed fixes the simulated onion names, so every run crawls the same sites.
const simSeed = "fentinel-bench"

// noPathLogAbove turns marketsim's per-path request log off for bigger
// crawls, so the simulator's own memory stays flat.
const noPathLogAbove = 5000

// Runner runs scenarios: it starts the simulator in this process and the
// crawl in a child process (Exe set) or in this process (Exe empty).
type Runner struct {
	// Exe is the binary to run the crawl in; "" runs it in this process
	// (its CPU and peak RSS then include the simulator's).
	Exe string
	// Args go before nothing else: the child reads the Job as JSON on stdin
	// and writes the Measurement as JSON on stdout (see ServeChild).
	Args []string
	// Env is the child's environment (nil: this process's).
	Env []string
	// Dir holds the pipeline's SQLite files ("" = a new temporary directory
	// per scenario, removed afterwards).
	Dir string
	// CPUProfile and MemProfile, when set, are file names; each scenario
	// writes its profile to the name with "-<scenario>" before the extension.
	CPUProfile, MemProfile string
	// LogLevel is the crawler's log level (default warn).
	LogLevel string
	// Progress, when positive, makes the crawl log its counters and resident
	// set at this interval (crawler modes), for long runs.
	Progress time.Duration
	// Stderr receives the crawl's logs (nil = discarded).
	Stderr io.Writer
}

// Result is one scenario's figures.
type Result struct {
	Scenario    Scenario    `json:"scenario"`
	Measurement Measurement `json:"measurement"`
	Process     string      `json:"process"` // "child" or "in-process"

	// FetchedPerSec is pages downloaded per second (HTTP responses): the
	// throughput the latency bound limits.
	FetchedPerSec float64 `json:"fetched_per_s"`
	// PagesPerSec is pages handed on per second (to detect+store in the
	// pipeline): FetchedPerSec less what the crawler skipped after download.
	PagesPerSec  float64 `json:"pages_per_s"`
	Bound        float64 `json:"bound_pages_per_s"`      // Scenario.Bound; 0 when unbounded (no latency)
	RatioToBound float64 `json:"ratio_to_bound"`         // FetchedPerSec ÷ Bound; 0 when unbounded
	RateBound    float64 `json:"rate_bound_pages_per_s"` // Hosts × PerHostRate (crawler modes); 0 for baselines
	CPUPerPage   float64 `json:"cpu_s_per_page"`         // per page fetched
	PeakRSS      int64   `json:"peak_rss_bytes"`         // the child's VmHWM at the end of the crawl
	// ChildMaxRSS is the child's ru_maxrss as the parent's wait4 saw it,
	// startup and shutdown included (0 in-process).
	ChildMaxRSS int64 `json:"child_maxrss_bytes,omitempty"`

	SimRequests    int `json:"sim_requests"`      // HTTP requests the simulated markets served
	SimMaxInFlight int `json:"sim_max_in_flight"` // most concurrent requests any one market saw
	SimPages       int `json:"sim_listings"`      // labelled content pages the markets hold
}

// MB is a mebibyte, for reports.
const MB = 1 << 20

// Run runs one scenario.
func (r *Runner) Run(ctx context.Context, sc Scenario) (Result, error) {
	res := Result{Scenario: sc}
	if err := sc.Validate(); err != nil {
		return res, err
	}
	// A quarter more listings than pages: the crawler's trap limits (200
	// ?page= variants per category) leave some listings out of reach.
	perMarket := (sc.Pages*5/4 + sc.Hosts - 1) / sc.Hosts
	sim, err := marketsim.Start(ctx, marketsim.Options{
		Seed:              simSeed,
		Markets:           sc.Hosts,
		ListingsPerMarket: perMarket,
		Latency:           sc.Latency,
		PageSize:          sc.PageSize,
		NoPathLog:         sc.Pages > noPathLogAbove,
	})
	if err != nil {
		return res, fmt.Errorf("bench: start simulator: %w", err)
	}
	defer sim.Close()
	res.SimPages = len(sim.Truth())

	job := Job{Scenario: sc, Proxy: sim.ProxyURL(), Seeds: sim.Seeds(), LogLevel: r.LogLevel, Progress: r.Progress}
	if sc.Mode == ModePipeline {
		dir := r.Dir
		if dir == "" {
			dir, err = os.MkdirTemp("", "fentinel-bench-")
			if err != nil {
				return res, fmt.Errorf("bench: temp dir: %w", err)
			}
			defer os.RemoveAll(dir)
		}
		job.DBPath = filepath.Join(dir, sc.Name+".db")
		for _, p := range []string{job.DBPath, job.DBPath + "-wal", job.DBPath + "-shm"} {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				return res, fmt.Errorf("bench: remove old %s: %w", p, err)
			}
		}
	}
	job.CPUProfile = profileName(r.CPUProfile, sc.Name)
	job.MemProfile = profileName(r.MemProfile, sc.Name)

	var m Measurement
	if r.Exe == "" {
		res.Process = "in-process"
		logw := r.Stderr
		if logw == nil {
			logw = io.Discard
		}
		m, err = Measure(ctx, job, logw)
	} else {
		res.Process = "child"
		m, res.ChildMaxRSS, err = r.child(ctx, job)
	}
	res.Measurement = m
	if err != nil {
		return res, err
	}
	res.SimRequests = sim.Requests("", "")
	for _, mk := range sim.Markets() {
		res.SimMaxInFlight = max(res.SimMaxInFlight, sim.MaxInFlight(mk.Onion))
	}
	res.derive()
	return res, nil
}

// derive fills the ratios from the scenario and the measurement.
func (res *Result) derive() {
	sc, m := res.Scenario, res.Measurement
	if s := m.Elapsed.Seconds(); s > 0 {
		res.FetchedPerSec = float64(m.Fetched) / s
		res.PagesPerSec = float64(m.Pages) / s
	}
	if b := sc.Bound(); !math.IsInf(b, 0) {
		res.Bound = b
		res.RatioToBound = res.FetchedPerSec / b
	}
	if b := sc.RateBound(crawler.DefaultPerHostRate); !math.IsInf(b, 0) {
		res.RateBound = b
	}
	if m.Fetched > 0 {
		res.CPUPerPage = m.CPUSeconds() / float64(m.Fetched)
	}
	res.PeakRSS = m.PeakRSS
}

// child runs job in a child process and returns its measurement and its
// ru_maxrss.
func (r *Runner) child(ctx context.Context, job Job) (Measurement, int64, error) {
	var m Measurement
	in, err := json.Marshal(job)
	if err != nil {
		return m, 0, fmt.Errorf("bench: encode job: %w", err)
	}
	cmd := exec.CommandContext(ctx, r.Exe, r.Args...)
	cmd.Env = r.Env
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout = &out
	var errBuf bytes.Buffer
	if r.Stderr != nil {
		cmd.Stderr = io.MultiWriter(r.Stderr, &tail{buf: &errBuf})
	} else {
		cmd.Stderr = &tail{buf: &errBuf}
	}
	cmd.WaitDelay = 10 * time.Second
	runErr := cmd.Run()
	var maxRSS int64
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			maxRSS = ru.Maxrss << 10 // kilobytes on Linux
		}
	}
	var rep childReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		if runErr != nil {
			return m, maxRSS, fmt.Errorf("bench: child %s: %w: %s", job.Name, runErr, strings.TrimSpace(errBuf.String()))
		}
		return m, maxRSS, fmt.Errorf("bench: child %s: decode report: %w", job.Name, err)
	}
	if rep.Error != "" {
		return rep.Measurement, maxRSS, fmt.Errorf("bench: child %s: %s", job.Name, rep.Error)
	}
	if runErr != nil {
		return rep.Measurement, maxRSS, fmt.Errorf("bench: child %s: %w", job.Name, runErr)
	}
	return rep.Measurement, maxRSS, nil
}

// tail keeps the last few KiB written to it, for error messages.
type tail struct{ buf *bytes.Buffer }

func (t *tail) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if t.buf.Len() > 4096 {
		rest := t.buf.Bytes()[t.buf.Len()-2048:]
		t.buf.Reset()
		t.buf.Write(rest)
	}
	return len(p), nil
}

// childReport is what a child writes on stdout.
type childReport struct {
	Measurement Measurement `json:"measurement"`
	Error       string      `json:"error,omitempty"`
}

// ServeChild is the child side of Runner: it reads a Job as JSON from in,
// runs Measure and writes the measurement (and any error) as JSON to out.
// Logs go to logw.
func ServeChild(ctx context.Context, in io.Reader, out, logw io.Writer) error {
	var job Job
	if err := json.NewDecoder(in).Decode(&job); err != nil {
		return fmt.Errorf("bench: child: decode job: %w", err)
	}
	m, err := Measure(ctx, job, logw)
	rep := childReport{Measurement: m}
	if err != nil {
		rep.Error = err.Error()
	}
	if err := json.NewEncoder(out).Encode(rep); err != nil {
		return fmt.Errorf("bench: child: write report: %w", err)
	}
	return nil
}

// profileName inserts "-<scenario>" before the extension of base ("" stays "").
func profileName(base, scenario string) string {
	if base == "" {
		return ""
	}
	ext := filepath.Ext(base)
	return strings.TrimSuffix(base, ext) + "-" + scenario + ext
}
