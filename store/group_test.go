package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fentinel/fentinel"
)

// dumpDB returns every row of every table (full-text index included), in
// rowid order, as text: two databases that stored the same thing dump the
// same.
func dumpDB(t testing.TB, db *DB) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.w.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'findings_fts_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		if tb == "schema_migrations" {
			continue // applied_at differs between databases
		}
		var ncols int
		if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?)`, tb).Scan(&ncols); err != nil {
			t.Fatal(err)
		}
		by := make([]string, ncols)
		for i := range by {
			by[i] = fmt.Sprint(i + 1)
		}
		q := fmt.Sprintf(`SELECT * FROM "%s" ORDER BY %s`, tb, strings.Join(by, ", "))
		if tb == "findings_fts" {
			q = `SELECT rowid, * FROM findings_fts ORDER BY rowid`
		}
		rows, err := db.w.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s:", tb)
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
					if !utf8.Valid(bs) { // a gzipped snapshot
						v = fmt.Sprintf("sha256:%x", sha256.Sum256(bs))
					}
				}
				fmt.Fprintf(&b, " %v", v)
			}
			b.WriteByte('\n')
			n++
		}
		rows.Close()
		fmt.Fprintf(&b, "%s: %d rows\n", tb, n)
	}
	return b.String()
}

// groupObservations returns n observations over three markets: new and
// repeated flagged listings (changed prices, a new substance, out of and
// back in stock, a new vendor), plain listings and pages that are not
// listings.
func groupObservations(n int) []Observation {
	sites := []string{onion("group-a"), onion("group-b"), onion("group-c")}
	out := make([]Observation, n)
	for i := range out {
		l := fentListing(sites[i%3], fmt.Sprintf("/listing/%d", i%17))
		l.at = t0.Add(time.Duration(i) * time.Second)
		l.price = float64(100 + (i/17)*30)
		l.entities = []fentinel.Entity{{Kind: fentinel.EntityBTC, Value: fmt.Sprintf("bc1qgroup%030d", i%5)}}
		switch {
		case i%7 == 3:
			l.substances = []string{"fentanyl", "carfentanil"}
		case i%11 == 4:
			l.stock = "Sold out"
		case i%13 == 5:
			l.vendor = "vendorB"
		}
		switch i % 5 {
		case 1:
			l.flagged = false // a listing, not flagged
			l.path = fmt.Sprintf("/other/%d", i%9)
		case 2:
			l.flagged, l.price, l.title = false, 0, "" // not a listing
			l.path = fmt.Sprintf("/category/%d", i)
		}
		out[i] = Observation{Page: l.page(), Verdict: l.verdict()}
	}
	return out
}

var groupRoutes = []fentinel.Route{fentinel.DefaultRoute("hook"), {Sink: "all", MinSeverity: fentinel.SeverityLow, OnNew: true,
	OnChange: fentinel.ChangeTriggers{NewSubstance: true, BackInStock: true, NewVendor: true, PriceChangePct: 10}}}

// TestCommitterEqualsSavePage saves observations through a Committer from
// 16 goroutines at once, then saves them again one SavePage at a time in the
// order the committer stored them (the order of their page ids) into a
// second database: both hold the same rows, and every caller got the
// SaveResult of its own page.
func TestCommitterEqualsSavePage(t *testing.T) {
	ctx := context.Background()
	obs := groupObservations(500)
	grp := newTestDB(t)
	c := grp.NewCommitter(ctx, groupRoutes, 0)
	got := make([]SaveResult, len(obs))
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(obs); i += 16 {
				r, err := c.Save(ctx, obs[i].Page, obs[i].Verdict)
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = r
			}
		}()
	}
	wg.Wait()
	c.Close()
	if t.Failed() {
		return
	}
	if b := c.batches.Load(); b >= int64(len(obs)) {
		t.Errorf("%d batches for %d pages: no group commit", b, len(obs))
	} else {
		t.Logf("%d pages in %d transactions", len(obs), b)
	}

	order := make([]int, len(obs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return int(got[a].PageID - got[b].PageID) })
	one := newTestDB(t)
	for _, i := range order {
		r, err := one.SavePage(ctx, obs[i].Page, obs[i].Verdict, groupRoutes)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(r) != fmt.Sprint(got[i]) {
			t.Errorf("observation %d: committer answered %+v, SavePage %+v", i, got[i], r)
		}
	}
	if a, b := dumpDB(t, grp), dumpDB(t, one); a != b {
		t.Errorf("databases differ:\n%s", firstDiff(a, b))
	}
}

// firstDiff returns the first differing line of two dumps.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(la), len(lb))
}

// holdWriter takes the writer's only connection in a transaction, so the
// committer's next batch waits; release lets it go on.
func holdWriter(t *testing.T, db *DB) (release func()) {
	t.Helper()
	tx, err := db.w.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() }) // before the committer's Close
	return func() { tx.Rollback() }
}

// waitTaken waits until c has begun n batches.
func waitTaken(t *testing.T, c *Committer, n int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if c.batches.Load() >= n {
			return
		}
	}
	t.Fatalf("committer never began batch %d", n)
}

// waitQueued waits until n pages wait in c's queue (taken ones not counted).
func waitQueued(t *testing.T, c *Committer, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		c.mu.Lock()
		k := len(c.queue)
		c.mu.Unlock()
		if k == n {
			return
		}
	}
	t.Fatalf("queue never reached %d pages", n)
}

type saved struct {
	res SaveResult
	err error
}

func saveAsync(ctx context.Context, c *Committer, o Observation) chan saved {
	ch := make(chan saved, 1)
	go func() {
		r, err := c.Save(ctx, o.Page, o.Verdict)
		ch <- saved{r, err}
	}()
	return ch
}

func countPages(t *testing.T, db *DB) (urls []string) {
	t.Helper()
	rows, err := db.w.Query(`SELECT url FROM pages ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		urls = append(urls, u)
	}
	return urls
}

// TestCommitterBadPageFailsAlone puts a page that cannot be stored (its
// score is NaN: the verdict cannot be encoded) in a batch with good pages:
// the batch is retried one page at a time, the bad page fails with an error
// naming its URL, and the others are stored.
func TestCommitterBadPageFailsAlone(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	c := db.NewCommitter(ctx, groupRoutes, 0)
	t.Cleanup(c.Close)
	obs := groupObservations(5)
	obs[2].Verdict.Score = math.NaN()
	release := holdWriter(t, db)
	first := saveAsync(ctx, c, obs[0])
	waitTaken(t, c, 1) // waiting for the writer
	var rest []chan saved
	for i := 1; i < len(obs); i++ {
		rest = append(rest, saveAsync(ctx, c, obs[i]))
		waitQueued(t, c, i) // in order
	}
	release()
	if s := <-first; s.err != nil {
		t.Fatalf("first page: %v", s.err)
	}
	for k, ch := range rest {
		i := k + 1
		s := <-ch
		switch {
		case i == 2 && s.err == nil:
			t.Errorf("bad page stored: %+v", s.res)
		case i == 2 && !strings.Contains(s.err.Error(), obs[2].Page.URL):
			t.Errorf("bad page's error does not name its URL: %v", s.err)
		case i != 2 && s.err != nil:
			t.Errorf("page %d: %v", i, s.err)
		case i != 2 && s.res.PageID == 0:
			t.Errorf("page %d: no page id", i)
		}
	}
	want := []string{obs[0].Page.URL, obs[1].Page.URL, obs[3].Page.URL, obs[4].Page.URL}
	if got := countPages(t, db); !slices.Equal(got, want) {
		t.Errorf("stored pages %q, want %q", got, want)
	}
}

// TestCommitterCancelledCaller: a caller that gives up while its page is
// still queued gets the context's error and its page is never stored; one
// that gives up after its page was taken into a batch gets the error too,
// but the page is stored with the batch.
func TestCommitterCancelledCaller(t *testing.T) {
	db := newTestDB(t)
	c := db.NewCommitter(context.Background(), groupRoutes, 0)
	t.Cleanup(c.Close)
	c.mu.Lock()
	c.noInline = true // the first page too is taken by the committer
	c.mu.Unlock()
	obs := groupObservations(3)
	release := holdWriter(t, db)
	takenCtx, cancelTaken := context.WithCancel(context.Background())
	taken := saveAsync(takenCtx, c, obs[0])
	waitTaken(t, c, 1)
	queuedCtx, cancelQueued := context.WithCancel(context.Background())
	queued := saveAsync(queuedCtx, c, obs[1])
	waitQueued(t, c, 1)
	later := saveAsync(context.Background(), c, obs[2])
	waitQueued(t, c, 2)
	cancelQueued()
	if s := <-queued; !errors.Is(s.err, context.Canceled) {
		t.Errorf("queued caller: %v, want context.Canceled", s.err)
	}
	waitQueued(t, c, 1) // withdrawn
	cancelTaken()
	if s := <-taken; !errors.Is(s.err, context.Canceled) {
		t.Errorf("taken caller: %v, want context.Canceled", s.err)
	}
	release()
	if s := <-later; s.err != nil {
		t.Errorf("later caller: %v", s.err)
	}
	want := []string{obs[0].Page.URL, obs[2].Page.URL}
	if got := countPages(t, db); !slices.Equal(got, want) {
		t.Errorf("stored pages %q, want %q", got, want)
	}
	if _, err := c.Save(queuedCtx, obs[1].Page, obs[1].Verdict); !errors.Is(err, context.Canceled) {
		t.Errorf("Save with a cancelled context: %v", err)
	}
}

// TestCommitterClose: Close saves what is queued, stops the goroutine (none
// left behind), and a later Save fails with ErrCommitterClosed.
func TestCommitterClose(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	before := runtime.NumGoroutine()
	c := db.NewCommitter(ctx, groupRoutes, 4)
	obs := groupObservations(40)
	release := holdWriter(t, db)
	var chans []chan saved
	for _, o := range obs {
		chans = append(chans, saveAsync(ctx, c, o))
	}
	waitQueued(t, c, len(obs)-1)
	closed := make(chan struct{})
	go func() { c.Close(); close(closed) }()
	release()
	<-closed
	for i, ch := range chans {
		if s := <-ch; s.err != nil {
			t.Errorf("page %d: %v", i, s.err)
		}
	}
	if n := len(countPages(t, db)); n != len(obs) {
		t.Errorf("%d pages stored, want %d", n, len(obs))
	}
	if b := c.batches.Load(); b < 10 {
		t.Errorf("%d batches of at most 4 for 40 pages", b)
	}
	if _, err := c.Save(ctx, obs[0].Page, obs[0].Verdict); !errors.Is(err, ErrCommitterClosed) {
		t.Errorf("Save after Close: %v", err)
	}
	c.Close() // idempotent
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before NewCommitter", n, before)
	}
}
