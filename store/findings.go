package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fentinel/fentinel"
)

const findingCols = `f.id, f.url, f.site, f.title, f.score, f.severity, f.substances, f.classes, f.price, f.currency,
	f.vendor, f.snippet, f.status, f.first_seen, f.last_seen`

// findingWhere turns a filter into a WHERE clause over findings aliased f.
func findingWhere(f fentinel.FindingFilter) (string, []any) {
	conds, args := findingConds(f)
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// findingConds turns a filter into conditions over findings aliased f.
func findingConds(f fentinel.FindingFilter) ([]string, []any) {
	var conds []string
	var args []any
	if !f.Since.IsZero() {
		conds = append(conds, "f.last_seen >= ?")
		args = append(args, ts(f.Since))
	}
	if f.MinScore > 0 {
		conds = append(conds, "f.score >= ?")
		args = append(args, f.MinScore)
	}
	if f.Substance != "" {
		conds = append(conds, "f.id IN (SELECT finding_id FROM finding_substances WHERE substance = ?)")
		args = append(args, strings.ToLower(f.Substance))
	}
	if f.Site != "" {
		conds = append(conds, "f.site = ?")
		args = append(args, strings.ToLower(f.Site))
	}
	if f.Status != "" {
		conds = append(conds, "f.status = ?")
		args = append(args, strings.ToLower(f.Status))
	}
	if f.Severity > fentinel.SeverityNone {
		conds = append(conds, "f.severity >= ?")
		args = append(args, int(f.Severity))
	}
	return conds, args
}

// Findings returns the findings that pass the filter, most recently seen first.
func (db *DB) Findings(ctx context.Context, f fentinel.FindingFilter) ([]fentinel.Finding, error) {
	where, args := findingWhere(f)
	q := `SELECT ` + findingCols + ` FROM findings f` + where + ` ORDER BY f.last_seen DESC, f.id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: findings: %w", err)
	}
	defer rows.Close()
	out, err := scanFindings(rows)
	if err != nil {
		return nil, fmt.Errorf("store: findings: %w", err)
	}
	return out, nil
}

// Finding returns one finding by id; errors.Is(err, ErrNotFound) when absent.
func (db *DB) Finding(ctx context.Context, id int64) (fentinel.Finding, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+findingCols+` FROM findings f WHERE f.id = ?`, id)
	if err != nil {
		return fentinel.Finding{}, fmt.Errorf("store: finding %d: %w", id, err)
	}
	defer rows.Close()
	out, err := scanFindings(rows)
	if err != nil {
		return fentinel.Finding{}, fmt.Errorf("store: finding %d: %w", id, err)
	}
	if len(out) == 0 {
		return fentinel.Finding{}, fmt.Errorf("store: finding %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// CountFindings returns how many findings pass the filter (Limit ignored).
func (db *DB) CountFindings(ctx context.Context, f fentinel.FindingFilter) (int, error) {
	where, args := findingWhere(f)
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM findings f`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count findings: %w", err)
	}
	return n, nil
}

type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanFindings reads rows of findingCols, plus any extra destinations per row.
func scanFindings(rows rowScanner, extra ...func() []any) ([]fentinel.Finding, error) {
	out := []fentinel.Finding{}
	for rows.Next() {
		var f fentinel.Finding
		var sev int
		var subs, classes, first, last string
		dest := []any{&f.ID, &f.URL, &f.Site, &f.Title, &f.Score, &sev, &subs, &classes, &f.Price, &f.Currency,
			&f.Vendor, &f.Snippet, &f.Status, &first, &last}
		for _, e := range extra {
			dest = append(dest, e()...)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		f.Severity = fentinel.Severity(sev)
		if err := errors.Join(json.Unmarshal([]byte(subs), &f.Substances), json.Unmarshal([]byte(classes), &f.Classes)); err != nil {
			return nil, fmt.Errorf("finding %d: %w", f.ID, err)
		}
		if f.Substances == nil {
			f.Substances = []string{}
		}
		if len(f.Classes) == 0 {
			f.Classes = nil
		}
		f.FirstSeen, f.LastSeen = parseTS(first), parseTS(last)
		out = append(out, f)
	}
	return out, rows.Err()
}
