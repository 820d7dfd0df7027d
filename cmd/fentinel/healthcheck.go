package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

func init() {
	register(command{
		name:    "healthcheck",
		summary: "probe a running serve's /healthz (for container HEALTHCHECKs)",
		run:     runHealthcheck,
	})
}

// healthcheckURL derives the probe URL from a listen address: a wildcard
// host (0.0.0.0, ::, empty) is probed on loopback.
func healthcheckURL(listen, path string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://127.0.0.1:9464" + path
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + path
}

// runHealthcheck GETs the URL and exits 0 on a 2xx answer, 1 otherwise. The
// runtime image has no curl; this is its HEALTHCHECK.
func runHealthcheck(ctx context.Context, env *environment, args []string) error {
	listen := defaultConfig().Listen
	if v := env.getenv("FENTINEL_LISTEN"); v != "" {
		listen = v
	}
	fs := newFlagSet(env, "healthcheck", "[--url URL] [--timeout DURATION]")
	target := fs.String("url", healthcheckURL(listen, "/healthz"), "URL to probe (default: /healthz on the FENTINEL_LISTEN address)")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &exitError{code: 2, err: fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", *target, err)
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", *target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s: %s: %s", *target, resp.Status, body)
	}
	fmt.Fprintf(env.stdout, "%s %s\n", *target, resp.Status)
	return nil
}
