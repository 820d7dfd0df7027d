// Package alert delivers finding alerts from the store's outbox to the
// sinks a unit has configured: a generic webhook signed per Standard
// Webhooks, Slack, Microsoft Teams Workflows, PagerDuty Events API v2 and
// SMTP email.
//
// The outbox (a SQLite table the store owns) is the source of truth. A
// Dispatcher reads the rows that are due, hands each to the sink it names,
// and records the outcome: delivered, retry later (exponential backoff with
// jitter, or the receiver's Retry-After), or dead. Delivery is at least
// once: a process killed after a receiver got a message but before the row
// was marked delivered sends it again after restart, with the same id, so
// receivers deduplicate on the webhook-id (or dedup_key, or Message-ID).
package alert

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fentinel/fentinel"
)

// Outbox is the durable queue of alerts. *store.DB implements it.
type Outbox interface {
	// DueAlerts returns pending alerts whose next attempt is at or before now.
	DueAlerts(ctx context.Context, now time.Time, limit int) ([]fentinel.Alert, error)
	// MarkDelivered records a successful delivery.
	MarkDelivered(ctx context.Context, id string, at time.Time) error
	// MarkRetry keeps the alert pending and schedules its next attempt.
	MarkRetry(ctx context.Context, id string, attempts int, next time.Time, lastErr string) error
	// MarkDead gives up on the alert (dead letter).
	MarkDead(ctx context.Context, id string, attempts int, lastErr string) error
}

// Sink delivers one alert to one destination.
type Sink interface {
	// Name is the sink's configured name; outbox rows name their sink.
	Name() string
	// Send delivers the alert once. A returned *DeliveryError says whether
	// the failure is worth retrying; any other error is retried.
	Send(ctx context.Context, a fentinel.Alert) error
}

// BatchSink is a Sink that can also deliver several alerts as one digest
// message. id is stable for the same set of alerts, so a retried digest
// carries the same idempotency key.
type BatchSink interface {
	Sink
	SendBatch(ctx context.Context, id string, alerts []fentinel.Alert) error
}

// DeliveryError describes a failed delivery attempt.
type DeliveryError struct {
	Sink       string        // sink name
	Status     int           // HTTP status or SMTP reply code; 0 for network errors
	Permanent  bool          // retrying will not help (e.g. HTTP 400, 401, 404; SMTP 5xx)
	RetryAfter time.Duration // the receiver asked to wait this long (HTTP Retry-After)
	Err        error
}

// Error describes the failure without the destination's URL or any secret.
func (e *DeliveryError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	s := fmt.Sprintf("alert: sink %s: %s failure", e.Sink, kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (status %d)", e.Status)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *DeliveryError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a delivery failure that retrying will not fix.
func IsPermanent(err error) bool {
	var de *DeliveryError
	return errors.As(err, &de) && de.Permanent
}
