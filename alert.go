package fentinel

import "time"

// Alert events.
const (
	EventNewFinding     = "finding.new"
	EventChangedFinding = "finding.changed"
)

// AlertEvent is what happened to a finding, as queued in the outbox. It is
// captured when the finding is stored, so every retry sends the same content.
type AlertEvent struct {
	Type       string    `json:"type"` // EventNewFinding or EventChangedFinding
	FindingID  int64     `json:"finding_id"`
	URL        string    `json:"url"`
	Site       string    `json:"site"`
	Title      string    `json:"title"`
	Score      float64   `json:"score"`
	Severity   Severity  `json:"severity"`
	Substances []string  `json:"substances"`
	Classes    []string  `json:"classes,omitempty"`
	Price      float64   `json:"price,omitempty"`
	Currency   string    `json:"currency,omitempty"`
	Vendor     string    `json:"vendor,omitempty"`
	Snippet    string    `json:"snippet,omitempty"`
	PageKind   string    `json:"page_kind,omitempty"` // PageListing, PageIndex, …; "" unknown
	Changes    []string  `json:"changes,omitempty"`   // for EventChangedFinding: what changed
	FirstSeen  time.Time `json:"first_seen"`
	OccurredAt time.Time `json:"occurred_at"`
}

// Alert delivery states.
const (
	AlertPending   = "pending"
	AlertDelivered = "delivered"
	AlertDead      = "dead"
)

// Alert is one outbox row: one event for one sink.
type Alert struct {
	ID          string     `json:"id"` // stable webhook-id, the same on every retry
	Sink        string     `json:"sink"`
	Event       AlertEvent `json:"event"`
	State       string     `json:"state"`
	Attempts    int        `json:"attempts"`
	NextAttempt time.Time  `json:"next_attempt"`
	LastError   string     `json:"last_error,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	DeliveredAt time.Time  `json:"delivered_at,omitempty"`
}
