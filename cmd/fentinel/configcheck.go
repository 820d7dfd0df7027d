package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fentinel/fentinel/schedule"
)

func init() {
	register(command{
		name:    "config",
		summary: "check a configuration file (config check --config PATH)",
		run:     runConfig,
	})
}

func runConfig(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(env.stderr, "usage: fentinel config check [--config PATH | PATH]")
		return &exitError{code: 2, err: errors.New("unknown or missing subcommand (want: check)")}
	}
	return runConfigCheck(ctx, env, args[1:])
}

// runConfigCheck loads the file and the FENTINEL_* environment exactly as
// serve does, validates them, and prints what serve would run. It exits 1
// with an error naming the key when something is wrong.
func runConfigCheck(_ context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "config check", "[--config PATH | PATH]")
	path := fs.String("config", "", "YAML configuration file")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) == 1 && *path == "":
		*path = rest[0]
	case len(rest) > 0:
		return &exitError{code: 2, err: fmt.Errorf("unexpected argument %q", rest[0])}
	}
	cfg, err := loadConfig(*path, env.getenv)
	if err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if err := cfg.validateTargets(); err != nil {
		return err
	}
	if err := checkRules(cfg); err != nil {
		return err
	}
	sinks, _, err := buildSinks(cfg, nil)
	if err != nil {
		return fmt.Errorf("config: alerts: %w", err)
	}
	name := *path
	if name == "" {
		name = "(defaults and environment)"
	}
	fmt.Fprintf(env.stdout, "config %s: OK\n", name)
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "db\t%s\n", cfg.DB)
	fmt.Fprintf(w, "proxy\t%s\n", cfg.Proxy)
	api := "open to whoever reaches listen (no api_token_file)"
	if cfg.apiToken != "" {
		api = "bearer token required (api_token_file)"
	}
	fmt.Fprintf(w, "listen\t%s\n", cfg.Listen)
	fmt.Fprintf(w, "findings API\t%s\n", api)
	rulesName := cfg.Rules
	if rulesName == "" {
		rulesName = "embedded default set"
	}
	fmt.Fprintf(w, "rules\t%s\n", rulesName)
	hooks := make([]string, 0, len(cfg.Webhooks))
	for _, h := range cfg.Webhooks {
		signed := "unsigned"
		if h.Secret != "" {
			signed = "signed"
		}
		hooks = append(hooks, fmt.Sprintf("%s (%s)", h.Name, signed))
	}
	if len(hooks) == 0 {
		hooks = append(hooks, "none")
	}
	fmt.Fprintf(w, "webhooks\t%s\n", strings.Join(hooks, ", "))
	names := make([]string, 0, len(sinks))
	for _, sk := range sinks {
		names = append(names, sk.Name())
	}
	if len(names) == 0 {
		names = append(names, "none (findings are stored, nobody is alerted)")
	}
	fmt.Fprintf(w, "alert sinks\t%s\n", strings.Join(names, ", "))
	fmt.Fprintf(w, "targets\t%d\n", len(cfg.Targets))
	now := time.Now()
	for _, t := range cfg.Targets {
		s, err := schedule.Parse(time.Duration(t.Every), t.Schedule)
		if err != nil { // validateTargets has already checked it
			return fmt.Errorf("config: target %q: %w", t.Name, err)
		}
		first := "at start"
		if t.Every == 0 {
			first = s.Next(now).UTC().Format(time.RFC3339)
		}
		tc := cfg.forTarget(t)
		fmt.Fprintf(w, "  %s\t%d seed(s), %s, first run %s, max_pages %d, max_depth %d\n",
			t.Name, len(t.Seeds), s, first, tc.Crawl.MaxPages, tc.Crawl.MaxDepth)
	}
	if len(cfg.Targets) == 0 {
		fmt.Fprintln(w, "  (none: serve then needs --seed with --every or --schedule)")
	}
	return w.Flush()
}

// checkRules loads the global rule set and every target's own, so a rule
// file that does not parse or lint is reported before serve starts.
func checkRules(cfg config) error {
	if _, _, err := loadDetector(cfg.Rules); err != nil {
		return fmt.Errorf("config: rules: %w", err)
	}
	for i, t := range cfg.Targets {
		if t.Rules == "" {
			continue
		}
		if _, _, err := loadDetector(t.Rules); err != nil {
			return fmt.Errorf("config: targets[%d].rules: %w", i, err)
		}
	}
	return nil
}
