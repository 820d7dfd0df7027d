package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

func TestOpenPragmasOnEveryConnection(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	var mode string
	if err := db.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("writer journal_mode = %q, %v; want wal", mode, err)
	}
	// Hold several reader connections at once so the pool opens distinct ones.
	conns := make([]interface{ Close() error }, 0, 4)
	for i := 0; i < 4; i++ {
		c, err := db.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var fk, busy int
		if err := c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
			t.Fatalf("reader %d foreign_keys = %d, %v", i, fk, err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil || busy < 5000 {
			t.Fatalf("reader %d busy_timeout = %d, %v", i, busy, err)
		}
		if _, err := c.ExecContext(ctx, `INSERT INTO crawl_runs(target, started_at) VALUES ('x', 'y')`); err == nil {
			t.Fatalf("reader %d could write; the read pool must be read-only", i)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	var fk int
	if err := db.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("writer foreign_keys = %d, %v", fk, err)
	}
	if v, err := db.Version(ctx); err != nil || v != SchemaVersion() {
		t.Fatalf("Version = %d, %v; want %d", v, err, SchemaVersion())
	}
}

func TestOpenRejectsNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, 'future.sql', 'x')`, SchemaVersion()+5); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(context.Background(), path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open newer db: err = %v, want ErrNewerSchema", err)
	}
	if !strings.Contains(err.Error(), "upgrade fentinel") || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %q should name the file and say what to do", err)
	}
}

func TestOpenRejectsBadPath(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db"} {
		if _, err := Open(context.Background(), p); err == nil {
			t.Errorf("Open(%q) succeeded", p)
		}
	}
	if _, err := Open(context.Background(), filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}

func TestMigrationsFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	for from := 0; from < SchemaVersion(); from++ {
		t.Run(fmt.Sprintf("from_v%d", from), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			old, err := open(ctx, path, from)
			if err != nil && from > 0 {
				t.Fatalf("open at version %d: %v", from, err)
			}
			if from == 0 {
				// version 0: an empty file.
				if old != nil {
					old.Close()
				}
			} else {
				v, _ := old.Version(ctx)
				if v != from {
					t.Fatalf("built version %d, want %d", v, from)
				}
				// Rows every version since 1 has: a run, a page and a finding.
				for _, q := range []string{
					`INSERT INTO crawl_runs(id, target, started_at, status) VALUES (7, 'm', '2026-11-01T00:00:00.000Z', 'finished')`,
					`INSERT INTO pages(id, run_id, site, url, fetched_at, flagged) VALUES (3, 7, 'a.onion', 'http://a.onion/l/1', '2026-11-01T00:00:00.000Z', 1)`,
					`INSERT INTO findings(id, site, url, title, score, severity, substances, classes, status, first_seen, last_seen, last_page_id, event_seq)
					 VALUES (11, 'a.onion', 'http://a.onion/l/1', 'old listing', 0.9, 4, '["fentanyl"]', '["fentanyl"]', 'confirmed', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', 3, 1)`,
					`INSERT INTO finding_substances(finding_id, substance) VALUES (11, 'fentanyl')`,
				} {
					if _, err := old.w.Exec(q); err != nil {
						t.Fatalf("seed v%d: %v", from, err)
					}
				}
				old.Close()
			}
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("migrate from v%d: %v", from, err)
			}
			defer db.Close()
			if v, _ := db.Version(ctx); v != SchemaVersion() {
				t.Fatalf("after migration version %d, want %d", v, SchemaVersion())
			}
			if probs, err := db.IntegrityCheck(ctx); err != nil || len(probs) > 0 {
				t.Fatalf("integrity after migration from v%d: %v %v", from, probs, err)
			}
			if from > 0 {
				got, err := db.Findings(ctx, fentinel.FindingFilter{Substance: "fentanyl"})
				if err != nil || len(got) != 1 || got[0].ID != 11 || got[0].Status != "confirmed" {
					t.Fatalf("old finding after migration: %+v %v", got, err)
				}
			}
			// The migrated database takes new data.
			r := mustSave(t, db, fentListing(onion("mig"), "/l/2"), nil)
			if !r.New {
				t.Fatalf("save after migration: %+v", r)
			}
			if from > 0 {
				// The old finding seen again: same row, now with evidence and history.
				old := fentListing("a.onion", "/l/1")
				old.at = t0.Add(time.Hour)
				r := mustSave(t, db, old, nil)
				if r.New || r.FindingID != 11 {
					t.Fatalf("old finding re-seen: %+v", r)
				}
				d, err := db.FindingDetail(ctx, 11)
				if err != nil || len(d.Snapshots) != 1 || len(d.History) < 1 {
					t.Fatalf("old finding detail: %+v, %v", d, err)
				}
				if hits, err := db.Search(ctx, "escrow", fentinel.FindingFilter{Site: "a.onion"}); err != nil || len(hits) != 1 {
					t.Fatalf("old finding not searchable after re-crawl: %v %v", hits, err)
				}
			}
		})
	}
}

func TestRunsRoundTrip(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	id, err := db.StartRun(ctx, "market-a")
	if err != nil {
		t.Fatal(err)
	}
	run := fentinel.CrawlRun{ID: id, Status: RunInterrupted, Fetched: 42, Skipped: 3,
		Errors: map[string]int{"timeout": 2}, Blocked: map[string]int{"captcha": 1}, NewFindings: 5, Changed: 1, Error: "killed"}
	if err := db.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	got, err := db.Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Target != "market-a" || got.Status != RunInterrupted || got.Fetched != 42 || got.Skipped != 3 ||
		got.Errors["timeout"] != 2 || got.Blocked["captcha"] != 1 || got.NewFindings != 5 || got.Changed != 1 ||
		got.Error != "killed" || !got.StartedAt.Equal(t0) || !got.FinishedAt.Equal(t0) {
		t.Fatalf("run = %+v", got)
	}
	if err := db.FinishRun(ctx, fentinel.CrawlRun{ID: 999}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FinishRun(999) = %v, want ErrNotFound", err)
	}
	if n, err := db.CountRuns(ctx, RunInterrupted); err != nil || n != 1 {
		t.Fatalf("CountRuns = %d, %v", n, err)
	}
}

// TestReadWhileCrawlWrites runs analysts' queries while a writer saves pages.
func TestReadWhileCrawlWrites(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	site := onion("concurrent")
	routes := []fentinel.Route{fentinel.DefaultRoute("hook")}
	const batches, perBatch = 12, 20
	var wg sync.WaitGroup
	done := make(chan struct{})
	errc := make(chan error, 8)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for b := 0; b < batches; b++ {
			obs := make([]Observation, perBatch)
			for i := range obs {
				l := fentListing(site, "/listing/"+strconv.Itoa(b*perBatch+i))
				obs[i] = Observation{Page: l.page(), Verdict: l.verdict()}
			}
			if _, err := db.SavePages(ctx, obs, routes); err != nil {
				errc <- err
				return
			}
		}
	}()
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				got, err := db.Findings(ctx, fentinel.FindingFilter{Site: site, Limit: 20})
				if err != nil {
					errc <- err
					return
				}
				n, err := db.CountFindings(ctx, fentinel.FindingFilter{Site: site})
				if err != nil {
					errc <- err
					return
				}
				if n < last || len(got) > n {
					errc <- errors.New("reader saw the finding count go down")
					return
				}
				last = n
				time.Sleep(2 * time.Millisecond) // an analyst, not a busy loop
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	n, err := db.CountFindings(ctx, fentinel.FindingFilter{})
	if err != nil || n != batches*perBatch {
		t.Fatalf("findings = %d, %v; want %d", n, err, batches*perBatch)
	}
	if p, _ := db.PendingAlerts(ctx); p != batches*perBatch {
		t.Fatalf("pending alerts = %d, want %d", p, batches*perBatch)
	}
}

func TestDecodeStringsAndTimestamps(t *testing.T) {
	for _, in := range []string{`[]`, `["fentanyl"]`, `["4-anpp","fentanyl"]`, `["a,b","c"]`, `["q\"uote"]`, `[ "spaced" ]`, `["ünïcode"]`} {
		got, err := decodeStrings(in)
		var want []string
		if jerr := json.Unmarshal([]byte(in), &want); jerr != nil || err != nil {
			t.Fatalf("%s: %v %v", in, err, jerr)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || got == nil {
			t.Errorf("decodeStrings(%s) = %q, want %q", in, got, want)
		}
	}
	if _, err := decodeStrings(`not json`); err == nil {
		t.Error("bad JSON accepted")
	}
	for _, tm := range []time.Time{t0, t0.Add(123 * time.Millisecond), time.Date(1999, 12, 31, 23, 59, 59, 999e6, time.UTC)} {
		if got := parseTS(ts(tm)); !got.Equal(tm) {
			t.Errorf("parseTS(%s) = %v", ts(tm), got)
		}
	}
	if got := parseTS("2026-11-28T01:02:03Z"); !got.Equal(time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC)) {
		t.Errorf("RFC 3339 fallback = %v", got)
	}
}
