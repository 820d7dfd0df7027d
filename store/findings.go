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
	f.vendor, f.snippet, f.status, f.first_seen, f.last_seen, f.page_kind`

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
		// The hint makes the planner drive from the last_seen index: a
		// recent window is a small slice of a large table (1M findings,
		// --since 24h: 3,000 rows), which SQLite cannot know for a parameter.
		conds = append(conds, "likelihood(f.last_seen >= ?, 0.05)")
		args = append(args, ts(f.Since))
	}
	if f.MinScore > 0 {
		conds = append(conds, "f.score >= ?")
		args = append(args, f.MinScore)
	}
	if f.Substance != "" {
		if !f.Since.IsZero() {
			// Probe each recent finding (primary-key lookup) rather than
			// collect every finding of a common substance first.
			conds = append(conds, "EXISTS (SELECT 1 FROM finding_substances s WHERE s.substance = ? AND s.finding_id = f.id)")
		} else {
			conds = append(conds, "f.id IN (SELECT finding_id FROM finding_substances WHERE substance = ?)")
		}
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
	if f.PageKind != "" {
		conds = append(conds, "f.page_kind = ?")
		args = append(args, strings.ToLower(f.PageKind))
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
			&f.Vendor, &f.Snippet, &f.Status, &first, &last, &f.PageKind}
		for _, e := range extra {
			dest = append(dest, e()...)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		f.Severity = fentinel.Severity(sev)
		var err1, err2 error
		f.Substances, err1 = decodeStrings(subs)
		f.Classes, err2 = decodeStrings(classes)
		if err := errors.Join(err1, err2); err != nil {
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

// decodeStrings decodes a JSON array of strings. Arrays of plain strings
// (what the store writes) take a fast path; anything else goes to encoding/json.
func decodeStrings(s string) ([]string, error) {
	if len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' && !strings.ContainsAny(s, "\\ \t\n") {
		inner := s[1 : len(s)-1]
		if inner == "" {
			return []string{}, nil
		}
		parts := strings.Split(inner, ",")
		out := make([]string, 0, len(parts))
		ok := true
		for _, p := range parts {
			if len(p) < 2 || p[0] != '"' || p[len(p)-1] != '"' || strings.IndexByte(p[1:len(p)-1], '"') >= 0 {
				ok = false
				break
			}
			out = append(out, p[1:len(p)-1])
		}
		if ok {
			return out, nil
		}
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, err
	}
	return out, nil
}
