package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fentinel/fentinel/bench"
	"github.com/fentinel/fentinel/crawler"
)

func init() {
	register(command{
		name:    "bench",
		summary: "benchmark the crawl against the latency bound, a sequential loop and plain colly (simulated markets)",
		run:     runBench,
	})
}

// Scenario names of fentinel bench.
const (
	scenParallel   = "parallel"   // the target: H hosts × P streams at the given latency, rate limit raised
	scenPolite     = "polite"     // the same with the crawler's default per-host rate limit
	scenSequential = "sequential" // one request at a time (torsocks wget -r)
	scenColly      = "colly"      // colly.NewCollector defaults
	scenScale      = "scale"      // 100,000 pages, full pipeline, frontier on disk: peak RSS
)

var (
	defaultScenarios = []string{scenParallel, scenPolite, scenSequential, scenColly}
	allScenarios     = append(slices.Clone(defaultScenarios), scenScale)
)

// Targets of issue 8.
const (
	targetBoundRatio = 0.90
	targetSpeedup    = 5.0
	targetPeakRSS    = 150 * bench.MB
	targetScalePages = 100_000
)

// benchOptions are fentinel bench's flags.
type benchOptions struct {
	scenarios     string
	mode          string
	latency       time.Duration
	pages, hosts  int
	perHost, conc int
	rate          float64
	politePages   int
	baselinePages int
	scalePages    int
	scaleLatency  time.Duration
	asJSON        bool
	out           string
	inProcess     bool
	child         bool
	cpuProfile    string
	memProfile    string
	dir           string
	logLevel      string
	progress      time.Duration
	scalePageSize int
}

// benchReport is what fentinel bench prints with --json and writes with --out.
type benchReport struct {
	Started time.Time      `json:"started"`
	Machine benchMachine   `json:"machine"`
	Results []bench.Result `json:"results"`
	Targets []benchTarget  `json:"targets"`
}

// benchMachine says where the figures came from.
type benchMachine struct {
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpu_model"`
	MemTotal  int64  `json:"mem_total_bytes"`
	GoVersion string `json:"go_version"`
}

// benchTarget is one of the targets and how the run did against it.
type benchTarget struct {
	Name     string  `json:"name"`
	Target   string  `json:"target"`
	Measured string  `json:"measured"`
	Ratio    float64 `json:"ratio_to_target"` // > 1 is better than the target
	Met      bool    `json:"met"`
}

func runBench(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "bench", "[flags]")
	var o benchOptions
	fs.StringVar(&o.scenarios, "scenario", "default", "scenarios to run: default ("+strings.Join(defaultScenarios, ",")+"), all (adds "+scenScale+"), or a comma-separated list")
	fs.StringVar(&o.mode, "mode", bench.ModePipeline, "mode of the parallel and polite scenarios: pipeline (crawl+detect+SQLite) or crawl (crawler only)")
	fs.DurationVar(&o.latency, "latency", 500*time.Millisecond, "simulated per-response `LATENCY` (Tor round trip)")
	fs.IntVar(&o.pages, "pages", 1000, "pages the parallel scenario fetches")
	fs.IntVar(&o.hosts, "hosts", 2, "onion hosts (simulated markets)")
	fs.IntVar(&o.perHost, "per-host", crawler.DefaultPerHost, "requests in flight per host")
	fs.IntVar(&o.conc, "concurrency", crawler.DefaultConcurrency, "requests in flight in all")
	fs.Float64Var(&o.rate, "rate", 1000, "per-host request `RATE` (req/s) of the parallel and scale scenarios, raised so that parallelism, not politeness, is measured")
	fs.IntVar(&o.politePages, "polite-pages", 120, "pages the polite scenario (default per-host rate) fetches")
	fs.IntVar(&o.baselinePages, "baseline-pages", 60, "pages the sequential and colly baselines fetch")
	fs.IntVar(&o.scalePages, "scale-pages", targetScalePages, "pages the scale scenario fetches")
	fs.DurationVar(&o.scaleLatency, "scale-latency", 2*time.Millisecond, "simulated latency of the scale scenario")
	fs.BoolVar(&o.asJSON, "json", false, "print the report as JSON instead of a table")
	fs.StringVar(&o.out, "out", "", "also write the JSON report to `FILE`")
	fs.BoolVar(&o.inProcess, "in-process", false, "crawl in this process instead of a child (CPU and RSS then include the simulator)")
	fs.BoolVar(&o.child, "child", false, "internal: run one job read as JSON from stdin and write the measurement to stdout")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of each scenario's crawl to `FILE` (name gets -<scenario>)")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile of each scenario's crawl (taken during it) to `FILE` (name gets -<scenario>)")
	fs.StringVar(&o.dir, "dir", "", "keep the pipeline's SQLite files in `DIR` (default: a temporary directory, removed)")
	fs.StringVar(&o.logLevel, "log-level", "warn", "crawler log level")
	fs.DurationVar(&o.progress, "progress", 0, "log the crawl's counters and resident set every `INTERVAL` (e.g. 30s)")
	fs.IntVar(&o.scalePageSize, "scale-page-size", 250, "listings per category page in the scale scenario (the crawler follows at most 200 ?page= variants per path)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if o.child {
		return bench.ServeChild(ctx, env.stdin, env.stdout, env.stderr)
	}
	scens, err := o.scenarioList()
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	r := &bench.Runner{Dir: o.dir, CPUProfile: o.cpuProfile, MemProfile: o.memProfile, LogLevel: o.logLevel, Stderr: env.stderr, Progress: o.progress}
	if !o.inProcess {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("bench: find own binary for child processes: %w (use --in-process)", err)
		}
		r.Exe, r.Args = exe, []string{"bench", "--child"}
	}
	rep := benchReport{Started: time.Now().UTC(), Machine: machineInfo()}
	for _, sc := range scens {
		if !o.asJSON {
			fmt.Fprintf(env.stderr, "bench: %s: %s, %d pages over %d hosts, latency %s ...\n", sc.Name, sc.Mode, sc.Pages, sc.Hosts, sc.Latency)
		}
		res, err := r.Run(ctx, sc)
		if err != nil {
			return fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
		rep.Results = append(rep.Results, res)
	}
	rep.Targets = evaluateTargets(rep.Results)
	if o.out != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return fmt.Errorf("bench: encode report: %w", err)
		}
		if err := os.WriteFile(o.out, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("bench: write report %s: %w", o.out, err)
		}
	}
	if o.asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("bench: write report: %w", err)
		}
		return nil
	}
	printBench(env.stdout, rep)
	return nil
}

// scenarioList turns --scenario and the flags into scenarios.
func (o benchOptions) scenarioList() ([]bench.Scenario, error) {
	var names []string
	switch o.scenarios {
	case "default", "":
		names = defaultScenarios
	case "all":
		names = allScenarios
	default:
		names = strings.Split(o.scenarios, ",")
	}
	if o.mode != bench.ModeCrawl && o.mode != bench.ModePipeline {
		return nil, fmt.Errorf("--mode %q: want crawl or pipeline", o.mode)
	}
	var out []bench.Scenario
	for _, n := range names {
		n = strings.TrimSpace(n)
		sc := bench.Scenario{Name: n, Mode: o.mode, Pages: o.pages, Hosts: o.hosts, Latency: o.latency,
			Concurrency: o.conc, PerHost: o.perHost, PerHostRate: o.rate}
		switch n {
		case scenParallel:
		case scenPolite:
			sc.Pages, sc.PerHostRate = o.politePages, 0
		case scenSequential, scenColly:
			sc.Mode, sc.Pages, sc.Concurrency, sc.PerHost, sc.PerHostRate = n, o.baselinePages, 1, 1, 0
		case scenScale:
			sc.Mode, sc.Pages, sc.Latency, sc.PageSize = bench.ModePipeline, o.scalePages, o.scaleLatency, o.scalePageSize
		default:
			return nil, fmt.Errorf("--scenario: unknown scenario %q (want default, all or some of %s)", n, strings.Join(allScenarios, ","))
		}
		if err := sc.Validate(); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// evaluateTargets compares the results with the targets. A target
// whose scenario did not run is left out.
func evaluateTargets(results []bench.Result) []benchTarget {
	byName := map[string]bench.Result{}
	for _, r := range results {
		byName[r.Scenario.Name] = r
	}
	var out []benchTarget
	par, okPar := byName[scenParallel]
	if okPar && par.Bound > 0 {
		out = append(out, benchTarget{
			Name:     "parallel efficiency",
			Target:   fmt.Sprintf(">= %.0f%% of the bound (%.1f pages/s)", targetBoundRatio*100, par.Bound),
			Measured: fmt.Sprintf("%.1f%% (%.2f pages fetched/s)", par.RatioToBound*100, par.FetchedPerSec),
			Ratio:    par.RatioToBound / targetBoundRatio,
			Met:      par.RatioToBound >= targetBoundRatio,
		})
	}
	if seq, ok := byName[scenSequential]; okPar && ok && seq.FetchedPerSec > 0 {
		x := par.FetchedPerSec / seq.FetchedPerSec
		out = append(out, benchTarget{
			Name:     "speed-up over sequential",
			Target:   fmt.Sprintf(">= %.0fx", targetSpeedup),
			Measured: fmt.Sprintf("%.2fx (%.2f vs %.2f pages fetched/s)", x, par.FetchedPerSec, seq.FetchedPerSec),
			Ratio:    x / targetSpeedup,
			Met:      x >= targetSpeedup,
		})
	}
	if sc, ok := byName[scenScale]; ok && sc.PeakRSS > 0 {
		out = append(out, benchTarget{
			Name:     fmt.Sprintf("peak RSS at %d pages", sc.Measurement.Fetched),
			Target:   fmt.Sprintf("<= %d MiB at %d pages", targetPeakRSS/bench.MB, targetScalePages),
			Measured: fmt.Sprintf("%.1f MiB", float64(sc.PeakRSS)/bench.MB),
			Ratio:    float64(targetPeakRSS) / float64(sc.PeakRSS),
			Met:      sc.PeakRSS <= targetPeakRSS && sc.Measurement.Fetched >= targetScalePages,
		})
	}
	return out
}

// printBench writes the report as tables.
func printBench(w io.Writer, rep benchReport) {
	m := rep.Machine
	fmt.Fprintf(w, "machine: %d CPUs (%s), %.1f GiB RAM, %s\n\n", m.CPUs, m.CPUModel, float64(m.MemTotal)/(1<<30), m.GoVersion)
	var seqRate float64
	for _, r := range rep.Results {
		if r.Scenario.Name == scenSequential {
			seqRate = r.FetchedPerSec
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tmode\tlatency\thosts×streams\trequests\tfetched\thanded on\tseconds\tfetched/s\tbound/s\t% bound\trate cap/s\tx seq\thanded on/s\tmax in flight\tCPU ms/page\tpeak RSS MiB\t")
	for _, r := range rep.Results {
		sc, ms := r.Scenario, r.Measurement
		streams := fmt.Sprintf("%d×%d/%d", sc.Hosts, sc.PerHost, sc.Concurrency)
		if !sc.Crawler() {
			streams = fmt.Sprintf("%d×1", sc.Hosts)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%.1f\t%.2f\t%s\t%s\t%s\t%s\t%.2f\t%d\t%.2f\t%.1f\t\n",
			sc.Name, sc.Mode, sc.Latency, streams, ms.Requests, ms.Fetched, ms.Pages, ms.Elapsed.Seconds(), r.FetchedPerSec,
			orDash(r.Bound, "%.1f"), orDash(r.RatioToBound*100, "%.1f"), orDash(r.RateBound, "%.0f"),
			orDash(ratio(r.FetchedPerSec, seqRate), "%.2f"), r.PagesPerSec, r.SimMaxInFlight, r.CPUPerPage*1000, float64(r.PeakRSS)/bench.MB)
	}
	tw.Flush()
	for _, r := range rep.Results {
		ms := r.Measurement
		if ms.Skipped > 0 {
			var why []string
			for k, v := range ms.Detail {
				if strings.HasPrefix(k, "skipped:") {
					why = append(why, fmt.Sprintf("%s %d", strings.TrimPrefix(k, "skipped:"), v))
				}
			}
			slices.Sort(why)
			fmt.Fprintf(w, "%s: %d of %d fetched pages not handed on (%s)\n", r.Scenario.Name, ms.Skipped, ms.Fetched, strings.Join(why, ", "))
		}
		if r.Scenario.Mode == bench.ModePipeline && ms.DetectSeconds > 0 && ms.Pages > 0 {
			fmt.Fprintf(w, "%s: detector %.1f MB/s over %d pages (%.1f MB; wall time summed over calls), SavePage %.2f ms/page, %d flagged\n",
				r.Scenario.Name, float64(ms.DetectBytes)/1e6/ms.DetectSeconds, ms.Pages, float64(ms.DetectBytes)/1e6,
				ms.SaveSeconds*1000/float64(ms.Pages), ms.Flagged)
		}
	}
	if len(rep.Targets) > 0 {
		fmt.Fprintln(w, "\ntargets (issue 8):")
		for _, t := range rep.Targets {
			verdict := "MET"
			if !t.Met {
				verdict = "NOT MET"
			}
			fmt.Fprintf(w, "  %-28s target %-40s measured %-36s %.2fx target  %s\n", t.Name, t.Target, t.Measured, t.Ratio, verdict)
		}
	}
	fmt.Fprintln(w, "\ndetector and store throughput: go test -run - -bench . ./detect ./store (see BENCHMARKS.md)")
}

func orDash(v float64, format string) string {
	if v <= 0 {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// machineInfo reads the CPU count and model, the memory size and the Go version.
func machineInfo() benchMachine {
	m := benchMachine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if st, err := bench.ReadKB("/proc/meminfo"); err == nil {
		m.MemTotal = st["MemTotal"]
	}
	return m
}
