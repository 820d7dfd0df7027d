package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/fentinel/fentinel"
)

// Dispatcher defaults.
const (
	DefaultMinBackoff     = 2 * time.Second
	DefaultMaxBackoff     = 10 * time.Minute
	DefaultDeadAfter      = 24 * time.Hour
	DefaultAttemptTimeout = 15 * time.Second
	DefaultPollInterval   = 5 * time.Second
	DefaultBatch          = 200
	// unknownSinkDelay is how long an alert for an unconfigured sink is put
	// aside, so it neither blocks the queue nor gets lost.
	unknownSinkDelay = time.Hour
	markTimeout      = 10 * time.Second
)

// Clock is the dispatcher's view of time, injectable for tests.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends (then it returns ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Option configures a Dispatcher.
type Option func(*Dispatcher)

// WithClock injects the clock (tests).
func WithClock(c Clock) Option { return func(d *Dispatcher) { d.clock = c } }

// WithRand injects the source of jitter (tests); r must not be shared.
func WithRand(r *rand.Rand) Option { return func(d *Dispatcher) { d.rnd = r } }

// WithLogger sets the logger. Logs carry alert ids, sink names, attempt
// counts and error classes, never URLs, secrets or listing text.
func WithLogger(l *slog.Logger) Option { return func(d *Dispatcher) { d.log = l } }

// WithBackoff sets the first retry delay and the cap. The n-th retry waits
// about min·2^(n-1), capped at max, with jitter in [d/2, d].
func WithBackoff(min, max time.Duration) Option {
	return func(d *Dispatcher) { d.minBackoff, d.maxBackoff = min, max }
}

// WithDeadAfter sets the age (since the alert was queued) after which a
// failing alert goes to the dead letter state instead of being retried.
func WithDeadAfter(age time.Duration) Option { return func(d *Dispatcher) { d.deadAfter = age } }

// WithAttemptTimeout bounds one delivery attempt.
func WithAttemptTimeout(t time.Duration) Option { return func(d *Dispatcher) { d.attemptTimeout = t } }

// WithPollInterval sets how often Run looks at the outbox when idle.
func WithPollInterval(t time.Duration) Option { return func(d *Dispatcher) { d.poll = t } }

// WithBatch sets how many due alerts one outbox read returns.
func WithBatch(n int) Option { return func(d *Dispatcher) { d.batch = n } }

// WithDigest makes the named sink (which must be a BatchSink) deliver in
// digest mode: alerts are grouped into windows of length every, aligned to
// the Unix epoch by the time they were queued, and each window is sent as
// one message once it has closed.
func WithDigest(sink string, every time.Duration) Option {
	return func(d *Dispatcher) {
		if every > 0 {
			d.digest[sink] = every
		}
	}
}

// Stats counts what a Drain did. Alerts are outbox rows; Messages are
// sends (a digest is one message for several alerts).
type Stats struct {
	Messages  int // delivery attempts made (HTTP requests, emails)
	Delivered int // alerts marked delivered
	Retried   int // alerts whose attempt failed and were scheduled again
	Dead      int // alerts moved to the dead letter state
	Held      int // digest alerts held until their window closes
	Throttled int // alerts held because their sink answered with Retry-After
	Unknown   int // alerts for a sink that is not configured (put aside)
	Remaining int // alerts this Drain scheduled for retry and left pending
}

func (s *Stats) add(o Stats) {
	s.Messages += o.Messages
	s.Delivered += o.Delivered
	s.Retried += o.Retried
	s.Dead += o.Dead
	s.Held += o.Held
	s.Throttled += o.Throttled
	s.Unknown += o.Unknown
}

// Dispatcher delivers due outbox alerts to their sinks.
type Dispatcher struct {
	out            Outbox
	sinks          map[string]Sink
	digest         map[string]time.Duration
	clock          Clock
	rnd            *rand.Rand
	rndMu          sync.Mutex
	log            *slog.Logger
	minBackoff     time.Duration
	maxBackoff     time.Duration
	deadAfter      time.Duration
	attemptTimeout time.Duration
	poll           time.Duration
	batch          int
}

// NewDispatcher returns a dispatcher reading out and delivering to sinks
// (matched by Sink.Name against the alert's Sink field).
func NewDispatcher(out Outbox, sinks []Sink, opts ...Option) *Dispatcher {
	d := &Dispatcher{
		out:            out,
		sinks:          make(map[string]Sink, len(sinks)),
		digest:         map[string]time.Duration{},
		clock:          realClock{},
		log:            slog.New(slog.DiscardHandler),
		minBackoff:     DefaultMinBackoff,
		maxBackoff:     DefaultMaxBackoff,
		deadAfter:      DefaultDeadAfter,
		attemptTimeout: DefaultAttemptTimeout,
		poll:           DefaultPollInterval,
		batch:          DefaultBatch,
	}
	for _, s := range sinks {
		d.sinks[s.Name()] = s
	}
	for _, o := range opts {
		o(d)
	}
	if d.rnd == nil {
		d.rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	if d.minBackoff <= 0 {
		d.minBackoff = DefaultMinBackoff
	}
	if d.maxBackoff < d.minBackoff {
		d.maxBackoff = d.minBackoff
	}
	if d.batch <= 0 {
		d.batch = DefaultBatch
	}
	for name := range d.digest {
		if _, ok := d.sinks[name].(BatchSink); !ok {
			delete(d.digest, name)
			d.log.Warn("alert: digest mode ignored: sink cannot send digests", "sink", name)
		}
	}
	return d
}

// Drain delivers every alert that is due now and keeps retrying the ones
// that fail (sleeping until their next attempt) until none of the alerts it
// saw is still pending, or ctx ends. Undelivered alerts stay in the outbox
// for a later run; Stats.Remaining counts them. Digest alerts whose window
// has not closed are not waited for. The error is non-nil only when the
// outbox cannot be read or written.
func (d *Dispatcher) Drain(ctx context.Context) (Stats, error) {
	var total Stats
	waiting := map[string]time.Time{} // alerts this Drain scheduled for retry
	for {
		if ctx.Err() != nil {
			total.Remaining = len(waiting)
			return total, nil
		}
		now := d.clock.Now()
		due, err := d.out.DueAlerts(ctx, now, d.batch)
		if err != nil {
			total.Remaining = len(waiting)
			if ctx.Err() != nil {
				return total, nil
			}
			return total, fmt.Errorf("alert: read outbox: %w", err)
		}
		seen := make(map[string]bool, len(due))
		for _, a := range due {
			seen[a.ID] = true
			delete(waiting, a.ID)
		}
		// Retries due now but not returned were handled elsewhere.
		for id, next := range waiting {
			if !next.After(now) && !seen[id] {
				delete(waiting, id)
			}
		}
		st, retried, err := d.deliver(ctx, due, now)
		total.add(st)
		for id, next := range retried {
			waiting[id] = next
		}
		if err != nil {
			total.Remaining = len(waiting)
			if ctx.Err() != nil {
				return total, nil
			}
			return total, err
		}
		if len(due) >= d.batch {
			continue // more may be due right now
		}
		if len(waiting) == 0 {
			return total, nil
		}
		wake := earliest(waiting)
		if dl, ok := ctx.Deadline(); ok && wake.After(dl) {
			total.Remaining = len(waiting)
			return total, nil
		}
		if err := d.clock.Sleep(ctx, wake.Sub(d.clock.Now())); err != nil {
			total.Remaining = len(waiting)
			return total, nil
		}
	}
}

func earliest(m map[string]time.Time) time.Time {
	var t time.Time
	for _, v := range m {
		if t.IsZero() || v.Before(t) {
			t = v
		}
	}
	return t
}

// Run delivers continuously until ctx ends (for serve): it drains what is
// due, then waits for the next retry or the poll interval. Outbox errors
// are logged and retried. It returns nil when ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		wait := d.poll
		for {
			due, err := d.out.DueAlerts(ctx, d.clock.Now(), d.batch)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				d.log.Error("alert: read outbox", "err", err)
				break
			}
			_, retried, err := d.deliver(ctx, due, d.clock.Now())
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				d.log.Error("alert: update outbox", "err", err)
				break
			}
			if len(retried) > 0 {
				if w := earliest(retried).Sub(d.clock.Now()); w < wait {
					wait = w
				}
			}
			if len(due) < d.batch {
				break
			}
		}
		if wait < 0 {
			wait = 0
		}
		if err := d.clock.Sleep(ctx, wait); err != nil {
			return nil
		}
	}
}

// unit is one message to send: a single alert or a digest of several.
type unit struct {
	sink   Sink
	id     string
	alerts []fentinel.Alert
}

// deliver sends one batch of due alerts: sinks in parallel, each sink's
// messages in order. It returns the retry time of every alert it
// scheduled for retry.
func (d *Dispatcher) deliver(ctx context.Context, due []fentinel.Alert, now time.Time) (Stats, map[string]time.Time, error) {
	var st Stats
	retried := map[string]time.Time{}
	bySink := map[string][]unit{}
	var order []string
	held := map[string][]fentinel.Alert{} // digest alerts per sink whose window is closed
	for _, a := range due {
		s, ok := d.sinks[a.Sink]
		if !ok {
			st.Unknown++
			d.log.Warn("alert: no sink configured for alert; putting it aside", "alert", a.ID, "sink", a.Sink)
			err := d.mark(ctx, func(c context.Context) error {
				return d.out.MarkRetry(c, a.ID, a.Attempts, now.Add(unknownSinkDelay), fmt.Sprintf("no sink named %q is configured", a.Sink))
			})
			if err != nil {
				return st, retried, err
			}
			continue
		}
		if _, seen := bySink[a.Sink]; !seen {
			order = append(order, a.Sink)
			bySink[a.Sink] = nil
		}
		if every, ok := d.digest[a.Sink]; ok {
			end := windowEnd(a.CreatedAt, every)
			if end.After(now) {
				st.Held++
				err := d.mark(ctx, func(c context.Context) error {
					return d.out.MarkRetry(c, a.ID, a.Attempts, end, a.LastError)
				})
				if err != nil {
					return st, retried, err
				}
				continue
			}
			held[a.Sink] = append(held[a.Sink], a)
			continue
		}
		bySink[a.Sink] = append(bySink[a.Sink], unit{sink: s, id: a.ID, alerts: []fentinel.Alert{a}})
	}
	for name, list := range held {
		// One digest per closed window.
		every := d.digest[name]
		groups := map[time.Time][]fentinel.Alert{}
		var keys []time.Time
		for _, a := range list {
			k := windowEnd(a.CreatedAt, every)
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], a)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].Before(keys[j]) })
		for _, k := range keys {
			g := groups[k]
			bySink[name] = append(bySink[name], unit{sink: d.sinks[name], id: digestID(g), alerts: g})
		}
	}

	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	for _, name := range order {
		units := bySink[name]
		if len(units) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, u := range units {
				if ctx.Err() != nil {
					return
				}
				ust, next, throttled, err := d.attempt(ctx, u)
				if err == nil && throttled {
					// The receiver asked us to wait (Retry-After): hold the
					// rest of this sink's messages until then instead of
					// hammering it; their attempt counts do not change.
					var terr error
					ust.Throttled, terr = d.throttle(ctx, units[i+1:], next, retried, &mu)
					err = terr
				}
				mu.Lock()
				st.add(ust)
				if !next.IsZero() {
					for _, a := range u.alerts {
						retried[a.ID] = next
					}
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				if err != nil || throttled {
					return
				}
			}
		}()
	}
	wg.Wait()
	return st, retried, firstErr
}

// throttle reschedules units to until without counting an attempt.
func (d *Dispatcher) throttle(ctx context.Context, units []unit, until time.Time, retried map[string]time.Time, mu *sync.Mutex) (int, error) {
	n := 0
	for _, u := range units {
		for _, a := range u.alerts {
			err := d.mark(ctx, func(c context.Context) error {
				return d.out.MarkRetry(c, a.ID, a.Attempts, until, a.LastError)
			})
			if err != nil {
				return n, fmt.Errorf("alert: hold %s: %w", a.ID, err)
			}
			mu.Lock()
			retried[a.ID] = until
			mu.Unlock()
			n++
		}
	}
	return n, nil
}

// windowEnd is the end of the digest window holding t.
func windowEnd(t time.Time, every time.Duration) time.Time {
	return t.Truncate(every).Add(every)
}

// attempt sends one unit and records the outcome in the outbox. next is
// the scheduled retry time when the unit was retried; throttled says the
// receiver gave a Retry-After.
func (d *Dispatcher) attempt(ctx context.Context, u unit) (st Stats, next time.Time, throttled bool, err error) {
	actx, cancel := context.WithTimeout(ctx, d.attemptTimeout)
	var sendErr error
	if len(u.alerts) == 1 && u.id == u.alerts[0].ID {
		sendErr = u.sink.Send(actx, u.alerts[0])
	} else {
		sendErr = u.sink.(BatchSink).SendBatch(actx, u.id, u.alerts)
	}
	cancel()
	st.Messages++
	now := d.clock.Now()
	if sendErr == nil {
		for _, a := range u.alerts {
			if err := d.mark(ctx, func(c context.Context) error { return d.out.MarkDelivered(c, a.ID, now) }); err != nil {
				return st, time.Time{}, false, fmt.Errorf("alert: mark %s delivered: %w", a.ID, err)
			}
			st.Delivered++
		}
		d.log.Info("alert: delivered", "id", u.id, "sink", u.sink.Name(), "alerts", len(u.alerts), "attempt", u.alerts[0].Attempts+1)
		return st, time.Time{}, false, nil
	}
	if ctx.Err() != nil {
		// Shutting down mid-attempt: leave the rows as they are; the next
		// run resends with the same id and the receiver deduplicates.
		return st, time.Time{}, false, nil
	}
	var de *DeliveryError
	errors.As(sendErr, &de)
	msg := truncate(sendErr.Error(), 300)
	for _, a := range u.alerts {
		attempts := a.Attempts + 1
		age := now.Sub(a.CreatedAt)
		switch {
		case IsPermanent(sendErr), !a.CreatedAt.IsZero() && age >= d.deadAfter:
			reason := msg
			if !IsPermanent(sendErr) {
				reason = fmt.Sprintf("dead after %s: %s", age.Round(time.Second), msg)
			}
			if err := d.mark(ctx, func(c context.Context) error { return d.out.MarkDead(c, a.ID, attempts, reason) }); err != nil {
				return st, time.Time{}, false, fmt.Errorf("alert: mark %s dead: %w", a.ID, err)
			}
			st.Dead++
			d.log.Warn("alert: dead letter", "id", a.ID, "sink", u.sink.Name(), "attempts", attempts, "status", status(de))
		default:
			n := now.Add(d.backoff(attempts, de))
			if err := d.mark(ctx, func(c context.Context) error { return d.out.MarkRetry(c, a.ID, attempts, n, msg) }); err != nil {
				return st, time.Time{}, false, fmt.Errorf("alert: mark %s for retry: %w", a.ID, err)
			}
			st.Retried++
			next = n
			d.log.Info("alert: retry scheduled", "id", a.ID, "sink", u.sink.Name(), "attempts", attempts, "status", status(de), "in", n.Sub(now).Round(time.Millisecond))
		}
	}
	return st, next, !next.IsZero() && de != nil && de.RetryAfter > 0, nil
}

func status(de *DeliveryError) int {
	if de == nil {
		return 0
	}
	return de.Status
}

// backoff returns the wait before retry number attempts (1-based): the
// receiver's Retry-After when it gave one, else min·2^(attempts-1) capped
// at max, with "equal jitter" (uniform in [d/2, d]).
func (d *Dispatcher) backoff(attempts int, de *DeliveryError) time.Duration {
	if de != nil && de.RetryAfter > 0 {
		ra := de.RetryAfter
		if ra > d.deadAfter {
			ra = d.deadAfter
		}
		return ra
	}
	b := d.minBackoff
	for i := 1; i < attempts && b < d.maxBackoff; i++ {
		b *= 2
	}
	if b > d.maxBackoff {
		b = d.maxBackoff
	}
	d.rndMu.Lock()
	f := d.rnd.Float64()
	d.rndMu.Unlock()
	return b/2 + time.Duration(f*float64(b/2))
}

// mark runs an outbox update that must not be cut short by the caller's
// cancellation once a send has happened: recording a delivery that did
// happen avoids a duplicate after restart.
func (d *Dispatcher) mark(ctx context.Context, f func(context.Context) error) error {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	return f(c)
}
