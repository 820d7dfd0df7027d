package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Lease names used by the fentinel binary.
const (
	LeaseOutbox = "outbox" // the alert dispatcher
	LeaseServe  = "serve"  // a running `fentinel serve`
)

// LeaseCrawl names the lease on one crawl target's frontier.
func LeaseCrawl(target string) string { return "crawl:" + target }

// LeaseHeldError reports that another process holds a lease.
type LeaseHeldError struct {
	Name       string
	Host       string
	PID        int
	Command    string
	AcquiredAt time.Time
	ExpiresAt  time.Time
}

func (e *LeaseHeldError) Error() string {
	who := fmt.Sprintf("pid %d on host %s", e.PID, e.Host)
	if e.Command != "" {
		who = fmt.Sprintf("fentinel %s (%s)", e.Command, who)
	}
	return fmt.Sprintf("store: %s is held by %s since %s; it expires at %s unless renewed",
		e.Name, who, e.AcquiredAt.UTC().Format(time.RFC3339), e.ExpiresAt.UTC().Format(time.RFC3339))
}

// Lease is one acquired lease. Renew it before it expires; Release it when
// done. A process that dies without releasing loses it when it expires, or
// at once to a process on the same host that sees the pid is gone.
type Lease struct {
	db    *DB
	name  string
	token string
	ttl   time.Duration
}

// Name returns the lease's name.
func (l *Lease) Name() string { return l.name }

// leaseHost is the host name recorded with a lease (the container's name
// inside a container).
func leaseHost() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}

// pidAlive reports whether a process with this pid exists on this host.
var pidAlive = func(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// AcquireLease takes the named lease for ttl on behalf of command (a label
// shown to whoever finds it held). It fails with *LeaseHeldError when a
// live holder has it: one whose lease has not expired and, when it runs on
// this host, whose process still exists.
func (db *DB) AcquireLease(ctx context.Context, name, command string, ttl time.Duration) (*Lease, error) {
	if ttl <= 0 {
		return nil, fmt.Errorf("store: acquire lease %s: ttl %s must be positive", name, ttl)
	}
	var buf [12]byte
	if _, err := rand.Read(buf[:]); err != nil {
		return nil, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	l := &Lease{db: db, name: name, token: hex.EncodeToString(buf[:]), ttl: ttl}
	host, pid := leaseHost(), os.Getpid()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var held LeaseHeldError
		var acq, exp string
		err := tx.QueryRowContext(ctx, `SELECT host, pid, command, acquired_at, expires_at FROM leases WHERE name = ?`, name).
			Scan(&held.Host, &held.PID, &held.Command, &acq, &exp)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			held.Name = name
			held.AcquiredAt, held.ExpiresAt = parseTS(acq), parseTS(exp)
			gone := held.Host == host && held.PID != pid && !pidAlive(held.PID)
			if now.Before(held.ExpiresAt) && !gone {
				return &held
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO leases(name, token, host, pid, command, acquired_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(name) DO UPDATE SET token=excluded.token, host=excluded.host, pid=excluded.pid,
				command=excluded.command, acquired_at=excluded.acquired_at, expires_at=excluded.expires_at`,
			name, l.token, host, pid, command, ts(now), ts(now.Add(ttl)))
		return err
	})
	if err != nil {
		var held *LeaseHeldError
		if errors.As(err, &held) {
			return nil, held
		}
		return nil, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	return l, nil
}

// ErrLeaseLost means a lease expired and another process took it.
var ErrLeaseLost = errors.New("store: lease lost")

// Renew extends the lease by its ttl from now.
func (l *Lease) Renew(ctx context.Context) error {
	now := l.db.now()
	res, err := l.db.w.ExecContext(ctx, `UPDATE leases SET expires_at = ? WHERE name = ? AND token = ?`,
		ts(now.Add(l.ttl)), l.name, l.token)
	if err != nil {
		return fmt.Errorf("store: renew lease %s: %w", l.name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: renew lease %s: %w", l.name, ErrLeaseLost)
	}
	return nil
}

// Release gives the lease up. Releasing a lease already lost is not an error.
func (l *Lease) Release(ctx context.Context) error {
	if _, err := l.db.w.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND token = ?`, l.name, l.token); err != nil {
		return fmt.Errorf("store: release lease %s: %w", l.name, err)
	}
	return nil
}

// Keep renews the lease every third of its ttl until ctx ends, then
// releases it. lost is called (once) if a renewal finds the lease taken.
func (l *Lease) Keep(ctx context.Context, lost func(error)) {
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = l.Release(rctx)
			cancel()
			return
		case <-t.C:
			if err := l.Renew(ctx); err != nil {
				if errors.Is(err, ErrLeaseLost) {
					if lost != nil {
						lost(err)
					}
					return
				}
				// a busy database: try again at the next tick
			}
		}
	}
}

// inTx runs fn in one write transaction (BEGIN IMMEDIATE on the writer).
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
