package crawler

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/fentinel/fentinel"
)

// Frontier is the crawl queue plus the visited set of the current pass.
// *store.Frontier implements it persistently (resumable crawls);
// NewMemoryFrontier implements it in memory. Implementations must be safe
// for concurrent use.
//
// The crawler increments QueuedURL.Attempts before calling Retry; the
// frontier stores the item as given.
type Frontier interface {
	// Push queues items, skipping URLs already queued, in flight, or
	// visited or dropped in this pass. It returns how many were added.
	Push(ctx context.Context, items []fentinel.QueuedURL) (added int, err error)
	// Pop returns up to n items due at now (NotBefore <= now), oldest
	// first, and marks them in flight.
	Pop(ctx context.Context, n int, now time.Time) ([]fentinel.QueuedURL, error)
	// Done marks url visited in this pass and records its content hash.
	Done(ctx context.Context, url string, contentHash string) error
	// Retry puts an in-flight item back, not to be fetched before notBefore.
	Retry(ctx context.Context, item fentinel.QueuedURL, notBefore time.Time, errClass string) error
	// Drop gives up on url for this pass.
	Drop(ctx context.Context, url string, reason string) error
	// LastHash returns the content hash recorded for url by an earlier pass ("" if none).
	LastHash(ctx context.Context, url string) (string, error)
	// Pending counts queued plus in-flight items.
	Pending(ctx context.Context) (int, error)
	// Recover puts the in-flight items of a killed run back in the queue.
	Recover(ctx context.Context) error
	// NewPass starts a new crawl pass: the visited set is cleared, hashes kept.
	NewPass(ctx context.Context) error
}

// MemoryFrontier is a Frontier held in memory. It keeps hashes across
// passes for as long as it lives, which is enough for `crawl` without a
// database and for tests.
type MemoryFrontier struct {
	mu       sync.Mutex
	ready    []fentinel.QueuedURL // FIFO without NotBefore; ready[head:] is live
	head     int
	delayed  []fentinel.QueuedURL // items with a NotBefore (retries, queue waits)
	queued   map[string]bool
	inflight map[string]fentinel.QueuedURL
	visited  map[string]bool // visited or dropped in this pass
	hashes   map[string]string
	passHash map[string]string // hashes recorded in this pass
	dropped  map[string]string // url -> reason, this pass
}

// NewMemoryFrontier returns an empty in-memory frontier.
func NewMemoryFrontier() *MemoryFrontier {
	return &MemoryFrontier{
		queued:   map[string]bool{},
		inflight: map[string]fentinel.QueuedURL{},
		visited:  map[string]bool{},
		hashes:   map[string]string{},
		passHash: map[string]string{},
		dropped:  map[string]string{},
	}
}

// Push implements Frontier.
func (f *MemoryFrontier) Push(_ context.Context, items []fentinel.QueuedURL) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	added := 0
	for _, it := range items {
		if f.queued[it.URL] || f.visited[it.URL] {
			continue
		}
		if _, ok := f.inflight[it.URL]; ok {
			continue
		}
		f.queued[it.URL] = true
		f.enqueue(it)
		added++
	}
	return added, nil
}

func (f *MemoryFrontier) enqueue(it fentinel.QueuedURL) {
	if it.NotBefore.IsZero() {
		f.ready = append(f.ready, it)
	} else {
		f.delayed = append(f.delayed, it)
	}
}

// Pop implements Frontier. Due delayed items come first, then the FIFO.
func (f *MemoryFrontier) Pop(_ context.Context, n int, now time.Time) ([]fentinel.QueuedURL, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fentinel.QueuedURL
	take := func(it fentinel.QueuedURL) {
		out = append(out, it)
		delete(f.queued, it.URL)
		f.inflight[it.URL] = it
	}
	if len(f.delayed) > 0 {
		keep := f.delayed[:0]
		for _, it := range f.delayed {
			if len(out) < n && !it.NotBefore.After(now) {
				take(it)
				continue
			}
			keep = append(keep, it)
		}
		clear(f.delayed[len(keep):])
		f.delayed = keep
	}
	for len(out) < n && f.head < len(f.ready) {
		take(f.ready[f.head])
		f.ready[f.head] = fentinel.QueuedURL{}
		f.head++
	}
	if f.head > 1024 && f.head*2 > len(f.ready) {
		f.ready = append([]fentinel.QueuedURL(nil), f.ready[f.head:]...)
		f.head = 0
	}
	return out, nil
}

// Done implements Frontier.
func (f *MemoryFrontier) Done(_ context.Context, url, hash string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.inflight, url)
	f.visited[url] = true
	if hash != "" {
		f.passHash[url] = hash
	}
	return nil
}

// Retry implements Frontier.
func (f *MemoryFrontier) Retry(_ context.Context, item fentinel.QueuedURL, notBefore time.Time, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.inflight, item.URL)
	if f.queued[item.URL] || f.visited[item.URL] {
		return nil
	}
	item.NotBefore = notBefore
	f.queued[item.URL] = true
	f.enqueue(item)
	return nil
}

// Drop implements Frontier.
func (f *MemoryFrontier) Drop(_ context.Context, url, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.inflight, url)
	if f.queued[url] {
		delete(f.queued, url)
		f.delayed = slices.DeleteFunc(f.delayed, func(it fentinel.QueuedURL) bool { return it.URL == url })
		live := slices.DeleteFunc(f.ready[f.head:], func(it fentinel.QueuedURL) bool { return it.URL == url })
		f.ready = append(f.ready[:f.head], live...)
	}
	f.visited[url] = true
	f.dropped[url] = reason
	return nil
}

// LastHash implements Frontier: the hash from the previous pass.
func (f *MemoryFrontier) LastHash(_ context.Context, url string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hashes[url], nil
}

// Pending implements Frontier.
func (f *MemoryFrontier) Pending(context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.ready) - f.head + len(f.delayed) + len(f.inflight), nil
}

// Recover implements Frontier.
func (f *MemoryFrontier) Recover(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for u, it := range f.inflight {
		delete(f.inflight, u)
		f.queued[u] = true
		f.enqueue(it)
	}
	return nil
}

// NewPass implements Frontier.
func (f *MemoryFrontier) NewPass(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for u, h := range f.passHash {
		f.hashes[u] = h
	}
	f.passHash = map[string]string{}
	f.visited = map[string]bool{}
	f.dropped = map[string]string{}
	return nil
}
