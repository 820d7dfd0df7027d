package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
	"github.com/fentinel/fentinel/store"
)

func init() {
	register(command{
		name:    "demo",
		summary: "run the whole pipeline on the built-in simulated market (no Tor needed)",
		run:     runDemo,
	})
}

func runDemo(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "demo", "[flags]")
	dbPath := fs.String("db", "fentinel-demo.db", "SQLite database to write (replaced unless --keep)")
	keep := fs.Bool("keep", false, "keep an existing database instead of starting fresh")
	latency := fs.Duration("latency", 0, "simulated per-response latency (e.g. 500ms to feel like Tor)")
	logLevel := fs.String("log-level", "warn", "log level: debug, info, warn, error")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if !*keep {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(*dbPath + suffix); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("demo: remove old %s: %w", *dbPath+suffix, err)
			}
		}
	}
	sim, err := marketsim.Start(ctx, marketsim.Options{Latency: *latency})
	if err != nil {
		return fmt.Errorf("demo: start simulator: %w", err)
	}
	defer sim.Close()

	cfg := defaultConfig()
	cfg.DB = *dbPath
	cfg.Proxy = sim.ProxyURL()
	cfg.AlertWait = duration(20 * time.Second)
	cfg.Webhooks = []webhookConf{{Name: "duty-officer", URL: sim.Receiver().URL(), Secret: sim.Receiver().Secret()}}
	log := newLogger(env.stderr, "text", *logLevel)

	out := env.stdout
	fmt.Fprintf(out, "Simulated Tor network: %d onion markets behind SOCKS5 %s\n", len(sim.Markets()), sim.ProxyURL())
	for _, m := range sim.Markets() {
		fmt.Fprintf(out, "  %-16s http://%s/\n", m.Name, m.Onion)
	}
	fmt.Fprintln(out)
	sum, err := crawlOnce(ctx, crawlJob{cfg: cfg, seeds: sim.Seeds(), target: "demo", command: "demo", log: log})
	if err != nil {
		return err
	}
	sum.print(out)

	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	findings, err := db.Findings(ctx, fentinel.FindingFilter{})
	if err != nil {
		return err
	}
	markets := map[string]string{}
	for _, m := range sim.Markets() {
		markets[m.Onion] = m.Name
	}
	fmt.Fprintf(out, "\nFindings (%d):\n", len(findings))
	writeDemoTable(out, findings, markets)
	got := sim.Receiver().Received()
	valid := 0
	for _, d := range got {
		if d.Valid {
			valid++
		}
	}
	fmt.Fprintf(out, "\nWebhook receiver: %d alerts received, %d with a valid Standard Webhooks signature.\n", len(got), valid)
	fmt.Fprintf(out, "\nDatabase: %s\nTry: fentinel findings --db %s --format jsonl\n     sqlite3 %s 'SELECT * FROM v_findings'\n", cfg.DB, cfg.DB, cfg.DB)
	return nil
}

// writeDemoTable prints findings compactly enough for an 80-column terminal,
// naming markets instead of printing their onion addresses.
func writeDemoTable(w io.Writer, findings []fentinel.Finding, markets map[string]string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSCORE\tKIND\tMARKET\tSUBSTANCES\tTITLE")
	for _, f := range findings {
		market := markets[f.Site]
		if market == "" {
			market = cell(f.Site, 16)
		}
		kind := f.PageKind
		if kind == "" {
			kind = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%.2f\t%s\t%s\t%s\t%s\n", f.ID, f.Severity, f.Score, kind, market,
			cell(strings.Join(f.Substances, ","), 30), cell(f.Title, 36))
	}
	tw.Flush()
}
