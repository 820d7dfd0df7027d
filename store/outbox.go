package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"time"

	"github.com/fentinel/fentinel"
)

const alertCols = `id, sink, payload, state, attempts, next_attempt, last_error, created_at, delivered_at`

func scanAlerts(rows *sql.Rows) ([]fentinel.Alert, error) {
	defer rows.Close()
	out := []fentinel.Alert{}
	for rows.Next() {
		var a fentinel.Alert
		var payload, next, created string
		var delivered sql.NullString
		if err := rows.Scan(&a.ID, &a.Sink, &payload, &a.State, &a.Attempts, &next, &a.LastError, &created, &delivered); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(payload), &a.Event); err != nil {
			return nil, fmt.Errorf("alert %s payload: %w", a.ID, err)
		}
		a.NextAttempt, a.CreatedAt, a.DeliveredAt = parseTS(next), parseTS(created), parseNullTS(delivered)
		out = append(out, a)
	}
	return out, rows.Err()
}

// DueAlerts returns pending outbox rows whose next attempt is at or before
// now, oldest first, at most limit (limit <= 0: 100).
func (db *DB) DueAlerts(ctx context.Context, now time.Time, limit int) ([]fentinel.Alert, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.w.QueryContext(ctx, `SELECT `+alertCols+` FROM alert_outbox
		WHERE state = 'pending' AND next_attempt <= ? ORDER BY next_attempt, created_at, id LIMIT ?`, ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due alerts: %w", err)
	}
	out, err := scanAlerts(rows)
	if err != nil {
		return nil, fmt.Errorf("store: due alerts: %w", err)
	}
	return out, nil
}

func (db *DB) updateAlert(ctx context.Context, op, id, q string, args ...any) error {
	res, err := db.w.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: %s alert %s: %w", op, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: %s alert %s: %w", op, id, ErrNotFound)
	}
	return nil
}

// MarkDelivered records a successful delivery.
func (db *DB) MarkDelivered(ctx context.Context, id string, at time.Time) error {
	return db.updateAlert(ctx, "mark delivered", id,
		`UPDATE alert_outbox SET state='delivered', delivered_at=?, attempts=attempts+1, last_error='' WHERE id=?`, ts(at), id)
}

// MarkRetry records a failed attempt; the alert stays pending until next.
func (db *DB) MarkRetry(ctx context.Context, id string, attempts int, next time.Time, lastErr string) error {
	return db.updateAlert(ctx, "mark retry", id,
		`UPDATE alert_outbox SET state='pending', attempts=?, next_attempt=?, last_error=? WHERE id=? AND state != 'delivered'`,
		attempts, ts(next), lastErr, id)
}

// MarkDead gives up on an alert (a dead letter); RequeueAlert revives it.
func (db *DB) MarkDead(ctx context.Context, id string, attempts int, lastErr string) error {
	return db.updateAlert(ctx, "mark dead", id,
		`UPDATE alert_outbox SET state='dead', attempts=?, last_error=? WHERE id=? AND state != 'delivered'`,
		attempts, lastErr, id)
}

// PendingAlerts returns how many alerts wait for delivery.
func (db *DB) PendingAlerts(ctx context.Context) (int, error) {
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM alert_outbox WHERE state='pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: pending alerts: %w", err)
	}
	return n, nil
}

// ListAlerts returns outbox rows in a state ("" = every state), newest
// first, at most limit (limit <= 0: 100).
func (db *DB) ListAlerts(ctx context.Context, state string, limit int) ([]fentinel.Alert, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+alertCols+` FROM alert_outbox
		WHERE ? = '' OR state = ? ORDER BY created_at DESC, id LIMIT ?`, state, state, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list alerts %q: %w", state, err)
	}
	out, err := scanAlerts(rows)
	if err != nil {
		return nil, fmt.Errorf("store: list alerts %q: %w", state, err)
	}
	return out, nil
}

// Alert returns one outbox row by id.
func (db *DB) Alert(ctx context.Context, id string) (fentinel.Alert, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+alertCols+` FROM alert_outbox WHERE id = ?`, id)
	if err != nil {
		return fentinel.Alert{}, fmt.Errorf("store: alert %s: %w", id, err)
	}
	out, err := scanAlerts(rows)
	if err != nil {
		return fentinel.Alert{}, fmt.Errorf("store: alert %s: %w", id, err)
	}
	if len(out) == 0 {
		return fentinel.Alert{}, fmt.Errorf("store: alert %s: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// RequeueAlert puts a dead (or pending) alert back in the queue, due at now,
// with its attempt count reset. The id, and so the webhook-id, is unchanged.
// A delivered alert is not requeued (ErrNotFound).
func (db *DB) RequeueAlert(ctx context.Context, id string, now time.Time) error {
	return db.updateAlert(ctx, "requeue", id,
		`UPDATE alert_outbox SET state='pending', attempts=0, next_attempt=? WHERE id=? AND state != 'delivered'`, ts(now), id)
}

// RequeueDead requeues every dead alert, due at now, and returns how many.
func (db *DB) RequeueDead(ctx context.Context, now time.Time) (int, error) {
	res, err := db.w.ExecContext(ctx, `UPDATE alert_outbox SET state='pending', attempts=0, next_attempt=? WHERE state='dead'`, ts(now))
	if err != nil {
		return 0, fmt.Errorf("store: requeue dead alerts: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// QueueAlert adds an alert for one sink outside SavePage (e.g. a test
// message) and returns its id. The event must name an existing finding.
func (db *DB) QueueAlert(ctx context.Context, sink string, ev fentinel.AlertEvent) (string, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("store: queue alert for %s: %w", sink, err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, `UPDATE findings SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq`, ev.FindingID).Scan(&seq); err != nil {
		if err == sql.ErrNoRows {
			return "", fmt.Errorf("store: queue alert for finding %d: %w", ev.FindingID, ErrNotFound)
		}
		return "", fmt.Errorf("store: queue alert for %s: %w", sink, err)
	}
	now := db.now()
	if ev.OccurredAt.IsZero() {
		ev.OccurredAt = now.UTC()
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return "", fmt.Errorf("store: queue alert for %s: %w", sink, err)
	}
	id := AlertID(ev.FindingID, seq, sink)
	if _, err := tx.ExecContext(ctx, `INSERT INTO alert_outbox(id, finding_id, event_seq, sink, event_type, payload, state,
		attempts, next_attempt, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
		id, ev.FindingID, seq, sink, ev.Type, string(payload), ts(now), ts(now)); err != nil {
		return "", fmt.Errorf("store: queue alert for %s: %w", sink, err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("store: queue alert for %s: %w", sink, err)
	}
	return id, nil
}
