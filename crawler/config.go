package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New when a Config field is zero.
const (
	DefaultProxy            = "socks5h://127.0.0.1:9050"
	DefaultMaxPages         = 5000
	DefaultMaxDepth         = 5
	DefaultConcurrency      = 8
	DefaultPerHost          = 4
	DefaultPerHostRate      = 2.0 // requests per second per site (one circuit per site)
	DefaultTimeout          = 120 * time.Second
	DefaultConnectTimeout   = 90 * time.Second
	DefaultFirstByteTimeout = 90 * time.Second
	DefaultMaxBodyBytes     = 5 << 20
	DefaultDownAfter        = 3
	DefaultDownFor          = 2 * time.Minute
	DefaultMaxQueueWait     = 2 * time.Minute
	DefaultRetryHorizon     = 5 * time.Minute
	DefaultDrainTimeout     = 5 * time.Second
	DefaultProgressInterval = time.Second

	// MaxPerHost is the highest per-site concurrency accepted: EndGame fronts
	// close a circuit that carries more than 15 streams (HiddenServiceMaxStreams).
	MaxPerHost = 15
	// PoliteRate is the per-circuit request rate above which EndGame fronts
	// kill the circuit (6 r/s); New logs a warning when PerHostRate reaches it.
	PoliteRate = 6.0
)

// DefaultUserAgent is the User-Agent of Tor Browser 15 (Firefox ESR 140 on
// Windows, the value every Tor Browser reports regardless of platform).
const DefaultUserAgent = "Mozilla/5.0 (Windows NT 10.0; rv:140.0) Gecko/20100101 Firefox/140.0"

// Config configures a Crawler. Zero values take the defaults above.
type Config struct {
	// Proxy is the Tor SOCKS endpoint: socks5h://host:port or socks5://host:port.
	// Both send host names to the proxy unresolved. Credentials in the URL are
	// refused: the crawler sets them per site for stream isolation.
	Proxy string
	// Seeds are the start URLs. Their hosts define the scope.
	Seeds []string
	// MaxPages caps the pages fetched in one Run (0 = DefaultMaxPages).
	MaxPages int
	// MaxPagesPerHost caps the pages fetched per site in one Run (0 = MaxPages).
	MaxPagesPerHost int
	// MaxDepth is the deepest link level followed; the seed is depth 1
	// (0 = DefaultMaxDepth). Pagination links keep their parent's depth.
	MaxDepth int
	// Cookies are HOST=NAME=VALUE entries.
	Cookies []string
	// CookiesFile is a Netscape cookies.txt file.
	CookiesFile string
	// Concurrency is the global bound on in-flight requests (0 = DefaultConcurrency).
	Concurrency int
	// PerHost is the per-site bound on in-flight requests (0 = DefaultPerHost, at most MaxPerHost).
	PerHost int
	// PerHostRate is the most requests per second started per site (0 = DefaultPerHostRate).
	PerHostRate float64
	// Timeout bounds a whole request, body included (0 = DefaultTimeout).
	Timeout time.Duration
	// ConnectTimeout bounds the SOCKS dial, onion rendezvous included (0 = DefaultConnectTimeout).
	ConnectTimeout time.Duration
	// FirstByteTimeout bounds the wait for response headers once the request
	// is written (0 = DefaultFirstByteTimeout).
	FirstByteTimeout time.Duration
	// MaxBodyBytes caps a body after decompression (0 = DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// Logger receives structured logs (nil = slog.Default()). Secrets and page
	// bodies are never logged.
	Logger *slog.Logger

	// UserAgent overrides the Tor-Browser-like default.
	UserAgent string
	// AllowHosts adds hosts to the scope. Onion hosts must be valid v3
	// addresses (checksum verified); other hosts need Clearnet.
	AllowHosts []string
	// Clearnet permits non-onion hosts in Seeds and AllowHosts. They are still
	// fetched through the proxy only; links to other clearnet hosts are never followed.
	Clearnet bool
	// Mirrors maps a site's primary host to its mirror hosts. Pages of every
	// mirror are reported under the primary host as Site, and links to a
	// mirror are rewritten to the primary so a market is crawled once.
	Mirrors map[string][]string
	// IgnoreMirrorLists turns off mirror detection. By default the valid v3
	// onions a site lists as its mirrors (links inside an element whose class
	// or id mentions "mirror", or on a page whose path or title does) join
	// that site's mirror group: they are reported under its key and never
	// crawled a second time.
	IgnoreMirrorLists bool
	// Isolation is the session identity mixed into the per-site SOCKS
	// credentials. Empty means a random identity per Crawler (fresh circuits
	// every run). Never logged.
	Isolation string
	// Frontier holds the crawl queue and visited set (nil = NewMemoryFrontier()).
	// Pass store's persistent frontier for resumable crawls.
	Frontier Frontier
	// Retry overrides the retry policy of individual error classes.
	Retry map[string]Backoff
	// DownAfter is how many consecutive failed fetches mark a site down (0 = DefaultDownAfter).
	DownAfter int
	// DownFor is the first down period of a site; it doubles on every further
	// failed probe, up to an hour (0 = DefaultDownFor).
	DownFor time.Duration
	// MaxQueueWait is the longest DDoS-queue refresh the crawler waits out;
	// a longer advertised wait defers the site to a later run (0 = DefaultMaxQueueWait).
	MaxQueueWait time.Duration
	// RetryHorizon: when nothing else is left to fetch, deferred items due
	// later than this are left for the next run (0 = DefaultRetryHorizon).
	RetryHorizon time.Duration
	// DrainTimeout is how long in-flight fetches may finish after the Run
	// context is cancelled, so their pages are handed on and recorded
	// (0 = DefaultDrainTimeout).
	DrainTimeout time.Duration
	// Control is an optional Tor control connection, used by Preflight
	// (circuit-established) and for NEWNYM as recovery when a site goes down.
	Control Control
	// RunID is copied into every Page (the store's crawl-run id).
	RunID int64
	// Progress, when set, is called with a snapshot of the counters at most
	// every ProgressInterval and once at the end of Run.
	Progress func(Stats)
	// ProgressInterval defaults to DefaultProgressInterval.
	ProgressInterval time.Duration
	// Now is the clock (nil = time.Now).
	Now func() time.Time
	// Rand returns a float in [0,1) for backoff jitter (nil = math/rand/v2).
	Rand func() float64

	// dialProxy, when set, is the forward dialer that reaches the proxy
	// itself (tests use it to prove no local name resolution happens).
	dialProxy func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Control is the part of a Tor control-port client the crawler uses.
// *torctl.Conn satisfies it (cmd/fentinel dials it and passes it in).
type Control interface {
	// CircuitEstablished reports GETINFO status/circuit-established.
	CircuitEstablished(ctx context.Context) (bool, error)
	// NewNym asks Tor for new circuits (SIGNAL NEWNYM); Tor honours it at
	// most every 10 s and the client may refuse earlier calls.
	NewNym(ctx context.Context) error
}

// ErrConfig is wrapped by every configuration error returned by New.
var ErrConfig = errors.New("invalid crawler configuration")

func configErr(key, format string, args ...any) error {
	return fmt.Errorf("crawler: config %s: %s: %w", key, fmt.Sprintf(format, args...), ErrConfig)
}

// withDefaults returns a copy of cfg with zero fields set to the defaults.
func (cfg Config) withDefaults() Config {
	if cfg.Proxy == "" {
		cfg.Proxy = DefaultProxy
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
	}
	if cfg.MaxPagesPerHost <= 0 || cfg.MaxPagesPerHost > cfg.MaxPages {
		cfg.MaxPagesPerHost = cfg.MaxPages
	}
	if cfg.MaxDepth <= 0 {
		cfg.MaxDepth = DefaultMaxDepth
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.PerHost <= 0 {
		cfg.PerHost = DefaultPerHost
	}
	if cfg.PerHostRate <= 0 {
		cfg.PerHostRate = DefaultPerHostRate
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.FirstByteTimeout <= 0 {
		cfg.FirstByteTimeout = DefaultFirstByteTimeout
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.DownAfter <= 0 {
		cfg.DownAfter = DefaultDownAfter
	}
	if cfg.DownFor <= 0 {
		cfg.DownFor = DefaultDownFor
	}
	if cfg.MaxQueueWait <= 0 {
		cfg.MaxQueueWait = DefaultMaxQueueWait
	}
	if cfg.RetryHorizon <= 0 {
		cfg.RetryHorizon = DefaultRetryHorizon
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = DefaultDrainTimeout
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = DefaultProgressInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	return cfg
}

// parseProxy validates a socks5/socks5h proxy URL and returns host:port.
func parseProxy(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", configErr("proxy", "parse %q: %v", raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "socks5", "socks5h":
	default:
		return "", configErr("proxy", "%q: scheme must be socks5h:// or socks5:// (Tor's SocksPort)", raw)
	}
	if u.User != nil {
		return "", configErr("proxy", "credentials in the proxy URL are not supported: the crawler sets SOCKS credentials per site for stream isolation")
	}
	if u.Host == "" || u.Port() == "" {
		return "", configErr("proxy", "%q: want socks5h://HOST:PORT", raw)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", configErr("proxy", "%q: unexpected path or query", raw)
	}
	return u.Host, nil
}

// validate checks cfg (already defaulted) and returns the proxy address.
func (cfg Config) validate() (string, error) {
	addr, err := parseProxy(cfg.Proxy)
	if err != nil {
		return "", err
	}
	if len(cfg.Seeds) == 0 {
		return "", configErr("seeds", "at least one seed URL is required")
	}
	if cfg.PerHost > MaxPerHost {
		return "", configErr("per-host", "%d exceeds %d streams per circuit (EndGame fronts close such circuits)", cfg.PerHost, MaxPerHost)
	}
	if cfg.PerHost > cfg.Concurrency {
		cfg.PerHost = cfg.Concurrency
	}
	if cfg.MaxBodyBytes > 1<<30 {
		return "", configErr("max-body-bytes", "%d is above 1 GiB", cfg.MaxBodyBytes)
	}
	if cfg.Timeout < time.Second {
		return "", configErr("timeout", "%s is too short for onion services", cfg.Timeout)
	}
	return addr, nil
}
