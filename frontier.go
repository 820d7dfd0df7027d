package fentinel

import "time"

// QueuedURL is one entry of a crawl frontier. The crawler defines the
// Frontier interface; the store persists it so a killed crawl resumes.
type QueuedURL struct {
	URL       string    `json:"url"`  // canonical URL
	Site      string    `json:"site"` // site key (mirror group)
	Depth     int       `json:"depth"`
	Parent    string    `json:"parent,omitempty"`
	Attempts  int       `json:"attempts,omitempty"`
	NotBefore time.Time `json:"not_before,omitempty"` // do not fetch before (retry backoff, queue pages)
}
