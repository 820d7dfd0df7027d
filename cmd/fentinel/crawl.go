package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/alert"
	"github.com/fentinel/fentinel/crawler"
	"github.com/fentinel/fentinel/detect"
	"github.com/fentinel/fentinel/rules"
	"github.com/fentinel/fentinel/store"
	"github.com/fentinel/fentinel/torctl"
)

func init() {
	register(command{
		name:    "crawl",
		summary: "crawl onion markets once through Tor, detect, store and alert",
		run:     runCrawlCommand,
	})
}

// crawlFlags defines the crawl flags over cfg (whose values are the
// defaults, so file and environment settings show through) and returns the
// seeds and webhook lists they fill.
func crawlFlags(fs *flag.FlagSet, cfg *config, seeds, webhookURLs, cookies *multiFlag, webhookSecret *string, timeout, alertWait *time.Duration) {
	fs.StringVar(&cfg.Proxy, "proxy", cfg.Proxy, "Tor SOCKS proxy URL (socks5h:// or socks5://; names are always resolved by the proxy)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database path")
	fs.StringVar(&cfg.Rules, "rules", cfg.Rules, "rules file or directory (default: the embedded rule set)")
	fs.Var(seeds, "seed", "seed URL (repeatable)")
	fs.Var(webhookURLs, "webhook-url", "Standard Webhooks endpoint (repeatable)")
	fs.StringVar(webhookSecret, "webhook-secret", "", "webhook signing secret whsec_<base64> (or FENTINEL_WEBHOOK_SECRET / _FILE)")
	fs.IntVar(&cfg.Crawl.MaxPages, "max-pages", cfg.Crawl.MaxPages, "maximum pages to fetch in this run")
	fs.IntVar(&cfg.Crawl.MaxDepth, "max-depth", cfg.Crawl.MaxDepth, "maximum link depth (seed = 1)")
	fs.Var(cookies, "cookie", "session cookie HOST=NAME=VALUE (repeatable)")
	fs.StringVar(&cfg.Crawl.CookiesFile, "cookies-file", cfg.Crawl.CookiesFile, "Netscape cookies.txt with session cookies")
	fs.IntVar(&cfg.Crawl.Concurrency, "concurrency", cfg.Crawl.Concurrency, "maximum requests in flight")
	fs.IntVar(&cfg.Crawl.PerHost, "per-host", cfg.Crawl.PerHost, "maximum requests in flight per host")
	fs.DurationVar(timeout, "timeout", time.Duration(cfg.Crawl.Timeout), "timeout for one request (onions are slow)")
	fs.Int64Var(&cfg.Crawl.MaxBodyBytes, "max-body", cfg.Crawl.MaxBodyBytes, "maximum body bytes read per page (after decompression)")
	fs.DurationVar(alertWait, "alert-wait", time.Duration(cfg.AlertWait), "how long to wait for pending alerts before exiting")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "log format: auto, json or text")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn, error")
}

// applyCrawlFlags merges the list flags into cfg.
func applyCrawlFlags(cfg *config, webhookURLs, cookies multiFlag, webhookSecret string, timeout, alertWait time.Duration) {
	if len(webhookURLs) > 0 {
		secret := webhookSecret
		if secret == "" && len(cfg.Webhooks) > 0 {
			secret = cfg.Webhooks[0].Secret
		}
		cfg.Webhooks = nil
		for i, u := range webhookURLs {
			cfg.Webhooks = append(cfg.Webhooks, webhookConf{Name: sinkName(i), URL: u, Secret: secret})
		}
	} else if webhookSecret != "" {
		for i := range cfg.Webhooks {
			cfg.Webhooks[i].Secret = webhookSecret
		}
	}
	cfg.Crawl.Cookies = append(cfg.Crawl.Cookies, cookies...)
	cfg.Crawl.Timeout = duration(timeout)
	cfg.AlertWait = duration(alertWait)
}

func runCrawlCommand(ctx context.Context, env *environment, args []string) error {
	cfg, err := loadConfig(findConfigFlag(args), env.getenv)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "crawl", "[flags]")
	var configPath string
	fs.StringVar(&configPath, "config", "", "YAML configuration file")
	var seeds, webhookURLs, cookies multiFlag
	var webhookSecret string
	var timeout, alertWait time.Duration
	crawlFlags(fs, &cfg, &seeds, &webhookURLs, &cookies, &webhookSecret, &timeout, &alertWait)
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	applyCrawlFlags(&cfg, webhookURLs, cookies, webhookSecret, timeout, alertWait)
	if len(seeds) == 0 {
		for _, t := range cfg.Targets {
			seeds = append(seeds, t.Seeds...)
		}
	}
	if len(seeds) == 0 {
		return &exitError{code: 2, err: errors.New("no seeds: give --seed URL (repeatable) or targets in --config")}
	}
	if err := cfg.validate(); err != nil {
		return &exitError{code: 2, err: err}
	}
	log := newLogger(env.stderr, cfg.LogFormat, cfg.LogLevel)
	job := crawlJob{cfg: cfg, seeds: seeds, target: "cli", log: log}
	if isTerminal(env.stderr) {
		job.progress = progressLine(env.stderr, time.Now())
	}
	sum, err := crawlOnce(ctx, job)
	if job.progress != nil {
		fmt.Fprintln(env.stderr)
	}
	if err != nil {
		if errors.Is(err, crawler.ErrProxyUnreachable) {
			return &exitError{code: 3, err: err}
		}
		return err
	}
	sum.print(env.stdout)
	return nil
}

// crawlJob is one crawl pass to run.
type crawlJob struct {
	cfg    config
	seeds  []string
	target string // run label; also the frontier key for resumable crawls
	// command names the subcommand running the job ("crawl", "serve",
	// "demo"), shown to another process that finds the target's lease held.
	command string
	log     *slog.Logger
	client  *http.Client // for webhook delivery; nil: a default client
	// progress, when set, receives the crawler's counters and the number of
	// flagged pages while the crawl runs.
	progress func(st crawler.Stats, flagged int64)
}

// leaseTTL is how long a crawl's or the outbox's lease lasts unless renewed
// (renewed every third of it while the holder works).
const leaseTTL = time.Minute

func (j crawlJob) commandName() string {
	if j.command == "" {
		return "crawl"
	}
	return j.command
}

// crawlSummary is what one pass did.
type crawlSummary struct {
	RunID                        int64
	DB                           string
	Pages, Flagged, New, Changed int64
	Reused                       int64 // unchanged pages whose stored verdict was reused
	AlertsQueued                 int64
	Alerts                       alert.Stats
	AlertsPending                int
	OutboxHeldBy                 string // set when another process delivers the alerts
	Crawl                        crawler.Stats
	Elapsed                      time.Duration
}

func (s crawlSummary) print(w io.Writer) {
	fmt.Fprintf(w, "run %d: %d pages stored (%d unchanged since the last pass), %d flagged (%d new, %d changed) in %.1fs\n",
		s.RunID, s.Pages, s.Reused, s.Flagged, s.New, s.Changed, s.Elapsed.Seconds())
	fmt.Fprintf(w, "alerts: %d queued, %d delivered, %d pending in the outbox\n",
		s.AlertsQueued, s.Alerts.Delivered, s.AlertsPending)
	if s.OutboxHeldBy != "" {
		fmt.Fprintf(w, "alerts are delivered by %s, which holds the outbox\n", s.OutboxHeldBy)
	}
	fmt.Fprintf(w, "database: %s\n", s.DB)
}

// loadDetector builds the detector from a rules path or the embedded set.
func loadDetector(path string) (*detect.Detector, *rules.Set, error) {
	var rs *rules.Set
	var err error
	if path == "" {
		rs, err = rules.Default()
	} else {
		rs, err = rules.Load(path)
	}
	if err != nil {
		return nil, nil, err
	}
	d, err := detect.New(rs)
	if err != nil {
		return nil, nil, err
	}
	return d, rs, nil
}

// buildSinks turns the alert settings (the alerts.sinks section and the
// simple webhooks list / --webhook-url flags) into sinks and their routes.
func buildSinks(cfg config, client *http.Client) ([]alert.Sink, []fentinel.Route, error) {
	sinks, err := alert.BuildSinks(cfg.Alerts.Sinks, os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	routes := cfg.Alerts.Routes()
	for i, w := range cfg.Webhooks {
		s, err := alert.NewWebhook(w.Name, w.URL, w.Secret, client)
		if err != nil {
			return nil, nil, fmt.Errorf("webhooks[%d]: %w", i, err)
		}
		sinks = append(sinks, s)
		routes = append(routes, fentinel.DefaultRoute(w.Name))
	}
	return sinks, routes, nil
}

// crawlerConfig maps the settings of one job to the crawler's configuration.
func crawlerConfig(job crawlJob) crawler.Config {
	cs := job.cfg.Crawl
	return crawler.Config{
		Proxy:        job.cfg.Proxy,
		Seeds:        job.seeds,
		MaxPages:     cs.MaxPages,
		MaxDepth:     cs.MaxDepth,
		Cookies:      cs.Cookies,
		CookiesFile:  cs.CookiesFile,
		Concurrency:  cs.Concurrency,
		PerHost:      cs.PerHost,
		Timeout:      time.Duration(cs.Timeout),
		MaxBodyBytes: cs.MaxBodyBytes,
		Logger:       job.log,
	}
}

// preflightBound keeps the whole pre-flight, process start included, inside
// the 30 s the CLI contract promises for an unreachable proxy.
const preflightBound = 25 * time.Second

// crawlOnce runs one pass: pre-flight, crawl, detect, store, then deliver
// alerts for up to cfg.AlertWait. Undelivered alerts stay in the outbox. A
// pass interrupted by ctx (or killed) resumes from the persistent frontier
// on the next call with the same target.
func crawlOnce(ctx context.Context, job crawlJob) (crawlSummary, error) {
	start := time.Now()
	cfg := job.cfg
	sum := crawlSummary{DB: cfg.DB}
	det, _, err := loadDetector(cfg.Rules)
	if err != nil {
		return sum, err
	}
	sinks, routes, err := buildSinks(cfg, job.client)
	if err != nil {
		return sum, err
	}
	ccfg := crawlerConfig(job)
	if cfg.ControlPort != "" {
		ctl, err := torctl.Dial(ctx, cfg.ControlPort, torctl.Auth{CookiePath: cfg.ControlAuth})
		if err != nil {
			return sum, fmt.Errorf("tor control port %s: %w", cfg.ControlPort, err)
		}
		defer ctl.Close()
		ccfg.Control = torctl.OneKey{Conn: ctl}
	}
	// Fail closed before touching the database: no proxy, no crawl.
	pre, err := crawler.New(ccfg)
	if err != nil {
		return sum, err
	}
	pctx, cancel := context.WithTimeout(ctx, preflightBound)
	err = pre.Preflight(pctx)
	cancel()
	if err != nil {
		return sum, err
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return sum, err
	}
	defer db.Close()

	// One process at a time per target: the frontier is shared state.
	lease, err := db.AcquireLease(ctx, store.LeaseCrawl(job.target), job.commandName(), leaseTTL)
	if err != nil {
		var held *store.LeaseHeldError
		if errors.As(err, &held) {
			return sum, fmt.Errorf("crawl: target %q is being crawled by another process on %s: %w (stop it, or crawl with another --db)", job.target, cfg.DB, err)
		}
		return sum, err
	}
	ctx, stopCrawl := context.WithCancelCause(ctx)
	leaseDone := make(chan struct{})
	go func() {
		defer close(leaseDone)
		lease.Keep(ctx, func(err error) {
			job.log.Error("crawl: lease on the target lost; stopping", "target", job.target, "err", err)
			stopCrawl(err)
		})
	}()
	defer func() { stopCrawl(nil); <-leaseDone }() // released before db.Close

	runID, err := db.StartRun(ctx, job.target)
	if err != nil {
		return sum, err
	}
	sum.RunID = runID
	ccfg.RunID = runID
	ccfg.Frontier = db.Frontier(job.target)
	// Pages already taken into a transaction are committed even when the
	// crawl is cancelled; the committer stops once the crawler has returned
	// (every handle call with it).
	commit := db.NewCommitter(context.WithoutCancel(ctx), routes, store.DefaultGroupMax)
	defer commit.Close() // on the early returns; Close is idempotent
	p := &pipeline{detector: det, db: db, routes: routes, log: job.log, commit: commit}
	if job.progress != nil {
		ccfg.Progress = func(st crawler.Stats) { job.progress(st, p.flagged.Load()) }
	}
	c, err := crawler.New(ccfg)
	if err != nil {
		return sum, err
	}
	stats, crawlErr := c.RunInfo(ctx, p.handle)
	commit.Close()
	sum.Crawl = stats
	sum.Pages, sum.Flagged, sum.New, sum.Changed, sum.AlertsQueued, sum.Reused =
		p.pages.Load(), p.flagged.Load(), p.newFindings.Load(), p.changed.Load(), p.queued.Load(), p.reused.Load()

	run := fentinel.CrawlRun{
		ID: runID, Target: job.target, StartedAt: start, FinishedAt: time.Now(),
		Status: store.RunFinished, NewFindings: int(sum.New), Changed: int(sum.Changed),
	}
	stats.Apply(&run)
	if crawlErr != nil {
		run.Status, run.Error = store.RunFailed, crawlErr.Error()
		if ctx.Err() != nil {
			run.Status = store.RunInterrupted
		}
	}
	// Record the run even when the crawl was interrupted.
	if err := db.FinishRun(context.WithoutCancel(ctx), run); err != nil {
		return sum, err
	}

	var outbox *store.Lease
	if len(sinks) > 0 && cfg.AlertWait > 0 {
		// held for the bounded drain below, released right after it
		ttl := time.Duration(cfg.AlertWait) + leaseTTL
		outbox, err = db.AcquireLease(context.WithoutCancel(ctx), store.LeaseOutbox, job.commandName(), ttl)
		var held *store.LeaseHeldError
		switch {
		case errors.As(err, &held):
			// Another process (a running serve) delivers the outbox.
			job.log.Info("alerts left to the process that delivers the outbox", "holder", held.Command, "pid", held.PID, "host", held.Host)
			sum.OutboxHeldBy = fmt.Sprintf("fentinel %s (pid %d on %s)", held.Command, held.PID, held.Host)
		case err != nil:
			return sum, err
		}
	}
	if outbox != nil {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Duration(cfg.AlertWait))
		if ctx.Err() != nil {
			// Interrupted: do not hold the shutdown up; the outbox keeps the rest.
			cancel()
			dctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		}
		astats, derr := alert.NewDispatcher(db, sinks, append(cfg.Alerts.Options(), alert.WithLogger(job.log))...).Drain(dctx)
		cancel()
		sum.Alerts = astats
		if derr != nil && !errors.Is(derr, context.DeadlineExceeded) {
			job.log.Warn("alert delivery", "err", derr)
		}
	}
	if outbox != nil {
		_ = outbox.Release(context.WithoutCancel(ctx))
	}
	if n, err := db.PendingAlerts(context.WithoutCancel(ctx)); err == nil {
		sum.AlertsPending = n
	}
	sum.Elapsed = time.Since(start)
	if crawlErr != nil {
		return sum, fmt.Errorf("crawl: %w", crawlErr)
	}
	return sum, nil
}

// progressLine returns a progress callback that redraws one terminal line:
// pages, rate, errors, blocks and findings so far.
func progressLine(w io.Writer, start time.Time) func(crawler.Stats, int64) {
	return func(st crawler.Stats, flagged int64) {
		secs := time.Since(start).Seconds()
		rate := 0.0
		if secs > 0 {
			rate = float64(st.Fetched) / secs
		}
		blocked := 0
		for _, n := range st.Blocked {
			blocked += n
		}
		fmt.Fprintf(w, "\r\x1b[K%d pages  %.1f/s  %d queued  %d errors  %d blocked  %d flagged",
			st.Fetched, rate, st.Pending, st.ErrorCount(), blocked, flagged)
	}
}
