package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fentinel/fentinel"
)

// PreviousVerdict returns the verdict stored for the latest observation of
// (site, url) when that observation had the same content hash and was judged
// by the same rules version, so an unchanged page need not be detected again.
// ok is false when there is no such observation (the page is new, changed,
// or the rules changed). For a page that was not flagged the verdict is an
// unflagged one; for a flagged page it is the verdict kept with its evidence
// snapshot.
func (db *DB) PreviousVerdict(ctx context.Context, site, url, contentHash, rulesVersion string) (v fentinel.Verdict, ok bool, err error) {
	var (
		hash, rv string
		flagged  bool
	)
	err = db.r.QueryRowContext(ctx, `SELECT content_hash, rules_version, flagged FROM pages
		WHERE site = ? AND url = ? ORDER BY fetched_at DESC, id DESC LIMIT 1`, site, url).Scan(&hash, &rv, &flagged)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("store: previous verdict for %s: %w", url, err)
	}
	if hash != contentHash || rv != rulesVersion {
		return v, false, nil
	}
	if !flagged {
		return fentinel.Verdict{RulesVersion: rv}, true, nil
	}
	var js string
	err = db.r.QueryRowContext(ctx, `SELECT verdict_json FROM snapshots
		WHERE url = ? AND sha256 = ? AND rules_version = ? ORDER BY id DESC LIMIT 1`, url, contentHash, rulesVersion).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("store: previous verdict for %s: %w", url, err)
	}
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		return v, false, fmt.Errorf("store: previous verdict for %s: decode: %w", url, err)
	}
	return v, v.Flagged, nil
}
