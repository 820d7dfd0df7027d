package crawler

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/proxy"
)

// ErrProxyUnreachable is wrapped by every error caused by the SOCKS proxy
// not being reachable or not speaking SOCKS5. The message names the proxy.
var ErrProxyUnreachable = errors.New("SOCKS proxy unreachable")

// ErrTorNotReady is returned by Preflight when the control port reports
// that Tor has not established a circuit yet.
var ErrTorNotReady = errors.New("tor has no circuit established")

// PreflightTimeout bounds Preflight, whatever the context allows.
const PreflightTimeout = 30 * time.Second

// forwardDialer reaches the SOCKS proxy itself and tags failures as
// proxyDialError. It is the only place a TCP connection is opened, and the
// only address it accepts is the proxy's.
type forwardDialer struct {
	addr string
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

func (f forwardDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if addr != f.addr {
		return nil, fmt.Errorf("crawler: fail-closed: refusing to dial %s: only the SOCKS proxy %s may be dialled", addr, f.addr)
	}
	c, err := f.dial(ctx, network, addr)
	if err != nil {
		return nil, &proxyDialError{addr: addr, err: err}
	}
	return c, nil
}

func (f forwardDialer) Dial(network, addr string) (net.Conn, error) {
	return f.DialContext(context.Background(), network, addr)
}

// torDialer is the transport's DialContext: it picks the per-site SOCKS
// credentials (stream isolation) and connects through the proxy, sending
// the target host name unresolved.
type torDialer struct {
	forward        forwardDialer
	connectTimeout time.Duration
	siteOf         func(host string) (string, bool)
	creds          func(site string) (user, pass string)
	wire           *atomic.Int64

	mu      sync.Mutex
	dialers map[string]proxyContextDialer // by user+"\x00"+pass
}

type proxyContextDialer = proxy.ContextDialer

func (d *torDialer) dialerFor(user, pass string) (proxy.ContextDialer, error) {
	key := user + "\x00" + pass
	d.mu.Lock()
	defer d.mu.Unlock()
	if cd, ok := d.dialers[key]; ok {
		return cd, nil
	}
	pd, err := proxy.SOCKS5("tcp", d.forward.addr, &proxy.Auth{User: user, Password: pass}, d.forward)
	if err != nil {
		return nil, fmt.Errorf("crawler: socks5 dialer for %s: %w", d.forward.addr, err)
	}
	cd, ok := pd.(proxy.ContextDialer)
	if !ok {
		return nil, fmt.Errorf("crawler: socks5 dialer for %s has no DialContext", d.forward.addr)
	}
	if len(d.dialers) > 4096 { // rotated identities: keep the map bounded
		clear(d.dialers)
	}
	d.dialers[key] = cd
	return cd, nil
}

// DialContext connects to addr (host:port of the target) through the SOCKS
// proxy. Hosts outside the crawl scope are refused.
func (d *torDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("crawler: dial %s: %w", addr, err)
	}
	site, ok := d.siteOf(strings.ToLower(host))
	if !ok {
		return nil, fmt.Errorf("crawler: fail-closed: refusing to dial %s: host not in scope", addr)
	}
	user, pass := d.creds(site)
	cd, err := d.dialerFor(user, pass)
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, d.connectTimeout)
	defer cancel()
	conn, err := cd.DialContext(dctx, network, addr)
	if err != nil {
		var pe *proxyDialError
		if errors.As(err, &pe) {
			return nil, pe
		}
		if code, ok := parseSOCKSReply(err.Error()); ok {
			return nil, NewTorError(code, addr)
		}
		// The SOCKS library sets the connection deadline from dctx, so the
		// handshake's read can time out a moment before dctx reports done:
		// either signal means the connect budget ran out.
		var ne net.Error
		if ctx.Err() == nil && (dctx.Err() != nil || (errors.As(err, &ne) && ne.Timeout())) {
			return nil, &timeoutError{class: ClassConnectTimeout, err: fmt.Errorf("socks connect %s: no connection after %s", addr, d.connectTimeout)}
		}
		return nil, err
	}
	return &countingConn{Conn: conn, n: d.wire}, nil
}

// countingConn counts the bytes read from the proxy (wire bytes, before
// decompression).
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// isolation derives SOCKS credentials per site and session identity, so
// Tor's IsolateSOCKSAuth gives every market its own circuits. Rotating a
// site bumps its generation, which yields new credentials (new circuits).
type isolation struct {
	key []byte
	mu  sync.Mutex
	gen map[string]uint64
}

func (iso *isolation) creds(site string) (string, string) {
	iso.mu.Lock()
	g := iso.gen[site]
	iso.mu.Unlock()
	m := hmac.New(sha256.New, iso.key)
	m.Write([]byte(site))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], g)
	m.Write(b[:])
	sum := m.Sum(nil)
	// Hex keeps clear of the "<torS0X>" prefix that proposal 351 reserves.
	return hex.EncodeToString(sum[:12]), hex.EncodeToString(sum[12:24])
}

func (iso *isolation) rotate(site string) {
	iso.mu.Lock()
	iso.gen[site]++
	iso.mu.Unlock()
}

// newTransport returns the crawler's only HTTP transport: no Proxy func, the
// SOCKS dialer as DialContext, HTTP/2 off, compression handled by net/http
// (so the body cap applies after decompression).
func newTransport(d *torDialer, cfg Config) *http.Transport {
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      false,
		TLSHandshakeTimeout:    30 * time.Second,
		ResponseHeaderTimeout:  cfg.FirstByteTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		DisableCompression:     false,
		MaxIdleConns:           2 * cfg.Concurrency,
		MaxIdleConnsPerHost:    cfg.PerHost,
		MaxConnsPerHost:        cfg.PerHost,
		IdleConnTimeout:        90 * time.Second,
	}
}

// Preflight checks, within PreflightTimeout, that the SOCKS proxy accepts a
// connection and answers a SOCKS5 greeting (no CONNECT is made, so nothing
// leaves the proxy), and, with a Control configured, that Tor reports
// status/circuit-established=1. Failures to reach the proxy wrap
// ErrProxyUnreachable and name the proxy address.
func (c *Crawler) Preflight(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, PreflightTimeout)
	defer cancel()
	addr := c.proxyAddr
	fail := func(what string, err error) error {
		return fmt.Errorf("crawler: preflight: SOCKS proxy %s %s: %w (is Tor running and is --proxy %s right?)", addr, what, errors.Join(ErrProxyUnreachable, err), c.cfg.Proxy)
	}
	conn, err := c.dialer.forward.dial(ctx, "tcp", addr)
	if err != nil {
		return fail("unreachable", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	// SOCKS5 greeting offering "no authentication" only.
	if _, err := conn.Write([]byte{0x05, 0x01, 0x00}); err != nil {
		return fail("does not accept data", err)
	}
	var reply [2]byte
	if _, err := io.ReadFull(conn, reply[:]); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("no SOCKS5 reply within %s: %w", PreflightTimeout, err)
		}
		return fail("does not answer the SOCKS5 greeting", err)
	}
	if reply[0] != 0x05 {
		return fail("does not speak SOCKS5", fmt.Errorf("reply starts with 0x%02x", reply[0]))
	}
	if reply[1] != 0x00 {
		return fail("refuses unauthenticated SOCKS5", fmt.Errorf("method 0x%02x", reply[1]))
	}
	if c.cfg.Control != nil {
		ok, err := c.cfg.Control.CircuitEstablished(ctx)
		if err != nil {
			return fmt.Errorf("crawler: preflight: tor control port: GETINFO status/circuit-established: %w", err)
		}
		if !ok {
			return fmt.Errorf("crawler: preflight: %w (GETINFO status/circuit-established=0): wait for Tor to bootstrap, check its log", ErrTorNotReady)
		}
	}
	return nil
}
