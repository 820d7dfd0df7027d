package crawler

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Error classes: how a failed fetch is counted (Stats.Errors) and retried.
const (
	ClassDescriptor     = "onion-descriptor"   // F0 descriptor not found, F1 descriptor invalid
	ClassIntro          = "onion-intro"        // F2 introduction failed, F7 introduction timed out
	ClassRendezvous     = "onion-rendezvous"   // F3 rendezvous failed
	ClassClientAuth     = "onion-client-auth"  // F4 client auth missing, F5 client auth wrong
	ClassBadAddress     = "onion-bad-address"  // F6 bad onion address
	ClassTTL            = "tor-ttl-expired"    // 0x06: Tor gave up building the stream
	ClassUnreachable    = "unreachable"        // 0x03 network / 0x04 host unreachable
	ClassRefused        = "refused"            // 0x05 connection refused by the destination
	ClassRuleset        = "ruleset"            // 0x02 not allowed by the proxy's rules
	ClassSOCKS          = "socks"              // other SOCKS failures and protocol errors
	ClassProxy          = "proxy-unreachable"  // the SOCKS proxy itself could not be reached
	ClassConnectTimeout = "connect-timeout"    // SOCKS dial (rendezvous included) took too long
	ClassFirstByte      = "first-byte-timeout" // no response headers in time
	ClassTimeout        = "timeout"            // whole request took too long
	ClassReset          = "reset"              // connection reset or closed early
	ClassTLS            = "tls"                // TLS handshake or certificate failure
	ClassHTTP5xx        = "http-5xx"           // server error status
	ClassHTTP429        = "http-429"           // rate limited
	ClassHTTP4xx        = "http-4xx"           // other client error status
	ClassRedirectScope  = "redirect-out-of-scope"
	ClassCircuitKilled  = "circuit-killed" // EndGame "DDOS filter killed your path"
	ClassOther          = "other"
)

// TorError is a SOCKS5 reply from Tor that refused a CONNECT, including the
// extended onion-service codes of proposal 304 (SocksPort ExtendedErrors).
// Use errors.As(err, &te) on any fetch error to get it.
type TorError struct {
	Code      byte   // SOCKS reply code, e.g. 0x06 or 0xF2
	Class     string // one of the Class* constants
	Retryable bool   // worth another attempt (with backoff, on a fresh circuit)
	Target    string // host:port asked for
	Msg       string // what the code means
}

// Error implements error.
func (e *TorError) Error() string {
	return fmt.Sprintf("tor socks reply 0x%02X for %s: %s", e.Code, e.Target, e.Msg)
}

type replyInfo struct {
	class     string
	retryable bool
	msg       string
}

// socksReplies maps SOCKS5 reply codes, standard and Tor-extended, to
// their class and retry decision.
var socksReplies = map[byte]replyInfo{
	0x01: {ClassSOCKS, true, "general SOCKS server failure"},
	0x02: {ClassRuleset, false, "connection not allowed by ruleset"},
	0x03: {ClassUnreachable, true, "network unreachable"},
	0x04: {ClassUnreachable, true, "host unreachable"},
	0x05: {ClassRefused, true, "connection refused"},
	0x06: {ClassTTL, true, "TTL expired (Tor timed out building the stream)"},
	0x07: {ClassSOCKS, false, "command not supported"},
	0x08: {ClassSOCKS, false, "address type not supported"},
	0xF0: {ClassDescriptor, true, "onion service descriptor not found (service offline or address wrong)"},
	0xF1: {ClassDescriptor, true, "onion service descriptor invalid"},
	0xF2: {ClassIntro, true, "onion service introduction failed"},
	0xF3: {ClassRendezvous, true, "onion service rendezvous failed"},
	0xF4: {ClassClientAuth, false, "onion service requires client authorization"},
	0xF5: {ClassClientAuth, false, "onion service client authorization rejected"},
	0xF6: {ClassBadAddress, false, "invalid onion address"},
	0xF7: {ClassIntro, true, "onion service introduction timed out"},
}

// NewTorError returns the TorError for a SOCKS reply code.
func NewTorError(code byte, target string) *TorError {
	info, ok := socksReplies[code]
	if !ok {
		info = replyInfo{ClassSOCKS, false, "unknown SOCKS reply"}
	}
	return &TorError{Code: code, Class: info.class, Retryable: info.retryable, Target: target, Msg: info.msg}
}

// xnetReplyText is how golang.org/x/net/internal/socks names the standard
// reply codes ("unknown error " + Reply.String()).
var xnetReplyText = map[string]byte{
	"general SOCKS server failure":      0x01,
	"connection not allowed by ruleset": 0x02,
	"network unreachable":               0x03,
	"host unreachable":                  0x04,
	"connection refused":                0x05,
	"TTL expired":                       0x06,
	"command not supported":             0x07,
	"address type not supported":        0x08,
}

// parseSOCKSReply recognises the error text x/net's SOCKS client produces
// for a failed CONNECT reply and returns the reply code.
func parseSOCKSReply(msg string) (byte, bool) {
	i := strings.Index(msg, "unknown error ")
	if i < 0 {
		return 0, false
	}
	rest := msg[i+len("unknown error "):]
	if n, ok := strings.CutPrefix(rest, "unknown code: "); ok {
		v, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil || v < 0 || v > 255 {
			return 0, false
		}
		return byte(v), true
	}
	for text, code := range xnetReplyText {
		if strings.HasPrefix(rest, text) {
			return code, true
		}
	}
	return 0, false
}

// proxyDialError marks a failure to reach the SOCKS proxy itself.
type proxyDialError struct {
	addr string
	err  error
}

func (e *proxyDialError) Error() string {
	return fmt.Sprintf("SOCKS proxy %s unreachable: %v", e.addr, e.err)
}
func (e *proxyDialError) Unwrap() []error { return []error{ErrProxyUnreachable, e.err} }

// timeoutError is a connect or first-byte timeout with its class.
type timeoutError struct {
	class string
	err   error
}

func (e *timeoutError) Error() string   { return e.class + ": " + e.err.Error() }
func (e *timeoutError) Unwrap() error   { return e.err }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

// statusError is a non-2xx HTTP status.
type statusError struct {
	status int
}

func (e *statusError) Error() string { return "HTTP status " + strconv.Itoa(e.status) }

// classify returns the error class of a fetch error and whether another
// attempt may succeed.
func classify(err error) (class string, retryable bool) {
	if err == nil {
		return "", false
	}
	var te *TorError
	if errors.As(err, &te) {
		return te.Class, te.Retryable
	}
	var pe *proxyDialError
	if errors.As(err, &pe) {
		return ClassProxy, true
	}
	var to *timeoutError
	if errors.As(err, &to) {
		return to.class, true
	}
	var se *statusError
	if errors.As(err, &se) {
		switch {
		case se.status == 429:
			return ClassHTTP429, true
		case se.status >= 500:
			return ClassHTTP5xx, true
		case se.status == 408:
			return ClassHTTP4xx, true
		default:
			return ClassHTTP4xx, false
		}
	}
	var redir *redirectScopeError
	if errors.As(err, &redir) {
		return ClassRedirectScope, false
	}
	var tlsErr *tls.CertificateVerificationError
	if errors.As(err, &tlsErr) {
		return ClassTLS, false
	}
	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) {
		return ClassTLS, false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return ClassTimeout, true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ClassTimeout, true
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.EPIPE) {
		return ClassReset, true
	}
	msg := err.Error()
	if code, ok := parseSOCKSReply(msg); ok {
		te := NewTorError(code, "")
		return te.Class, te.Retryable
	}
	switch {
	case strings.Contains(msg, "Client.Timeout exceeded"):
		return ClassTimeout, true
	case strings.Contains(msg, "tls:") || strings.Contains(msg, "x509:"):
		return ClassTLS, false
	case strings.Contains(msg, "connection reset"), strings.Contains(msg, "server closed"), strings.Contains(msg, "EOF"):
		return ClassReset, true
	case strings.Contains(msg, "socks"):
		return ClassSOCKS, true
	}
	return ClassOther, false
}
