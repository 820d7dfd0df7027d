package torctl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// GetInfo asks Tor for the given GETINFO keys and returns their values.
// Multi-line values (data blocks) are joined with "\n". An unknown key
// fails the whole call with an error matching ErrUnrecognized.
func (c *Conn) GetInfo(ctx context.Context, keys ...string) (map[string]string, error) {
	if len(keys) == 0 {
		return map[string]string{}, nil
	}
	for _, k := range keys {
		if k == "" || strings.ContainsAny(k, " \r\n") {
			return nil, fmt.Errorf("torctl: GETINFO: invalid key %q", k)
		}
	}
	r, err := c.do(ctx, "GETINFO", "GETINFO "+strings.Join(keys, " "))
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(keys))
	for _, l := range r.Lines {
		k, v, ok := strings.Cut(l.Text, "=")
		if !ok {
			continue // the closing "OK"
		}
		if l.Data != nil {
			v = strings.Join(l.Data, "\n")
		}
		out[k] = v
	}
	for _, k := range keys {
		if _, ok := out[k]; !ok {
			return out, fmt.Errorf("torctl: GETINFO: %w: no value for %q in reply", ErrProtocol, k)
		}
	}
	return out, nil
}

// CircuitEstablished reports whether Tor currently believes it can build
// circuits (GETINFO status/circuit-established). It is the pre-flight check
// a crawler runs before its first request.
func (c *Conn) CircuitEstablished(ctx context.Context) (bool, error) {
	const key = "status/circuit-established"
	m, err := c.GetInfo(ctx, key)
	if err != nil {
		return false, err
	}
	switch m[key] {
	case "1":
		return true, nil
	case "0":
		return false, nil
	}
	return false, fmt.Errorf("torctl: GETINFO %s: %w: unexpected value %q", key, ErrProtocol, m[key])
}

// Signal sends SIGNAL name (e.g. "HEARTBEAT", "CLEARDNSCACHE"). Use NewNym
// for NEWNYM so that the rate limit applies.
func (c *Conn) Signal(ctx context.Context, name string) error {
	if name == "" || strings.ContainsAny(name, " \r\n") {
		return fmt.Errorf("torctl: SIGNAL: invalid signal %q", name)
	}
	if strings.EqualFold(name, "NEWNYM") {
		return c.NewNym(ctx)
	}
	_, err := c.do(ctx, "SIGNAL", "SIGNAL "+name)
	return err
}

// NewNym sends SIGNAL NEWNYM: Tor marks its circuits dirty, so new streams
// get new circuits, and forgets cached onion-service state (useful after a
// descriptor-fetch failure). It is global to the tor process; prefer
// per-site SOCKS credentials for isolation and use NEWNYM for recovery.
//
// Tor honours at most one NEWNYM per 10 s and silently defers the rest
// (still answering 250 OK). NewNym does not wait: when the previous NEWNYM
// on this Conn was sent less than the interval ago (by the Dialer's clock)
// it sends nothing and returns a *RateLimitError (errors.Is
// ErrNewNymRateLimited) that says how long to wait. The limiter is per Conn;
// several Conns to one tor do not share it. NewNymWait waits instead.
func (c *Conn) NewNym(ctx context.Context) error {
	c.nymMu.Lock()
	now := c.now()
	if !c.lastNym.IsZero() {
		if wait := c.lastNym.Add(c.nymGap).Sub(now); wait > 0 {
			c.nymMu.Unlock()
			return &RateLimitError{RetryAfter: wait}
		}
	}
	// Reserve the slot before sending: once the line may have reached tor,
	// it counts, even if this call then fails.
	c.lastNym = now
	c.nymMu.Unlock()
	_, err := c.do(ctx, "SIGNAL", "SIGNAL NEWNYM")
	return err
}

// NewNymWait is NewNym, but when rate limited it waits (in real time) until
// the interval has passed, or until ctx ends.
func (c *Conn) NewNymWait(ctx context.Context) error {
	for {
		err := c.NewNym(ctx)
		var rl *RateLimitError
		if !errors.As(err, &rl) {
			return err
		}
		t := time.NewTimer(rl.RetryAfter)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("torctl: NEWNYM: waiting out rate limit: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// SetEvents subscribes to the given asynchronous events (e.g. "STREAM",
// "CIRC"), replacing the previous subscription; no names unsubscribes.
// Events arrive on the Events channel.
func (c *Conn) SetEvents(ctx context.Context, names ...string) error {
	for _, n := range names {
		if n == "" || strings.ContainsAny(n, " \r\n") {
			return fmt.Errorf("torctl: SETEVENTS: invalid event name %q", n)
		}
	}
	line := "SETEVENTS"
	if len(names) > 0 {
		line += " " + strings.Join(names, " ")
	}
	_, err := c.do(ctx, "SETEVENTS", line)
	return err
}

// OneKey adapts a Conn for callers that ask GETINFO one key at a time and
// want the value as a string, such as crawler.Control:
//
//	cfg.Control = torctl.OneKey{Conn: c}
//
// Its other methods (NewNym included) are the Conn's.
type OneKey struct{ *Conn }

// GetInfo returns the value of one GETINFO key.
func (o OneKey) GetInfo(ctx context.Context, key string) (string, error) {
	m, err := o.Conn.GetInfo(ctx, key)
	if err != nil {
		return "", err
	}
	return m[key], nil
}
