package crawler

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/fentinel/fentinel"
)

// Crawler crawls onion sites through a Tor SOCKS proxy. Create it with New;
// one Crawler runs one crawl at a time.
type Crawler struct {
	cfg            Config
	proxyAddr      string
	log            *slog.Logger
	scope          *scope
	seeds          []fentinel.QueuedURL
	cookies        []HostCookie
	cookieSites    map[string]bool
	expiredCookies int
	iso            *isolation
	dialer         *torDialer
	transport      *http.Transport
	retry          retryPolicy
	frontier       Frontier
	wire           atomic.Int64
	running        atomic.Bool
}

// PageInfo is what the crawler knows about a page beyond fentinel.Page
// (whose fields are fixed by the root package). RunInfo hands it to the
// handler next to the page.
type PageInfo struct {
	ContentHash string // hex SHA-256 of Page.Body (Page.ContentHash())
	LastHash    string // hash recorded for the URL by the previous pass ("" if none)
	Unchanged   bool   // ContentHash == LastHash: the pipeline may skip detection
	Title       string // <title>, trimmed
	Links       int    // new in-scope URLs this page added to the frontier
	Attempts    int    // failed attempts before this successful one
}

type pageInfoKey struct{}

// InfoFrom returns the PageInfo of the page a handler was called for, from
// the handler's context. It lets a Run handler (which gets no PageInfo
// argument) skip detection of unchanged pages.
func InfoFrom(ctx context.Context) (PageInfo, bool) {
	info, ok := ctx.Value(pageInfoKey{}).(PageInfo)
	return info, ok
}

// Handler receives every fetched 2xx text page. It may be called from
// several goroutines at once. An error stops the Run and is returned by it;
// the page is then not marked visited, so a resumed crawl fetches it again.
type Handler func(ctx context.Context, p fentinel.Page, info PageInfo) error

// New validates cfg, applies the defaults and builds the fail-closed
// transport. It reads the cookies file, if any. No connection is made.
func New(cfg Config) (*Crawler, error) {
	cfg = cfg.withDefaults()
	addr, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	if cfg.PerHost > cfg.Concurrency {
		cfg.PerHost = cfg.Concurrency
	}
	sc, err := newScope(cfg)
	if err != nil {
		return nil, err
	}
	c := &Crawler{cfg: cfg, proxyAddr: addr, log: cfg.Logger, scope: sc, cookieSites: map[string]bool{}}
	seen := map[string]bool{}
	for _, raw := range cfg.Seeds {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil {
			return nil, configErr("seed", "%q: %v", raw, err)
		}
		u = sc.rewrite(u)
		canon, err := canonicalURL(u)
		if err != nil {
			return nil, configErr("seed", "%v", err)
		}
		site, _ := sc.siteOf(u.Hostname())
		if !seen[canon] {
			seen[canon] = true
			c.seeds = append(c.seeds, fentinel.QueuedURL{URL: canon, Site: site, Depth: 1})
		}
	}
	for _, s := range cfg.Cookies {
		hc, err := ParseCookieFlag(s)
		if err != nil {
			return nil, configErr("cookie", "%v", err)
		}
		if _, ok := sc.siteOf(hc.Host); !ok {
			return nil, configErr("cookie", "cookie %s for host %q, which is not in the crawl scope (seeds and allow-list)", hc.Cookie.Name, hc.Host)
		}
		c.cookies = append(c.cookies, hc)
	}
	if cfg.CookiesFile != "" {
		hcs, expired, err := ReadCookiesFile(cfg.CookiesFile, cfg.Now())
		if err != nil {
			return nil, err
		}
		c.expiredCookies = expired
		ignored := 0
		for _, hc := range hcs {
			if _, ok := sc.siteOf(hc.Host); !ok {
				ignored++
				continue
			}
			c.cookies = append(c.cookies, hc)
		}
		if ignored > 0 || expired > 0 {
			c.log.Info("crawler: cookies file read", "file", cfg.CookiesFile, "used", len(hcs)-ignored, "out_of_scope", ignored, "expired", expired)
		}
	}
	for _, hc := range c.cookies {
		site, _ := sc.siteOf(hc.Host)
		c.cookieSites[site] = true
	}

	key := make([]byte, 32)
	if cfg.Isolation != "" {
		sum := sha256.Sum256([]byte("fentinel isolation\x00" + cfg.Isolation))
		key = sum[:]
	} else if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("crawler: isolation key: %w", err)
	}
	c.iso = &isolation{key: key, gen: map[string]uint64{}}

	dial := cfg.dialProxy
	if dial == nil {
		nd := &net.Dialer{Timeout: cfg.ConnectTimeout}
		dial = nd.DialContext
	}
	c.dialer = &torDialer{
		forward:        forwardDialer{addr: addr, dial: dial},
		connectTimeout: cfg.ConnectTimeout,
		siteOf:         sc.siteOf,
		creds:          c.iso.creds,
		wire:           &c.wire,
		dialers:        map[string]proxyContextDialer{},
	}
	c.transport = newTransport(c.dialer, cfg)
	c.retry = newRetryPolicy(cfg.Retry, cfg.Rand)
	c.frontier = cfg.Frontier
	if c.frontier == nil {
		c.frontier = NewMemoryFrontier()
	}
	if cfg.PerHostRate >= PoliteRate {
		c.log.Warn("crawler: per-host rate at or above what EndGame fronts tolerate per circuit", "rate", cfg.PerHostRate, "limit", PoliteRate)
	}
	return c, nil
}

// ProxyAddr returns the host:port of the SOCKS proxy.
func (c *Crawler) ProxyAddr() string { return c.proxyAddr }

// Seeds returns the canonical seed items.
func (c *Crawler) Seeds() []fentinel.QueuedURL { return append([]fentinel.QueuedURL(nil), c.seeds...) }

// Frontier returns the frontier the crawler uses.
func (c *Crawler) Frontier() Frontier { return c.frontier }

// Site returns the site key of a URL's host and whether it is in scope.
func (c *Crawler) Site(rawURL string) (string, bool) {
	return c.scope.siteOf(hostOf(rawURL))
}

// Run crawls from the seeds (or resumes the frontier) and calls handle for
// every 2xx text page. See RunInfo.
func (c *Crawler) Run(ctx context.Context, handle func(context.Context, fentinel.Page) error) (Stats, error) {
	return c.RunInfo(ctx, func(ctx context.Context, p fentinel.Page, _ PageInfo) error { return handle(ctx, p) })
}

// errBusy is returned when Run is called while another Run is active.
var errBusy = errors.New("crawler: a run is already in progress")
