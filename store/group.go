package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/fentinel/fentinel"
)

// ErrCommitterClosed is returned by Committer.Save after Close.
var ErrCommitterClosed = errors.New("store: committer closed")

// DefaultGroupMax is the default largest number of pages a Committer saves
// in one transaction.
const DefaultGroupMax = 256

// Committer saves pages from many goroutines with group commit: each Save
// queues its page and waits; one committer goroutine takes whatever is
// queued whenever it becomes free (at most max pages) and saves it in ONE
// SavePages transaction, then answers every caller of the batch with its
// own SaveResult. There is no timer: an idle committer takes a page at once,
// so a lone caller waits no longer than a SavePage of its own (a Save that
// finds no transaction running and nothing queued saves its page itself, on
// its own goroutine, with no hand-over to the committer); under load
// the pages that queued up while a transaction ran share the next one.
//
// Save returns only after its page's transaction committed, so a caller
// that acknowledges a page after Save (the crawler marking its URL done, the
// outbox rows queued with it) loses nothing acknowledged on a crash.
//
// If a batch fails, its pages are saved again one transaction each, so one
// bad page fails alone (with an error naming its URL) and the others are
// stored; the failed transaction stored nothing, so nothing is lost or saved
// twice.
//
// A caller whose context ends while it waits gets the context's error. If
// its page was still queued, it is withdrawn and never stored. If the
// committer had already taken it into a batch, the batch is not disturbed:
// the page is stored (with its alerts) although its caller returned an
// error, so a crawler re-fetches it on the next pass and stores a second
// observation of it (an unchanged listing queues no new alert). A Save
// that took the idle path runs its page's transaction itself and returns
// when it ends, whatever its context. Transactions run under the context
// given to NewCommitter, not a caller's.
type Committer struct {
	db     *DB
	routes []fentinel.Route
	ctx    context.Context
	max    int

	mu     sync.Mutex
	queue  []*groupReq
	busy   bool // a transaction is running (the committer's, or an idle-path Save's)
	closed bool
	// noInline sends every page through the queue and the committer
	// goroutine (tests of what a page taken into a batch does).
	noInline bool
	wake     chan struct{} // capacity 1: something was queued, or Close
	stopped  chan struct{} // closed when the committer goroutine has returned
	batches  atomic.Int64  // transactions begun (tests)
}

// groupReq is one page waiting in a Committer.
type groupReq struct {
	obs   Observation
	taken bool             // in a batch (under Committer.mu)
	done  chan groupResult // capacity 1
}

type groupResult struct {
	res SaveResult
	err error
}

// NewCommitter starts a group committer saving into db with routes.
// Batches run under ctx (pass context.WithoutCancel of a job's context to
// let the pages already taken finish when the job is cancelled); max <= 0
// means DefaultGroupMax. Close it to stop its goroutine.
func (db *DB) NewCommitter(ctx context.Context, routes []fentinel.Route, max int) *Committer {
	if max <= 0 {
		max = DefaultGroupMax
	}
	c := &Committer{db: db, routes: routes, ctx: ctx, max: max,
		wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	go c.run()
	return c
}

// Save stores one page and its verdict as SavePage does, sharing the
// transaction with the pages other goroutines save at the same time. It
// returns once that transaction committed (or failed).
func (c *Committer) Save(ctx context.Context, p fentinel.Page, v fentinel.Verdict) (SaveResult, error) {
	if err := ctx.Err(); err != nil {
		return SaveResult{}, fmt.Errorf("store: save page %s: %w", p.URL, err)
	}
	r := &groupReq{obs: Observation{Page: p, Verdict: v}, done: make(chan groupResult, 1)}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return SaveResult{}, fmt.Errorf("store: save page %s: %w", p.URL, ErrCommitterClosed)
	}
	if !c.busy && len(c.queue) == 0 && !c.noInline {
		// Idle: lead a transaction of one page here; pages queued meanwhile
		// go to the committer when it ends.
		c.busy = true
		c.mu.Unlock()
		c.batches.Add(1)
		res, err := c.db.SavePages(c.ctx, []Observation{r.obs}, c.routes)
		c.mu.Lock()
		c.busy = false
		pending := len(c.queue) > 0
		c.mu.Unlock()
		if pending {
			c.signal()
		}
		if err != nil {
			return SaveResult{}, err
		}
		return res[0], nil
	}
	c.queue = append(c.queue, r)
	c.mu.Unlock()
	c.signal()
	select {
	case g := <-r.done:
		return g.res, g.err
	case <-ctx.Done():
		c.mu.Lock()
		if !r.taken {
			c.queue = removeReq(c.queue, r)
		}
		c.mu.Unlock()
		return SaveResult{}, fmt.Errorf("store: save page %s: %w", p.URL, ctx.Err())
	}
}

func removeReq(q []*groupReq, r *groupReq) []*groupReq {
	for i, x := range q {
		if x == r {
			copy(q[i:], q[i+1:])
			q[len(q)-1] = nil
			return q[:len(q)-1]
		}
	}
	return q
}

// Close stops the committer once the pages already queued are saved, and
// waits for its goroutine to return. Save after Close fails with
// ErrCommitterClosed. Close is idempotent.
func (c *Committer) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.signal()
	<-c.stopped
}

// signal wakes the committer goroutine (at most one wake-up is pending).
func (c *Committer) signal() {
	select {
	case c.wake <- struct{}{}:
	default: // already signalled
	}
}

// run is the committer goroutine: it saves batches until closed and drained.
func (c *Committer) run() {
	defer close(c.stopped)
	var batch []*groupReq
	for {
		c.mu.Lock()
		if c.busy || len(c.queue) == 0 {
			// An idle-path Save's transaction is running (it signals when
			// it ends and pages wait), or nothing is queued.
			stop := c.closed && len(c.queue) == 0
			c.mu.Unlock()
			if stop {
				return
			}
			<-c.wake
			continue
		}
		n := min(len(c.queue), c.max)
		batch = append(batch[:0], c.queue[:n]...)
		for _, r := range batch {
			r.taken = true
		}
		rest := copy(c.queue, c.queue[n:])
		clear(c.queue[rest:])
		c.queue = c.queue[:rest]
		c.busy = true
		c.mu.Unlock()
		c.commit(batch)
		clear(batch)
		c.mu.Lock()
		c.busy = false
		c.mu.Unlock()
	}
}

// commit saves one batch and answers its callers.
func (c *Committer) commit(batch []*groupReq) {
	obs := make([]Observation, len(batch))
	for i, r := range batch {
		obs[i] = r.obs
	}
	c.batches.Add(1)
	res, err := c.db.SavePages(c.ctx, obs, c.routes)
	if err == nil {
		for i, r := range batch {
			r.done <- groupResult{res: res[i]}
		}
		return
	}
	if len(batch) == 1 {
		batch[0].done <- groupResult{err: err}
		return
	}
	// The transaction rolled back: save each page alone, so that only the
	// page at fault fails.
	for _, r := range batch {
		one, err := c.db.SavePages(c.ctx, []Observation{r.obs}, c.routes)
		if err != nil {
			r.done <- groupResult{err: err}
			continue
		}
		r.done <- groupResult{res: one[0]}
	}
}
