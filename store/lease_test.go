package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLeaseExclusiveRenewRelease(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lease.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path) // a second handle, as a second process has
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	now := t0
	a.Now = func() time.Time { return now }
	b.Now = func() time.Time { return now }

	la, err := a.AcquireLease(ctx, LeaseCrawl("m1"), "serve", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Same process, other handle: a live holder (this pid) keeps it.
	_, err = b.AcquireLease(ctx, LeaseCrawl("m1"), "crawl", time.Minute)
	var held *LeaseHeldError
	if !errors.As(err, &held) {
		t.Fatalf("second acquire: %v, want LeaseHeldError", err)
	}
	if held.PID != os.Getpid() || held.Command != "serve" || !held.ExpiresAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("holder %+v", held)
	}
	for _, want := range []string{"crawl:m1", "fentinel serve", "pid", "2026-11-01T12:00:00Z"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	// Other names are independent.
	lb, err := b.AcquireLease(ctx, LeaseCrawl("m2"), "crawl", time.Minute)
	if err != nil {
		t.Fatalf("other target: %v", err)
	}

	// Renewal moves the expiry; after the old expiry the holder still has it.
	now = t0.Add(50 * time.Second)
	if err := la.Renew(ctx); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(90 * time.Second)
	if _, err := b.AcquireLease(ctx, LeaseCrawl("m1"), "crawl", time.Minute); !errors.As(err, &held) {
		t.Fatalf("renewed lease taken: %v", err)
	}
	// Expired: taken over; the old holder's renewal reports the loss.
	now = t0.Add(3 * time.Minute)
	lb2, err := b.AcquireLease(ctx, LeaseCrawl("m1"), "crawl", time.Minute)
	if err != nil {
		t.Fatalf("expired lease not taken: %v", err)
	}
	if err := la.Renew(ctx); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("renew after takeover: %v, want ErrLeaseLost", err)
	}
	// The loser's release does not free the new holder's lease.
	if err := la.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AcquireLease(ctx, LeaseCrawl("m1"), "serve", time.Minute); !errors.As(err, &held) {
		t.Errorf("stale release freed the new holder's lease: %v", err)
	}
	// Release frees it at once.
	if err := lb2.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AcquireLease(ctx, LeaseCrawl("m1"), "serve", time.Minute); err != nil {
		t.Errorf("released lease: %v", err)
	}
	_ = lb.Release(ctx)
	if _, err := a.AcquireLease(ctx, "x", "serve", 0); err == nil {
		t.Error("zero ttl accepted")
	}
}

// TestLeaseOfDeadProcessTakenAtOnce: a holder on this host whose process
// has exited loses its lease before it expires (a crawl killed with
// SIGKILL does not block the next one for a whole ttl).
func TestLeaseOfDeadProcessTakenAtOnce(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	cmd := exec.Command("sleep", "0")
	if err := cmd.Run(); err != nil {
		t.Skipf("no sleep binary: %v", err)
	}
	dead := cmd.Process.Pid // exited and reaped
	if _, err := db.w.ExecContext(ctx, `INSERT INTO leases(name, token, host, pid, command, acquired_at, expires_at)
		VALUES ('outbox', 'old', ?, ?, 'serve', ?, ?)`, leaseHost(), dead, ts(t0), ts(t0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AcquireLease(ctx, LeaseOutbox, "crawl", time.Minute); err != nil {
		t.Fatalf("lease of exited pid %d: %v", dead, err)
	}
	// A holder on another host is trusted until its lease expires.
	if _, err := db.w.ExecContext(ctx, `UPDATE leases SET host = 'other-host', pid = ?, token = 'x' WHERE name = 'outbox'`, dead); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AcquireLease(ctx, LeaseOutbox, "crawl", time.Minute); err == nil {
		t.Error("lease of a process on another host taken before expiry")
	}
}

func TestLeaseKeepRenewsAndReleases(t *testing.T) {
	db := newTestDB(t)
	db.Now = time.Now
	ctx, cancel := context.WithCancel(context.Background())
	l, err := db.AcquireLease(ctx, LeaseServe, "serve", 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	expiry := func() string {
		var s string
		if err := db.w.QueryRow(`SELECT expires_at FROM leases WHERE name = ?`, LeaseServe).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := expiry()
	done := make(chan struct{})
	go func() { l.Keep(ctx, nil); close(done) }()
	// Wait (without a timing assertion) until Keep has renewed it.
	for deadline := time.Now().Add(30 * time.Second); expiry() == first; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Keep never renewed the lease")
		}
	}
	cancel()
	<-done
	if _, err := db.AcquireLease(context.Background(), LeaseServe, "crawl", time.Second); err != nil {
		t.Fatalf("after Keep ended: %v", err)
	}
}
