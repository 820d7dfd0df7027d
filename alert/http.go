package alert

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// DefaultTimeout bounds one HTTP delivery attempt when the caller gives no client.
const DefaultTimeout = 15 * time.Second

// userAgent identifies Fentinel to alert receivers.
const userAgent = "Fentinel-Alert/1"

// NewHTTPClient returns the client sinks use by default: a bounded timeout
// and no redirect following (a 3xx is a failed delivery, per Standard
// Webhooks; following it could also leak a signed payload elsewhere).
func NewHTTPClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// postJSON sends body to rawURL and classifies the outcome. Errors never
// contain the URL (Slack and Teams URLs are secrets) nor the secret.
func postJSON(ctx context.Context, client *http.Client, sink, rawURL string, header http.Header, body []byte, now func() time.Time, ok func(status int) bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return &DeliveryError{Sink: sink, Permanent: true, Err: errors.New("bad sink URL")}
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		return &DeliveryError{Sink: sink, Err: redactURLError(err)}
	}
	defer resp.Body.Close()
	// Read a little of the reply: Slack and PagerDuty explain errors in it.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if ok == nil {
		ok = func(s int) bool { return s >= 200 && s < 300 }
	}
	if ok(resp.StatusCode) {
		return nil
	}
	return classifyStatus(sink, resp.StatusCode, resp.Header, head, now())
}

// classifyStatus turns an unsuccessful HTTP status into a DeliveryError:
// 408, 429 and 5xx (and 3xx) are retried, honouring Retry-After; every
// other 4xx is permanent.
func classifyStatus(sink string, status int, h http.Header, body []byte, now time.Time) error {
	de := &DeliveryError{Sink: sink, Status: status}
	msg := http.StatusText(status)
	if snippet := replyText(body); snippet != "" {
		msg += ": " + snippet
	}
	de.Err = errors.New(msg)
	switch {
	case status == http.StatusRequestTimeout, status == http.StatusTooManyRequests, status >= 500:
		de.RetryAfter = parseRetryAfter(h.Get("Retry-After"), now)
	case status >= 400:
		de.Permanent = true
	}
	return de
}

// replyText makes a receiver's reply printable and short.
func replyText(b []byte) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, string(bytes.ToValidUTF8(b, nil)))
	return truncate(strings.Join(strings.Fields(s), " "), 120)
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// redactURLError drops the URL from net/http errors: "Post \"https://hooks
// .slack.com/services/T/B/secret\": dial tcp ..." becomes "post: dial tcp ...".
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		inner := ue.Err
		if inner == nil {
			inner = errors.New("request failed")
		}
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), redactInner(inner, ue.URL))
	}
	return err
}

// redactInner guards against an inner error that repeats the URL.
func redactInner(err error, rawURL string) error {
	if rawURL != "" && strings.Contains(err.Error(), rawURL) {
		return errors.New(strings.ReplaceAll(err.Error(), rawURL, "[redacted-url]"))
	}
	return err
}

// shortHash is the first 24 hex digits of SHA-256(s).
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:12])
}
