package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Job is what the crawling side needs to run a scenario against a running
// simulator. A Runner hands it to Measure, in a child process or in its own.
type Job struct {
	Scenario
	Proxy      string   `json:"proxy"`                 // socks5h://127.0.0.1:PORT of the simulator
	Seeds      []string `json:"seeds"`                 // home page of every simulated market
	DBPath     string   `json:"db_path,omitempty"`     // SQLite file for ModePipeline
	CPUProfile string   `json:"cpu_profile,omitempty"` // write a CPU profile of the crawl here
	MemProfile string   `json:"mem_profile,omitempty"` // write a heap profile here: during the crawl (crawler modes, every progress interval, at least 5 s, and at its end) or after it
	LogLevel   string   `json:"log_level,omitempty"`   // crawler log level (default warn)
	// Progress, when positive, logs the crawler's counters and the resident
	// set (VmRSS, VmHWM) at this interval, at warn level so it shows.
	Progress time.Duration `json:"progress,omitempty"`
}

// Measurement is what the crawling side measured about itself.
type Measurement struct {
	Fetched  int           `json:"fetched"`  // HTTP responses received (pages downloaded), whatever was done with them
	Pages    int           `json:"pages"`    // 2xx text pages handed on (to the pipeline or the link walk)
	Requests int           `json:"requests"` // HTTP requests sent, retries included
	Errors   int           `json:"errors"`   // failed requests
	Skipped  int           `json:"skipped"`  // responses not handed on (non-2xx, not HTML, near-duplicate, ...)
	Bytes    int64         `json:"bytes"`    // body bytes read
	Elapsed  time.Duration `json:"elapsed"`  // wall time of the crawl
	CPUUser  float64       `json:"cpu_user_s"`
	CPUSys   float64       `json:"cpu_sys_s"`
	PeakRSS  int64         `json:"peak_rss_bytes"` // VmHWM of the process at the end of the crawl
	RSS      int64         `json:"rss_bytes"`      // VmRSS at the end of the crawl
	HeapPeak uint64        `json:"heap_sys_bytes"` // Go heap obtained from the OS (runtime.MemStats.HeapSys)
	// GoSys is all the memory the Go runtime obtained from the OS
	// (runtime.MemStats.Sys); PeakRSS well above it is C memory (SQLite).
	GoSys  uint64         `json:"go_sys_bytes"`
	Detail map[string]int `json:"detail,omitempty"`

	// Pipeline mode: time spent in the detector and in the store, summed
	// over calls (wall time per call; calls overlap with Concurrency > 1).
	Flagged       int     `json:"flagged,omitempty"`
	DetectBytes   int64   `json:"detect_bytes,omitempty"`
	DetectSeconds float64 `json:"detect_s,omitempty"`
	SaveSeconds   float64 `json:"save_s,omitempty"`
}

// CPUSeconds is user plus system CPU time of the crawl.
func (m Measurement) CPUSeconds() float64 { return m.CPUUser + m.CPUSys }

// Measure runs job's scenario in this process and measures it: wall time,
// getrusage(RUSAGE_SELF) before and after, and VmHWM from
// /proc/self/status at the end (the process's peak, so run it in a fresh
// process for a clean figure). logw receives the crawler's logs.
func Measure(ctx context.Context, job Job, logw io.Writer) (Measurement, error) {
	if err := job.Scenario.Validate(); err != nil {
		return Measurement{}, err
	}
	level := slog.LevelWarn
	if job.LogLevel != "" {
		if err := level.UnmarshalText([]byte(job.LogLevel)); err != nil {
			return Measurement{}, fmt.Errorf("bench: log level %q: %w", job.LogLevel, err)
		}
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: level}))

	if job.CPUProfile != "" {
		f, err := os.Create(job.CPUProfile)
		if err != nil {
			return Measurement{}, fmt.Errorf("bench: create cpu profile %s: %w", job.CPUProfile, err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return Measurement{}, fmt.Errorf("bench: start cpu profile: %w", err)
		}
	}
	var before, after syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &before); err != nil {
		return Measurement{}, fmt.Errorf("bench: getrusage: %w", err)
	}
	start := time.Now()
	var m Measurement
	var err error
	switch job.Mode {
	case ModeCrawl, ModePipeline:
		m, err = runCrawler(ctx, job, log)
	case ModeSequential:
		m, err = runSequential(ctx, job)
	case ModeColly:
		m, err = runColly(ctx, job)
	}
	m.Elapsed = time.Since(start)
	if gerr := syscall.Getrusage(syscall.RUSAGE_SELF, &after); gerr != nil && err == nil {
		err = fmt.Errorf("bench: getrusage: %w", gerr)
	}
	if job.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	m.CPUUser = tvSeconds(after.Utime) - tvSeconds(before.Utime)
	m.CPUSys = tvSeconds(after.Stime) - tvSeconds(before.Stime)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.HeapPeak, m.GoSys = ms.HeapSys, ms.Sys
	st, serr := ProcStatus("/proc/self/status")
	if serr == nil {
		m.PeakRSS, m.RSS = st["VmHWM"], st["VmRSS"]
	} else if err == nil {
		err = serr
	}
	if job.MemProfile != "" && err == nil && !job.Crawler() { // the crawler modes write theirs during the crawl
		if perr := writeHeapProfile(job.MemProfile); perr != nil {
			err = perr
		}
	}
	return m, err
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: create heap profile %s: %w", path, err)
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("bench: write heap profile %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("bench: close heap profile %s: %w", path, err)
	}
	return nil
}

func tvSeconds(tv syscall.Timeval) float64 {
	return float64(tv.Sec) + float64(tv.Usec)/1e6
}

// ProcStatus reads the "kB" fields of a /proc/PID/status file (VmHWM, VmRSS,
// ...) and returns them in bytes. It fails when VmHWM is missing.
func ProcStatus(path string) (map[string]int64, error) {
	out, err := ReadKB(path)
	if err != nil {
		return nil, err
	}
	if _, ok := out["VmHWM"]; !ok {
		return nil, fmt.Errorf("bench: %s has no VmHWM", path)
	}
	return out, nil
}

// ReadKB reads the "Key: N kB" lines of a /proc file (status, meminfo) and
// returns them in bytes.
func ReadKB(path string) (map[string]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bench: read %s: %w", path, err)
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(val)
		if len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		out[key] = n << 10
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("bench: read %s: %w", path, err)
	}
	return out, nil
}
