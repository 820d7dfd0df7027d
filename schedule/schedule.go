// Package schedule decides when a scheduled crawl target runs: at a fixed
// interval or on a cron expression. Loop runs a job on a schedule and never
// lets two runs of it overlap.
//
// Cron expressions are parsed by github.com/robfig/cron/v3 (only its parser
// and Next; the loop here is context-aware, which cron's own runner is not).
package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule gives the activation times of a scheduled job.
type Schedule interface {
	// Next returns the first activation strictly after t, or the zero time
	// if there is none.
	Next(t time.Time) time.Time
	// String describes the schedule as the configuration gave it.
	String() string
}

// MinInterval is the shortest interval Every accepts.
const MinInterval = time.Second

type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }
func (e every) String() string             { return "every " + time.Duration(e).String() }

// Every returns a schedule that activates every d (at least MinInterval).
func Every(d time.Duration) (Schedule, error) {
	if d < MinInterval {
		return nil, fmt.Errorf("schedule: interval %s is shorter than the minimum %s", d, MinInterval)
	}
	return every(d), nil
}

type cronSchedule struct {
	expr  string
	sched cron.Schedule
}

func (c cronSchedule) Next(t time.Time) time.Time { return c.sched.Next(t) }
func (c cronSchedule) String() string             { return "cron " + c.expr }

var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Cron parses a cron expression: five fields (minute hour day-of-month month
// day-of-week), or six with a leading seconds field, or a descriptor such as
// @hourly, @daily or "@every 30m". A "CRON_TZ=Area/City " prefix selects the
// time zone; the default is the process's local zone (UTC in the container).
// An expression that never fires (e.g. "0 0 30 2 *") is an error.
func Cron(expr string) (Schedule, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil, errors.New("schedule: empty cron expression")
	}
	s, err := parser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("schedule: cron %q: %w", expr, err)
	}
	if s.Next(time.Now()).IsZero() {
		return nil, fmt.Errorf("schedule: cron %q never fires", expr)
	}
	return cronSchedule{expr: expr, sched: s}, nil
}

// Parse returns the schedule of a target that gives an interval or a cron
// expression; exactly one of them must be set.
func Parse(interval time.Duration, expr string) (Schedule, error) {
	switch {
	case interval != 0 && strings.TrimSpace(expr) != "":
		return nil, errors.New("schedule: give an interval or a cron expression, not both")
	case interval != 0:
		return Every(interval)
	case strings.TrimSpace(expr) != "":
		return Cron(expr)
	}
	return nil, errors.New("schedule: no interval or cron expression given")
}

// Options tune Loop.
type Options struct {
	// Immediate runs the job once as soon as the loop starts, before the
	// first activation.
	Immediate bool
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Skipped, if set, is told how many activations fell while the job was
	// still running and were skipped.
	Skipped func(n int)
}

// Loop calls job at each activation of s until ctx ends, and returns
// ctx.Err() then. The job is called synchronously with ctx, so two runs
// never overlap; activations that pass while it runs are skipped. Loop
// returns an error at once if the schedule has no further activation.
func Loop(ctx context.Context, s Schedule, opts Options, job func(context.Context)) error {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	next := now()
	if !opts.Immediate {
		next = s.Next(next)
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		if next.IsZero() {
			return fmt.Errorf("schedule: %s has no further activation", s)
		}
		if wait := next.Sub(now()); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-timer.C:
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		job(ctx)
		// The next activation after the one just served that is still in
		// the future; the ones in between were missed while the job ran.
		after := next
		next = s.Next(after)
		missed := 0
		t := now()
		for !next.IsZero() && !next.After(t) {
			missed++
			next = s.Next(next)
		}
		if missed > 0 && opts.Skipped != nil {
			opts.Skipped(missed)
		}
	}
}
