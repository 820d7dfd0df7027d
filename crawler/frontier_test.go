package crawler

import (
	"context"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

// frontierContract exercises the Frontier contract; store's persistent
// frontier can be checked against the same expectations.
func frontierContract(t *testing.T, f Frontier) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	q := func(u string) fentinel.QueuedURL { return fentinel.QueuedURL{URL: u, Site: "s", Depth: 1} }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	n, err := f.Push(ctx, []fentinel.QueuedURL{q("a"), q("b"), q("a"), q("c")})
	must(err)
	if n != 3 {
		t.Fatalf("Push added %d, want 3", n)
	}
	got, err := f.Pop(ctx, 2, now)
	must(err)
	if len(got) != 2 || got[0].URL != "a" || got[1].URL != "b" {
		t.Fatalf("Pop = %+v, want a, b", got)
	}
	if n, _ := f.Push(ctx, []fentinel.QueuedURL{q("a")}); n != 0 {
		t.Fatal("Push re-added an in-flight URL")
	}
	must(f.Done(ctx, "a", "h-a"))
	if n, _ := f.Push(ctx, []fentinel.QueuedURL{q("a")}); n != 0 {
		t.Fatal("Push re-added a visited URL")
	}
	b := got[1]
	b.Attempts = 1
	must(f.Retry(ctx, b, now.Add(time.Minute), ClassHTTP5xx))
	got, _ = f.Pop(ctx, 10, now)
	if len(got) != 1 || got[0].URL != "c" {
		t.Fatalf("Pop before b is due = %+v, want c only", got)
	}
	got, _ = f.Pop(ctx, 10, now.Add(time.Minute))
	if len(got) != 1 || got[0].URL != "b" || got[0].Attempts != 1 {
		t.Fatalf("Pop when b is due = %+v", got)
	}
	if p, _ := f.Pending(ctx); p != 2 {
		t.Fatalf("Pending = %d, want 2 (b and c in flight)", p)
	}
	// A killed run: in-flight items come back.
	must(f.Recover(ctx))
	got, _ = f.Pop(ctx, 10, now.Add(time.Minute))
	if len(got) != 2 {
		t.Fatalf("after Recover Pop = %+v, want b and c", got)
	}
	must(f.Drop(ctx, "b", "gone"))
	must(f.Done(ctx, "c", "h-c"))
	if p, _ := f.Pending(ctx); p != 0 {
		t.Fatalf("Pending = %d, want 0", p)
	}
	if n, _ := f.Push(ctx, []fentinel.QueuedURL{q("b")}); n != 0 {
		t.Fatal("dropped URL re-added in the same pass")
	}
	// New pass: visited cleared, hashes kept.
	must(f.NewPass(ctx))
	if h, _ := f.LastHash(ctx, "a"); h != "h-a" {
		t.Fatalf("LastHash(a) = %q after NewPass, want h-a", h)
	}
	if n, _ := f.Push(ctx, []fentinel.QueuedURL{q("a"), q("b")}); n != 2 {
		t.Fatalf("new pass Push added %d, want 2", n)
	}
}

func TestMemoryFrontier(t *testing.T) {
	frontierContract(t, NewMemoryFrontier())
}
