package torctl

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestDialAuth(t *testing.T) {
	otherCookie := filepath.Join(t.TempDir(), "other_cookie")
	if err := os.WriteFile(otherCookie, []byte(strings.Repeat("x", 32)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		methods  string
		auth     func(f *fakeTor) Auth
		wantErr  error  // nil = success
		wantSent string // prefix of the AUTHENTICATE-family line that must have been sent
	}{
		{"safecookie preferred", "COOKIE,SAFECOOKIE,HASHEDPASSWORD", func(*fakeTor) Auth { return Auth{} }, nil, "AUTHCHALLENGE SAFECOOKIE "},
		{"plain cookie", "COOKIE", func(*fakeTor) Auth { return Auth{} }, nil, "AUTHENTICATE "},
		{"cookie path override", "SAFECOOKIE", func(f *fakeTor) Auth { return Auth{CookiePath: f.cookiePath} }, nil, "AUTHCHALLENGE"},
		{"safecookie wrong cookie", "SAFECOOKIE", func(*fakeTor) Auth { return Auth{CookiePath: otherCookie} }, ErrAuthFailed, "AUTHCHALLENGE"},
		{"plain cookie wrong cookie", "COOKIE", func(*fakeTor) Auth { return Auth{CookiePath: otherCookie} }, ErrAuthFailed, "AUTHENTICATE "},
		{"password", "HASHEDPASSWORD", func(f *fakeTor) Auth { return Auth{Password: f.password} }, nil, `AUTHENTICATE "`},
		{"password beats cookie", "SAFECOOKIE,HASHEDPASSWORD", func(f *fakeTor) Auth { return Auth{Password: f.password} }, nil, `AUTHENTICATE "`},
		{"wrong password", "HASHEDPASSWORD", func(*fakeTor) Auth { return Auth{Password: "hunter2-wrong"} }, ErrAuthFailed, `AUTHENTICATE "`},
		{"password not offered", "SAFECOOKIE", func(*fakeTor) Auth { return Auth{Password: "hunter2-wrong"} }, ErrNoAuthMethod, ""},
		{"password needed", "HASHEDPASSWORD", func(*fakeTor) Auth { return Auth{} }, ErrNoAuthMethod, ""},
		{"null", "NULL", func(*fakeTor) Auth { return Auth{} }, nil, "AUTHENTICATE"},
		{"missing cookie file", "COOKIE", func(f *fakeTor) Auth { return Auth{CookiePath: f.cookiePath + ".missing"} }, os.ErrNotExist, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTor(t, tt.methods)
			auth := tt.auth(f)
			c, err := Dial(testCtx(t), f.addr(), auth)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				defer c.Close()
				// An authenticated connection accepts commands.
				f.info["version"] = "0.4.9.11"
				if _, err := c.GetInfo(testCtx(t), "version"); err != nil {
					t.Fatalf("GetInfo after auth: %v", err)
				}
				if !reflect.DeepEqual(c.ProtocolInfo.Methods, strings.Split(tt.methods, ",")) {
					t.Errorf("ProtocolInfo.Methods = %v", c.ProtocolInfo.Methods)
				}
			} else {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Dial error = %v, want %v", err, tt.wantErr)
				}
				if auth.Password != "" && strings.Contains(err.Error(), auth.Password) {
					t.Fatalf("error text contains the password: %v", err)
				}
			}
			if tt.wantSent != "" {
				found := false
				for _, l := range f.received() {
					if strings.HasPrefix(l, tt.wantSent) {
						found = true
					}
				}
				if !found {
					t.Errorf("no line starting %q sent; got %q", tt.wantSent, f.received())
				}
			}
			// SAFECOOKIE never sends the cookie itself.
			for _, l := range f.received() {
				if strings.Contains(strings.ToLower(l), strings.ToLower(hexOf(f.cookie))) && strings.Contains(tt.methods, "SAFECOOKIE") {
					t.Errorf("cookie sent in clear under SAFECOOKIE: %q", l)
				}
			}
		})
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, x := range b {
		out = append(out, digits[x>>4], digits[x&15])
	}
	return string(out)
}

func TestPasswordQuoting(t *testing.T) {
	f := newFakeTor(t, "HASHEDPASSWORD")
	f.password = "a \"quoted\" pass\\word\nwith newline"
	c, err := Dial(testCtx(t), f.addr(), Auth{Password: f.password})
	if err != nil {
		t.Fatalf("Dial with a password needing escapes: %v", err)
	}
	c.Close()
}

func dialFake(t *testing.T, f *fakeTor, d *Dialer) *Conn {
	t.Helper()
	if d == nil {
		d = &Dialer{}
	}
	c, err := d.Dial(testCtx(t), f.addr(), Auth{})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestGetInfo(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	f.info = map[string]string{
		"version":                    "0.4.9.11",
		"net/listeners/socks":        `"127.0.0.1:9050"`,
		"config-text":                "SocksPort 9050\n.dotted line\nControlPort 9051",
		"status/circuit-established": "1",
	}
	c := dialFake(t, f, nil)
	tests := []struct {
		name    string
		keys    []string
		want    map[string]string
		wantErr error
	}{
		{"one", []string{"version"}, map[string]string{"version": "0.4.9.11"}, nil},
		{"two", []string{"version", "net/listeners/socks"}, map[string]string{"version": "0.4.9.11", "net/listeners/socks": `"127.0.0.1:9050"`}, nil},
		{"data block", []string{"config-text"}, map[string]string{"config-text": "SocksPort 9050\n.dotted line\nControlPort 9051"}, nil},
		{"unknown key", []string{"no/such/key"}, nil, ErrUnrecognized},
		{"none", nil, map[string]string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.GetInfo(testCtx(t), tt.keys...)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				var re *ReplyError
				if !errors.As(err, &re) || re.Code != 552 || re.Cmd != "GETINFO" {
					t.Fatalf("err = %#v, want *ReplyError 552 GETINFO", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("GetInfo = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOneKey(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	f.info["status/circuit-established"] = "0"
	c := dialFake(t, f, nil)
	// The shape crawler.Control asks for.
	var ctl interface {
		GetInfo(ctx context.Context, key string) (string, error)
		NewNym(ctx context.Context) error
	} = OneKey{Conn: c}
	v, err := ctl.GetInfo(testCtx(t), "status/circuit-established")
	if err != nil || v != "0" {
		t.Fatalf("GetInfo = %q, %v; want \"0\"", v, err)
	}
	if _, err := ctl.GetInfo(testCtx(t), "nope"); !errors.Is(err, ErrUnrecognized) {
		t.Fatalf("GetInfo(nope) = %v, want ErrUnrecognized", err)
	}
	if err := ctl.NewNym(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}

func TestCircuitEstablished(t *testing.T) {
	tests := []struct {
		value   string
		want    bool
		wantErr error
	}{
		{"1", true, nil},
		{"0", false, nil},
		{"yes", false, ErrProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			f := newFakeTor(t, "SAFECOOKIE")
			f.info["status/circuit-established"] = tt.value
			c := dialFake(t, f, nil)
			got, err := c.CircuitEstablished(testCtx(t))
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Fatalf("CircuitEstablished = %v, %v; want %v, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// fakeClock is a settable clock for the NEWNYM limiter.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestNewNymRateLimit(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	clk := &fakeClock{now: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)}
	c := dialFake(t, f, &Dialer{Now: clk.Now})
	ctx := testCtx(t)

	steps := []struct {
		advance   time.Duration
		wantWait  time.Duration // 0 = must be sent
		wantCount int           // NEWNYM signals tor has received after the step
	}{
		{0, 0, 1},
		{3 * time.Second, 7 * time.Second, 1},
		{6*time.Second + 999*time.Millisecond, time.Millisecond, 1},
		{time.Millisecond, 0, 2},
		{0, 10 * time.Second, 2},
		{25 * time.Second, 0, 3},
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		err := c.NewNym(ctx)
		if s.wantWait == 0 {
			if err != nil {
				t.Fatalf("step %d: NewNym: %v", i, err)
			}
		} else {
			var rl *RateLimitError
			if !errors.As(err, &rl) || !errors.Is(err, ErrNewNymRateLimited) {
				t.Fatalf("step %d: err = %v, want RateLimitError", i, err)
			}
			if rl.RetryAfter != s.wantWait {
				t.Fatalf("step %d: RetryAfter = %v, want %v", i, rl.RetryAfter, s.wantWait)
			}
		}
		// A round trip so that tor has processed any signal sent above.
		f.info["version"] = "x"
		if _, err := c.GetInfo(ctx, "version"); err != nil {
			t.Fatal(err)
		}
		if got := f.signalCount("NEWNYM"); got != s.wantCount {
			t.Fatalf("step %d: tor received %d NEWNYM, want %d", i, got, s.wantCount)
		}
	}
	// Signal("NEWNYM") goes through the same limiter.
	if err := c.Signal(ctx, "newnym"); !errors.Is(err, ErrNewNymRateLimited) {
		t.Fatalf("Signal(newnym) = %v, want rate limited", err)
	}
}

func TestNewNymWait(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	c := dialFake(t, f, &Dialer{NewNymInterval: 150 * time.Millisecond})
	ctx := testCtx(t)
	if err := c.NewNym(ctx); err != nil {
		t.Fatal(err)
	}
	// A cancelled wait returns the context error and sends nothing.
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := c.NewNymWait(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("NewNymWait(short ctx) = %v, want deadline exceeded", err)
	}
	if err := c.NewNymWait(ctx); err != nil {
		t.Fatalf("NewNymWait: %v", err)
	}
	if got := f.signalCount("NEWNYM"); got != 2 {
		t.Fatalf("tor received %d NEWNYM, want 2", got)
	}
}

func TestEvents(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	onion := "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion"
	f.events = []string{
		`CIRC 7 LAUNCHED BUILD_FLAGS=IS_INTERNAL,NEED_CAPACITY PURPOSE=HS_CLIENT_REND TIME_CREATED=2026-11-28T02:00:00.000000`,
		`STREAM 21 NEW 0 ` + onion + `:80 SOURCE_ADDR=127.0.0.1:40000 PURPOSE=USER SOCKS_USERNAME="site-a" SOCKS_PASSWORD="x" CLIENT_PROTOCOL=SOCKS5 NYM_EPOCH=0 SESSION_GROUP=-6 ISO_FIELDS=SOCKS_USERNAME,SOCKS_PASSWORD,CLIENTADDR,SESSION_GROUP,NYM_EPOCH`,
		`CIRC 7 BUILT $AAAA~relay0,$BBBB~auth1 BUILD_FLAGS=IS_INTERNAL PURPOSE=HS_CLIENT_REND HS_STATE=HSCR_JOINED REND_QUERY=pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd SOCKS_USERNAME="site-a"`,
		`STREAM 21 SUCCEEDED 7 ` + onion + `:80 SOCKS_USERNAME="site-a"`,
	}
	c := dialFake(t, f, nil)
	if err := c.SetEvents(testCtx(t), "STREAM", "CIRC"); err != nil {
		t.Fatal(err)
	}
	if got := f.received(); got[len(got)-1] != "SETEVENTS STREAM CIRC" {
		t.Fatalf("sent %q", got[len(got)-1])
	}
	var evs []Event
	for len(evs) < len(f.events) {
		select {
		case ev := <-c.Events():
			evs = append(evs, ev)
		case <-time.After(5 * time.Second):
			t.Fatalf("got %d events, want %d", len(evs), len(f.events))
		}
	}
	if evs[0].Type != "CIRC" || evs[0].Circ.ID != "7" || evs[0].Circ.Status != "LAUNCHED" || evs[0].Circ.Path != nil ||
		evs[0].Circ.Purpose != "HS_CLIENT_REND" {
		t.Errorf("event 0: %+v", evs[0].Circ)
	}
	s := evs[1].Stream
	if s == nil || s.ID != "21" || s.Status != "NEW" || s.CircID != "0" || s.Host() != onion ||
		s.SOCKSUsername != "site-a" || len(s.IsoFields) != 5 || s.ClientAddr != "127.0.0.1:40000" {
		t.Errorf("event 1: %+v", s)
	}
	cb := evs[2].Circ
	if !reflect.DeepEqual(cb.Path, []string{"$AAAA~relay0", "$BBBB~auth1"}) || cb.SOCKSUsername != "site-a" ||
		cb.RendQuery+".onion" != onion {
		t.Errorf("event 2: %+v", cb)
	}
	if s := evs[3].Stream; s.Status != "SUCCEEDED" || s.CircID != "7" {
		t.Errorf("event 3: %+v", s)
	}
	// Unsubscribing works and commands still flow after events.
	if err := c.SetEvents(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}

func TestParseEvent(t *testing.T) {
	tests := []struct {
		line   string
		typ    string
		stream *StreamEvent
		circ   *CircEvent
	}{
		{`STREAM 5 FAILED 0 x.onion:80 REASON=END REMOTE_REASON=RESOLVEFAILED`, "STREAM",
			&StreamEvent{ID: "5", Status: "FAILED", CircID: "0", Target: "x.onion:80", Reason: "END", RemoteReason: "RESOLVEFAILED"}, nil},
		{`STREAM 6 NEW 0 [::1]:443 SOCKS_USERNAME="we ird\"name"`, "STREAM",
			&StreamEvent{ID: "6", Status: "NEW", CircID: "0", Target: "[::1]:443", SOCKSUsername: `we ird"name`}, nil},
		{`CIRC 3 EXTENDED $F00~a BUILD_FLAGS=NEED_CAPACITY PURPOSE=GENERAL`, "CIRC", nil,
			&CircEvent{ID: "3", Status: "EXTENDED", Path: []string{"$F00~a"}, BuildFlags: []string{"NEED_CAPACITY"}, Purpose: "GENERAL"}},
		{`CIRC 4 CLOSED REASON=FINISHED`, "CIRC", nil, &CircEvent{ID: "4", Status: "CLOSED", Reason: "FINISHED"}},
		{`NOTICE Rate limiting NEWNYM request: delaying by 8 second(s)`, "NOTICE", nil, nil},
		{`STREAM`, "STREAM", &StreamEvent{}, nil},
		{``, "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			ev := ParseEvent(tt.line)
			if ev.Type != tt.typ || ev.Raw != tt.line {
				t.Fatalf("Type=%q Raw=%q", ev.Type, ev.Raw)
			}
			if !reflect.DeepEqual(ev.Stream, tt.stream) {
				t.Errorf("Stream = %+v, want %+v", ev.Stream, tt.stream)
			}
			if !reflect.DeepEqual(ev.Circ, tt.circ) {
				t.Errorf("Circ = %+v, want %+v", ev.Circ, tt.circ)
			}
		})
	}
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want fields
	}{
		{`AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="/var/lib/tor/control auth \"cookie\""`, fields{
			{Key: "AUTH"}, {Key: "METHODS", Value: "COOKIE,SAFECOOKIE", HasValue: true},
			{Key: "COOKIEFILE", Value: `/var/lib/tor/control auth "cookie"`, HasValue: true}}},
		{`VERSION Tor="0.4.9.11"`, fields{{Key: "VERSION"}, {Key: "Tor", Value: "0.4.9.11", HasValue: true}}},
		{`K="a\n\tb\101\\"  L=`, fields{{Key: "K", Value: "a\n\tbA\\", HasValue: true}, {Key: "L", Value: "", HasValue: true}}},
		{`K="unterminated`, fields{{Key: "K", Value: "unterminated", HasValue: true}}},
		{`   `, nil},
	}
	for _, tt := range tests {
		if got := tokenize(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("tokenize(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// TestCancelKeepsOrder: a command abandoned by its context must not steal
// the reply of the next command.
func TestCancelKeepsOrder(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	f.info["version"] = "0.4.9.11"
	f.info["status/circuit-established"] = "1"
	c := dialFake(t, f, nil)
	f.hold = make(chan struct{}, 2)

	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.GetInfo(short, "version"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("GetInfo(short) = %v, want deadline exceeded", err)
	}
	f.hold <- struct{}{}
	f.hold <- struct{}{}
	m, err := c.GetInfo(testCtx(t), "status/circuit-established")
	if err != nil {
		t.Fatal(err)
	}
	if m["status/circuit-established"] != "1" {
		t.Fatalf("second command got %q: the abandoned reply was misdelivered", m)
	}
}

func TestCancelledBeforeSend(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	c := dialFake(t, f, nil)
	sent := len(f.received())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Signal(ctx, "HEARTBEAT"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Signal(cancelled) = %v, want context.Canceled", err)
	}
	// A round trip, then check nothing was sent for the cancelled call.
	f.info["version"] = "x"
	if _, err := c.GetInfo(testCtx(t), "version"); err != nil {
		t.Fatal(err)
	}
	if got := f.received()[sent:]; len(got) != 1 || got[0] != "GETINFO version" {
		t.Fatalf("lines sent after the cancelled call: %q", got)
	}
}

func TestServerHangup(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	c := dialFake(t, f, nil)
	// QUIT makes the fake close the connection after its reply.
	if _, err := c.Do(testCtx(t), "QUIT"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed after the peer hung up")
	}
	if _, err := c.GetInfo(testCtx(t), "version"); !errors.Is(err, ErrClosed) {
		t.Fatalf("GetInfo after hangup = %v, want ErrClosed", err)
	}
	if _, ok := <-c.Events(); ok {
		t.Fatal("Events channel still open")
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close after hangup: %v", err)
	}
}

func TestUnrecognizedAndInjection(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	c := dialFake(t, f, nil)
	ctx := testCtx(t)
	if _, err := c.Do(ctx, "FROBNICATE now"); !errors.Is(err, ErrUnrecognized) {
		t.Fatalf("Do(FROBNICATE) = %v, want ErrUnrecognized", err)
	}
	if _, err := c.Do(ctx, "GETINFO version\r\nSIGNAL HALT"); err == nil {
		t.Fatal("a command with a line break was sent")
	}
	if _, err := c.GetInfo(ctx, "version\r\nSIGNAL HALT"); err == nil {
		t.Fatal("a GETINFO key with a line break was sent")
	}
	if err := c.SetEvents(ctx, "STREAM CIRC"); err == nil {
		t.Fatal("an event name with a space was accepted")
	}
	if n := f.signalCount("HALT"); n != 0 {
		t.Fatalf("tor received %d HALT signals", n)
	}
}

func TestDialRefused(t *testing.T) {
	f := newFakeTor(t, "SAFECOOKIE")
	addr := f.addr()
	f.ln.Close()
	_, err := Dial(testCtx(t), addr, Auth{})
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Dial to a closed port = %v, want an error naming %s", err, addr)
	}
}
