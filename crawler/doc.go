// Package crawler fetches onion-market pages through a Tor SOCKS proxy with
// colly and hands every text page on as a fentinel.Page.
//
// # OPSEC: one way out
//
// The HTTP transport has Proxy nil and, as DialContext, a
// golang.org/x/net/proxy SOCKS5 dialer to the configured proxy; the only
// TCP connection the package opens is to the proxy address (a forward
// dialer refuses any other). Target host names are sent to the proxy
// unresolved (SOCKS ATYP 3), so .onion names are never looked up locally,
// and hosts outside the scope are refused by the dialer itself. HTTP/2 is
// off. Each site gets SOCKS credentials derived (HMAC) from its site key and
// the session identity (Config.Isolation), so Tor's IsolateSOCKSAuth keeps
// every market on its own circuits; the credentials are never logged.
// Preflight checks the proxy with a SOCKS5 greeting (no CONNECT) and, with a
// Control (e.g. *torctl.Conn), GETINFO status/circuit-established; it fails
// within 30 s with an error wrapping ErrProxyUnreachable that names the
// proxy.
//
// # Scheduling
//
// A Crawler drives one colly collector synchronously (never colly.Async)
// from a fixed pool of Config.Concurrency workers over a Frontier: a
// dispatcher pops due items, keeps them per site and starts them within the
// global bound, the per-site bound (PerHost, at most 15 streams) and rate
// (PerHostRate, default 2/s, under EndGame's 6/s per circuit), and per-site
// holds (DDoS-queue waits, sites marked down, captcha walls). Colly's own
// visited set is off (AllowURLRevisit): the Frontier owns it, so a failed URL
// can be retried. Every colly setting is pinned after NewCollector, so
// COLLY_* environment variables change nothing.
//
// # Failures
//
// SOCKS replies, Tor's extended onion codes F0–F7 included, become
// *TorError (errors.As) with Code, Class and Retryable. Each error class has
// a retry policy (Backoff: attempts, base, cap; equal jitter; Retry-After
// honoured as a lower bound). A site with DownAfter consecutive connection
// failures is marked down for DownFor (doubling per failed probe, up to an
// hour), then probed with one request; onion-service failures also trigger
// a NEWNYM through the Control, which the control client rate-limits.
//
// # Scope, traps and hostile pages
//
// Scope is the seed hosts, AllowHosts (v3 checksum verified) and mirror
// groups (Config.Mirrors, or detected from a site's mirror list); clearnet
// hosts only with Config.Clearnet, still through the proxy. URLs are
// canonicalised (Canonicalize). Links to images, media, archives and other
// non-text URLs are never requested; a response whose Content-Type is not
// text/html, application/xhtml+xml or text/plain is aborted after the
// headers, before any body byte is read. Bodies are capped at MaxBodyBytes
// after decompression (Accept-Encoding is never set by hand, so net/http
// gunzips under colly's limit). Bodies are handed on as received: colly's
// charset conversion is bypassed and the Content-Type header kept, so
// detection decodes them. Trap defences: repeating path segments, deep and
// long URLs, ever-growing queries, too many query variants per path,
// calendar-like URL sequences, exact duplicate bodies and near-duplicate
// page shapes (Trap* constants, counted in Stats.Traps). Pagination links
// keep their parent's depth and have their own budget.
//
// # Sessions and fronts
//
// Cookies come from HOST=NAME=VALUE entries and Netscape cookies.txt files.
// A redirect to a login page is a login wall (Stats.Blocked["login"]; with
// cookies configured for the site also Stats.SessionExpired). An
// EndGame-style queue page (meta refresh plus queue wording) holds the whole
// site until its advertised refresh has passed, plus a second — never
// earlier — keeping the queue cookie. Captcha pages are recorded and, after
// three, the site waits for a human. A "DDOS filter killed your path" 403
// rotates the site's SOCKS identity.
//
// # Runs, resumption and recrawls
//
// RunInfo (and Run) first calls Frontier.Recover. An empty frontier starts a
// new pass (Frontier.NewPass) from the seeds; otherwise the crawl resumes.
// A page is marked done only after the handler returned nil, so a killed
// crawl refetches at most the pages that were in flight. On cancel,
// in-flight fetches get DrainTimeout to finish and be handed on. A run that
// reaches MaxPages leaves its queue for the next run; a run that finishes
// drops what is deferred past RetryHorizon, so the next run starts a fresh
// pass. PageInfo.Unchanged says a page has the content hash it had in the
// previous pass, so the pipeline may skip detection. Config.Progress gets
// Stats snapshots for a progress line.
package crawler
