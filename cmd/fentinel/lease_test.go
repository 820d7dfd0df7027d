package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel/marketsim"
)

// TestOneProcessPerTarget: a second crawl of the same target on the same
// database stops with a message naming the running one, and leaves the
// first to finish; a second serve on a database refuses to start; a crawl
// beside a running serve leaves its alerts to the serve's dispatcher.
func TestOneProcessPerTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	ctx := context.Background()
	sim := startSim(t, marketsim.Options{Latency: 100 * time.Millisecond})
	db := filepath.Join(t.TempDir(), "shared.db")

	first := exec.Command(fentinelBin, append(crawlArgs(sim, db), "--max-pages", "20")...)
	first.Env = append(os.Environ(), "FENTINEL_LOG_FORMAT=json")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	requests := func() int {
		n := 0
		for _, m := range sim.Markets() {
			n += sim.Requests(m.Onion, "/")
		}
		return n
	}
	waitFor(t, time.Minute, "the first crawl to start fetching", func() bool { return requests() >= 2 })

	_, stderr, code := runBin(t, ctx, crawlArgs(sim, db)...)
	if code == 0 {
		t.Fatalf("second crawl of the same target exited 0; stderr:\n%s", stderr)
	}
	want := fmt.Sprintf("fentinel crawl (pid %d", first.Process.Pid)
	for _, w := range []string{`target "cli" is being crawled by another process`, want} {
		if !strings.Contains(stderr, w) {
			t.Errorf("second crawl's error does not say %q:\n%s", w, stderr)
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("first crawl: %v", err)
		}
	case <-time.After(3 * time.Minute):
		first.Process.Kill()
		t.Fatal("first crawl did not finish")
	}
	store := openStore(t, db)
	if runs := targetRuns(t, store, "cli"); len(runs) != 1 || runs[0].Status != "finished" {
		t.Errorf("runs of target cli: %+v, want one finished", runs)
	}

	// serve holds the database and the outbox.
	srvDB := filepath.Join(t.TempDir(), "serve.db")
	p := startServe(t, serveBuild(t), serveArgs(sim, srvDB, "--every", "1h")...)
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, stderr, code = runBin(t, cctx, serveArgs(sim, srvDB, "--every", "1h")...)
	if code == 0 || !strings.Contains(stderr, "another fentinel serve is running on "+srvDB) {
		t.Errorf("second serve: exit %d, stderr:\n%s", code, stderr)
	}
	out, stderr, code := runBin(t, ctx, crawlArgs(sim, srvDB)...)
	if code != 0 {
		t.Fatalf("crawl beside serve: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(out, "alerts are delivered by fentinel serve (pid ") {
		t.Errorf("crawl beside serve did not say serve delivers its alerts:\n%s", out)
	}
	waitFor(t, 2*time.Minute, "serve to deliver every queued alert", func() bool {
		return p.metric("fentinel_alerts_pending", nil) == 0 && p.metric("fentinel_alerts_delivered_total", nil) > 0
	})
	p.stop()
}
