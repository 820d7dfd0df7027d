package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/fentinel/fentinel"
)

// Frontier is the persistent crawl frontier and visited set of one crawl
// target. It satisfies crawler.Frontier. All methods are safe for concurrent
// use; each is one short write transaction.
type Frontier struct {
	db     *DB
	target string
}

// Frontier returns the persistent frontier of a crawl target.
func (db *DB) Frontier(target string) *Frontier {
	return &Frontier{db: db, target: target}
}

// Push adds URLs to the queue and returns how many were new. URLs already
// queued, in flight, visited or dropped in this pass are skipped; a URL known
// only from an earlier pass is queued again (its hash is kept).
func (f *Frontier) Push(ctx context.Context, items []fentinel.QueuedURL) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	tx, err := f.db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: frontier %s: push: %w", f.target, err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM frontier WHERE target = ?`, f.target).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: frontier %s: push: %w", f.target, err)
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO frontier(target, url, site, depth, parent, attempts, not_before, state, seq, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)
		ON CONFLICT(target, url) DO UPDATE SET site=excluded.site, depth=excluded.depth, parent=excluded.parent,
			attempts=excluded.attempts, not_before=excluded.not_before, state='queued', seq=excluded.seq,
			content_hash='', err_class='', reason='', updated_at=excluded.updated_at
		WHERE frontier.state = 'idle'`)
	if err != nil {
		return 0, fmt.Errorf("store: frontier %s: push: %w", f.target, err)
	}
	defer st.Close()
	now := ts(f.db.now())
	added := 0
	for _, it := range items {
		if it.URL == "" {
			continue
		}
		seq++
		res, err := st.ExecContext(ctx, f.target, it.URL, it.Site, it.Depth, it.Parent, it.Attempts, nullableTS(it.NotBefore), seq, now)
		if err != nil {
			return 0, fmt.Errorf("store: frontier %s: push %s: %w", f.target, it.URL, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added++
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: frontier %s: push: %w", f.target, err)
	}
	return added, nil
}

func nullableTS(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ts(t)
}

// Pop takes up to n queued URLs that are due at now, oldest first (in push
// order), and marks them in flight.
func (f *Frontier) Pop(ctx context.Context, n int, now time.Time) ([]fentinel.QueuedURL, error) {
	if n <= 0 {
		return nil, nil
	}
	tx, err := f.db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: frontier %s: pop: %w", f.target, err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `UPDATE frontier SET state = 'inflight', updated_at = ?
		WHERE target = ? AND url IN (
			SELECT url FROM frontier WHERE target = ? AND state = 'queued' AND not_before <= ?
			ORDER BY seq LIMIT ?)
		RETURNING url, site, depth, parent, attempts, not_before, seq`, ts(f.db.now()), f.target, f.target, ts(now), n)
	if err != nil {
		return nil, fmt.Errorf("store: frontier %s: pop: %w", f.target, err)
	}
	type popped struct {
		q   fentinel.QueuedURL
		seq int64
	}
	var got []popped
	for rows.Next() {
		var p popped
		var nb string
		if err := rows.Scan(&p.q.URL, &p.q.Site, &p.q.Depth, &p.q.Parent, &p.q.Attempts, &nb, &p.seq); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: frontier %s: pop: %w", f.target, err)
		}
		p.q.NotBefore = parseTS(nb)
		got = append(got, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: frontier %s: pop: %w", f.target, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: frontier %s: pop: %w", f.target, err)
	}
	// RETURNING order is unspecified: restore push order.
	sort.Slice(got, func(i, j int) bool { return got[i].seq < got[j].seq })
	out := make([]fentinel.QueuedURL, len(got))
	for i, p := range got {
		out[i] = p.q
	}
	return out, nil
}

func (f *Frontier) update(ctx context.Context, op, url, q string, args ...any) error {
	res, err := f.db.w.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: frontier %s: %s %s: %w", f.target, op, url, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: frontier %s: %s %s: %w", f.target, op, url, ErrNotFound)
	}
	return nil
}

// Done marks a URL visited in this pass with the hash of what was fetched.
// A URL that was never pushed is recorded as visited too.
func (f *Frontier) Done(ctx context.Context, url string, contentHash string) error {
	now := ts(f.db.now())
	return f.update(ctx, "done", url, `INSERT INTO frontier(target, url, state, seq, content_hash, updated_at)
		VALUES (?, ?, 'visited', 0, ?, ?)
		ON CONFLICT(target, url) DO UPDATE SET state='visited', content_hash=excluded.content_hash,
			err_class='', not_before='', updated_at=excluded.updated_at`, f.target, url, contentHash, now)
}

// Retry puts an item back in the queue, at its end, due at notBefore, and
// records the error class. The crawler increments item.Attempts before the
// call; it is stored as given. A URL already queued or visited is left alone.
func (f *Frontier) Retry(ctx context.Context, item fentinel.QueuedURL, notBefore time.Time, errClass string) error {
	now := ts(f.db.now())
	if _, err := f.db.w.ExecContext(ctx, `INSERT INTO frontier(target, url, site, depth, parent, attempts, not_before, state, seq, err_class, updated_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', (SELECT coalesce(max(seq), 0) + 1 FROM frontier WHERE target = ?1), ?8, ?9)
		ON CONFLICT(target, url) DO UPDATE SET state='queued', attempts=excluded.attempts, not_before=excluded.not_before,
			seq=excluded.seq, err_class=excluded.err_class, updated_at=excluded.updated_at
		WHERE frontier.state IN ('inflight', 'idle')`,
		f.target, item.URL, item.Site, item.Depth, item.Parent, item.Attempts, nullableTS(notBefore), errClass, now); err != nil {
		return fmt.Errorf("store: frontier %s: retry %s: %w", f.target, item.URL, err)
	}
	return nil
}

// Drop gives up on a URL for this pass.
func (f *Frontier) Drop(ctx context.Context, url string, reason string) error {
	now := ts(f.db.now())
	return f.update(ctx, "drop", url, `INSERT INTO frontier(target, url, state, seq, reason, updated_at)
		VALUES (?, ?, 'dropped', 0, ?, ?)
		ON CONFLICT(target, url) DO UPDATE SET state='dropped', reason=excluded.reason, updated_at=excluded.updated_at`,
		f.target, url, reason, now)
}

// LastHash returns the content hash a URL had in the previous pass ("" if none).
func (f *Frontier) LastHash(ctx context.Context, url string) (string, error) {
	var h string
	err := f.db.w.QueryRowContext(ctx, `SELECT last_hash FROM frontier WHERE target=? AND url=?`, f.target, url).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: frontier %s: last hash %s: %w", f.target, url, err)
	}
	return h, nil
}

// Pending returns how many URLs are queued or in flight.
func (f *Frontier) Pending(ctx context.Context) (int, error) {
	var n int
	if err := f.db.w.QueryRowContext(ctx, `SELECT count(*) FROM frontier WHERE target=? AND state IN ('queued','inflight')`, f.target).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: frontier %s: pending: %w", f.target, err)
	}
	return n, nil
}

// Recover puts the in-flight URLs of a killed crawl back in the queue.
func (f *Frontier) Recover(ctx context.Context) error {
	if _, err := f.db.w.ExecContext(ctx, `UPDATE frontier SET state='queued', updated_at=? WHERE target=? AND state='inflight'`,
		ts(f.db.now()), f.target); err != nil {
		return fmt.Errorf("store: frontier %s: recover: %w", f.target, err)
	}
	return nil
}

// NewPass starts a new crawl pass: the visited and dropped sets are
// cleared, and the hashes recorded in the finished pass become LastHash.
// Queued and in-flight URLs stay in the queue.
func (f *Frontier) NewPass(ctx context.Context) error {
	if _, err := f.db.w.ExecContext(ctx, `UPDATE frontier SET state='idle',
		last_hash = CASE WHEN content_hash != '' THEN content_hash ELSE last_hash END,
		content_hash='', attempts=0, not_before='', err_class='', reason='', updated_at=?
		WHERE target=? AND state IN ('visited', 'dropped')`, ts(f.db.now()), f.target); err != nil {
		return fmt.Errorf("store: frontier %s: new pass: %w", f.target, err)
	}
	return nil
}

// Stats counts a target's frontier rows by state.
func (f *Frontier) Stats(ctx context.Context) (map[string]int, error) {
	rows, err := f.db.r.QueryContext(ctx, `SELECT state, count(*) FROM frontier WHERE target=? GROUP BY state`, f.target)
	if err != nil {
		return nil, fmt.Errorf("store: frontier %s: stats: %w", f.target, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("store: frontier %s: stats: %w", f.target, err)
		}
		out[s] = n
	}
	return out, rows.Err()
}
