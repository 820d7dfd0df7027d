package alert

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// capture is a loopback HTTP receiver that records requests and answers
// with a programmable status.
type capture struct {
	mu           sync.Mutex
	onConnClosed func() // when set, runs when a client connection closes
	reqs         []capturedReq
	respond      func(n int, w http.ResponseWriter) // n = 1-based request number
	srv          *httptest.Server
}

type capturedReq struct {
	Header http.Header
	Body   []byte
	Path   string
}

func newCapture(t testing.TB, respond func(n int, w http.ResponseWriter)) *capture {
	c := &capture{respond: respond}
	c.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, capturedReq{Header: r.Header.Clone(), Body: b, Path: r.URL.Path})
		n := len(c.reqs)
		c.mu.Unlock()
		if c.respond != nil {
			c.respond(n, w)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	c.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		c.mu.Lock()
		f := c.onConnClosed
		c.mu.Unlock()
		if st == http.StateClosed && f != nil {
			f()
		}
	}
	c.srv.Start()
	t.Cleanup(c.srv.Close)
	return c
}

func (c *capture) requests() []capturedReq {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]capturedReq(nil), c.reqs...)
}

func TestWebhookSendSignedPayload(t *testing.T) {
	c := newCapture(t, nil)
	w, err := NewWebhook("hook", c.srv.URL+"/in", otherSecret+" "+vecSecret, nil)
	mustNoErr(t, err)
	a := testAlert("msg_0123456789abcdef", 42)
	mustNoErr(t, w.Send(context.Background(), a))
	mustNoErr(t, w.Send(context.Background(), a)) // a retry

	reqs := c.requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	for i, r := range reqs {
		if got := r.Header.Get(HeaderID); got != a.ID {
			t.Errorf("request %d: webhook-id = %q, want the outbox id %q", i, got, a.ID)
		}
		// Each secret alone verifies (rotation).
		for _, s := range []string{vecSecret, otherSecret} {
			if err := Verify(s, r.Header, r.Body, time.Minute); err != nil {
				t.Errorf("request %d: verify with one rotated secret: %v", i, err)
			}
		}
		if n := len(strings.Fields(r.Header.Get(HeaderSignature))); n != 2 {
			t.Errorf("request %d: %d signatures, want 2", i, n)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
	}
	var m map[string]any
	mustNoErr(t, json.Unmarshal(reqs[0].Body, &m))
	for _, k := range []string{"type", "id", "url", "site", "title", "score", "severity", "substances", "price", "vendor", "first_seen", "snippet"} {
		if _, ok := m[k]; !ok {
			t.Errorf("payload lacks %q: %s", k, reqs[0].Body)
		}
	}
	if m["id"].(float64) != 42 || m["type"] != "finding.new" || m["severity"] != "critical" {
		t.Errorf("payload fields wrong: %s", reqs[0].Body)
	}
	for _, bad := range []string{"<b>", "<script", "\u202E", "whsec_", strings.TrimPrefix(vecSecret, "whsec_")} {
		if strings.Contains(string(reqs[0].Body), bad) {
			t.Errorf("payload contains %q: %s", bad, reqs[0].Body)
		}
	}
}

func TestWebhookStatusClassification(t *testing.T) {
	tests := []struct {
		status     int
		header     map[string]string
		wantErr    bool
		permanent  bool
		retryAfter time.Duration
	}{
		{status: 200},
		{status: 202},
		{status: 204},
		{status: 301, header: map[string]string{"Location": "http://127.0.0.1:1/elsewhere"}, wantErr: true},
		{status: 400, wantErr: true, permanent: true},
		{status: 401, wantErr: true, permanent: true},
		{status: 404, wantErr: true, permanent: true},
		{status: 410, wantErr: true, permanent: true},
		{status: 408, wantErr: true},
		{status: 429, header: map[string]string{"Retry-After": "7"}, wantErr: true, retryAfter: 7 * time.Second},
		{status: 429, header: map[string]string{"Retry-After": fixedTime.Add(90 * time.Second).Format(http.TimeFormat)}, wantErr: true, retryAfter: 90 * time.Second},
		{status: 500, wantErr: true},
		{status: 503, header: map[string]string{"Retry-After": "2"}, wantErr: true, retryAfter: 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			c := newCapture(t, func(_ int, w http.ResponseWriter) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
			})
			w, err := NewWebhook("hook", c.srv.URL, vecSecret, nil)
			mustNoErr(t, err)
			w.Now = func() time.Time { return fixedTime }
			err = w.Send(context.Background(), testAlert("msg_status", 1))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil {
				return
			}
			var de *DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("err %T is not a *DeliveryError", err)
			}
			if de.Status != tt.status || de.Permanent != tt.permanent || de.RetryAfter != tt.retryAfter {
				t.Fatalf("got status %d permanent %v retryAfter %s, want %d %v %s", de.Status, de.Permanent, de.RetryAfter, tt.status, tt.permanent, tt.retryAfter)
			}
			if len(c.requests()) != 1 {
				t.Fatalf("redirect followed or request repeated: %d requests", len(c.requests()))
			}
		})
	}
}

func TestWebhookNetworkErrorHidesURL(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	mustNoErr(t, err)
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	url := "http://" + addr + "/hooks/T000/B000/secret-path-token"
	w, err := NewWebhook("hook", url, vecSecret, nil)
	mustNoErr(t, err)
	err = w.Send(context.Background(), testAlert("msg_neterr", 1))
	if err == nil {
		t.Fatal("send to a closed port succeeded")
	}
	if IsPermanent(err) {
		t.Fatalf("network error classed permanent: %v", err)
	}
	if strings.Contains(err.Error(), "secret-path-token") || strings.Contains(err.Error(), url) {
		t.Fatalf("error leaks the URL: %v", err)
	}
}

func TestWebhookTimeoutIsRetryable(t *testing.T) {
	release := make(chan struct{})
	c := newCapture(t, func(_ int, w http.ResponseWriter) { <-release })
	defer close(release)
	w, err := NewWebhook("hook", c.srv.URL, vecSecret, NewHTTPClient(100*time.Millisecond))
	mustNoErr(t, err)
	err = w.Send(context.Background(), testAlert("msg_slow", 1))
	if err == nil || IsPermanent(err) {
		t.Fatalf("slow receiver: err = %v, want a temporary failure", err)
	}
}

func TestNewWebhookRejects(t *testing.T) {
	tests := []struct{ name, url, secret string }{
		{"relative url", "/hook", vecSecret},
		{"ftp url", "ftp://127.0.0.1/x", vecSecret},
		{"bad secret", "http://127.0.0.1/x", "whsec_!!!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewWebhook("hook", tt.url, tt.secret, nil); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestWebhookDigest(t *testing.T) {
	c := newCapture(t, nil)
	w, err := NewWebhook("hook", c.srv.URL, vecSecret, nil)
	mustNoErr(t, err)
	alerts := testAlertsN(3)
	id := digestID(alerts)
	mustNoErr(t, w.SendBatch(context.Background(), id, alerts))
	reqs := c.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	if got := reqs[0].Header.Get(HeaderID); got != id {
		t.Fatalf("webhook-id = %q, want %q", got, id)
	}
	mustNoErr(t, Verify(vecSecret, reqs[0].Header, reqs[0].Body, time.Minute))
	var d DigestPayload
	mustNoErr(t, json.Unmarshal(reqs[0].Body, &d))
	if d.Type != EventDigest || d.Count != 3 || len(d.Findings) != 3 {
		t.Fatalf("digest = %+v", d)
	}
	// Same set in another order: same id.
	rev := []int{2, 0, 1}
	shuffled := make([]fentinelAlert, 3)
	for i, j := range rev {
		shuffled[i] = alerts[j]
	}
	if digestID(shuffled) != id {
		t.Fatal("digest id depends on order")
	}
	if digestID(alerts[:2]) == id {
		t.Fatal("digest id ignores membership")
	}
}

func TestWebhookUnsigned(t *testing.T) {
	c := newCapture(t, nil)
	w, err := NewWebhook("hook", c.srv.URL, "", nil)
	mustNoErr(t, err)
	mustNoErr(t, w.Send(context.Background(), testAlert("msg_unsigned", 3)))
	r := c.requests()[0]
	if r.Header.Get(HeaderID) != "msg_unsigned" || r.Header.Get(HeaderTimestamp) == "" || r.Header.Get(HeaderSignature) != "" {
		t.Fatalf("headers = %v", r.Header)
	}
	if err := Verify(vecSecret, r.Header, r.Body, time.Minute); !errors.Is(err, ErrMissingHeaders) {
		t.Fatalf("Verify unsigned = %v", err)
	}
}
