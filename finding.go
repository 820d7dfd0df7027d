package fentinel

import "time"

// Finding is a flagged listing as the store keeps it: one row per listing
// URL (per site), updated on every crawl that sees it again.
type Finding struct {
	ID         int64     `json:"id"`
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
	Snippet    string    `json:"snippet,omitempty"`   // short evidence snippet
	PageKind   string    `json:"page_kind,omitempty"` // PageListing, PageIndex, …; "" unknown
	Status     string    `json:"status"`              // triage: new, confirmed, dismissed, escalated
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
}

// Triage statuses.
const (
	StatusNew       = "new"
	StatusConfirmed = "confirmed"
	StatusDismissed = "dismissed"
	StatusEscalated = "escalated"
)

// FindingFilter selects findings; zero values mean "no filter".
type FindingFilter struct {
	Since     time.Time // last_seen at or after
	MinScore  float64
	Substance string // canonical substance name
	Site      string // site host
	Status    string // triage status
	Severity  Severity
	PageKind  string // PageListing, PageIndex, …
	Limit     int
}

// CrawlRun is one crawl pass and its counters.
type CrawlRun struct {
	ID          int64          `json:"id"`
	Target      string         `json:"target,omitempty"`
	StartedAt   time.Time      `json:"started_at"`
	FinishedAt  time.Time      `json:"finished_at,omitempty"`
	Status      string         `json:"status"` // running, finished, failed, interrupted
	Fetched     int            `json:"fetched"`
	Skipped     int            `json:"skipped"`
	Errors      map[string]int `json:"errors,omitempty"`  // by error class
	Blocked     map[string]int `json:"blocked,omitempty"` // queue, captcha, login
	NewFindings int            `json:"new_findings"`
	Changed     int            `json:"changed_findings"`
	Error       string         `json:"error,omitempty"`
}
