// Package fentinel holds the domain types that Fentinel's packages share:
// the pages the crawler fetches, the verdicts the detector gives, the
// findings the store keeps and the alerts the dispatcher delivers.
//
// It depends on nothing else in the module. Adapters live in subpackages:
// crawler (colly over Tor SOCKS), detect (pure detection), rules (rule files),
// store (SQLite), alert (webhook sinks) and marketsim (the simulated market);
// cmd/fentinel wires them together.
package fentinel

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
)

// Page is one fetched document, as the crawler hands it to detection and storage.
type Page struct {
	URL       string      // URL as requested (canonical form)
	FinalURL  string      // URL after redirects
	Site      string      // site key: the onion host, or the primary host of a mirror group
	Status    int         // HTTP status code
	FetchedAt time.Time   // when the body finished downloading
	Header    http.Header // response headers; Set-Cookie is removed before storage
	Body      []byte      // raw body as received (decompressed by the transport, capped)
	Truncated bool        // body hit the size cap
	Depth     int         // link depth from the seed (seed = 1)
	RunID     int64       // crawl run that fetched it; 0 for offline scans
}

// ContentHash returns the hex SHA-256 of the page body.
func (p Page) ContentHash() string {
	sum := sha256.Sum256(p.Body)
	return hex.EncodeToString(sum[:])
}

// ContentType returns the Content-Type header, or "" when absent. It is
// Header.Get("Content-Type") without canonicalising the key, which is
// already canonical, on every call (the detector asks once per page).
func (p Page) ContentType() string {
	if v := p.Header["Content-Type"]; len(v) > 0 {
		return v[0]
	}
	return ""
}
