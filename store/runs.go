package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fentinel/fentinel"
)

// Crawl run statuses.
const (
	RunRunning     = "running"
	RunFinished    = "finished"
	RunFailed      = "failed"
	RunInterrupted = "interrupted"
)

// StartRun records the start of a crawl pass over target and returns its id.
func (db *DB) StartRun(ctx context.Context, target string) (int64, error) {
	res, err := db.w.ExecContext(ctx, `INSERT INTO crawl_runs(target, started_at, status) VALUES (?, ?, ?)`,
		target, ts(db.now()), RunRunning)
	if err != nil {
		return 0, fmt.Errorf("store: start run %q: %w", target, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: start run %q: %w", target, err)
	}
	return id, nil
}

// FinishRun records the end of the crawl run run.ID with its counters.
// An empty Status means "finished"; a zero FinishedAt means now.
func (db *DB) FinishRun(ctx context.Context, run fentinel.CrawlRun) error {
	status := run.Status
	if status == "" {
		status = RunFinished
	}
	finished := run.FinishedAt
	if finished.IsZero() {
		finished = db.now()
	}
	errs, err := json.Marshal(nonNilMap(run.Errors))
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", run.ID, err)
	}
	blocked, err := json.Marshal(nonNilMap(run.Blocked))
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", run.ID, err)
	}
	res, err := db.w.ExecContext(ctx, `UPDATE crawl_runs SET finished_at=?, status=?, fetched=?, skipped=?,
		errors_json=?, blocked_json=?, new_findings=?, changed_findings=?, error=? WHERE id=?`,
		ts(finished), status, run.Fetched, run.Skipped, string(errs), string(blocked),
		run.NewFindings, run.Changed, run.Error, run.ID)
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", run.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: finish run %d: %w", run.ID, ErrNotFound)
	}
	return nil
}

// Run returns one crawl run.
func (db *DB) Run(ctx context.Context, id int64) (fentinel.CrawlRun, error) {
	runs, err := db.queryRuns(ctx, `WHERE id = ?`, id)
	if err != nil {
		return fentinel.CrawlRun{}, fmt.Errorf("store: run %d: %w", id, err)
	}
	if len(runs) == 0 {
		return fentinel.CrawlRun{}, fmt.Errorf("store: run %d: %w", id, ErrNotFound)
	}
	return runs[0], nil
}

// Runs returns the most recent crawl runs, newest first (limit <= 0: 100).
func (db *DB) Runs(ctx context.Context, limit int) ([]fentinel.CrawlRun, error) {
	if limit <= 0 {
		limit = 100
	}
	runs, err := db.queryRuns(ctx, `ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list runs: %w", err)
	}
	return runs, nil
}

// CountRuns returns how many crawl runs have the given status ("" = all).
func (db *DB) CountRuns(ctx context.Context, status string) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM crawl_runs WHERE ? = '' OR status = ?`, status, status).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count runs %q: %w", status, err)
	}
	return n, nil
}

func (db *DB) queryRuns(ctx context.Context, tail string, args ...any) ([]fentinel.CrawlRun, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, target, started_at, finished_at, status, fetched, skipped,
		errors_json, blocked_json, new_findings, changed_findings, error FROM crawl_runs `+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fentinel.CrawlRun
	for rows.Next() {
		var r fentinel.CrawlRun
		var started string
		var finished sql.NullString
		var errs, blocked string
		if err := rows.Scan(&r.ID, &r.Target, &started, &finished, &r.Status, &r.Fetched, &r.Skipped,
			&errs, &blocked, &r.NewFindings, &r.Changed, &r.Error); err != nil {
			return nil, err
		}
		r.StartedAt = parseTS(started)
		r.FinishedAt = parseNullTS(finished)
		if err := errors.Join(json.Unmarshal([]byte(errs), &r.Errors), json.Unmarshal([]byte(blocked), &r.Blocked)); err != nil {
			return nil, fmt.Errorf("run %d counters: %w", r.ID, err)
		}
		if len(r.Errors) == 0 {
			r.Errors = nil
		}
		if len(r.Blocked) == 0 {
			r.Blocked = nil
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func nonNilMap(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}
