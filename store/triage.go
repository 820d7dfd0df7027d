package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// TriageEntry is one review of a finding.
type TriageEntry struct {
	ID        int64     `json:"id"`
	FindingID int64     `json:"finding_id"`
	Status    string    `json:"status"`
	Note      string    `json:"note,omitempty"`
	Analyst   string    `json:"analyst,omitempty"`
	At        time.Time `json:"at"`
}

// validStatus reports whether s is a triage status.
func validStatus(s string) bool {
	switch s {
	case fentinel.StatusNew, fentinel.StatusConfirmed, fentinel.StatusDismissed, fentinel.StatusEscalated:
		return true
	}
	return false
}

// Review sets a finding's triage status and records the review with its note.
func (db *DB) Review(ctx context.Context, findingID int64, status, note, analyst string) (TriageEntry, error) {
	status = strings.ToLower(strings.TrimSpace(status))
	if !validStatus(status) {
		return TriageEntry{}, fmt.Errorf("store: review finding %d: unknown status %q (want new, confirmed, dismissed or escalated)", findingID, status)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return TriageEntry{}, fmt.Errorf("store: review finding %d: %w", findingID, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE findings SET status = ? WHERE id = ?`, status, findingID)
	if err != nil {
		return TriageEntry{}, fmt.Errorf("store: review finding %d: %w", findingID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return TriageEntry{}, fmt.Errorf("store: review finding %d: %w", findingID, ErrNotFound)
	}
	e := TriageEntry{FindingID: findingID, Status: status, Note: note, Analyst: analyst, At: db.now().UTC().Truncate(time.Millisecond)}
	r, err := tx.ExecContext(ctx, `INSERT INTO triage(finding_id, status, note, analyst, at) VALUES (?, ?, ?, ?, ?)`,
		findingID, status, note, analyst, ts(e.At))
	if err != nil {
		return TriageEntry{}, fmt.Errorf("store: review finding %d: %w", findingID, err)
	}
	e.ID, _ = r.LastInsertId()
	if err := tx.Commit(); err != nil {
		return TriageEntry{}, fmt.Errorf("store: review finding %d: %w", findingID, err)
	}
	return e, nil
}

// Triage returns a finding's review history, oldest first.
func (db *DB) Triage(ctx context.Context, findingID int64) ([]TriageEntry, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, finding_id, status, note, analyst, at FROM triage WHERE finding_id = ? ORDER BY at, id`, findingID)
	if err != nil {
		return nil, fmt.Errorf("store: triage of finding %d: %w", findingID, err)
	}
	defer rows.Close()
	var out []TriageEntry
	for rows.Next() {
		var e TriageEntry
		var at string
		if err := rows.Scan(&e.ID, &e.FindingID, &e.Status, &e.Note, &e.Analyst, &at); err != nil {
			return nil, fmt.Errorf("store: triage of finding %d: %w", findingID, err)
		}
		e.At = parseTS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
