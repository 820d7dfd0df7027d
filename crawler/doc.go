// Package crawler fetches onion-market pages through a Tor SOCKS proxy with
// colly and hands every text page on as a fentinel.Page.
//
// The HTTP transport has exactly one way out: a golang.org/x/net/proxy SOCKS5
// dialer to the configured proxy. Host names are sent to the proxy unresolved
// (SOCKS ATYP domain name), so .onion names are never looked up locally, and
// there is no code path that dials a target directly. Each site gets its own
// SOCKS credentials, derived from the site key and the session identity, so Tor
// (IsolateSOCKSAuth) keeps each market on its own circuits.
//
// A Crawler drives one colly collector synchronously from its own bounded
// worker pool over a Frontier (in memory, or persisted by the store so a
// killed crawl resumes). It enforces scope (seed hosts, a validated v3 onion
// allow-list, mirror groups), per-site concurrency and rate, depth and page
// caps, URL canonicalisation, trap defences, retry with backoff per Tor error
// class, login-wall, DDoS-queue and captcha detection, and body caps that hold
// after decompression.
package crawler
