package crawler

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
	"github.com/fentinel/fentinel/store"
)

var _ Frontier = (*store.Frontier)(nil)

func openStore(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	return db
}

func TestStoreFrontierContract(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "f.db"))
	defer db.Close()
	frontierContract(t, db.Frontier("contract"))
}

// TestResumeWithStoreFrontier stops a crawl mid-way (the process "dies":
// crawler and database are dropped), then a new crawler on the reopened
// database resumes it. Every page is handed on, and requested, exactly once.
func TestResumeWithStoreFrontier(t *testing.T) {
	sim := startSim(t, marketsim.Options{})
	path := filepath.Join(t.TempDir(), "crawl.db")
	var col collector

	db := openStore(t, path)
	cfg := testConfig(sim, &dialLog{})
	cfg.Concurrency, cfg.PerHost = 3, 2
	cfg.Frontier = db.Frontier("sim")
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int32
	st1, err := c.RunInfo(ctx, func(ctx context.Context, p fentinel.Page, info PageInfo) error {
		if n.Add(1) == 15 {
			cancel()
		}
		return col.handle(ctx, p, info)
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openStore(t, path)
	defer db.Close()
	cfg.Frontier = db.Frontier("sim")
	c2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := c2.RunInfo(context.Background(), col.handle)
	if err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	got := col.urls()
	checkEachPageOnce(t, sim, got)
	if st1.Fetched == 0 || st2.Fetched == 0 || st1.Fetched+st2.Fetched != len(got) {
		t.Errorf("fetched %d + %d, pages %d", st1.Fetched, st2.Fetched, len(got))
	}
	t.Logf("resume: first run %d pages, second run %d pages, %d distinct", st1.Fetched, st2.Fetched, len(got))

	// Next pass: everything again, every page unchanged (same hash as last pass).
	var col3 collector
	st3, err := c2.RunInfo(context.Background(), col3.handle)
	if err != nil {
		t.Fatal(err)
	}
	if st3.Fetched != len(got) || st3.Unchanged != st3.Fetched {
		t.Errorf("second pass fetched %d, unchanged %d; want %d, all unchanged", st3.Fetched, st3.Unchanged, len(got))
	}
	for _, info := range col3.infos {
		if !info.Unchanged || info.LastHash != info.ContentHash {
			t.Fatalf("page info %+v", info)
		}
	}
}
