package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/alert"
	"github.com/fentinel/fentinel/store"
)

func init() {
	register(command{
		name:    "alerts",
		summary: "inspect and operate the alert outbox (alerts list|retry|test)",
		run:     runAlerts,
	})
}

const alertsUsage = `usage: fentinel alerts list  [--db PATH] [--state pending|delivered|dead|all] [--limit N] [--format table|jsonl]
       fentinel alerts retry [--db PATH] [--dead] [--deliver] [--config PATH] [ID...]
       fentinel alerts test  [--config PATH] [--sink NAME] [--webhook-url URL --webhook-secret SECRET]`

func runAlerts(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.stderr, alertsUsage)
		return &exitError{code: 2, err: errors.New("missing subcommand (want list, retry or test)")}
	}
	switch args[0] {
	case "list":
		return runAlertsList(ctx, env, args[1:])
	case "retry":
		return runAlertsRetry(ctx, env, args[1:])
	case "test":
		return runAlertsTest(ctx, env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(env.stderr, alertsUsage)
		return nil
	}
	fmt.Fprintln(env.stderr, alertsUsage)
	return &exitError{code: 2, err: fmt.Errorf("unknown subcommand %q (want list, retry or test)", args[0])}
}

// sinkEntry is one configured sink: from alerts.sinks, or a plain
// generic webhook from webhooks: / --webhook-url (which may be unsigned).
type sinkEntry struct {
	conf   alert.SinkConfig
	simple bool
}

func (e sinkEntry) typ() string {
	if e.conf.Type == "" {
		return alert.TypeWebhook
	}
	return e.conf.Type
}

func (e sinkEntry) build(getenv func(string) string) (alert.Sink, error) {
	if e.simple {
		return alert.NewWebhook(e.conf.Name, e.conf.URL, e.conf.Secret, nil)
	}
	return alert.BuildSink(e.conf, getenv)
}

// alertSinks lists the sinks of the alerts.sinks section plus the generic
// webhooks of the main configuration, after validating the section.
func alertSinks(cfg config) ([]sinkEntry, error) {
	if err := cfg.Alerts.Validate(); err != nil {
		return nil, err
	}
	var out []sinkEntry
	names := map[string]bool{}
	for _, s := range cfg.Alerts.Sinks {
		names[s.Name] = true
		out = append(out, sinkEntry{conf: s})
	}
	for _, w := range cfg.Webhooks {
		if names[w.Name] {
			return nil, fmt.Errorf("config: webhooks: sink name %q is also used in alerts.sinks", w.Name)
		}
		names[w.Name] = true
		out = append(out, sinkEntry{conf: alert.SinkConfig{Name: w.Name, Type: alert.TypeWebhook, URL: w.URL, Secret: w.Secret}, simple: true})
	}
	return out, nil
}

// loadAlertsConfig loads the main configuration for the alerts commands.
// useWebhookURLs replaces the configured webhooks with the --webhook-url
// flags (each signed with secret), when any were given.
func useWebhookURLs(cfg *config, urls []string, secret string) {
	if len(urls) == 0 {
		return
	}
	cfg.Webhooks = nil
	for i, u := range urls {
		cfg.Webhooks = append(cfg.Webhooks, webhookConf{Name: sinkName(i), URL: u, Secret: secret})
	}
}

func loadAlertsConfig(env *environment, path string) (config, error) {
	return loadConfig(path, env.getenv)
}

func runAlertsTest(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "alerts test", "[--config PATH] [--sink NAME] [--webhook-url URL --webhook-secret SECRET]")
	path := fs.String("config", "", "YAML configuration file (alerts.sinks and webhooks)")
	only := fs.String("sink", "", "send only to the sink with this name (default: every configured sink)")
	var urls multiFlag
	fs.Var(&urls, "webhook-url", "generic webhook URL to test (repeatable)")
	secret := fs.String("webhook-secret", "", "Standard Webhooks secret whsec_... for --webhook-url")
	timeout := fs.Duration("timeout", 15*time.Second, "time allowed per sink")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return &exitError{code: 2, err: fmt.Errorf("unexpected argument %q", rest[0])}
	}
	cfg, err := loadAlertsConfig(env, *path)
	if err != nil {
		return err
	}
	useWebhookURLs(&cfg, urls, *secret)
	entries, err := alertSinks(cfg)
	if err != nil {
		return err
	}
	if *only != "" {
		var keep []sinkEntry
		for _, e := range entries {
			if e.conf.Name == *only {
				keep = append(keep, e)
			}
		}
		if len(keep) == 0 {
			return &exitError{code: 2, err: fmt.Errorf("no sink named %q is configured", *only)}
		}
		entries = keep
	}
	if len(entries) == 0 {
		return &exitError{code: 2, err: errors.New("no alert sinks configured (use --config with alerts.sinks or webhooks, or --webhook-url)")}
	}
	failed := 0
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SINK\tTYPE\tRESULT")
	for _, e := range entries {
		s, err := e.build(env.getenv)
		if err == nil {
			tctx, cancel := context.WithTimeout(ctx, *timeout)
			err = s.Send(tctx, testAlert(e.conf.Name))
			cancel()
		}
		if err != nil {
			failed++
			fmt.Fprintf(w, "%s\t%s\tFAILED: %v\n", e.conf.Name, e.typ(), err)
			continue
		}
		fmt.Fprintf(w, "%s\t%s\tok\n", e.conf.Name, e.typ())
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d sinks failed the test", failed, len(entries))
	}
	return nil
}

// EventTest marks the synthetic event sent by `fentinel alerts test`.
const eventTest = "fentinel.test"

// testAlert is a synthetic, clearly labelled event; it never touches the outbox.
func testAlert(sink string) fentinel.Alert {
	var b [8]byte
	_, _ = rand.Read(b[:])
	now := time.Now().UTC().Truncate(time.Second)
	return fentinel.Alert{
		ID:   "test_" + hex.EncodeToString(b[:]),
		Sink: sink,
		Event: fentinel.AlertEvent{
			Type:       eventTest,
			FindingID:  0,
			URL:        "http://fentineltestaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/test",
			Site:       "fentineltestaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion",
			Title:      "Fentinel test alert (not a real listing)",
			Score:      1,
			Severity:   fentinel.SeverityLow,
			Substances: []string{"test"},
			Snippet:    "This is a test message from 'fentinel alerts test'. No action needed.",
			FirstSeen:  now,
			OccurredAt: now,
		},
		State:     fentinel.AlertPending,
		CreatedAt: now,
	}
}

func runAlertsList(ctx context.Context, env *environment, args []string) error {
	path := findConfigFlag(args)
	cfg, err := loadAlertsConfig(env, path)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "alerts list", "[--db PATH] [--state pending|delivered|dead|all] [--limit N] [--format table|jsonl]")
	fs.String("config", path, "YAML configuration file")
	db := fs.String("db", cfg.DB, "SQLite database")
	state := fs.String("state", "all", "pending, delivered, dead or all")
	limit := fs.Int("limit", 50, "maximum rows (newest first)")
	format := fs.String("format", "table", "table or jsonl")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return &exitError{code: 2, err: fmt.Errorf("unexpected argument %q", rest[0])}
	}
	st := *state
	switch st {
	case "all":
		st = ""
	case fentinel.AlertPending, fentinel.AlertDelivered, fentinel.AlertDead:
	default:
		return &exitError{code: 2, err: fmt.Errorf("--state %q: want pending, delivered, dead or all", *state)}
	}
	if *format != "table" && *format != "jsonl" {
		return &exitError{code: 2, err: fmt.Errorf("--format %q: want table or jsonl", *format)}
	}
	s, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	rows, err := s.ListAlerts(ctx, st, *limit)
	if err != nil {
		return err
	}
	if *format == "jsonl" {
		enc := json.NewEncoder(env.stdout)
		for _, a := range rows {
			if err := enc.Encode(a); err != nil {
				return err
			}
		}
		return nil
	}
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSINK\tSTATE\tATTEMPTS\tFINDING\tSEVERITY\tWHEN\tLAST ERROR")
	for _, a := range rows {
		when := ""
		switch a.State {
		case fentinel.AlertDelivered:
			when = "delivered " + alertTime(a.DeliveredAt)
		case fentinel.AlertPending:
			when = "next " + alertTime(a.NextAttempt)
		default:
			when = "queued " + alertTime(a.CreatedAt)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", a.ID, a.Sink, a.State, a.Attempts,
			a.Event.FindingID, a.Event.Severity, when, alertOneLine(a.LastError, 60))
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, "(no alerts)")
	}
	return w.Flush()
}

func alertTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func alertOneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func runAlertsRetry(ctx context.Context, env *environment, args []string) error {
	path := findConfigFlag(args)
	cfg, err := loadAlertsConfig(env, path)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "alerts retry", "[--db PATH] [--dead] [--deliver] [--config PATH] [ID...]")
	fs.String("config", path, "YAML configuration file (sinks for --deliver)")
	db := fs.String("db", cfg.DB, "SQLite database")
	allDead := fs.Bool("dead", false, "requeue every dead alert")
	deliver := fs.Bool("deliver", false, "deliver the requeued alerts now through the configured sinks")
	wait := fs.Duration("wait", time.Duration(cfg.AlertWait), "with --deliver: how long to keep retrying")
	var urls multiFlag
	fs.Var(&urls, "webhook-url", "with --deliver: generic webhook URL (repeatable)")
	secret := fs.String("webhook-secret", "", "with --deliver: Standard Webhooks secret whsec_...")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(ids) == 0 && !*allDead {
		return &exitError{code: 2, err: errors.New("give alert IDs or --dead (see fentinel alerts list --state dead)")}
	}
	s, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if *allDead {
		dead, err := s.ListAlerts(ctx, fentinel.AlertDead, 0)
		if err != nil {
			return err
		}
		for _, a := range dead {
			ids = append(ids, a.ID)
		}
	}
	now := time.Now()
	for _, id := range ids {
		if err := s.RequeueAlert(ctx, id, now); err != nil {
			return fmt.Errorf("requeue %s: %w", id, err)
		}
	}
	fmt.Fprintf(env.stdout, "requeued %d alert(s)\n", len(ids))
	if !*deliver {
		fmt.Fprintln(env.stdout, "they will be delivered by the next crawl or by serve (or run with --deliver)")
		return nil
	}
	useWebhookURLs(&cfg, urls, *secret)
	entries, err := alertSinks(cfg)
	if err != nil {
		return err
	}
	var sinks []alert.Sink
	for _, e := range entries {
		s, err := e.build(env.getenv)
		if err != nil {
			return err
		}
		sinks = append(sinks, s)
	}
	lease, err := s.AcquireLease(ctx, store.LeaseOutbox, "alerts retry", *wait+leaseTTL)
	if err != nil {
		var held *store.LeaseHeldError
		if errors.As(err, &held) {
			fmt.Fprintf(env.stdout, "not delivering here: fentinel %s (pid %d on %s) delivers the outbox and will send them\n", held.Command, held.PID, held.Host)
			return nil
		}
		return err
	}
	defer lease.Release(context.WithoutCancel(ctx))
	dctx, cancel := context.WithTimeout(ctx, *wait)
	defer cancel()
	d := alert.NewDispatcher(s, sinks, append(cfg.Alerts.Options(), alert.WithLogger(newLogger(env.stderr, cfg.LogFormat, cfg.LogLevel)))...)
	stats, err := d.Drain(dctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "delivered %d, retrying %d, dead %d\n", stats.Delivered, stats.Remaining, stats.Dead)
	return nil
}
