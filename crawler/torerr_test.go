package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"
)

// xnetReplyError builds the error golang.org/x/net/proxy returns for a
// refused SOCKS CONNECT, as its internal/socks package formats it.
func xnetReplyError(text string) error {
	return &net.OpError{Op: "socks connect", Net: "tcp", Err: errors.New("unknown error " + text)}
}

func TestParseSOCKSReply(t *testing.T) {
	tests := []struct {
		text string
		code byte
	}{
		{"general SOCKS server failure", 0x01},
		{"connection not allowed by ruleset", 0x02},
		{"host unreachable", 0x04},
		{"TTL expired", 0x06},
		{"unknown code: 240", 0xF0},
		{"unknown code: 242", 0xF2},
		{"unknown code: 247", 0xF7},
	}
	for _, tt := range tests {
		code, ok := parseSOCKSReply(xnetReplyError(tt.text).Error())
		if !ok || code != tt.code {
			t.Errorf("parseSOCKSReply(%q) = 0x%02X, %v; want 0x%02X", tt.text, code, ok, tt.code)
		}
	}
	if _, ok := parseSOCKSReply("dial tcp: connection refused"); ok {
		t.Error("plain dial error parsed as a SOCKS reply")
	}
	if _, ok := parseSOCKSReply("unknown error unknown code: 999"); ok {
		t.Error("out-of-range code accepted")
	}
}

func TestTorErrorClasses(t *testing.T) {
	tests := []struct {
		code      byte
		class     string
		retryable bool
	}{
		{0xF0, ClassDescriptor, true},
		{0xF1, ClassDescriptor, true},
		{0xF2, ClassIntro, true},
		{0xF3, ClassRendezvous, true},
		{0xF4, ClassClientAuth, false},
		{0xF5, ClassClientAuth, false},
		{0xF6, ClassBadAddress, false},
		{0xF7, ClassIntro, true},
		{0x06, ClassTTL, true},
		{0x04, ClassUnreachable, true},
		{0x02, ClassRuleset, false},
		{0x99, ClassSOCKS, false},
	}
	for _, tt := range tests {
		te := NewTorError(tt.code, "x.onion:80")
		// As a fetch error surfaces it: wrapped by net/http and url.Error.
		err := &url.Error{Op: "Get", URL: "http://x.onion/", Err: fmt.Errorf("dial: %w", te)}
		var got *TorError
		if !errors.As(err, &got) {
			t.Fatalf("errors.As failed for 0x%02X", tt.code)
		}
		if got.Code != tt.code || got.Class != tt.class || got.Retryable != tt.retryable {
			t.Errorf("0x%02X: got %+v, want class %s retryable %v", tt.code, got, tt.class, tt.retryable)
		}
		if c, r := classify(err); c != tt.class || r != tt.retryable {
			t.Errorf("classify(0x%02X) = %s %v", tt.code, c, r)
		}
	}
}

type timeoutNetErr struct{}

func (timeoutNetErr) Error() string   { return "i/o timeout" }
func (timeoutNetErr) Timeout() bool   { return true }
func (timeoutNetErr) Temporary() bool { return true }

func TestClassify(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		class     string
		retryable bool
	}{
		{"proxy", &proxyDialError{addr: "127.0.0.1:9", err: syscall.ECONNREFUSED}, ClassProxy, true},
		{"connect timeout", &timeoutError{class: ClassConnectTimeout, err: errors.New("x")}, ClassConnectTimeout, true},
		{"first byte", &timeoutError{class: ClassFirstByte, err: errors.New("x")}, ClassFirstByte, true},
		{"deadline", fmt.Errorf("get: %w", context.DeadlineExceeded), ClassTimeout, true},
		{"net timeout", &url.Error{Op: "Get", URL: "u", Err: timeoutNetErr{}}, ClassTimeout, true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), ClassReset, true},
		{"eof", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), ClassReset, true},
		{"503", &statusError{503}, ClassHTTP5xx, true},
		{"429", &statusError{429}, ClassHTTP429, true},
		{"404", &statusError{404}, ClassHTTP4xx, false},
		{"redirect", &redirectScopeError{to: "http://evil/"}, ClassRedirectScope, false},
		{"xnet ttl string", xnetReplyError("TTL expired"), ClassTTL, true},
		{"xnet F3 string", xnetReplyError("unknown code: 243"), ClassRendezvous, true},
		{"other", errors.New("weird"), ClassOther, false},
	}
	for _, tt := range tests {
		c, r := classify(tt.err)
		if c != tt.class || r != tt.retryable {
			t.Errorf("%s: classify = %s %v, want %s %v", tt.name, c, r, tt.class, tt.retryable)
		}
	}
	if !errors.Is(&proxyDialError{addr: "a", err: errors.New("x")}, ErrProxyUnreachable) {
		t.Error("proxyDialError does not wrap ErrProxyUnreachable")
	}
}

func TestRetryPolicy(t *testing.T) {
	fixed := func(v float64) func() float64 { return func() float64 { return v } }
	p := newRetryPolicy(map[string]Backoff{ClassHTTP5xx: {Attempts: 4, Base: 10 * time.Second, Max: 25 * time.Second}}, fixed(0))
	tests := []struct {
		attempts   int
		retryAfter time.Duration
		want       time.Duration
		ok         bool
	}{
		{1, 0, 5 * time.Second, true},          // 10s, jitter floor d/2
		{2, 0, 10 * time.Second, true},         // 20s
		{3, 0, 12500 * time.Millisecond, true}, // capped at 25s
		{4, 0, 0, false},                       // attempts exhausted
		{1, time.Minute, time.Minute, true},
	}
	for _, tt := range tests {
		d, ok := p.next(ClassHTTP5xx, true, tt.attempts, tt.retryAfter)
		if d != tt.want || ok != tt.ok {
			t.Errorf("next(5xx, %d, %s) = %s %v, want %s %v", tt.attempts, tt.retryAfter, d, ok, tt.want, tt.ok)
		}
	}
	// Jitter stays in [d/2, d).
	p.rand = fixed(0.999)
	if d, _ := p.next(ClassHTTP5xx, true, 1, 0); d < 5*time.Second || d >= 10*time.Second {
		t.Errorf("jittered delay %s outside [5s,10s)", d)
	}
	if _, ok := p.next(ClassHTTP4xx, false, 1, 0); ok {
		t.Error("non-retryable class retried")
	}
	if _, ok := p.next("no-such-class", true, 1, 0); ok {
		t.Error("unknown class retried")
	}
	// Descriptor-not-found backs off much longer than an intro failure.
	def := newRetryPolicy(nil, fixed(0))
	dd, _ := def.next(ClassDescriptor, true, 1, 0)
	di, _ := def.next(ClassIntro, true, 1, 0)
	if dd <= di {
		t.Errorf("descriptor backoff %s not longer than intro backoff %s", dd, di)
	}
}
