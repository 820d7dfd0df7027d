// Package metrics exposes Fentinel's operational figures in the Prometheus
// text format: crawl runs and their duration, pages fetched by status, fetch
// errors by class (Tor SOCKS codes included), queue and captcha blocks,
// frontier size, findings by severity, alert delivery and build info. Every
// series is named fentinel_*.
//
// The package depends only on the root package: cmd/fentinel reports runs
// and alert outcomes to a *Metrics, and a Source answers the gauges that are
// read from the database when /metrics is scraped.
package metrics

import (
	"context"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fentinel/fentinel"
)

// Namespace is the prefix of every series.
const Namespace = "fentinel"

// Run statuses as reported by RunFinished (the crawl_runs status column).
const (
	StatusFinished    = "finished"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted"
)

// SourceTimeout bounds the database queries made for one scrape.
const SourceTimeout = 5 * time.Second

// BuildInfo identifies the running binary.
type BuildInfo struct {
	Version   string // module version or "(devel)"
	Revision  string // VCS revision, "" when unknown
	GoVersion string
}

// ReadBuildInfo returns the build information embedded in the binary.
func ReadBuildInfo() BuildInfo {
	bi := BuildInfo{Version: "(devel)", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return bi
	}
	if v := info.Main.Version; v != "" {
		bi.Version = v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			bi.Revision = s.Value
		}
	}
	return bi
}

// Source answers the gauges that are read from the database at scrape time.
// Each method gets a context bounded by SourceTimeout; an error drops that
// gauge from the scrape and counts in fentinel_metrics_source_errors_total.
type Source interface {
	// PendingAlerts returns the number of outbox alerts not yet delivered.
	PendingAlerts(ctx context.Context) (int, error)
	// FrontierSizes returns the queued and in-flight URLs by target.
	FrontierSizes(ctx context.Context) (map[string]int, error)
	// FindingsBySeverity returns the number of stored findings by severity.
	FindingsBySeverity(ctx context.Context) (map[fentinel.Severity]int, error)
}

// Run is what one finished crawl run reports.
type Run struct {
	Status     string         // StatusFinished, StatusFailed or StatusInterrupted
	Duration   time.Duration  // wall time of the run
	FinishedAt time.Time      // when it ended
	Pages      map[string]int // responses by HTTP status or status class ("2xx", "404", "5xx")
	Errors     map[string]int // fetch errors by class (timeouts, Tor SOCKS error codes, ...)
	Blocked    map[string]int // pages that were a queue, captcha or login wall, by kind
	Flagged    int            // pages the detector flagged
	New        int            // new findings
	Changed    int            // materially changed findings
	Alerts     int            // alerts queued in the outbox
}

// Metrics holds Fentinel's collectors in their own registry.
type Metrics struct {
	reg *prometheus.Registry

	runs         *prometheus.CounterVec
	skipped      *prometheus.CounterVec
	running      *prometheus.GaugeVec
	duration     *prometheus.HistogramVec
	lastSuccess  *prometheus.GaugeVec
	lastRun      *prometheus.GaugeVec
	pages        *prometheus.CounterVec
	fetchErrors  *prometheus.CounterVec
	blocked      *prometheus.CounterVec
	flagged      *prometheus.CounterVec
	newFindings  *prometheus.CounterVec
	changed      *prometheus.CounterVec
	queued       *prometheus.CounterVec
	delivered    *prometheus.CounterVec
	failed       *prometheus.CounterVec
	dead         *prometheus.CounterVec
	sourceErrors *prometheus.CounterVec

	mu      sync.Mutex
	targets map[string]bool
}

// New returns Metrics registered in a fresh registry, with build info, Go
// runtime and process collectors (prefixed fentinel_) and, if src is not
// nil, the scrape-time gauges it answers.
func New(info BuildInfo, src Source) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), targets: map[string]bool{}}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	}
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	}
	m.runs = counter("crawl_runs_total", "Crawl runs that ended, by target and final status (finished, failed, interrupted).", "target", "status")
	m.skipped = counter("crawl_runs_skipped_total", "Scheduled activations skipped because the target's previous run was still going.", "target")
	m.running = gauge("crawl_running", "1 while a crawl run of the target is in progress.", "target")
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Name: "crawl_duration_seconds", Help: "Wall time of crawl runs.",
		Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400},
	}, []string{"target"})
	m.lastSuccess = gauge("crawl_last_success_timestamp_seconds", "Unix time the target's last successful crawl run finished.", "target")
	m.lastRun = gauge("crawl_last_run_timestamp_seconds", "Unix time the target's last crawl run ended, whatever its status.", "target")
	m.pages = counter("pages_fetched_total", "Responses received, by target and HTTP status or status class (2xx, 4xx, 429, 5xx).", "target", "status")
	m.fetchErrors = counter("fetch_errors_total", "Fetch errors by target and class (timeouts, Tor SOCKS error codes, ...).", "target", "class")
	m.blocked = counter("pages_blocked_total", "Pages that were a queue, captcha or login wall, by target and kind.", "target", "kind")
	m.flagged = counter("pages_flagged_total", "Pages the detector flagged.", "target")
	m.newFindings = counter("findings_new_total", "New findings stored.", "target")
	m.changed = counter("findings_changed_total", "Findings that changed materially.", "target")
	m.queued = counter("alerts_queued_total", "Alerts queued in the outbox by crawl runs.", "target")
	m.delivered = counter("alerts_delivered_total", "Alerts delivered, by sink.", "sink")
	m.failed = counter("alerts_failed_total", "Failed alert delivery attempts that will be retried, by sink.", "sink")
	m.dead = counter("alerts_dead_total", "Alerts given up on (dead letters), by sink.", "sink")
	m.sourceErrors = counter("metrics_source_errors_total", "Database queries for scrape-time gauges that failed.", "gauge")

	m.reg.MustRegister(m.runs, m.skipped, m.running, m.duration, m.lastSuccess, m.lastRun,
		m.pages, m.fetchErrors, m.blocked, m.flagged, m.newFindings, m.changed,
		m.queued, m.delivered, m.failed, m.dead, m.sourceErrors)

	bi := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "build_info", Help: "Build information of the running binary; the value is 1.",
		ConstLabels: prometheus.Labels{"version": info.Version, "revision": info.Revision, "goversion": info.GoVersion},
	})
	bi.Set(1)
	m.reg.MustRegister(bi)

	prefixed := prometheus.WrapRegistererWithPrefix(Namespace+"_", m.reg)
	prefixed.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	if src != nil {
		m.reg.MustRegister(&sourceCollector{src: src, errs: m.sourceErrors})
	}
	return m
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	// No HandlerOpts.Registry: it would add promhttp_* series, and every
	// series here is fentinel_*.
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Gatherer returns the registry, for tests and extra exporters.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// AddTarget creates the target's per-target series at zero, so that they are
// exported (and rate() works) before its first run.
func (m *Metrics) AddTarget(target string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.targets[target] {
		return
	}
	m.targets[target] = true
	for _, st := range []string{StatusFinished, StatusFailed, StatusInterrupted} {
		m.runs.WithLabelValues(target, st)
	}
	m.skipped.WithLabelValues(target)
	m.running.WithLabelValues(target).Set(0)
	m.flagged.WithLabelValues(target)
	m.newFindings.WithLabelValues(target)
	m.changed.WithLabelValues(target)
	m.queued.WithLabelValues(target)
}

// AddSink creates the sink's alert series at zero.
func (m *Metrics) AddSink(sink string) {
	m.delivered.WithLabelValues(sink)
	m.failed.WithLabelValues(sink)
	m.dead.WithLabelValues(sink)
}

// RunStarted marks a run of target as in progress.
func (m *Metrics) RunStarted(target string) {
	m.AddTarget(target)
	m.running.WithLabelValues(target).Set(1)
}

// RunFinished records a run of target that ended.
func (m *Metrics) RunFinished(target string, r Run) {
	m.AddTarget(target)
	status := r.Status
	if status == "" {
		status = StatusFinished
	}
	m.running.WithLabelValues(target).Set(0)
	m.runs.WithLabelValues(target, status).Inc()
	m.duration.WithLabelValues(target).Observe(r.Duration.Seconds())
	end := r.FinishedAt
	if end.IsZero() {
		end = time.Now()
	}
	m.lastRun.WithLabelValues(target).Set(float64(end.UnixNano()) / 1e9)
	if status == StatusFinished {
		m.lastSuccess.WithLabelValues(target).Set(float64(end.UnixNano()) / 1e9)
	}
	for status, n := range r.Pages {
		m.pages.WithLabelValues(target, status).Add(float64(n))
	}
	for class, n := range r.Errors {
		m.fetchErrors.WithLabelValues(target, class).Add(float64(n))
	}
	for kind, n := range r.Blocked {
		m.blocked.WithLabelValues(target, kind).Add(float64(n))
	}
	m.flagged.WithLabelValues(target).Add(float64(r.Flagged))
	m.newFindings.WithLabelValues(target).Add(float64(r.New))
	m.changed.WithLabelValues(target).Add(float64(r.Changed))
	m.queued.WithLabelValues(target).Add(float64(r.Alerts))
}

// RunsSkipped records n scheduled activations of target that were skipped
// because its previous run was still going.
func (m *Metrics) RunsSkipped(target string, n int) {
	m.skipped.WithLabelValues(target).Add(float64(n))
}

// AlertDelivered records one alert delivered to sink.
func (m *Metrics) AlertDelivered(sink string) { m.delivered.WithLabelValues(sink).Inc() }

// AlertFailed records one failed delivery attempt to sink that will be retried.
func (m *Metrics) AlertFailed(sink string) { m.failed.WithLabelValues(sink).Inc() }

// AlertDead records one alert for sink given up on.
func (m *Metrics) AlertDead(sink string) { m.dead.WithLabelValues(sink).Inc() }

// sourceCollector reads the database gauges at scrape time.
type sourceCollector struct {
	src  Source
	errs *prometheus.CounterVec
}

var (
	descPending  = prometheus.NewDesc(Namespace+"_alerts_pending", "Alerts in the outbox not yet delivered (pending or retrying).", nil, nil)
	descFrontier = prometheus.NewDesc(Namespace+"_frontier_size", "URLs queued or in flight in the target's persistent frontier.", []string{"target"}, nil)
	descFindings = prometheus.NewDesc(Namespace+"_findings", "Stored findings, by severity.", []string{"severity"}, nil)
)

func (c *sourceCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descPending
	ch <- descFrontier
	ch <- descFindings
}

func (c *sourceCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), SourceTimeout)
	defer cancel()
	if n, err := c.src.PendingAlerts(ctx); err != nil {
		c.errs.WithLabelValues("alerts_pending").Inc()
	} else {
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(n))
	}
	if sizes, err := c.src.FrontierSizes(ctx); err != nil {
		c.errs.WithLabelValues("frontier_size").Inc()
	} else {
		for target, n := range sizes {
			ch <- prometheus.MustNewConstMetric(descFrontier, prometheus.GaugeValue, float64(n), target)
		}
	}
	if bySev, err := c.src.FindingsBySeverity(ctx); err != nil {
		c.errs.WithLabelValues("findings").Inc()
	} else {
		// Every flagged severity is exported, zeros included, so that
		// dashboards see a stable set of series.
		for s := fentinel.SeverityLow; s <= fentinel.SeverityCritical; s++ {
			ch <- prometheus.MustNewConstMetric(descFindings, prometheus.GaugeValue, float64(bySev[s]), s.String())
		}
	}
}
