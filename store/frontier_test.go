package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

func urls(items []fentinel.QueuedURL) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.URL)
	}
	return out
}

func TestFrontierPassLifecycle(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	site := onion("frontier")
	u := func(p string) string { return "http://" + site + p }
	f := db.Frontier("market-a")
	other := db.Frontier("market-b")

	n, err := f.Push(ctx, []fentinel.QueuedURL{{URL: u("/"), Site: site, Depth: 1}})
	if err != nil || n != 1 {
		t.Fatalf("push seed = %d, %v", n, err)
	}
	if n, _ := f.Push(ctx, []fentinel.QueuedURL{{URL: u("/"), Site: site, Depth: 1}}); n != 0 {
		t.Fatalf("re-push of queued seed added %d", n)
	}
	got, err := f.Pop(ctx, 10, t0)
	if err != nil || len(got) != 1 || got[0].URL != u("/") || got[0].Site != site || got[0].Depth != 1 {
		t.Fatalf("pop = %+v, %v", got, err)
	}
	if n, _ := f.Push(ctx, []fentinel.QueuedURL{{URL: u("/"), Depth: 1}}); n != 0 {
		t.Fatal("push of an in-flight URL added it again")
	}
	children := []fentinel.QueuedURL{
		{URL: u("/c/2"), Site: site, Depth: 3, Parent: u("/c")},
		{URL: u("/c"), Site: site, Depth: 2, Parent: u("/")},
		{URL: u("/l/1"), Site: site, Depth: 2, Parent: u("/")},
		{URL: u("/l/1"), Site: site, Depth: 2, Parent: u("/")}, // duplicate in one batch
	}
	if n, err := f.Push(ctx, children); err != nil || n != 3 {
		t.Fatalf("push children = %d, %v", n, err)
	}
	if err := f.Done(ctx, u("/"), "hash-home-1"); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.Push(ctx, []fentinel.QueuedURL{{URL: u("/"), Depth: 1}}); n != 0 {
		t.Fatal("push of a visited URL added it again")
	}
	if p, _ := f.Pending(ctx); p != 3 {
		t.Fatalf("pending = %d, want 3", p)
	}
	if p, _ := other.Pending(ctx); p != 0 {
		t.Fatalf("other target pending = %d: targets must not share a frontier", p)
	}
	// Oldest first (push order).
	got, _ = f.Pop(ctx, 2, t0)
	if fmt.Sprint(urls(got)) != fmt.Sprint([]string{u("/c/2"), u("/c")}) {
		t.Fatalf("pop order = %v", urls(got))
	}
	if err := f.Done(ctx, u("/c/2"), "hash-c2"); err != nil {
		t.Fatal(err)
	}
	// A transient error: retry in a minute (the crawler counts the attempt); not due before then.
	got[1].Attempts++
	if err := f.Retry(ctx, got[1], t0.Add(time.Minute), "timeout"); err != nil {
		t.Fatal(err)
	}
	if err := f.Retry(ctx, fentinel.QueuedURL{URL: u("/c/2"), Attempts: 1}, t0, "late"); err != nil {
		t.Fatal(err)
	}
	got, _ = f.Pop(ctx, 10, t0)
	if len(got) != 1 || got[0].URL != u("/l/1") {
		t.Fatalf("pop before retry due = %v (a visited URL must not be requeued by Retry)", urls(got))
	}
	if err := f.Drop(ctx, u("/l/1"), "captcha"); err != nil {
		t.Fatal(err)
	}
	got, _ = f.Pop(ctx, 10, t0.Add(time.Minute))
	if len(got) != 1 || got[0].URL != u("/c") || got[0].Attempts != 1 || !got[0].NotBefore.Equal(t0.Add(time.Minute)) {
		t.Fatalf("pop after retry due = %+v", got)
	}
	if err := f.Done(ctx, u("/c"), "hash-c"); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.Pending(ctx); p != 0 {
		t.Fatalf("pending at end of pass = %d", p)
	}
	if h, _ := f.LastHash(ctx, u("/")); h != "" {
		t.Fatalf("LastHash in the first pass = %q, want empty", h)
	}

	// Second pass: visited set cleared, hashes from pass one visible.
	if err := f.NewPass(ctx); err != nil {
		t.Fatal(err)
	}
	if h, _ := f.LastHash(ctx, u("/")); h != "hash-home-1" {
		t.Fatalf("LastHash after new pass = %q", h)
	}
	if h, _ := f.LastHash(ctx, u("/never")); h != "" {
		t.Fatalf("LastHash of unknown = %q", h)
	}
	if n, _ := f.Push(ctx, []fentinel.QueuedURL{{URL: u("/"), Site: site, Depth: 1}, {URL: u("/l/1"), Site: site, Depth: 2}}); n != 2 {
		t.Fatalf("push in new pass = %d, want 2 (visited and dropped sets cleared)", n)
	}
	got, _ = f.Pop(ctx, 10, t0)
	if len(got) != 2 || got[0].Attempts != 0 {
		t.Fatalf("second pass pop = %+v", got)
	}
	if err := f.Done(ctx, u("/"), "hash-home-2"); err != nil {
		t.Fatal(err)
	}
	if h, _ := f.LastHash(ctx, u("/")); h != "hash-home-1" {
		t.Fatalf("LastHash during pass two = %q, want pass one's", h)
	}
	// Queued and in-flight items survive a new pass.
	if n, _ := f.Push(ctx, []fentinel.QueuedURL{{URL: u("/q"), Depth: 2}}); n != 1 {
		t.Fatal("push /q")
	}
	if err := f.NewPass(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.Pending(ctx); p != 2 {
		t.Fatalf("pending after NewPass = %d, want 2 (/l/1 in flight, /q queued)", p)
	}
	if h, _ := f.LastHash(ctx, u("/")); h != "hash-home-2" {
		t.Fatalf("LastHash in pass three = %q", h)
	}
}

// TestFrontierRecoverAfterKill closes the database with URLs in flight (as a
// SIGKILL would leave it), reopens it and checks nothing is lost.
func TestFrontierRecoverAfterKill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "resume.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	f := db.Frontier("t")
	var items []fentinel.QueuedURL
	for i := 0; i < 10; i++ {
		items = append(items, fentinel.QueuedURL{URL: fmt.Sprintf("http://%s/p/%d", onion("kill"), i), Depth: 2})
	}
	if _, err := f.Push(ctx, items); err != nil {
		t.Fatal(err)
	}
	got, _ := f.Pop(ctx, 4, t0)
	for _, it := range got[:2] {
		if err := f.Done(ctx, it.URL, "h"); err != nil {
			t.Fatal(err)
		}
	}
	db.Close() // two still in flight

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f = db.Frontier("t")
	if p, _ := f.Pending(ctx); p != 8 {
		t.Fatalf("pending after restart = %d, want 8", p)
	}
	if got, _ := f.Pop(ctx, 100, t0); len(got) != 6 {
		t.Fatalf("before Recover, pop = %d, want the 6 never started", len(got))
	}
	if err := f.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Pop(ctx, 100, t0); len(got) != 8 {
		t.Fatalf("after Recover, pop = %d, want 8 (6 + 2 in flight at the kill)", len(got))
	}
}

func TestFrontierConcurrentPop(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	f := db.Frontier("c")
	var items []fentinel.QueuedURL
	for i := 0; i < 200; i++ {
		items = append(items, fentinel.QueuedURL{URL: fmt.Sprintf("http://%s/%d", onion("conc"), i), Depth: 1})
	}
	if _, err := f.Push(ctx, items); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := f.Pop(ctx, 7, t0)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				for _, it := range got {
					mu.Lock()
					seen[it.URL]++
					mu.Unlock()
					if err := f.Done(ctx, it.URL, "h"); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != 200 {
		t.Fatalf("popped %d distinct URLs, want 200", len(seen))
	}
	for u, n := range seen {
		if n != 1 {
			t.Fatalf("%s popped %d times", u, n)
		}
	}
}

// crawlerFrontier is the crawler.Frontier contract from docs/architecture.md
// (the store does not import the crawler; this keeps the two in step).
type crawlerFrontier interface {
	Push(ctx context.Context, items []fentinel.QueuedURL) (added int, err error)
	Pop(ctx context.Context, n int, now time.Time) ([]fentinel.QueuedURL, error)
	Done(ctx context.Context, url string, contentHash string) error
	Retry(ctx context.Context, item fentinel.QueuedURL, notBefore time.Time, errClass string) error
	Drop(ctx context.Context, url string, reason string) error
	LastHash(ctx context.Context, url string) (string, error)
	Pending(ctx context.Context) (int, error)
	Recover(ctx context.Context) error
	NewPass(ctx context.Context) error
}

var _ crawlerFrontier = (*Frontier)(nil)
