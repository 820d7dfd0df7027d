package marketsim

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// SOCKS5 reply codes the simulated proxy sends (RFC 1928 §6 and Tor's
// extended errors from proposal 304).
const (
	ReplySucceeded           byte = 0x00
	ReplyGeneralFailure      byte = 0x01
	ReplyNotAllowed          byte = 0x02 // connection not allowed by ruleset
	ReplyHostUnreachable     byte = 0x04
	ReplyConnectionRefused   byte = 0x05
	ReplyCommandNotSupported byte = 0x07
	ReplyAddrNotSupported    byte = 0x08
	ReplyOnionNotFound       byte = 0xF0 // onion service descriptor can not be found
	ReplyOnionBadAddress     byte = 0xF6 // onion address is invalid
)

// SOCKS address types.
const (
	ATYPIPv4   byte = 0x01
	ATYPDomain byte = 0x03
	ATYPIPv6   byte = 0x04
)

const (
	socksVersion     = 0x05
	authVersion      = 0x01
	methodNoAuth     = 0x00
	methodUserPass   = 0x02
	methodNoAccept   = 0xFF
	cmdConnect       = 0x01
	handshakeTimeout = 30 * time.Second
)

var errBadATYP = errors.New("socks: address type not supported")

// ProxyRequest is one SOCKS CONNECT request the simulated proxy received.
type ProxyRequest struct {
	Time        time.Time
	Username    string // RFC 1929 user name ("" with no-auth)
	PasswordSet bool   // a non-empty RFC 1929 password was sent
	Command     byte   // 0x01 CONNECT; others are refused
	ATYP        byte   // ATYPIPv4, ATYPDomain or ATYPIPv6
	Host        string // domain name as sent, or the IP address
	Port        int
	Reply       byte // reply code sent back (ReplySucceeded, ReplyNotAllowed, ...)
}

// socksConn is a proxied stream handed to a market's HTTP server. It keeps
// what the proxy learnt in the handshake, so handlers can tell circuits
// (SOCKS credentials) apart the way an onion front tells Tor circuits apart.
type socksConn struct {
	net.Conn
	r        *bufio.Reader
	username string
	onion    string
}

func (c *socksConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// chanListener is a net.Listener fed by the SOCKS server.
type chanListener struct {
	addr   net.Addr
	ch     chan net.Conn
	done   chan struct{}
	closer sync.Once
}

func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.closer.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }

// deliver hands a connection to the listener's server; false if closed.
func (l *chanListener) deliver(ctx context.Context, c net.Conn) bool {
	select {
	case l.ch <- c:
		return true
	case <-l.done:
		return false
	case <-ctx.Done():
		return false
	}
}

// socksServer is the hand-written SOCKS5 server in front of the markets.
type socksServer struct {
	ln          net.Listener
	requireAuth bool
	now         func() time.Time
	route       func(onion string) *chanListener // nil: unknown onion
	record      func(ProxyRequest)

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{} // connections still in the handshake
}

func (s *socksServer) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.ctx.Err() != nil {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.handle(c)
	}
}

func (s *socksServer) close() {
	s.cancel()
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *socksServer) forget(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *socksServer) handle(c net.Conn) {
	defer s.wg.Done()
	handedOff := false
	defer func() {
		s.forget(c)
		if !handedOff {
			c.Close()
		}
	}()
	_ = c.SetDeadline(time.Now().Add(handshakeTimeout))
	br := bufio.NewReader(c)
	user, passSet, err := s.negotiate(br, c)
	if err != nil {
		return
	}
	req, err := readRequest(br)
	if errors.Is(err, errBadATYP) {
		_ = writeReply(c, ReplyAddrNotSupported)
		return
	}
	if err != nil {
		return
	}
	req.Time = s.now()
	req.Username = user
	req.PasswordSet = passSet
	var target *chanListener
	switch {
	case req.Command != cmdConnect:
		req.Reply = ReplyCommandNotSupported
	case req.ATYP != ATYPDomain:
		req.Reply = ReplyNotAllowed
	default:
		onion, perr := ParseOnion(req.Host)
		switch {
		case errors.Is(perr, ErrNotOnion):
			req.Reply = ReplyNotAllowed
		case perr != nil:
			req.Reply = ReplyOnionBadAddress
		default:
			target = s.route(onion)
			switch {
			case target == nil:
				req.Reply = ReplyOnionNotFound
			case req.Port != 80:
				req.Reply = ReplyConnectionRefused
				target = nil
			default:
				req.Reply = ReplySucceeded
			}
		}
	}
	s.record(req)
	if err := writeReply(c, req.Reply); err != nil || target == nil {
		return
	}
	_ = c.SetDeadline(time.Time{})
	sc := &socksConn{Conn: c, r: br, username: user, onion: mustOnion(req.Host)}
	// Stop tracking before the hand-off: from now on the HTTP server owns c.
	s.forget(c)
	if target.deliver(s.ctx, sc) {
		handedOff = true
	}
}

func mustOnion(host string) string {
	o, _ := ParseOnion(host)
	return o
}

// negotiate runs the RFC 1928 method selection and, when chosen, the RFC
// 1929 username/password sub-negotiation. Any credentials are accepted, as
// Tor accepts them (they only select a circuit).
func (s *socksServer) negotiate(br *bufio.Reader, w io.Writer) (user string, passSet bool, err error) {
	var hdr [2]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return "", false, fmt.Errorf("socks: read greeting: %w", err)
	}
	if hdr[0] != socksVersion {
		return "", false, fmt.Errorf("socks: version %d", hdr[0])
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(br, methods); err != nil {
		return "", false, fmt.Errorf("socks: read methods: %w", err)
	}
	offered := map[byte]bool{}
	for _, m := range methods {
		offered[m] = true
	}
	method := byte(methodNoAccept)
	switch {
	case offered[methodUserPass]:
		method = methodUserPass
	case offered[methodNoAuth] && !s.requireAuth:
		method = methodNoAuth
	}
	if _, err := w.Write([]byte{socksVersion, method}); err != nil {
		return "", false, fmt.Errorf("socks: write method: %w", err)
	}
	switch method {
	case methodNoAccept:
		return "", false, errors.New("socks: no acceptable method")
	case methodNoAuth:
		return "", false, nil
	}
	var v [2]byte
	if _, err := io.ReadFull(br, v[:]); err != nil {
		return "", false, fmt.Errorf("socks: read auth: %w", err)
	}
	if v[0] != authVersion {
		_, _ = w.Write([]byte{authVersion, 0x01})
		return "", false, fmt.Errorf("socks: auth version %d", v[0])
	}
	uname := make([]byte, v[1])
	if _, err := io.ReadFull(br, uname); err != nil {
		return "", false, fmt.Errorf("socks: read username: %w", err)
	}
	plen, err := br.ReadByte()
	if err != nil {
		return "", false, fmt.Errorf("socks: read password length: %w", err)
	}
	pass := make([]byte, plen)
	if _, err := io.ReadFull(br, pass); err != nil {
		return "", false, fmt.Errorf("socks: read password: %w", err)
	}
	if _, err := w.Write([]byte{authVersion, 0x00}); err != nil {
		return "", false, fmt.Errorf("socks: write auth status: %w", err)
	}
	return string(uname), plen > 0, nil
}

func readRequest(br *bufio.Reader) (ProxyRequest, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return ProxyRequest{}, fmt.Errorf("socks: read request: %w", err)
	}
	if hdr[0] != socksVersion {
		return ProxyRequest{}, fmt.Errorf("socks: request version %d", hdr[0])
	}
	req := ProxyRequest{Command: hdr[1], ATYP: hdr[3]}
	switch hdr[3] {
	case ATYPIPv4, ATYPIPv6:
		n := net.IPv4len
		if hdr[3] == ATYPIPv6 {
			n = net.IPv6len
		}
		ip := make([]byte, n)
		if _, err := io.ReadFull(br, ip); err != nil {
			return req, fmt.Errorf("socks: read address: %w", err)
		}
		req.Host = net.IP(ip).String()
	case ATYPDomain:
		l, err := br.ReadByte()
		if err != nil {
			return req, fmt.Errorf("socks: read name length: %w", err)
		}
		name := make([]byte, l)
		if _, err := io.ReadFull(br, name); err != nil {
			return req, fmt.Errorf("socks: read name: %w", err)
		}
		req.Host = string(name)
	default:
		return req, errBadATYP
	}
	var port [2]byte
	if _, err := io.ReadFull(br, port[:]); err != nil {
		return req, fmt.Errorf("socks: read port: %w", err)
	}
	req.Port = int(binary.BigEndian.Uint16(port[:]))
	return req, nil
}

func writeReply(w io.Writer, code byte) error {
	// BND.ADDR 0.0.0.0:0, as Tor sends for onion streams.
	_, err := w.Write([]byte{socksVersion, code, 0x00, ATYPIPv4, 0, 0, 0, 0, 0, 0})
	if err != nil {
		return fmt.Errorf("socks: write reply %#x: %w", code, err)
	}
	return nil
}

// hostPort formats host and port for logs and error messages.
func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
