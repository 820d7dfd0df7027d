package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// PagerDutyEventsURL is the Events API v2 enqueue endpoint.
const PagerDutyEventsURL = "https://events.pagerduty.com/v2/enqueue"

// PagerDuty triggers incidents through the PagerDuty Events API v2. The
// dedup_key is per finding ("fentinel-finding-<id>"), so a re-alert for a
// changed listing updates the same incident instead of opening another.
type PagerDuty struct {
	name       string
	url        string
	routingKey string
	client     *http.Client
}

// NewPagerDuty returns a PagerDuty sink. routingKey is the integration key
// (a secret: it is sent only in the routing_key field PagerDuty requires,
// never logged). eventsURL "" means PagerDutyEventsURL.
func NewPagerDuty(name, routingKey, eventsURL string, client *http.Client) (*PagerDuty, error) {
	if eventsURL == "" {
		eventsURL = PagerDutyEventsURL
	}
	if err := checkHTTPURL(eventsURL); err != nil {
		return nil, fmt.Errorf("alert: pagerduty %s: %w", name, err)
	}
	if strings.TrimSpace(routingKey) == "" {
		return nil, fmt.Errorf("alert: pagerduty %s: routing key required (secret_env or secret_file)", name)
	}
	if client == nil {
		client = NewHTTPClient(DefaultTimeout)
	}
	return &PagerDuty{name: name, url: eventsURL, routingKey: strings.TrimSpace(routingKey), client: client}, nil
}

// Name returns the sink's name.
func (p *PagerDuty) Name() string { return p.name }

// pdSeverity maps Fentinel severities to PagerDuty's four.
func pdSeverity(s fentinel.Severity) string {
	switch {
	case s >= fentinel.SeverityCritical:
		return "critical"
	case s == fentinel.SeverityHigh:
		return "error"
	case s == fentinel.SeverityMedium:
		return "warning"
	}
	return "info"
}

type pdEvent struct {
	RoutingKey  string    `json:"routing_key"`
	EventAction string    `json:"event_action"`
	DedupKey    string    `json:"dedup_key"`
	Client      string    `json:"client"`
	Payload     pdPayload `json:"payload"`
}

type pdPayload struct {
	Summary       string         `json:"summary"`
	Severity      string         `json:"severity"`
	Source        string         `json:"source"`
	Timestamp     string         `json:"timestamp,omitempty"`
	Component     string         `json:"component"`
	Group         string         `json:"group,omitempty"`
	Class         string         `json:"class,omitempty"`
	CustomDetails map[string]any `json:"custom_details"`
}

// PagerDutyDedupKey is the dedup_key used for a finding.
func PagerDutyDedupKey(findingID int64) string {
	return fmt.Sprintf("fentinel-finding-%d", findingID)
}

func (p *PagerDuty) event(a fentinel.Alert) pdEvent {
	v := newView(a)
	details := map[string]any{
		"finding_id": v.FindingID,
		"alert_id":   v.AlertID,
		"event":      v.Type,
		"title":      v.Title,
		"substances": nonNil(v.Substances),
		"score":      v.Score,
		"market":     defangHost(v.Site),
		"price":      v.Price,
		"vendor":     v.Vendor,
		"first_seen": v.firstSeenText(),
		"url":        v.Defanged,
		"snippet":    v.Snippet,
	}
	if c := v.changesText(); c != "" {
		details["changed"] = c
	}
	if v.PageKind != "" {
		details["page_kind"] = v.PageKind
	}
	ev := pdEvent{
		RoutingKey:  p.routingKey,
		EventAction: "trigger",
		DedupKey:    PagerDutyDedupKey(v.FindingID),
		Client:      "Fentinel",
		Payload: pdPayload{
			Summary:       truncate(v.headline()+" ("+defangHost(v.Site)+")", 1024),
			Severity:      pdSeverity(v.Severity),
			Source:        truncate(defangHost(v.Site), 255),
			Component:     "fentinel",
			Group:         "darkweb-listings",
			Class:         strings.Join(v.Classes, ","),
			CustomDetails: details,
		},
	}
	if !v.OccurredAt.IsZero() {
		ev.Payload.Timestamp = v.OccurredAt.Format(time.RFC3339)
	}
	if ev.Payload.Source == "" {
		ev.Payload.Source = "fentinel"
	}
	return ev
}

// PagerDutyEvent builds the JSON body for one alert.
func (p *PagerDuty) PagerDutyEvent(a fentinel.Alert) ([]byte, error) {
	return json.Marshal(p.event(a))
}

// Send triggers (or updates) the finding's incident.
func (p *PagerDuty) Send(ctx context.Context, a fentinel.Alert) error {
	body, err := p.PagerDutyEvent(a)
	if err != nil {
		return &DeliveryError{Sink: p.name, Permanent: true, Err: err}
	}
	return postJSON(ctx, p.client, p.name, p.url, nil, body, time.Now, nil)
}

// SendBatch sends one event per alert (PagerDuty deduplicates per
// finding, so a digest would hide incidents); it stops at the first failure.
// Events already accepted are harmless to resend: same dedup_key.
func (p *PagerDuty) SendBatch(ctx context.Context, _ string, alerts []fentinel.Alert) error {
	for _, a := range alerts {
		if err := p.Send(ctx, a); err != nil {
			return err
		}
	}
	return nil
}
