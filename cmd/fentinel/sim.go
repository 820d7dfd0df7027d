package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fentinel/fentinel/marketsim"
)

func init() {
	register(command{name: "sim", summary: "run the simulated onion markets (SOCKS proxy + webhook receiver) in the foreground", run: runSim})
}

// simInfo is what "fentinel sim --json" prints.
type simInfo struct {
	Proxy         string   `json:"proxy"`
	Seeds         []string `json:"seeds"`
	Mirrors       []string `json:"mirrors,omitempty"`
	WebhookURL    string   `json:"webhook_url"`
	WebhookSecret string   `json:"webhook_secret"`
	Positives     int      `json:"positives"`
	Pages         int      `json:"labelled_pages"`
}

func runSim(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "sim", "[flags]")
	var opts marketsim.Options
	fs.StringVar(&opts.Seed, "seed", "", "`SEED` the onion names are derived from (default: built-in)")
	fs.IntVar(&opts.Markets, "markets", 2, "number of markets `N` (layouts alternate)")
	fs.IntVar(&opts.ListingsPerMarket, "listings", 0, "listing pages per market `N`, generated on the fly (0 = catalogue only)")
	fs.DurationVar(&opts.Latency, "latency", 0, "per-response `LATENCY`, e.g. 500ms to emulate Tor")
	fs.BoolVar(&opts.RequireAuth, "require-auth", false, "SOCKS proxy accepts only username/password auth")
	fs.BoolVar(&opts.Hostile, "hostile", false, "add the hostile lab market (traps, bombs, queue, login wall) and a mirror onion")
	fs.DurationVar(&opts.QueueWait, "queue-wait", 0, "EndGame-style queue wait `DURATION` (default 5s)")
	fs.StringVar(&opts.WebhookSecret, "webhook-secret", "", "receiver `SECRET` whsec_<base64> (default: generated)")
	asJSON := fs.Bool("json", false, "print the endpoints as one JSON object")
	runFor := fs.Duration("for", 0, "exit after `DURATION` (0 = until interrupted)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if *runFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *runFor)
		defer cancel()
	}
	sim, err := marketsim.Start(ctx, opts)
	if err != nil {
		return fmt.Errorf("start simulator: %w", err)
	}
	defer sim.Close()
	info := simInfo{
		Proxy:         sim.ProxyURL(),
		Seeds:         sim.Seeds(),
		WebhookURL:    sim.Receiver().URL(),
		WebhookSecret: sim.Receiver().Secret(),
	}
	for _, m := range sim.Markets() {
		for _, o := range m.Mirrors {
			info.Mirrors = append(info.Mirrors, "http://"+o+"/")
		}
	}
	for _, l := range sim.Truth() {
		info.Pages++
		if l.Positive {
			info.Positives++
		}
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		if err := enc.Encode(info); err != nil {
			return fmt.Errorf("write endpoints: %w", err)
		}
	} else {
		fmt.Fprintf(env.stdout, "proxy:          %s\n", info.Proxy)
		for _, s := range info.Seeds {
			fmt.Fprintf(env.stdout, "seed:           %s\n", s)
		}
		for _, s := range info.Mirrors {
			fmt.Fprintf(env.stdout, "mirror:         %s\n", s)
		}
		fmt.Fprintf(env.stdout, "webhook url:    %s\n", info.WebhookURL)
		fmt.Fprintf(env.stdout, "webhook secret: %s\n", info.WebhookSecret)
		fmt.Fprintf(env.stdout, "labelled pages: %d (%d positive)\n", info.Pages, info.Positives)
		fmt.Fprintf(env.stdout, "\ntry: fentinel crawl --proxy %s", info.Proxy)
		for _, s := range info.Seeds {
			fmt.Fprintf(env.stdout, " --seed %s", s)
		}
		fmt.Fprintf(env.stdout, " --webhook-url %s --webhook-secret %s\n", info.WebhookURL, info.WebhookSecret)
		fmt.Fprintln(env.stdout, "serving until interrupted (Ctrl-C)")
	}
	start := time.Now()
	<-ctx.Done()
	r := sim.Receiver()
	fmt.Fprintf(env.stderr, "sim: stopped after %s: %d requests served, %d SOCKS requests, %d webhook deliveries (%d valid)\n",
		time.Since(start).Round(time.Second), sim.Requests("", ""), len(sim.ProxyLog()), len(r.Received()), r.Valid())
	if err := sim.Close(); err != nil {
		return fmt.Errorf("close simulator: %w", err)
	}
	return nil
}
