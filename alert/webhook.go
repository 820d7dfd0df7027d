package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// EventDigest is the type of a digest message (several findings at once).
const EventDigest = "finding.digest"

// Payload is the JSON body of a generic webhook for one finding event.
// Fields are flat at the top level; strings from the listing are cleaned
// (no HTML, no control characters, capped length).
type Payload struct {
	Type       string    `json:"type"`      // finding.new or finding.changed
	Timestamp  time.Time `json:"timestamp"` // when the event happened (finding stored)
	AlertID    string    `json:"alert_id"`  // same as the webhook-id header
	ID         int64     `json:"id"`        // finding id (fentinel show ID)
	URL        string    `json:"url"`
	Site       string    `json:"site"`
	Title      string    `json:"title"`
	Score      float64   `json:"score"`
	Severity   string    `json:"severity"`
	Substances []string  `json:"substances"`
	Classes    []string  `json:"classes"`
	Price      *float64  `json:"price"` // null when no price was found
	Currency   string    `json:"currency"`
	Vendor     string    `json:"vendor"`
	Snippet    string    `json:"snippet"` // short evidence snippet
	PageKind   string    `json:"page_kind,omitempty"`
	Changes    []string  `json:"changes,omitempty"`
	FirstSeen  time.Time `json:"first_seen"`
}

// DigestPayload is the JSON body of a generic webhook digest.
type DigestPayload struct {
	Type      string    `json:"type"` // finding.digest
	Timestamp time.Time `json:"timestamp"`
	DigestID  string    `json:"digest_id"` // same as the webhook-id header
	Count     int       `json:"count"`
	Findings  []Payload `json:"findings"`
}

// NewPayload builds the webhook payload for an alert.
func NewPayload(a fentinel.Alert) Payload {
	v := newView(a)
	p := Payload{
		Type:       v.Type,
		Timestamp:  v.OccurredAt,
		AlertID:    a.ID,
		ID:         v.FindingID,
		URL:        v.URL,
		Site:       v.Site,
		Title:      cleanText(a.Event.Title, maxTitle),
		Score:      v.Score,
		Severity:   v.Severity.String(),
		Substances: nonNil(v.Substances),
		Classes:    nonNil(v.Classes),
		Currency:   v.Currency,
		Vendor:     cleanText(a.Event.Vendor, maxVendor),
		Snippet:    cleanText(a.Event.Snippet, maxSnippet),
		PageKind:   v.PageKind,
		Changes:    v.Changes,
		FirstSeen:  v.FirstSeen,
	}
	if v.RawPrice != 0 {
		price := v.RawPrice
		p.Price = &price
	}
	return p
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Webhook is a generic webhook sink signed per Standard Webhooks.
type Webhook struct {
	name   string
	url    string
	keys   [][]byte
	client *http.Client
	// Now gives the webhook-timestamp; time.Now when nil. Tests set it.
	Now func() time.Time
}

// NewWebhook returns a Standard Webhooks sink posting to url. secret is
// "whsec_<base64>", or several such secrets separated by spaces during key
// rotation (each signs; the header carries every signature). An empty
// secret sends unsigned messages (no webhook-signature header): receivers
// cannot authenticate them, so use that only for local testing. client nil
// means NewHTTPClient(DefaultTimeout).
func NewWebhook(name, rawURL, secret string, client *http.Client) (*Webhook, error) {
	if err := checkHTTPURL(rawURL); err != nil {
		return nil, fmt.Errorf("alert: webhook %s: %w", name, err)
	}
	var keys [][]byte
	if strings.TrimSpace(secret) != "" {
		var err error
		if keys, err = parseSecrets(secret); err != nil {
			return nil, fmt.Errorf("alert: webhook %s: %w", name, err)
		}
	}
	if client == nil {
		client = NewHTTPClient(DefaultTimeout)
	}
	return &Webhook{name: name, url: rawURL, keys: keys, client: client}, nil
}

// checkHTTPURL accepts absolute http and https URLs only.
func checkHTTPURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("url must be an absolute http(s) URL")
	}
	return nil
}

// Name returns the sink's name.
func (w *Webhook) Name() string { return w.name }

func (w *Webhook) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Send posts one alert. The webhook-id is the outbox row's id, so every
// retry carries the same id; the timestamp is that of this attempt.
func (w *Webhook) Send(ctx context.Context, a fentinel.Alert) error {
	body, err := json.Marshal(NewPayload(a))
	if err != nil {
		return &DeliveryError{Sink: w.name, Permanent: true, Err: fmt.Errorf("encode payload: %w", err)}
	}
	return w.post(ctx, a.ID, body)
}

// SendBatch posts a digest of several alerts under the digest id.
func (w *Webhook) SendBatch(ctx context.Context, id string, alerts []fentinel.Alert) error {
	d := DigestPayload{Type: EventDigest, DigestID: id, Count: len(alerts)}
	for _, a := range alerts {
		p := NewPayload(a)
		d.Findings = append(d.Findings, p)
		if p.Timestamp.After(d.Timestamp) {
			d.Timestamp = p.Timestamp
		}
	}
	body, err := json.Marshal(d)
	if err != nil {
		return &DeliveryError{Sink: w.name, Permanent: true, Err: fmt.Errorf("encode digest: %w", err)}
	}
	return w.post(ctx, id, body)
}

func (w *Webhook) post(ctx context.Context, id string, body []byte) error {
	ts := w.now()
	h := http.Header{}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, fmt.Sprint(ts.Unix()))
	if len(w.keys) > 0 {
		sig, err := signKeys(w.keys, id, ts, body)
		if err != nil {
			return &DeliveryError{Sink: w.name, Permanent: true, Err: err}
		}
		h.Set(HeaderSignature, sig)
	}
	return postJSON(ctx, w.client, w.name, w.url, h, body, w.now, nil)
}
