package marketsim

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// send posts body to the receiver signed with secret at ts, returning the status.
func send(t *testing.T, r *Receiver, secret, id string, ts time.Time, body, signedBody []byte) *http.Response {
	t.Helper()
	key, err := SecretKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	tss := strconv.FormatInt(ts.Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, r.URL(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", tss)
	// A rotated-out key's signature first, as senders may list several.
	req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString([]byte("old-signature-of-32-bytes-------"))+" v1,"+Signature(key, id, tss, signedBody))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestReceiverVerifiesSignatures(t *testing.T) {
	s := startSim(t, Options{})
	r := s.Receiver()
	other, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"type":"finding.new","finding_id":1}`)
	now := time.Now()
	tests := []struct {
		name       string
		secret     string
		ts         time.Time
		body       []byte
		signed     []byte
		wantStatus int
		wantValid  bool
	}{
		{"correct", r.Secret(), now, body, body, http.StatusNoContent, true},
		{"tampered body", r.Secret(), now, []byte(`{"type":"finding.new","finding_id":2}`), body, http.StatusUnauthorized, false},
		{"wrong secret", other, now, body, body, http.StatusUnauthorized, false},
		{"stale timestamp", r.Secret(), now.Add(-6 * time.Minute), body, body, http.StatusUnauthorized, false},
		{"future timestamp", r.Secret(), now.Add(6 * time.Minute), body, body, http.StatusUnauthorized, false},
		{"just inside tolerance", r.Secret(), now.Add(-4 * time.Minute), body, body, http.StatusNoContent, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "msg_" + strconv.Itoa(i)
			resp := send(t, r, tt.secret, id, tt.ts, tt.body, tt.signed)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			got := r.Received()
			d := got[len(got)-1]
			if d.ID != id || d.Valid != tt.wantValid || !bytes.Equal(d.Body, tt.body) || d.Attempt != 1 {
				t.Fatalf("recorded %+v", d)
			}
			if d.Timestamp.Unix() != tt.ts.Unix() {
				t.Fatalf("timestamp %v, want %v", d.Timestamp, tt.ts)
			}
		})
	}
	if r.Valid() != 2 || r.Invalid() != 4 || r.Accepted() != 2 {
		t.Fatalf("Valid %d Invalid %d Accepted %d, want 2 4 2", r.Valid(), r.Invalid(), r.Accepted())
	}
}

func TestReceiverMissingHeaders(t *testing.T) {
	r, err := NewReceiver("")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	resp, err := http.Post(r.URL(), "application/json", bytes.NewReader([]byte(`{}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || r.Invalid() != 1 {
		t.Fatalf("status %d invalid %d", resp.StatusCode, r.Invalid())
	}
}

func TestReceiverFailurePlan(t *testing.T) {
	r, err := NewReceiver("")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	body := []byte(`{}`)
	r.Respond429(1, 1500*time.Millisecond)
	r.FailFirst(2, http.StatusBadGateway)
	want := []int{429, 502, 502, 204}
	for i, w := range want {
		resp := send(t, r, r.Secret(), "msg_same", time.Now(), body, body)
		if resp.StatusCode != w {
			t.Fatalf("attempt %d: status %d, want %d", i+1, resp.StatusCode, w)
		}
		if w == 429 && resp.Header.Get("Retry-After") != "2" {
			t.Fatalf("Retry-After %q, want 2", resp.Header.Get("Retry-After"))
		}
	}
	got := r.Received()
	for i, d := range got {
		if d.Attempt != i+1 || d.Status != want[i] || !d.Valid {
			t.Fatalf("delivery %d: %+v", i, d)
		}
	}
	if r.Accepted() != 1 {
		t.Fatalf("Accepted %d, want 1", r.Accepted())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := r.WaitFor(ctx, 1); err != nil {
		t.Fatalf("WaitFor(1): %v", err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if err := r.WaitFor(short, 2); err == nil {
		t.Fatal("WaitFor(2) returned nil with one accepted delivery")
	}
}

func TestReceiverFailRandomIsSeeded(t *testing.T) {
	run := func() []int {
		r, err := NewReceiver("")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		r.FailRandom(0.3, 42, http.StatusServiceUnavailable)
		var out []int
		for i := 0; i < 40; i++ {
			resp := send(t, r, r.Secret(), "msg_"+strconv.Itoa(i), time.Now(), []byte("{}"), []byte("{}"))
			out = append(out, resp.StatusCode)
		}
		return out
	}
	a, b := run(), run()
	fails := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("run differs at %d: %d vs %d", i, a[i], b[i])
		}
		if a[i] == http.StatusServiceUnavailable {
			fails++
		}
	}
	if fails < 4 || fails > 20 {
		t.Fatalf("%d of 40 failed at rate 0.3", fails)
	}
}

func TestReceiverWaitForWakesOnDelivery(t *testing.T) {
	r, err := NewReceiver("")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	errc := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		errc <- r.WaitFor(ctx, 2)
	}()
	send(t, r, r.Secret(), "a", time.Now(), []byte("{}"), []byte("{}"))
	send(t, r, r.Secret(), "b", time.Now(), []byte("{}"), []byte("{}"))
	if err := <-errc; err != nil {
		t.Fatalf("WaitFor: %v", err)
	}
}
