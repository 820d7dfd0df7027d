package marketsim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WebhookTolerance is how far a webhook-timestamp may be from the
// receiver's clock before a delivery is rejected.
const WebhookTolerance = 5 * time.Minute

// maxWebhookBody caps what the receiver reads of one delivery.
const maxWebhookBody = 1 << 20

// Delivery is one webhook request the receiver got.
type Delivery struct {
	ID         string    // webhook-id header
	Timestamp  time.Time // webhook-timestamp header (zero if unparsable)
	Body       []byte
	Valid      bool   // signature verified with the receiver's secret and timestamp within tolerance
	Error      string // why it is not valid
	Attempt    int    // 1 for the first request with this ID, 2 for the first retry, ...
	Status     int    // HTTP status the receiver answered
	ReceivedAt time.Time
	Header     map[string][]string // request headers
}

// Receiver is a webhook endpoint on 127.0.0.1 that verifies Standard
// Webhooks signatures and records every delivery. A failure plan (FailFirst,
// Respond429, FailRandom) makes it answer valid deliveries with errors, for
// retry tests; invalid deliveries always get 401.
type Receiver struct {
	secret string
	key    []byte
	now    func() time.Time
	ln     net.Listener
	srv    *http.Server
	done   chan struct{}

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every delivery
	deliveries []Delivery
	attempts   map[string]int
	accepted   map[string]bool
	failN      int
	failStatus int
	n429       int
	retryAfter time.Duration
	randRate   float64
	randStatus int
	rng        *rand.Rand
}

// NewReceiver starts a stand-alone receiver with the given secret ("" generates one).
func NewReceiver(secret string) (*Receiver, error) {
	if secret == "" {
		var err error
		if secret, err = NewSecret(); err != nil {
			return nil, err
		}
	}
	return newReceiver(secret, time.Now)
}

func newReceiver(secret string, now func() time.Time) (*Receiver, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("marketsim: listen receiver: %w", err)
	}
	r := &Receiver{
		secret:   secret,
		key:      key,
		now:      now,
		ln:       ln,
		done:     make(chan struct{}),
		changed:  make(chan struct{}),
		attempts: map[string]int{},
		accepted: map[string]bool{},
	}
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(r.done)
		_ = r.srv.Serve(ln)
	}()
	return r, nil
}

func decodeSecret(secret string) ([]byte, error) {
	b64, ok := strings.CutPrefix(secret, "whsec_")
	if !ok {
		return nil, fmt.Errorf("marketsim: webhook secret must start with whsec_")
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("marketsim: webhook secret: %w", err)
	}
	return key, nil
}

// Close stops a receiver made with NewReceiver.
func (r *Receiver) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return r.close(ctx)
}

func (r *Receiver) close(ctx context.Context) error {
	err := r.srv.Shutdown(ctx)
	if err != nil {
		r.srv.Close()
	}
	<-r.done
	if err != nil {
		return fmt.Errorf("marketsim: close receiver: %w", err)
	}
	return nil
}

// URL returns the receiver's endpoint, http://127.0.0.1:PORT/hook.
func (r *Receiver) URL() string { return "http://" + r.ln.Addr().String() + "/hook" }

// Secret returns the Standard Webhooks secret, "whsec_<base64>".
func (r *Receiver) Secret() string { return r.secret }

// Received returns every delivery so far, valid or not, in arrival order.
func (r *Receiver) Received() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Delivery, len(r.deliveries))
	copy(out, r.deliveries)
	return out
}

// Valid returns how many deliveries had a valid signature (whatever the
// failure plan answered).
func (r *Receiver) Valid() int { return r.countValid(true) }

// Invalid returns how many deliveries were rejected for their signature or timestamp.
func (r *Receiver) Invalid() int { return r.countValid(false) }

// countValid returns how many deliveries so far have Valid == valid.
func (r *Receiver) countValid(valid bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, d := range r.deliveries {
		if d.Valid == valid {
			n++
		}
	}
	return n
}

// Accepted returns the distinct webhook IDs answered with 2xx after a valid
// signature: what a sender may consider delivered.
func (r *Receiver) Accepted() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.accepted)
}

// WaitFor blocks until at least n distinct webhook IDs have been accepted
// (valid and answered 2xx), or ctx ends.
func (r *Receiver) WaitFor(ctx context.Context, n int) error {
	for {
		r.mu.Lock()
		got, ch := len(r.accepted), r.changed
		r.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("marketsim: wait for %d webhook deliveries (have %d): %w", n, got, ctx.Err())
		}
	}
}

// FailFirst makes the receiver answer the next n valid deliveries with status.
func (r *Receiver) FailFirst(n, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failN, r.failStatus = n, status
}

// Respond429 makes the receiver answer the next n valid deliveries with 429
// Too Many Requests and a Retry-After of retryAfter (whole seconds, rounded up).
func (r *Receiver) Respond429(n int, retryAfter time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n429, r.retryAfter = n, retryAfter
}

// FailRandom makes the receiver answer a fraction rate (0..1) of valid
// deliveries with status, drawn from a generator seeded with seed, so a run
// is reproducible for the same order of deliveries. rate 0 turns it off.
func (r *Receiver) FailRandom(rate float64, seed uint64, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.randRate, r.randStatus = rate, status
	r.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Reset forgets the failure plan (not the deliveries).
func (r *Receiver) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failN, r.n429, r.randRate = 0, 0, 0
}

func (r *Receiver) serveHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxWebhookBody+1))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	now := r.now()
	d := Delivery{ID: req.Header.Get("webhook-id"), Body: body, ReceivedAt: now, Header: req.Header.Clone()}
	if sec, err := strconv.ParseInt(req.Header.Get("webhook-timestamp"), 10, 64); err == nil {
		d.Timestamp = time.Unix(sec, 0)
	}
	verr := VerifySignature(r.key, req.Header, body, now, WebhookTolerance)
	if len(body) > maxWebhookBody {
		verr = errors.New("body too large")
	}
	d.Valid = verr == nil
	if verr != nil {
		d.Error = verr.Error()
	}

	r.mu.Lock()
	r.attempts[d.ID]++
	d.Attempt = r.attempts[d.ID]
	status, retryAfter := http.StatusNoContent, ""
	switch {
	case !d.Valid:
		status = http.StatusUnauthorized
	case r.n429 > 0:
		r.n429--
		status = http.StatusTooManyRequests
		retryAfter = strconv.Itoa(int((r.retryAfter + time.Second - 1) / time.Second))
	case r.failN > 0:
		r.failN--
		status = r.failStatus
	case r.randRate > 0 && r.rng.Float64() < r.randRate:
		status = r.randStatus
	}
	d.Status = status
	if d.Valid && status/100 == 2 {
		r.accepted[d.ID] = true
	}
	r.deliveries = append(r.deliveries, d)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()

	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	http.Error(w, http.StatusText(status), status)
}

// Errors from VerifySignature.
var (
	ErrMissingHeaders = errors.New("missing webhook-id, webhook-timestamp or webhook-signature")
	ErrStaleTimestamp = errors.New("webhook-timestamp outside tolerance")
	ErrBadSignature   = errors.New("no matching v1 signature")
)

// VerifySignature checks a Standard Webhooks request: the webhook-signature
// header is a space-separated list of "v1,<base64 HMAC-SHA256(key,
// id.timestamp.body)>", at least one of which must match, and the
// timestamp must be within tolerance of now. key is the decoded secret.
func VerifySignature(key []byte, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return ErrMissingHeaders
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook-timestamp %q: %w", ts, ErrStaleTimestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhook-timestamp %d is %s off: %w", sec, d.Round(time.Second), ErrStaleTimestamp)
	}
	want := Signature(key, id, ts, body)
	for _, s := range strings.Fields(sigs) {
		v, sig, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return ErrBadSignature
}

// Signature returns base64(HMAC-SHA256(key, id + "." + ts + "." + body)),
// the part after "v1," in a webhook-signature header.
func Signature(key []byte, id, ts string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "."))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SecretKey decodes a "whsec_<base64>" secret into its HMAC key.
func SecretKey(secret string) ([]byte, error) { return decodeSecret(secret) }
