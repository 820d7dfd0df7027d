package marketsim

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a simulator. The zero value gives two small markets.
type Options struct {
	// Seed prefixes the seeds the onion names are derived from; the same
	// Seed always gives the same onions. "" uses the built-in seed.
	Seed string
	// Markets is the number of markets (layouts alternate classic, modern);
	// 0 means 2.
	Markets int
	// ListingsPerMarket is the number of product listing pages per market.
	// Listings beyond the catalogue are generated on the fly as variants of
	// catalogue entries (same labels), so 100,000 pages cost no memory.
	// 0 (or less than the catalogue) means the catalogue only.
	ListingsPerMarket int
	// PageSize is the number of listings per category page; 0 means 4.
	PageSize int
	// Latency is slept before each HTTP response (emulating Tor round trips).
	Latency time.Duration
	// RequireAuth makes the SOCKS server accept only username/password auth.
	RequireAuth bool
	// Hostile adds the "lab" market of hostile pages and a mirror onion of
	// the first market (see hostile.go).
	Hostile bool
	// QueueWait is how long the EndGame-style queue makes a new circuit wait
	// (the meta refresh value, whole seconds); 0 means 5 s.
	QueueWait time.Duration
	// SlowFor is how long the slow page dribbles bytes; 0 means 60 s.
	SlowFor time.Duration
	// FlakyFailures is how many 503s the flaky page returns before a 200; 0 means 1.
	FlakyFailures int
	// BigPageBytes is the size of the big page; 0 means 25 MiB.
	BigPageBytes int64
	// BombBytes is the inflated size of the gzip bomb; 0 means 1 GiB.
	// It is rounded up to whole MiB.
	BombBytes int64
	// SessionCookieName and SessionCookieValue open the login wall; defaults
	// "simsession" and "sim-session-ok".
	SessionCookieName  string
	SessionCookieValue string
	// WebhookSecret is the receiver's secret ("whsec_<base64>"); "" generates one.
	WebhookSecret string
	// NoPathLog keeps only per-host totals instead of per-path request
	// counts (for very large benchmark crawls); Requests then ignores pathPrefix.
	NoPathLog bool
	// Now is the clock for queue timing, the proxy log and the receiver's
	// webhook-timestamp tolerance (keep it within 5 minutes of the senders'
	// clock when alerts are delivered); nil means time.Now.
	Now func() time.Time
	// Logger receives debug logs; nil discards them.
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.Seed == "" {
		o.Seed = "fentinel-sim-v1"
	}
	if o.Markets <= 0 {
		o.Markets = 2
	}
	if o.PageSize <= 0 {
		o.PageSize = 4
	}
	if o.QueueWait <= 0 {
		o.QueueWait = 5 * time.Second
	}
	if o.SlowFor <= 0 {
		o.SlowFor = 60 * time.Second
	}
	if o.FlakyFailures <= 0 {
		o.FlakyFailures = 1
	}
	if o.BigPageBytes <= 0 {
		o.BigPageBytes = 25 << 20
	}
	if o.BombBytes <= 0 {
		o.BombBytes = 1 << 30
	}
	if o.SessionCookieName == "" {
		o.SessionCookieName = "simsession"
	}
	if o.SessionCookieValue == "" {
		o.SessionCookieValue = "sim-session-ok"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Market describes one simulated market.
type Market struct {
	Name    string
	Onion   string   // primary onion host name
	Layout  string   // LayoutClassic, LayoutModern or LayoutLab
	Mirrors []string // other onion hosts serving the same market (Options.Hostile)
}

// Home returns the market's home page URL.
func (m Market) Home() string { return "http://" + m.Onion + "/" }

// Listing is the ground truth of one content page.
type Listing struct {
	URL        string
	Market     string // market name
	Site       string // primary onion host
	Title      string
	Positive   bool     // offers a fentanyl-class substance, precursor or counterfeit M30 pills for sale
	Substances []string // canonical names of what is offered for sale; empty for decoys (shared: do not modify)
	Kind       string   // KindPositive, KindOrdinary, KindTestStrips, ...
	Language   string   // BCP 47 primary tag
	Vendor     string
	Price      float64
	Currency   string // USD, BTC or XMR
	Gate       string // "" or what stands in front of the page: "login", "queue"
}

// Sim is a running simulator. Its methods are safe for concurrent use.
type Sim struct {
	opts    Options
	markets []*market
	sites   map[string]*site // by onion host
	socks   *socksServer
	recv    *Receiver
	lab     *lab

	done    chan struct{}
	wg      sync.WaitGroup
	closeMu sync.Once
	cerr    error

	mu       sync.Mutex
	proxyLog []ProxyRequest
	hosts    map[string]*hostStats
	images   atomic.Int64
}

// site is one onion host and its HTTP server.
type site struct {
	onion  string
	market *market
	ln     *chanListener
	srv    *http.Server
}

type hostStats struct {
	total       int
	bytes       int64
	inFlight    int
	maxInFlight int
	paths       map[string]*pathStats
}

type pathStats struct {
	count int
	bytes int64
}

// Start starts the simulator: the markets, the SOCKS server and the webhook
// receiver, all on 127.0.0.1. Cancelling ctx closes it, as does Close.
func Start(ctx context.Context, opts Options) (*Sim, error) {
	opts.defaults()
	s := &Sim{
		opts:  opts,
		sites: map[string]*site{},
		hosts: map[string]*hostStats{},
		done:  make(chan struct{}),
	}
	for i := 0; i < opts.Markets; i++ {
		s.markets = append(s.markets, newMarket(s, i))
	}
	if opts.Hostile {
		s.lab = newLab(s)
		s.markets = append(s.markets, s.lab.market)
		first := s.markets[0]
		first.Mirrors = append(first.Mirrors, OnionFromSeed(opts.Seed+"/mirror/0"))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("marketsim: listen socks: %w", err)
	}
	for _, m := range s.markets {
		for _, onion := range append([]string{m.Onion}, m.Mirrors...) {
			st := &site{onion: onion, market: m, ln: newChanListener(ln.Addr())}
			st.srv = &http.Server{
				Handler:           s.wrap(onion, m.handler()),
				ReadHeaderTimeout: 30 * time.Second,
				ConnContext: func(ctx context.Context, c net.Conn) context.Context {
					if sc, ok := c.(*socksConn); ok {
						return context.WithValue(ctx, connKey{}, sc)
					}
					return ctx
				},
				ErrorLog: slog.NewLogLogger(opts.Logger.Handler(), slog.LevelDebug),
			}
			s.sites[onion] = st
		}
	}
	sctx, cancel := context.WithCancel(context.Background())
	s.socks = &socksServer{
		ln:          ln,
		requireAuth: opts.RequireAuth,
		now:         opts.Now,
		route: func(onion string) *chanListener {
			if st, ok := s.sites[onion]; ok {
				return st.ln
			}
			return nil
		},
		record: s.recordProxy,
		ctx:    sctx,
		cancel: cancel,
		conns:  map[net.Conn]struct{}{},
	}
	secret := opts.WebhookSecret
	if secret == "" {
		secret, err = NewSecret()
		if err != nil {
			ln.Close()
			cancel()
			return nil, err
		}
	}
	s.recv, err = newReceiver(secret, opts.Now)
	if err != nil {
		ln.Close()
		cancel()
		return nil, err
	}
	for _, st := range s.sites {
		s.wg.Add(1)
		go func(st *site) {
			defer s.wg.Done()
			_ = st.srv.Serve(st.ln)
		}(st)
	}
	s.socks.wg.Add(1)
	go s.socks.serve()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-ctx.Done():
			go s.Close()
		case <-s.done:
		}
	}()
	opts.Logger.Debug("marketsim started", "proxy", s.ProxyURL(), "markets", len(s.markets))
	return s, nil
}

type connKey struct{}

// Close stops every server and goroutine the simulator started and waits
// for them. It is safe to call more than once.
func (s *Sim) Close() error {
	s.closeMu.Do(func() {
		close(s.done)
		s.socks.close()
		var errs []error
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, st := range s.sites {
			st.ln.Close()
			if err := st.srv.Shutdown(ctx); err != nil {
				st.srv.Close()
			}
		}
		if err := s.recv.close(ctx); err != nil {
			errs = append(errs, err)
		}
		s.wg.Wait()
		s.cerr = errors.Join(errs...)
	})
	return s.cerr
}

// ProxyURL returns the SOCKS proxy URL, socks5h://127.0.0.1:PORT.
func (s *Sim) ProxyURL() string { return "socks5h://" + s.ProxyAddr() }

// ProxyAddr returns the SOCKS proxy's host:port.
func (s *Sim) ProxyAddr() string { return s.socks.ln.Addr().String() }

// Seeds returns the home page URL of every market (not the mirrors).
func (s *Sim) Seeds() []string {
	out := make([]string, 0, len(s.markets))
	for _, m := range s.markets {
		out = append(out, m.Home())
	}
	return out
}

// Markets describes every market, in seed order.
func (s *Sim) Markets() []Market {
	out := make([]Market, 0, len(s.markets))
	for _, m := range s.markets {
		mm := m.Market
		mm.Mirrors = append([]string(nil), m.Mirrors...)
		out = append(out, mm)
	}
	return out
}

// Receiver returns the webhook receiver.
func (s *Sim) Receiver() *Receiver { return s.recv }

// Options returns the options in effect (defaults filled in).
func (s *Sim) Options() Options { return s.opts }

// Truth returns the label of every content page: every product listing
// (generated ones included), rules, news and forum posts, and, with
// Options.Hostile, the lab's content pages. Navigation pages (home,
// category and vendor pages, which aggregate mixed listings) are not
// labelled. The order is stable.
func (s *Sim) Truth() []Listing {
	n, _ := s.TruthCounts()
	out := make([]Listing, 0, n)
	for _, m := range s.markets {
		out = m.truth(out)
	}
	return out
}

// TruthCounts returns how many pages Truth labels and how many of them are
// positive, without building the list (cheap for 100,000-page markets).
func (s *Sim) TruthCounts() (pages, positives int) {
	for _, m := range s.markets {
		p, pos := m.truthCounts()
		pages += p
		positives += pos
	}
	return pages, positives
}

// ProxyLog returns every SOCKS request the proxy received, in order.
func (s *Sim) ProxyLog() []ProxyRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ProxyRequest(nil), s.proxyLog...)
}

func (s *Sim) recordProxy(r ProxyRequest) {
	s.mu.Lock()
	s.proxyLog = append(s.proxyLog, r)
	s.mu.Unlock()
	s.opts.Logger.Debug("socks request", "host", r.Host, "port", r.Port, "reply", fmt.Sprintf("%#02x", r.Reply))
}

// Requests returns how many HTTP requests reached host (an onion name; ""
// means every host) whose request URI (path and query) starts with
// pathPrefix ("" or "/" counts all).
func (s *Sim) Requests(host, pathPrefix string) int {
	return int(s.sumPaths(host, pathPrefix,
		func(hs *hostStats) int64 { return int64(hs.total) },
		func(ps *pathStats) int64 { return int64(ps.count) }))
}

// sumPaths adds up a figure over the hosts matching host ("" means every
// host): whole(hs) of a host when pathPrefix is "" or "/" or its paths are
// not logged, else path(ps) of each request URI starting with pathPrefix.
// Requests and BytesSent count this way.
func (s *Sim) sumPaths(host, pathPrefix string, whole func(*hostStats) int64, path func(*pathStats) int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for h, hs := range s.hosts {
		if host != "" && h != canonicalHost(host) {
			continue
		}
		if pathPrefix == "" || pathPrefix == "/" || hs.paths == nil {
			n += whole(hs)
			continue
		}
		for p, ps := range hs.paths {
			if strings.HasPrefix(p, pathPrefix) {
				n += path(ps)
			}
		}
	}
	return n
}

// RequestURIs returns the distinct request URIs host received, sorted
// (empty with Options.NoPathLog).
func (s *Sim) RequestURIs(host string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if hs, ok := s.hosts[canonicalHost(host)]; ok {
		for p := range hs.paths {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// BytesSent returns the response body bytes written to host's clients for
// request URIs starting with pathPrefix (as Requests counts them). For the
// gzip bomb these are compressed bytes.
func (s *Sim) BytesSent(host, pathPrefix string) int64 {
	return s.sumPaths(host, pathPrefix,
		func(hs *hostStats) int64 { return hs.bytes },
		func(ps *pathStats) int64 { return ps.bytes })
}

// MaxInFlight returns the highest number of concurrent requests host
// ("" = all hosts, the maximum over hosts) has seen.
func (s *Sim) MaxInFlight(host string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	max := 0
	for h, hs := range s.hosts {
		if host != "" && h != canonicalHost(host) {
			continue
		}
		if hs.maxInFlight > max {
			max = hs.maxInFlight
		}
	}
	return max
}

// ImageRequests returns how many image URLs were requested, over all markets.
func (s *Sim) ImageRequests() int { return int(s.images.Load()) }

func canonicalHost(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(h)
}

// wrap counts requests and bytes per host, tracks concurrency and applies
// the latency option.
func (s *Sim) wrap(host string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uri := r.URL.RequestURI()
		s.mu.Lock()
		hs := s.hosts[host]
		if hs == nil {
			hs = &hostStats{}
			if !s.opts.NoPathLog {
				hs.paths = map[string]*pathStats{}
			}
			s.hosts[host] = hs
		}
		hs.total++
		hs.inFlight++
		if hs.inFlight > hs.maxInFlight {
			hs.maxInFlight = hs.inFlight
		}
		var ps *pathStats
		if hs.paths != nil {
			ps = hs.paths[uri]
			if ps == nil {
				ps = &pathStats{}
				hs.paths[uri] = ps
			}
			ps.count++
		}
		s.mu.Unlock()
		cw := &countingWriter{ResponseWriter: w}
		defer func() {
			s.mu.Lock()
			hs.inFlight--
			hs.bytes += cw.n
			if ps != nil {
				ps.bytes += cw.n
			}
			s.mu.Unlock()
		}()
		if s.opts.Latency > 0 && !s.sleep(r.Context(), s.opts.Latency) {
			return
		}
		h.ServeHTTP(cw, r)
	})
}

// sleep waits d unless ctx ends or the simulator closes; false if cut short.
func (s *Sim) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// countingWriter counts body bytes written.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// circuit returns the SOCKS identity of the request's stream: the user name
// when one was sent, else the stream itself.
func circuit(r *http.Request) string {
	if sc, ok := r.Context().Value(connKey{}).(*socksConn); ok {
		if sc.username != "" {
			return "user:" + sc.username
		}
		return "conn:" + sc.RemoteAddr().String()
	}
	return "remote:" + r.RemoteAddr
}

// NewSecret returns a fresh Standard Webhooks secret, "whsec_" + base64 of 24 random bytes.
func NewSecret() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("marketsim: generate webhook secret: %w", err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b), nil
}
