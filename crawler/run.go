package crawler

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/gocolly/colly/v2"
)

// farFuture is used to pop every remaining item regardless of NotBefore.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	maxQueueWaitsPerURL = 5
	loginWallsToBlock   = 3
	captchasToBlock     = 3
	captchaHold         = time.Hour
	queueMargin         = time.Second // added to an advertised queue refresh: never early
	pollInterval        = time.Second
)

// redirectScopeError is a redirect to a host outside the scope, refused.
type redirectScopeError struct{ to string }

func (e *redirectScopeError) Error() string {
	return "refused redirect out of scope to " + e.to
}

// errNonTextRedirect is a redirect to a URL that is never a text page.
var errNonTextRedirect = errors.New("refused redirect to a non-text URL")

// outcome is what a worker reports to the dispatcher about one item.
type outcome struct {
	site      string
	url       string
	response  bool      // an HTTP response arrived (the site is up)
	connFail  bool      // connection-level failure: counts toward marking the site down
	onionFail bool      // onion-service failure (descriptor/intro/rendezvous): NEWNYM may help
	proxyFail bool      // the SOCKS proxy could not be reached
	deferred  time.Time // the item was put back, due at this time
	hold      time.Time // no request to the site before this (DDoS queue)
	block     string    // captcha or login: defer the whole site
	fatal     error
}

type siteState struct {
	buf       []fentinel.QueuedURL
	inflight  int
	nextStart time.Time
	hold      time.Time
	downUntil time.Time
	downs     int
	fails     int
	probing   bool
	pages     int
	blocked   string
	hosts     []string // primary then mirrors, for failover
	hostIdx   int      // host currently fetched from
	switched  int      // failovers since the last response
}

// run is the state of one Run.
type run struct {
	c        *Crawler
	cfg      Config
	handle   Handler
	stats    *statsBox
	traps    *trapGuard
	coll     *colly.Collector
	workCtx  context.Context // frontier and handler calls; outlives a cancel until the drain deadline
	hardCtx  context.Context // in-flight transfers; cancelled at the drain deadline
	interval time.Duration
	wire0    int64 // wire byte counter at the start of the run

	mu         sync.Mutex
	via        map[string]string // site -> host fetched from when not the primary (mirror failover)
	queueWaits map[string]int
	loginWalls map[string]int
	captchas   map[string]int

	nymBusy atomic.Bool
	nymWG   sync.WaitGroup
}

// RunInfo crawls and calls handle for every 2xx text page with its PageInfo.
//
// It first calls Frontier.Recover. When the frontier is then empty a new
// pass starts (Frontier.NewPass) from the seeds; otherwise the crawl resumes
// where the previous run stopped (seeds already visited are skipped).
//
// Run returns when the frontier has nothing due within RetryHorizon (the
// rest is dropped as deferred and the pass is complete), when MaxPages is
// reached (the rest stays queued for the next run), when handle fails, or
// when ctx is cancelled: then in-flight fetches get DrainTimeout to finish
// and be handed on, and the queue is kept so the next Run resumes. The error
// is nil only in the first two cases.
func (c *Crawler) RunInfo(ctx context.Context, handle Handler) (Stats, error) {
	if !c.running.CompareAndSwap(false, true) {
		return Stats{}, errBusy
	}
	defer c.running.Store(false)

	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	hardCtx, cancelHard := context.WithCancel(workCtx)
	defer cancelHard()

	r := &run{
		c: c, cfg: c.cfg, handle: handle,
		stats: newStatsBox(), traps: newTrapGuard(),
		workCtx: workCtx, hardCtx: hardCtx,
		interval: time.Duration(float64(time.Second) / c.cfg.PerHostRate),
		via:      map[string]string{}, queueWaits: map[string]int{}, loginWalls: map[string]int{}, captchas: map[string]int{},
	}
	r.wire0 = c.wire.Load()

	f := c.frontier
	if err := f.Recover(ctx); err != nil {
		return r.stats.snapshot(), fmt.Errorf("crawler: frontier recover: %w", err)
	}
	pending, err := f.Pending(ctx)
	if err != nil {
		return r.stats.snapshot(), fmt.Errorf("crawler: frontier pending: %w", err)
	}
	if pending == 0 {
		if err := f.NewPass(ctx); err != nil {
			return r.stats.snapshot(), fmt.Errorf("crawler: frontier new pass: %w", err)
		}
	} else {
		c.log.Info("crawler: resuming crawl", "pending", pending)
	}
	added, err := f.Push(ctx, c.seeds)
	if err != nil {
		return r.stats.snapshot(), fmt.Errorf("crawler: frontier push seeds: %w", err)
	}
	r.stats.update(func(s *Stats) { s.Queued += added })

	r.coll = r.newCollector()
	err = r.dispatch(ctx, cancelHard)
	r.nymWG.Wait()
	// Runs are far apart: keep no connection (and no goroutine) between them.
	c.transport.CloseIdleConnections()
	if p, perr := f.Pending(workCtx); perr == nil {
		r.stats.update(func(s *Stats) { s.Pending = p })
	}
	st := r.stats.snapshot()
	st.WireBytes = c.wire.Load() - r.wire0
	if c.cfg.Progress != nil {
		c.cfg.Progress(st)
	}
	c.log.Info("crawler: run finished", "fetched", st.Fetched, "requests", st.Requests, "errors", st.ErrorCount(),
		"skipped", st.Skipped, "blocked", st.Blocked, "pending", st.Pending, "bytes", st.Bytes)
	return st, err
}

// newCollector builds the colly collector for one run. Every setting is
// pinned after NewCollector so COLLY_* environment variables cannot change
// crawl policy.
func (r *run) newCollector() *colly.Collector {
	cfg := r.cfg
	coll := colly.NewCollector()
	coll.UserAgent = cfg.UserAgent
	coll.Headers = nil
	coll.MaxDepth = 0 // depth is enforced on the frontier
	coll.MaxRequests = 0
	coll.AllowedDomains, coll.DisallowedDomains = nil, nil
	coll.URLFilters, coll.DisallowedURLFilters = nil, nil
	coll.AllowURLRevisit = true // the frontier owns the visited set; colly would mark failures visited
	coll.IgnoreRobotsTxt = true
	coll.Async = false // driven synchronously by our bounded workers
	coll.CacheDir = ""
	coll.CheckHead = false
	coll.DetectCharset = false
	coll.ParseHTTPErrorResponse = true // every status reaches OnResponse; we classify
	coll.TraceHTTP = false
	// One byte over the cap: a body that long was truncated (colly cuts silently).
	coll.MaxBodySize = int(cfg.MaxBodyBytes) + 1
	coll.Context = r.hardCtx
	coll.WithTransport(r.c.transport)
	coll.SetRequestTimeout(cfg.Timeout)
	coll.SetRedirectHandler(r.checkRedirect)
	for _, hc := range r.c.cookies {
		ck := *hc.Cookie
		for _, scheme := range []string{"http", "https"} {
			if err := coll.SetCookies(scheme+"://"+hc.Host+"/", []*http.Cookie{&ck}); err != nil {
				r.c.log.Warn("crawler: cookie not set", "host", hc.Host, "name", ck.Name, "err", err)
			}
		}
	}
	coll.OnRequest(func(req *colly.Request) {
		if r.hardCtx.Err() != nil {
			req.Abort()
		}
	})
	coll.OnResponseHeaders(func(resp *colly.Response) {
		ct := resp.Headers.Get("Content-Type")
		resp.Ctx.Put("ct", ct)
		resp.Ctx.Put("final", resp.Request.URL.String())
		if !textContentType(ct) {
			resp.Ctx.Put("nontext", true)
			resp.Request.Abort() // the body is never read
			return
		}
		// Colly transcodes bodies whose Content-Type names a charset; the
		// crawler hands bodies on as received (detect decodes them), so the
		// parameter is hidden from colly here and restored on the Page.
		if mt, _, err := mime.ParseMediaType(ct); err == nil && ct != "" {
			resp.Headers.Set("Content-Type", mt)
		}
	})
	coll.OnResponse(func(resp *colly.Response) {
		resp.Ctx.Put("resp", resp)
	})
	return coll
}

// textContentType reports whether a Content-Type may be read: text/html,
// application/xhtml+xml, text/plain, or absent (sniffed after a capped read).
func textContentType(ct string) bool {
	if strings.TrimSpace(ct) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	switch mt {
	case "text/html", "application/xhtml+xml", "text/plain":
		return true
	}
	return false
}

func (r *run) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if _, ok := r.c.scope.siteOf(req.URL.Hostname()); !ok {
		return &redirectScopeError{to: req.URL.Redacted()}
	}
	if nonTextURL(req.URL) {
		return errNonTextRedirect
	}
	return nil
}

// requestHeaders are Tor-Browser-like navigation headers. Accept-Encoding is
// deliberately absent: net/http adds gzip itself and decompresses under the
// body cap (setting it by hand defeats the cap in colly v2.3.0).
func (r *run) requestHeaders(it fentinel.QueuedURL) http.Header {
	h := http.Header{}
	h.Set("User-Agent", r.cfg.UserAgent)
	h.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	h.Set("Accept-Language", "en-US,en;q=0.5")
	h.Set("Upgrade-Insecure-Requests", "1")
	h.Set("Sec-Fetch-Dest", "document")
	h.Set("Sec-Fetch-Mode", "navigate")
	if it.Parent != "" && hostOf(it.Parent) == hostOf(it.URL) {
		h.Set("Referer", it.Parent)
		h.Set("Sec-Fetch-Site", "same-origin")
	} else {
		h.Set("Sec-Fetch-Site", "none")
	}
	return h
}

// dispatch is the scheduler: it pops due items, keeps them per site, and
// starts them on a fixed pool of workers within the global, per-site,
// rate, hold and down limits. Only this goroutine touches site state.
func (r *run) dispatch(ctx context.Context, cancelHard context.CancelFunc) error {
	cfg := r.cfg
	f := r.c.frontier
	jobs := make(chan fentinel.QueuedURL, cfg.Concurrency)
	results := make(chan outcome, cfg.Concurrency)
	var wg sync.WaitGroup
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range jobs {
				results <- r.fetch(it)
			}
		}()
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()

	sites := map[string]*siteState{}
	var order []string
	state := func(site string) *siteState {
		st := sites[site]
		if st == nil {
			st = &siteState{}
			sites[site] = st
			order = append(order, site)
		}
		return st
	}
	deferred := map[string]time.Time{}
	inflight, buffered, responses := 0, 0, 0
	bufCap := 4 * cfg.Concurrency
	if bufCap < 64 {
		bufCap = 64
	}
	var fatal error
	consecutiveProxyFails := 0
	proxyFails := 0
	budgetHit := false
	ctxDone := ctx.Done()
	stopping := false
	var drainTimer <-chan time.Time
	progress := time.NewTicker(cfg.ProgressInterval)
	defer progress.Stop()
	rr := 0

	startable := func(st *siteState, now time.Time) (time.Time, bool) {
		t := st.nextStart
		if st.hold.After(t) {
			t = st.hold
		}
		if st.downUntil.After(t) {
			t = st.downUntil
		}
		if t.After(now) {
			return t, false
		}
		limit := cfg.PerHost
		if st.probing || st.blocked != "" {
			limit = 1
		}
		return time.Time{}, st.inflight < limit
	}

	apply := func(o outcome, now time.Time) {
		inflight--
		st := state(o.site)
		st.inflight--
		if o.fatal != nil && fatal == nil {
			fatal = o.fatal
		}
		if o.response {
			responses++
			st.switched = 0
			st.fails = 0
			st.probing = false
			st.downs = 0
			consecutiveProxyFails = 0
		}
		if !o.deferred.IsZero() {
			deferred[o.url] = o.deferred
		}
		if o.hold.After(st.hold) {
			st.hold = o.hold
		}
		if o.block != "" && st.blocked == "" {
			st.blocked = o.block
			st.hold = now.Add(captchaHold)
		}
		if o.proxyFail {
			proxyFails++
			consecutiveProxyFails++
			if consecutiveProxyFails >= cfg.DownAfter*2 && fatal == nil {
				fatal = fmt.Errorf("crawler: SOCKS proxy %s failed %d times in a row: %w", r.c.proxyAddr, consecutiveProxyFails, ErrProxyUnreachable)
			}
		}
		if o.connFail {
			st.fails++
			if st.fails >= cfg.DownAfter && r.failover(o.site, st) {
				st.fails = 0
			} else if st.probing || st.fails >= cfg.DownAfter {
				st.downs++
				d := cfg.DownFor
				for i := 1; i < st.downs && d < time.Hour; i++ {
					d *= 2
				}
				if d > time.Hour {
					d = time.Hour
				}
				st.downUntil = now.Add(d)
				st.probing = true
				st.fails = 0
				r.stats.update(func(s *Stats) { s.HostsDown++ })
				r.c.log.Info("crawler: site marked down", "site", o.site, "for", d.String(), "downs", st.downs)
				if o.onionFail {
					r.newNym()
				}
			}
		}
	}

	giveBack := func(drop bool) {
		// Items popped but never started go back to the queue.
		for _, site := range order {
			st := sites[site]
			for _, it := range st.buf {
				if err := f.Retry(r.workCtx, it, it.NotBefore, ""); err != nil {
					r.c.log.Warn("crawler: frontier retry", "url", it.URL, "err", err)
				}
			}
			buffered -= len(st.buf)
			st.buf = nil
		}
		if !drop {
			return
		}
		// The pass is complete: whatever is still queued waits past the
		// horizon; drop it so the next run starts a fresh pass.
		for {
			items, err := f.Pop(r.workCtx, 256, farFuture)
			if err != nil || len(items) == 0 {
				return
			}
			for _, it := range items {
				if err := f.Drop(r.workCtx, it.URL, "deferred"); err != nil {
					r.c.log.Warn("crawler: frontier drop", "url", it.URL, "err", err)
				}
			}
			r.stats.update(func(s *Stats) { s.Deferred += len(items) })
		}
	}

	lastPoll := time.Time{}
	for {
		now := r.cfg.Now()
		if !stopping && (fatal != nil) {
			stopping = true
			drainTimer = time.After(cfg.DrainTimeout)
		}
		popped, polled := 0, false
		if !stopping {
			budgetHit = responses+inflight >= cfg.MaxPages
			if !budgetHit && buffered < bufCap && (inflight < cfg.Concurrency || now.Sub(lastPoll) >= pollInterval) {
				lastPoll, polled = now, true
				items, err := f.Pop(r.workCtx, bufCap-buffered, now)
				if err != nil {
					fatal = fmt.Errorf("crawler: frontier pop: %w", err)
					continue
				}
				popped = len(items)
				for _, it := range items {
					delete(deferred, it.URL)
					site := it.Site
					if site == "" {
						site, _ = r.c.scope.siteOf(hostOf(it.URL))
						it.Site = site
					}
					st := state(site)
					st.buf = append(st.buf, it)
					buffered++
				}
			}
			// Start what may start, round-robin over sites.
			for progressed := true; progressed && inflight < cfg.Concurrency && !budgetHit; {
				progressed = false
				for i := 0; i < len(order) && inflight < cfg.Concurrency; i++ {
					site := order[(rr+i)%len(order)]
					st := sites[site]
					if len(st.buf) == 0 {
						continue
					}
					if _, ok := startable(st, now); !ok {
						continue
					}
					it := st.buf[0]
					st.buf = st.buf[1:]
					buffered--
					progressed = true
					if st.pages >= cfg.MaxPagesPerHost {
						if err := f.Drop(r.workCtx, it.URL, SkipHostCap); err != nil {
							r.c.log.Warn("crawler: frontier drop", "url", it.URL, "err", err)
						}
						r.stats.skip(SkipHostCap)
						continue
					}
					st.pages++
					st.inflight++
					inflight++
					st.nextStart = now.Add(r.interval)
					jobs <- it
					budgetHit = responses+inflight >= cfg.MaxPages
					if budgetHit {
						break
					}
				}
				rr++
			}
		}

		// Decide whether the run is over, or when to look again.
		wake := now.Add(pollInterval)
		if inflight == 0 {
			if stopping || budgetHit {
				break
			}
			next := time.Time{}
			for _, st := range sites {
				if len(st.buf) == 0 {
					continue
				}
				if t, ok := startable(st, now); ok {
					next = now
				} else if next.IsZero() || t.Before(next) {
					next = t
				}
			}
			for u, t := range deferred {
				if !t.After(now) {
					if polled {
						delete(deferred, u) // due, yet not popped: no longer queued
					}
					continue
				}
				if next.IsZero() || t.Before(next) {
					next = t
				}
			}
			if next.IsZero() && popped == 0 && buffered == 0 {
				pending, err := f.Pending(r.workCtx)
				if err != nil {
					fatal = fmt.Errorf("crawler: frontier pending: %w", err)
					continue
				}
				if pending == 0 {
					break
				}
				// Items deferred by an earlier run: not known here, poll.
				next = now.Add(pollInterval)
			}
			if !next.IsZero() && next.Sub(now) > cfg.RetryHorizon {
				giveBack(true)
				break
			}
			if !next.IsZero() && next.Before(wake) {
				wake = next
			}
		} else {
			for _, st := range sites {
				if len(st.buf) == 0 {
					continue
				}
				if t, ok := startable(st, now); !ok && !t.IsZero() && t.Before(wake) {
					wake = t
				}
			}
		}
		d := wake.Sub(now)
		if d < time.Millisecond {
			d = time.Millisecond
		}
		timer := time.NewTimer(d)
		select {
		case o := <-results:
			apply(o, r.cfg.Now())
		case <-timer.C:
		case <-progress.C:
			if cfg.Progress != nil {
				st := r.stats.snapshot()
				st.WireBytes = r.c.wire.Load() - r.wire0
				cfg.Progress(st)
			}
		case <-ctxDone:
			ctxDone = nil
			stopping = true
			drainTimer = time.After(cfg.DrainTimeout)
		case <-drainTimer:
			drainTimer = nil
			cancelHard() // abort what is still in flight
		}
		timer.Stop()
	}
	// Drain what is still in flight (cancelHard bounds it after a cancel).
	if inflight > 0 && drainTimer == nil && stopping {
		cancelHard()
	}
	for inflight > 0 {
		select {
		case o := <-results:
			apply(o, r.cfg.Now())
		case <-drainTimer:
			drainTimer = nil
			cancelHard()
		}
	}
	switch {
	case fatal != nil:
		giveBack(false)
		return fatal
	case ctx.Err() != nil:
		giveBack(false)
		return fmt.Errorf("crawler: run interrupted: %w", ctx.Err())
	case budgetHit:
		giveBack(false)
		r.c.log.Info("crawler: page budget reached", "max_pages", cfg.MaxPages)
		return nil
	}
	giveBack(true)
	if responses == 0 && proxyFails > 0 {
		return fmt.Errorf("crawler: no page fetched: SOCKS proxy %s failed %d times: %w", r.c.proxyAddr, proxyFails, ErrProxyUnreachable)
	}
	return nil
}

// failover switches a failing site to its next mirror (primary, mirrors,
// round robin) and reports whether it did; once every host has failed in
// a row the site is marked down instead.
func (r *run) failover(site string, st *siteState) bool {
	if st.hosts == nil {
		st.hosts = append([]string{site}, r.c.scope.mirrorsOf(site)...)
	}
	if len(st.hosts) < 2 || st.switched >= len(st.hosts)-1 {
		st.switched = 0
		return false
	}
	st.switched++
	st.hostIdx = (st.hostIdx + 1) % len(st.hosts)
	host := st.hosts[st.hostIdx]
	r.mu.Lock()
	if host == site {
		delete(r.via, site)
	} else {
		r.via[site] = host
	}
	r.mu.Unlock()
	r.stats.update(func(s *Stats) { s.Failovers++ })
	r.c.log.Info("crawler: site failing: switching host", "site", site, "host", host)
	return true
}

// fetchURL returns the URL to request for an item: its own, or the same
// path on the mirror the site currently fails over to.
func (r *run) fetchURL(it fentinel.QueuedURL) string {
	r.mu.Lock()
	host := r.via[it.Site]
	r.mu.Unlock()
	if host == "" {
		return it.URL
	}
	u, err := url.Parse(it.URL)
	if err != nil || strings.ToLower(u.Hostname()) != it.Site {
		return it.URL
	}
	if p := u.Port(); p != "" {
		u.Host = host + ":" + p
	} else {
		u.Host = host
	}
	return u.String()
}

// newNym asks Tor for new circuits, at most one request at a time (Tor
// itself honours NEWNYM at most every 10 s).
func (r *run) newNym() {
	ctl := r.cfg.Control
	if ctl == nil || !r.nymBusy.CompareAndSwap(false, true) {
		return
	}
	r.nymWG.Add(1)
	go func() {
		defer r.nymWG.Done()
		defer r.nymBusy.Store(false)
		ctx, cancel := context.WithTimeout(r.workCtx, 15*time.Second)
		defer cancel()
		if err := ctl.NewNym(ctx); err != nil {
			r.c.log.Warn("crawler: tor NEWNYM failed", "err", err)
		}
	}()
}

// fetch runs one item through colly and settles it in the frontier.
func (r *run) fetch(it fentinel.QueuedURL) outcome {
	o := outcome{site: it.Site, url: it.URL}
	r.stats.update(func(s *Stats) { s.Requests++ })
	cctx := colly.NewContext()
	target := r.fetchURL(it)
	hdr := r.requestHeaders(it)
	if target != it.URL {
		hdr.Del("Referer") // the parent was on another host of the group
		hdr.Set("Sec-Fetch-Site", "none")
	}
	err := r.coll.Request(http.MethodGet, target, nil, cctx, hdr)
	resp, _ := cctx.GetAny("resp").(*colly.Response)
	if nt, _ := cctx.GetAny("nontext").(bool); nt {
		r.settleSkip(it, SkipNonText)
		o.response = true
		return o
	}
	if err != nil || resp == nil {
		if err == nil {
			err = errors.New("no response")
		}
		if r.hardCtx.Err() != nil {
			// Aborted at the drain deadline: leave the item in flight, the
			// next run's Recover queues it again.
			return o
		}
		if errors.Is(err, errNonTextRedirect) {
			r.settleSkip(it, SkipNonText)
			o.response = true
			return o
		}
		var rse *redirectScopeError
		if errors.As(err, &rse) {
			r.settleSkip(it, SkipRedirectScope)
			o.response = true
			r.c.log.Info("crawler: redirect out of scope refused", "url", it.URL, "to", rse.to)
			return o
		}
		if strings.Contains(err.Error(), "timeout awaiting response headers") {
			err = &timeoutError{class: ClassFirstByte, err: err}
		}
		class, retryable := classify(err)
		switch class {
		case ClassProxy:
			o.proxyFail = true
			o.connFail = false
		case ClassDescriptor, ClassIntro, ClassRendezvous:
			o.connFail, o.onionFail = true, true
		case ClassTTL, ClassUnreachable, ClassRefused, ClassSOCKS, ClassConnectTimeout, ClassFirstByte, ClassTimeout, ClassReset:
			o.connFail = true
		}
		r.c.log.Debug("crawler: fetch failed", "url", it.URL, "class", class, "err", err)
		o.deferred = r.settleFailure(it, class, retryable, 0)
		return o
	}
	o.response = true
	return r.page(it, resp, cctx, o)
}

func (r *run) settleSkip(it fentinel.QueuedURL, reason string) {
	r.stats.skip(reason)
	if err := r.c.frontier.Drop(r.workCtx, it.URL, reason); err != nil {
		r.c.log.Warn("crawler: frontier drop", "url", it.URL, "err", err)
	}
}

// settleFailure retries the item per the policy of its class, or drops it.
// It returns the time the item is due again (zero when dropped).
func (r *run) settleFailure(it fentinel.QueuedURL, class string, retryable bool, retryAfter time.Duration) time.Time {
	r.stats.update(func(s *Stats) { s.Errors[class]++ })
	attempts := it.Attempts + 1
	if d, ok := r.c.retry.next(class, retryable, attempts, retryAfter); ok {
		it.Attempts = attempts
		nb := r.cfg.Now().Add(d)
		if err := r.c.frontier.Retry(r.workCtx, it, nb, class); err != nil {
			r.c.log.Warn("crawler: frontier retry", "url", it.URL, "err", err)
			return time.Time{}
		}
		r.stats.update(func(s *Stats) { s.Retries++ })
		return nb
	}
	if err := r.c.frontier.Drop(r.workCtx, it.URL, class); err != nil {
		r.c.log.Warn("crawler: frontier drop", "url", it.URL, "err", err)
	}
	r.stats.update(func(s *Stats) { s.Dropped++ })
	return time.Time{}
}

// page handles a response: blocks (queue, captcha, login, killed circuit),
// status, traps, links, and finally the handler.
func (r *run) page(it fentinel.QueuedURL, resp *colly.Response, cctx *colly.Context, o outcome) outcome {
	cfg := r.cfg
	now := cfg.Now()
	body := resp.Body
	truncated := int64(len(body)) > cfg.MaxBodyBytes
	if truncated {
		body = body[:cfg.MaxBodyBytes]
	}
	r.stats.update(func(s *Stats) {
		s.Bytes += int64(len(body))
		if truncated {
			s.Truncated++
		}
	})
	header := http.Header{}
	if resp.Headers != nil {
		header = resp.Headers.Clone()
	}
	header.Del("Set-Cookie")
	header.Del("Set-Cookie2")
	ct, _ := cctx.GetAny("ct").(string)
	if ct != "" {
		header.Set("Content-Type", ct)
	}
	mt := ""
	if ct != "" {
		if m, _, err := mime.ParseMediaType(ct); err == nil {
			mt = m
		}
	} else {
		sniffed := http.DetectContentType(body)
		if !textContentType(sniffed) {
			r.settleSkip(it, SkipNonText)
			return o
		}
		mt, _, _ = mime.ParseMediaType(sniffed)
	}
	isHTML := mt == "text/html" || mt == "application/xhtml+xml"

	final := it.URL
	if s, _ := cctx.GetAny("final").(string); s != "" {
		final = s
	}
	finalURL, err := url.Parse(final)
	if err != nil {
		finalURL, _ = url.Parse(it.URL)
	}
	reqURL, _ := url.Parse(it.URL)

	var a analysis
	if isHTML {
		a = analyze(body, finalURL)
	} else {
		a.refresh = -1
	}
	status := resp.StatusCode

	// DDoS queue (EndGame): wait the advertised refresh, never less.
	if a.queue {
		r.stats.update(func(s *Stats) { s.Blocked[BlockedQueue]++ })
		r.mu.Lock()
		r.queueWaits[it.URL]++
		n := r.queueWaits[it.URL]
		r.mu.Unlock()
		if n > maxQueueWaitsPerURL {
			r.settleSkip(it, BlockedQueue)
			return o
		}
		wait := time.Duration(a.refresh)*time.Second + queueMargin
		due := now.Add(wait)
		if time.Duration(a.refresh)*time.Second > cfg.MaxQueueWait {
			r.c.log.Info("crawler: queue wait longer than MaxQueueWait: site deferred", "site", it.Site, "refresh_s", a.refresh)
		}
		if err := r.c.frontier.Retry(r.workCtx, it, due, BlockedQueue); err != nil {
			r.c.log.Warn("crawler: frontier retry", "url", it.URL, "err", err)
		}
		o.hold, o.deferred = due, due
		r.c.log.Info("crawler: DDoS queue page: waiting", "site", it.Site, "refresh_s", a.refresh)
		return o
	}
	if a.captcha {
		r.stats.update(func(s *Stats) { s.Blocked[BlockedCaptcha]++ })
		r.mu.Lock()
		r.captchas[it.Site]++
		n := r.captchas[it.Site]
		r.mu.Unlock()
		r.c.log.Warn("crawler: captcha page: needs a human (solve it in Tor Browser and pass the session cookie)", "site", it.Site)
		if n >= captchasToBlock {
			// Captcha everywhere: the whole site waits for a human.
			o.block = BlockedCaptcha
		}
		o.deferred = now.Add(captchaHold)
		if err := r.c.frontier.Retry(r.workCtx, it, o.deferred, BlockedCaptcha); err != nil {
			r.c.log.Warn("crawler: frontier retry", "url", it.URL, "err", err)
		}
		return o
	}
	loginTitle := regexpLoginTitle.MatchString(a.title)
	if (isLoginURL(finalURL) && !isLoginURL(reqURL)) || (a.password && (status == 401 || status == 403 || loginTitle)) {
		r.stats.update(func(s *Stats) {
			s.Blocked[BlockedLogin]++
			if r.c.cookieSites[it.Site] {
				s.SessionExpired++
			}
		})
		r.mu.Lock()
		r.loginWalls[it.Site]++
		n := r.loginWalls[it.Site]
		r.mu.Unlock()
		if r.c.cookieSites[it.Site] {
			r.c.log.Warn("crawler: login wall despite session cookies: session expired?", "site", it.Site)
		} else {
			r.c.log.Info("crawler: login wall: pass a session cookie (--cookie or --cookies-file)", "site", it.Site)
		}
		if err := r.c.frontier.Drop(r.workCtx, it.URL, BlockedLogin); err != nil {
			r.c.log.Warn("crawler: frontier drop", "url", it.URL, "err", err)
		}
		if n >= loginWallsToBlock {
			o.block = BlockedLogin
		}
		return o
	}
	if status == http.StatusForbidden && killedTextRe.Match(body) {
		r.c.iso.rotate(it.Site)
		r.c.transport.CloseIdleConnections() // pooled connections still ride the killed circuit
		r.c.log.Warn("crawler: front killed our circuit: new SOCKS identity for the site", "site", it.Site)
		o.deferred = r.settleFailure(it, ClassCircuitKilled, true, 0)
		return o
	}
	if status < 200 || status > 299 {
		err := &statusError{status: status}
		class, retryable := classify(err)
		var retryAfter time.Duration
		if ra := header.Get("Retry-After"); ra != "" {
			retryAfter = parseRetryAfter(ra, now)
			if retryAfter > cfg.MaxQueueWait {
				retryAfter = cfg.MaxQueueWait
			}
		}
		if !retryable {
			r.stats.update(func(s *Stats) { s.Errors[class]++ })
			r.settleSkip(it, SkipStatus)
			return o
		}
		o.deferred = r.settleFailure(it, class, retryable, retryAfter)
		return o
	}

	hash := fentinel.Page{Body: body}.ContentHash()
	if reason := r.traps.body(it.Site, it.URL, hash, body); reason != "" {
		r.stats.skip(reason)
		if err := r.c.frontier.Done(r.workCtx, it.URL, hash); err != nil {
			o.fatal = fmt.Errorf("crawler: frontier done %s: %w", it.URL, err)
		}
		return o
	}
	last, err := r.c.frontier.LastHash(r.workCtx, it.URL)
	if err != nil {
		o.fatal = fmt.Errorf("crawler: frontier last hash %s: %w", it.URL, err)
		return o
	}
	added := 0
	if isHTML {
		if !cfg.IgnoreMirrorLists && len(a.mirrors) > 0 {
			r.detectMirrors(it.Site, a.mirrors)
		}
		children := r.children(it, reqURL, a.links)
		if len(children) > 0 {
			n, err := r.c.frontier.Push(r.workCtx, children)
			if err != nil {
				o.fatal = fmt.Errorf("crawler: frontier push: %w", err)
				return o
			}
			added = n
			r.stats.update(func(s *Stats) { s.Queued += n })
		}
	}
	p := fentinel.Page{
		URL:       it.URL,
		FinalURL:  finalURL.String(),
		Site:      it.Site,
		Status:    status,
		FetchedAt: now.UTC(),
		Header:    header,
		Body:      body,
		Truncated: truncated,
		Depth:     it.Depth,
		RunID:     cfg.RunID,
	}
	info := PageInfo{ContentHash: hash, LastHash: last, Unchanged: last != "" && last == hash, Title: a.title, Links: added, Attempts: it.Attempts}
	if err := r.handle(context.WithValue(r.hardCtx, pageInfoKey{}, info), p, info); err != nil {
		if r.hardCtx.Err() == nil {
			o.fatal = fmt.Errorf("crawler: handle %s: %w", it.URL, err)
		}
		// Not marked done: a resumed crawl fetches the page again.
		return o
	}
	r.stats.update(func(s *Stats) {
		s.Fetched++
		if info.Unchanged {
			s.Unchanged++
		}
	})
	if err := r.c.frontier.Done(r.workCtx, it.URL, hash); err != nil {
		o.fatal = fmt.Errorf("crawler: frontier done %s: %w", it.URL, err)
	}
	return o
}

// children turns a page's links into frontier items: scope, mirrors,
// canonical form, depth (pagination keeps its parent's depth) and traps.
func (r *run) children(it fentinel.QueuedURL, parent *url.URL, links []link) []fentinel.QueuedURL {
	var out []fentinel.QueuedURL
	seen := map[string]bool{}
	for _, l := range links {
		u := l.url
		if nonTextURL(u) {
			r.stats.update(func(s *Stats) { s.NonTextLinks++ })
			continue
		}
		if neverFollow(u) {
			continue
		}
		site, ok := r.c.scope.siteOf(u.Hostname())
		if !ok {
			r.stats.update(func(s *Stats) { s.OutOfScope++ })
			continue
		}
		canon, err := canonicalURL(r.c.scope.rewrite(u))
		if err != nil || seen[canon] || canon == it.URL {
			continue
		}
		seen[canon] = true
		depth := it.Depth + 1
		if l.pagination {
			depth = it.Depth
		}
		if depth > r.cfg.MaxDepth {
			r.stats.update(func(s *Stats) { s.DepthCapped++ })
			continue
		}
		cu, err := url.Parse(canon)
		if err != nil {
			continue
		}
		if reason := r.traps.admit(cu, parent, l.pagination); reason != "" {
			r.stats.update(func(s *Stats) { s.Traps[reason]++ })
			continue
		}
		out = append(out, fentinel.QueuedURL{URL: canon, Site: site, Depth: depth, Parent: it.URL})
	}
	return out
}

// detectMirrors adds the valid v3 onions linked from a mirror-list page as
// mirrors of site.
func (r *run) detectMirrors(site string, hosts []string) {
	for _, h := range hosts {
		if r.c.scope.addMirror(site, h) {
			r.stats.update(func(s *Stats) { s.MirrorsFound++ })
			r.c.log.Info("crawler: mirror detected", "site", site, "mirror", h)
		}
	}
}

// parseRetryAfter reads a Retry-After header (seconds or HTTP date).
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
