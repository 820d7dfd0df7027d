package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/alert"
	"github.com/fentinel/fentinel/crawler"
	"github.com/fentinel/fentinel/metrics"
	"github.com/fentinel/fentinel/schedule"
	"github.com/fentinel/fentinel/store"
	"github.com/fentinel/fentinel/torctl"
)

func init() {
	register(command{
		name:    "serve",
		summary: "run scheduled crawls, alert delivery, /healthz, /readyz, /metrics and the findings API",
		run:     runServe,
	})
}

// Shutdown bounds: after SIGTERM, running crawls get serveRunGrace to
// checkpoint (the persistent frontier keeps in-flight URLs for the next
// start), the HTTP server serveHTTPGrace to finish requests. Together they
// stay well inside the 15 s the CLI contract allows.
const (
	serveRunGrace    = 8 * time.Second
	serveHTTPGrace   = 3 * time.Second
	serveReadyTTL    = 5 * time.Second  // how long a /readyz verdict is reused
	serveReadyBudget = 10 * time.Second // bound of one readiness check
)

// runServe is `fentinel serve`.
func runServe(ctx context.Context, env *environment, args []string) error {
	cfgPath := findConfigFlag(args)
	cfg, err := loadConfig(cfgPath, env.getenv)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "serve", "[--config PATH] | [crawl flags] --seed URL... (--every DURATION | --schedule CRON)")
	fs.String("config", cfgPath, "YAML configuration file (targets, alert sinks, settings)")
	var seeds, hooks, cookies multiFlag
	var secret string
	var timeout, alertWait time.Duration
	crawlFlags(fs, &cfg, &seeds, &hooks, &cookies, &secret, &timeout, &alertWait)
	every := fs.Duration("every", 0, "with --seed: run the single target at this interval (e.g. 30m)")
	cronExpr := fs.String("schedule", "", "with --seed: run the single target on this cron expression (e.g. '0 */2 * * *')")
	name := fs.String("name", "default", "with --seed: name of the single target (metrics label, crawl_runs.target)")
	fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "address of /healthz, /readyz, /metrics and /api/v1/findings")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return &exitError{code: 2, err: fmt.Errorf("unexpected argument %q", rest[0])}
	}
	applyCrawlFlags(&cfg, hooks, cookies, secret, timeout, alertWait)
	switch {
	case len(seeds) > 0:
		if *every == 0 && *cronExpr == "" {
			return &exitError{code: 2, err: errors.New("--seed needs --every DURATION or --schedule CRON")}
		}
		cfg.Targets = []targetConf{{Name: *name, Seeds: seeds, Every: duration(*every), Schedule: *cronExpr}}
	case *every != 0 || *cronExpr != "":
		return &exitError{code: 2, err: errors.New("--every and --schedule need --seed (or give targets in --config)")}
	}
	if err := cfg.validateServe(); err != nil {
		return err
	}
	log := newLogger(env.stderr, cfg.LogFormat, cfg.LogLevel)
	return serve(ctx, cfg, log)
}

// server is one running `fentinel serve`.
type server struct {
	cfg     config
	log     *slog.Logger
	db      *store.DB
	metrics *metrics.Metrics
	client  *http.Client

	readyMu  sync.Mutex
	readyAt  time.Time
	readyErr error
}

// serve runs until ctx ends (SIGTERM, SIGINT), then shuts down within
// serveRunGrace+serveHTTPGrace and returns nil.
func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	scheds := make([]schedule.Schedule, len(cfg.Targets))
	for i, t := range cfg.Targets {
		s, err := schedule.Parse(time.Duration(t.Every), t.Schedule)
		if err != nil { // validateTargets has checked it
			return fmt.Errorf("config: targets[%d]: %w", i, err)
		}
		scheds[i] = s
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("serve: listen %s: %w", cfg.Listen, err)
	}
	defer ln.Close()
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	// One serve per database: a second one would crawl the same targets.
	serveLease, err := db.AcquireLease(ctx, store.LeaseServe, "serve", leaseTTL)
	if err != nil {
		var held *store.LeaseHeldError
		if errors.As(err, &held) {
			return fmt.Errorf("serve: another fentinel serve is running on %s: %w", cfg.DB, err)
		}
		return err
	}

	s := &server{cfg: cfg, log: log, db: db, client: &http.Client{}}
	// The sinks deliver here; crawlOnce builds the routes it queues with.
	sinks, _, err := buildSinks(cfg, s.client)
	if err != nil {
		return err
	}
	s.metrics = metrics.New(metrics.ReadBuildInfo(), serveSource{db: db, targets: cfg.Targets})
	for _, t := range cfg.Targets {
		s.metrics.AddTarget(t.Name)
	}
	for _, sk := range sinks {
		s.metrics.AddSink(sk.Name())
	}

	// Crawls and delivery stop when runCtx ends (ctx, or an HTTP failure);
	// HTTP keeps answering until they have stopped.
	runCtx, stopRuns := context.WithCancel(ctx)
	defer stopRuns()
	var wg sync.WaitGroup
	leaseLost := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		serveLease.Keep(runCtx, func(err error) {
			leaseLost <- err
		})
	}()
	disp := alert.NewDispatcher(&countingOutbox{Outbox: db, m: s.metrics}, sinks, append(cfg.Alerts.Options(), alert.WithLogger(log))...)
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.dispatch(runCtx, disp)
	}()
	for i, t := range cfg.Targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(runCtx, t, scheds[i])
		}()
	}

	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(ln) }()
	log.Info("serve: listening", "addr", ln.Addr().String(), "targets", len(cfg.Targets), "sinks", len(sinks), "db", cfg.DB)

	var exitErr error
	select {
	case <-ctx.Done():
	case err := <-httpDone:
		return fmt.Errorf("serve: http: %w", err)
	case err := <-leaseLost:
		// Another process took the database over (this one stalled past
		// the lease): stop rather than crawl beside it.
		exitErr = fmt.Errorf("serve: lease on %s lost to another process: %w", cfg.DB, err)
		log.Error("serve: stopping", "err", exitErr)
		stopRuns()
	}
	log.Info("serve: shutting down", "grace", serveRunGrace+serveHTTPGrace)
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(serveRunGrace):
		log.Warn("serve: runs still going after the grace period; their in-flight URLs resume on the next start")
	}
	hctx, cancel := context.WithTimeout(context.Background(), serveHTTPGrace)
	defer cancel()
	if err := srv.Shutdown(hctx); err != nil {
		log.Warn("serve: http shutdown", "err", err)
	}
	log.Info("serve: stopped")
	return exitErr
}

// outboxRetry is how often serve tries again for the outbox lease while a
// `fentinel crawl` on the same database is draining it.
const outboxRetry = 5 * time.Second

// dispatch delivers the outbox until ctx ends, holding the outbox lease so
// that no other process sends the same alerts meanwhile.
func (s *server) dispatch(ctx context.Context, disp *alert.Dispatcher) {
	var lease *store.Lease
	for waited := false; ; waited = true {
		var err error
		lease, err = s.db.AcquireLease(ctx, store.LeaseOutbox, "serve", leaseTTL)
		if err == nil {
			break
		}
		var held *store.LeaseHeldError
		if !errors.As(err, &held) {
			s.log.Error("serve: outbox lease", "err", err)
		} else if !waited {
			s.log.Info("serve: another process is delivering the outbox; waiting for it", "holder", held.Command, "pid", held.PID, "host", held.Host)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(outboxRetry):
		}
	}
	dctx, stop := context.WithCancel(ctx)
	defer stop()
	kept := make(chan struct{})
	go func() {
		defer close(kept)
		lease.Keep(dctx, func(err error) {
			s.log.Error("serve: outbox lease lost to another process; delivery stops", "err", err)
			stop()
		})
	}()
	if err := disp.Run(dctx); err != nil {
		s.log.Error("serve: alert dispatcher stopped", "err", err)
	}
	stop()
	<-kept
}

// loop runs one target on its schedule until ctx ends. schedule.Loop calls
// run synchronously, so two runs of a target never overlap.
func (s *server) loop(ctx context.Context, t targetConf, sched schedule.Schedule) {
	log := s.log.With("target", t.Name)
	log.Info("serve: target scheduled", "schedule", sched.String())
	opts := schedule.Options{
		Immediate: t.Every != 0,
		Skipped: func(n int) {
			s.metrics.RunsSkipped(t.Name, n)
			log.Warn("serve: previous run still going; activations skipped", "skipped", n)
		},
	}
	err := schedule.Loop(ctx, sched, opts, func(ctx context.Context) { s.runOnce(ctx, t, log) })
	if err != nil && !errors.Is(err, context.Canceled) {
		log.Error("serve: schedule ended", "err", err)
	}
}

// runOnce runs one crawl of target t and records it in the metrics.
func (s *server) runOnce(ctx context.Context, t targetConf, log *slog.Logger) {
	cfg := s.cfg.forTarget(t)
	cfg.AlertWait = 0 // the dispatcher delivers continuously
	s.metrics.RunStarted(t.Name)
	start := time.Now()
	sum, err := crawlOnce(ctx, crawlJob{cfg: cfg, seeds: t.Seeds, target: t.Name, command: "serve", log: log, client: s.client})
	run := runMetrics(sum, err, ctx.Err() != nil, time.Since(start), time.Now())
	switch run.Status {
	case metrics.StatusInterrupted:
		log.Info("serve: run interrupted; it resumes on the next start", "run", sum.RunID, "pages", sum.Pages)
	case metrics.StatusFailed:
		log.Error("serve: run failed", "run", sum.RunID, "err", err)
	default:
		log.Info("serve: run finished", "run", sum.RunID, "pages", sum.Pages, "flagged", sum.Flagged,
			"new", sum.New, "changed", sum.Changed, "alerts_queued", sum.AlertsQueued, "elapsed", sum.Elapsed.Round(time.Millisecond))
	}
	s.metrics.RunFinished(t.Name, run)
}

// runMetrics turns what crawlOnce reported into the metrics of one run:
// fetched pages count as 2xx, HTTP error classes as their status class.
func runMetrics(sum crawlSummary, err error, interrupted bool, elapsed time.Duration, end time.Time) metrics.Run {
	run := metrics.Run{
		Status:     metrics.StatusFinished,
		Duration:   elapsed,
		FinishedAt: end,
		Pages:      map[string]int{},
		Errors:     sum.Crawl.Errors,
		Blocked:    sum.Crawl.Blocked,
		Flagged:    int(sum.Flagged),
		New:        int(sum.New),
		Changed:    int(sum.Changed),
		Alerts:     int(sum.AlertsQueued),
	}
	switch {
	case err != nil && interrupted:
		run.Status = metrics.StatusInterrupted
	case err != nil:
		run.Status = metrics.StatusFailed
	}
	if sum.Crawl.Fetched > 0 {
		run.Pages["2xx"] = sum.Crawl.Fetched
	}
	for class, n := range sum.Crawl.Errors {
		switch class {
		case crawler.ClassHTTP4xx:
			run.Pages["4xx"] += n
		case crawler.ClassHTTP429:
			run.Pages["429"] += n
		case crawler.ClassHTTP5xx:
			run.Pages["5xx"] += n
		}
	}
	return run
}

// handler routes /healthz, /readyz, /metrics and the findings API.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.Handler())
	api := &findingsAPI{db: s.db, now: time.Now, token: s.cfg.apiToken,
		notFound: func(err error) bool { return errors.Is(err, store.ErrNotFound) }}
	api.register(mux)
	return mux
}

// readyz answers 200 when the Tor SOCKS proxy passes the crawler's
// pre-flight and the database is writable, 503 with the reason otherwise.
// A verdict is reused for serveReadyTTL so probes do not hammer Tor.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	s.readyMu.Lock()
	if time.Since(s.readyAt) > serveReadyTTL {
		ctx, cancel := context.WithTimeout(r.Context(), serveReadyBudget)
		s.readyErr = s.checkReady(ctx)
		cancel()
		s.readyAt = time.Now()
	}
	err := s.readyErr
	s.readyMu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "not ready: %v\n", err)
		return
	}
	fmt.Fprintln(w, "ready")
}

func (s *server) checkReady(ctx context.Context) error {
	t := s.cfg.Targets[0]
	ccfg := crawlerConfig(crawlJob{cfg: s.cfg.forTarget(t), seeds: t.Seeds, target: t.Name, log: s.log})
	if s.cfg.ControlPort != "" {
		// With a control port, the pre-flight also asks Tor whether it has
		// built a circuit (bootstrapped), as crawl does.
		ctl, err := torctl.Dial(ctx, s.cfg.ControlPort, torctl.Auth{CookiePath: s.cfg.ControlAuth})
		if err != nil {
			return fmt.Errorf("tor: control port %s: %w", s.cfg.ControlPort, err)
		}
		defer ctl.Close()
		ccfg.Control = torctl.OneKey{Conn: ctl}
	}
	c, err := crawler.New(ccfg)
	if err != nil {
		return fmt.Errorf("tor: %w", err)
	}
	if err := c.Preflight(ctx); err != nil {
		return fmt.Errorf("tor: %w", err)
	}
	if err := dbWritable(s.db.Path()); err != nil {
		return fmt.Errorf("db: %w", err)
	}
	return nil
}

// dbWritable checks that the database file can be opened for writing and
// that its directory takes new files (SQLite's -wal and -shm files).
func dbWritable(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open %s for writing: %w", path, err)
	}
	f.Close()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fentinel-ready-*")
	if err != nil {
		return fmt.Errorf("directory of %s is not writable: %w", path, err)
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// serveSource answers the scrape-time gauges from the database.
type serveSource struct {
	db      *store.DB
	targets []targetConf
}

func (s serveSource) PendingAlerts(ctx context.Context) (int, error) { return s.db.PendingAlerts(ctx) }

func (s serveSource) FrontierSizes(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(s.targets))
	for _, t := range s.targets {
		n, err := s.db.Frontier(t.Name).Pending(ctx)
		if err != nil {
			return nil, err
		}
		out[t.Name] = n
	}
	return out, nil
}

// FindingsBySeverity counts findings per severity; the store's severity
// filter is "at least", so each count is a difference of two.
func (s serveSource) FindingsBySeverity(ctx context.Context) (map[fentinel.Severity]int, error) {
	atLeast := map[fentinel.Severity]int{}
	for sev := fentinel.SeverityLow; sev <= fentinel.SeverityCritical; sev++ {
		n, err := s.db.CountFindings(ctx, fentinel.FindingFilter{Severity: sev})
		if err != nil {
			return nil, err
		}
		atLeast[sev] = n
	}
	out := map[fentinel.Severity]int{}
	for sev := fentinel.SeverityLow; sev <= fentinel.SeverityCritical; sev++ {
		out[sev] = atLeast[sev] - atLeast[sev+1]
	}
	return out, nil
}

// countingOutbox passes the dispatcher's outbox calls to the store and
// counts deliveries, failed attempts and dead letters per sink.
type countingOutbox struct {
	alert.Outbox
	m *metrics.Metrics

	mu   sync.Mutex
	sink map[string]string // alert id -> sink, for alerts handed out
}

func (o *countingOutbox) DueAlerts(ctx context.Context, now time.Time, limit int) ([]fentinel.Alert, error) {
	due, err := o.Outbox.DueAlerts(ctx, now, limit)
	o.mu.Lock()
	if o.sink == nil {
		o.sink = map[string]string{}
	}
	for _, a := range due {
		o.sink[a.ID] = a.Sink
	}
	o.mu.Unlock()
	return due, err
}

func (o *countingOutbox) sinkOf(id string, forget bool) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	s, ok := o.sink[id]
	if !ok {
		return "unknown"
	}
	if forget {
		delete(o.sink, id)
	}
	return s
}

func (o *countingOutbox) MarkDelivered(ctx context.Context, id string, at time.Time) error {
	err := o.Outbox.MarkDelivered(ctx, id, at)
	if err == nil {
		o.m.AlertDelivered(o.sinkOf(id, true))
	}
	return err
}

func (o *countingOutbox) MarkRetry(ctx context.Context, id string, attempts int, next time.Time, lastErr string) error {
	err := o.Outbox.MarkRetry(ctx, id, attempts, next, lastErr)
	if err == nil {
		o.m.AlertFailed(o.sinkOf(id, false))
	}
	return err
}

func (o *countingOutbox) MarkDead(ctx context.Context, id string, attempts int, lastErr string) error {
	err := o.Outbox.MarkDead(ctx, id, attempts, lastErr)
	if err == nil {
		o.m.AlertDead(o.sinkOf(id, true))
	}
	return err
}
