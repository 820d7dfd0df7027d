// Package bench measures Fentinel's crawl against the latency bound of a Tor
// crawl and against what a user would otherwise reach for.
//
// A Runner starts the market simulator (marketsim) with a per-response
// latency, then runs one Scenario: Fentinel's crawler alone (ModeCrawl), the
// full pipeline — crawler, detector and SQLite store with the persistent
// frontier — (ModePipeline), a sequential net/http loop (ModeSequential, what
// `torsocks wget -r` does) or a plain colly collector with its defaults
// (ModeColly). Every mode goes through the simulator's SOCKS5 proxy.
//
// The crawling side runs in a child process when Runner.Exe is set, so its
// CPU time (getrusage) and peak resident set (VmHWM) are its own and not the
// simulator's. Measure is what the child runs.
package bench

import (
	"fmt"
	"math"
	"time"
)

// Modes of a scenario.
const (
	ModeCrawl      = "crawl"      // Fentinel's crawler, in-memory frontier, pages discarded
	ModePipeline   = "pipeline"   // crawler + detect + store (SQLite file, persistent frontier)
	ModeSequential = "sequential" // one request at a time, BFS over links (torsocks wget -r)
	ModeColly      = "colly"      // colly.NewCollector with its defaults (synchronous)
)

// Modes lists every mode, in report order.
var Modes = []string{ModeCrawl, ModePipeline, ModeSequential, ModeColly}

// Scenario is one benchmark run: a simulated network and a crawl of it.
type Scenario struct {
	Name        string        `json:"name"`
	Mode        string        `json:"mode"`
	Pages       int           `json:"pages"`         // pages to fetch (2xx text pages)
	Hosts       int           `json:"hosts"`         // onion hosts (markets) in the simulator
	Latency     time.Duration `json:"latency"`       // slept before each simulated response
	Concurrency int           `json:"concurrency"`   // global in-flight bound (crawler modes)
	PerHost     int           `json:"per_host"`      // per-host in-flight bound (crawler modes)
	PerHostRate float64       `json:"per_host_rate"` // requests/s started per host; 0 = crawler default
	// PageSize is the simulator's listings per category page (0 = its
	// default of 4). The crawler admits at most 200 query variants per path
	// (?page=N), so a big crawl needs bigger category pages to reach every
	// listing.
	PageSize int `json:"page_size,omitempty"`
}

// Validate checks the scenario.
func (s Scenario) Validate() error {
	known := false
	for _, m := range Modes {
		known = known || m == s.Mode
	}
	switch {
	case !known:
		return fmt.Errorf("bench: scenario %s: unknown mode %q (want one of %v)", s.Name, s.Mode, Modes)
	case s.Pages < 1:
		return fmt.Errorf("bench: scenario %s: pages must be at least 1", s.Name)
	case s.Hosts < 1:
		return fmt.Errorf("bench: scenario %s: hosts must be at least 1", s.Name)
	case s.Latency < 0:
		return fmt.Errorf("bench: scenario %s: negative latency", s.Name)
	case s.PageSize < 0:
		return fmt.Errorf("bench: scenario %s: negative page size", s.Name)
	case s.Crawler() && (s.Concurrency < 1 || s.PerHost < 1):
		return fmt.Errorf("bench: scenario %s: concurrency and per-host must be at least 1", s.Name)
	}
	return nil
}

// Crawler reports whether the scenario runs Fentinel's crawler (as opposed
// to a baseline).
func (s Scenario) Crawler() bool { return s.Mode == ModeCrawl || s.Mode == ModePipeline }

// Parallelism is the most requests the scenario can have in flight:
// min(Concurrency, Hosts × PerHost) for the crawler, 1 for the baselines
// (both are sequential by construction or by default).
func (s Scenario) Parallelism() int {
	if !s.Crawler() {
		return 1
	}
	return min(s.Concurrency, s.Hosts*s.PerHost)
}

// Bound is the latency bound in pages/s: Parallelism ÷ Latency. It is +Inf
// with no latency.
func (s Scenario) Bound() float64 {
	if s.Latency <= 0 {
		return math.Inf(1)
	}
	return float64(s.Parallelism()) / s.Latency.Seconds()
}

// RateBound is the politeness bound in pages/s, Hosts × PerHostRate, for the
// crawler modes (+Inf for the baselines, which have no rate limit).
// PerHostRate 0 is the crawler's default.
func (s Scenario) RateBound(defaultRate float64) float64 {
	if !s.Crawler() {
		return math.Inf(1)
	}
	r := s.PerHostRate
	if r <= 0 {
		r = defaultRate
	}
	return float64(s.Hosts) * r
}
