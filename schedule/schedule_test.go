package schedule

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	base := time.Date(2026, 11, 28, 1, 55, 30, 0, time.UTC)
	tests := []struct {
		name     string
		interval time.Duration
		expr     string
		wantErr  string
		next     time.Time // first activation after base
	}{
		{name: "interval", interval: 30 * time.Minute, next: base.Add(30 * time.Minute)},
		{name: "one second", interval: time.Second, next: base.Add(time.Second)},
		{name: "five fields", expr: "CRON_TZ=UTC */15 * * * *", next: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)},
		{name: "six fields with seconds", expr: "CRON_TZ=UTC */10 * * * * *", next: time.Date(2026, 11, 28, 1, 55, 40, 0, time.UTC)},
		{name: "descriptor", expr: "CRON_TZ=UTC @daily", next: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)},
		{name: "every descriptor", expr: "@every 90s", next: base.Add(90 * time.Second)},
		{name: "weekday range", expr: "CRON_TZ=UTC 30 6 * * 1-5", next: time.Date(2026, 11, 30, 6, 30, 0, 0, time.UTC)},
		{name: "neither", wantErr: "no interval or cron"},
		{name: "both", interval: time.Minute, expr: "* * * * *", wantErr: "not both"},
		{name: "too short", interval: 500 * time.Millisecond, wantErr: "shorter than the minimum"},
		{name: "negative", interval: -time.Minute, wantErr: "shorter than the minimum"},
		{name: "bad field", expr: "61 * * * *", wantErr: `cron "61 * * * *"`},
		{name: "too few fields", expr: "* * *", wantErr: "cron"},
		{name: "never fires", expr: "0 0 30 2 *", wantErr: "never fires"},
		{name: "bad zone", expr: "CRON_TZ=Nowhere/Atlantis * * * * *", wantErr: "cron"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.interval, tt.expr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%v, %q) error = %v, want one containing %q", tt.interval, tt.expr, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%v, %q): %v", tt.interval, tt.expr, err)
			}
			if got := s.Next(base); !got.Equal(tt.next) {
				t.Errorf("Next(%v) = %v, want %v", base, got, tt.next)
			}
			if s.String() == "" {
				t.Error("String() is empty")
			}
		})
	}
}

// fast is a test schedule with a sub-second interval (Every refuses those).
type fast time.Duration

func (f fast) Next(t time.Time) time.Time { return t.Add(time.Duration(f)) }
func (f fast) String() string             { return "fast" }

// none never fires.
type none struct{}

func (none) Next(time.Time) time.Time { return time.Time{} }
func (none) String() string           { return "none" }

func TestLoopRunsUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runs := 0
	err := Loop(ctx, fast(5*time.Millisecond), Options{Immediate: true}, func(ctx context.Context) {
		runs++
		if runs == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Loop error = %v, want context.Canceled", err)
	}
	if runs != 3 {
		t.Fatalf("runs = %d, want 3 (no run after cancellation)", runs)
	}
}

func TestLoopNeverOverlapsAndSkips(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var running, maxRunning, runs atomic.Int32
	var mu sync.Mutex
	skipped := 0
	opts := Options{Immediate: true, Skipped: func(n int) { mu.Lock(); skipped += n; mu.Unlock() }}
	err := Loop(ctx, fast(10*time.Millisecond), opts, func(ctx context.Context) {
		n := running.Add(1)
		defer running.Add(-1)
		if n > maxRunning.Load() {
			maxRunning.Store(n)
		}
		time.Sleep(45 * time.Millisecond) // longer than four intervals
		if runs.Add(1) == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Loop error = %v, want context.Canceled", err)
	}
	if got := maxRunning.Load(); got != 1 {
		t.Fatalf("max concurrent runs = %d, want 1", got)
	}
	mu.Lock()
	defer mu.Unlock()
	// Two completed runs each outlasted at least four activations.
	if skipped < 8 {
		t.Fatalf("skipped activations = %d, want at least 8", skipped)
	}
}

func TestLoopWaitsForFirstActivation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	var first time.Duration
	err := Loop(ctx, fast(40*time.Millisecond), Options{}, func(ctx context.Context) {
		first = time.Since(start)
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Loop error = %v, want context.Canceled", err)
	}
	if first < 40*time.Millisecond {
		t.Fatalf("first run after %v, want no earlier than the first activation (40ms)", first)
	}
}

func TestLoopStopsWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Loop(ctx, fast(time.Hour), Options{}, func(context.Context) { t.Error("job ran") })
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Loop error = %v, want context.Canceled", err)
	}
}

func TestLoopNoActivation(t *testing.T) {
	err := Loop(context.Background(), none{}, Options{}, func(context.Context) { t.Error("job ran") })
	if err == nil || !strings.Contains(err.Error(), "no further activation") {
		t.Fatalf("Loop error = %v, want 'no further activation'", err)
	}
}
