package alert

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The published Standard Webhooks test vector (spec and reference libraries).
const (
	vecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vecID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecTS     = 1614265330
	vecBody   = `{"test": 2432232314}`
	vecSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	// A second synthetic secret for rotation tests.
	otherSecret = "whsec_c2Vjb25kLXN5bnRoZXRpYy1rZXktZm9yLXRlc3Rz"
)

func TestSignReferenceVector(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		want   string
	}{
		{"with prefix", vecSecret, vecSig},
		{"without prefix", strings.TrimPrefix(vecSecret, "whsec_"), vecSig},
		{"rotation: two secrets sign in order", vecSecret + " " + otherSecret, vecSig + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sign(tt.secret, vecID, time.Unix(vecTS, 0), []byte(vecBody))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, tt.want) {
				t.Fatalf("Sign = %q, want prefix %q", got, tt.want)
			}
			if n := len(strings.Fields(got)); n != len(strings.Fields(tt.secret)) {
				t.Fatalf("got %d signatures for %d secrets", n, len(strings.Fields(tt.secret)))
			}
		})
	}
}

func TestSignErrors(t *testing.T) {
	tests := []struct {
		name, secret, id string
		want             error
	}{
		{"empty secret", "", "msg_1", ErrInvalidSecret},
		{"not base64", "whsec_***", "msg_1", ErrInvalidSecret},
		{"dot in id", vecSecret, "msg.1", ErrUnsignableHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sign(tt.secret, tt.id, time.Unix(vecTS, 0), nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(vecTS, 0)
	hdr := func(id string, ts int64, sig string) http.Header {
		h := http.Header{}
		if id != "" {
			h.Set(HeaderID, id)
		}
		h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		if sig != "" {
			h.Set(HeaderSignature, sig)
		}
		return h
	}
	rotated, err := Sign(otherSecret+" "+vecSecret, vecID, now, []byte(vecBody))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		secret string
		h      http.Header
		body   string
		now    time.Time
		want   error
	}{
		{"reference vector", vecSecret, hdr(vecID, vecTS, vecSig), vecBody, now, nil},
		{"one of several signatures matches", vecSecret, hdr(vecID, vecTS, "v1,bm9wZQ== "+vecSig), vecBody, now, nil},
		{"receiver holds old and new secrets", otherSecret + " " + vecSecret, hdr(vecID, vecTS, vecSig), vecBody, now, nil},
		{"sender rotated, receiver has only the old", vecSecret, hdr(vecID, vecTS, rotated), vecBody, now, nil},
		{"v1a signatures are skipped", vecSecret, hdr(vecID, vecTS, "v1a,AAAA "+vecSig), vecBody, now, nil},
		{"tampered body", vecSecret, hdr(vecID, vecTS, vecSig), `{"test": 2432232315}`, now, ErrNoMatchingSig},
		{"other id", vecSecret, hdr("msg_other", vecTS, vecSig), vecBody, now, ErrNoMatchingSig},
		{"wrong secret", otherSecret, hdr(vecID, vecTS, vecSig), vecBody, now, ErrNoMatchingSig},
		{"stale timestamp", vecSecret, hdr(vecID, vecTS, vecSig), vecBody, now.Add(6 * time.Minute), ErrTimestampSkew},
		{"future timestamp", vecSecret, hdr(vecID, vecTS, vecSig), vecBody, now.Add(-6 * time.Minute), ErrTimestampSkew},
		{"missing id", vecSecret, hdr("", vecTS, vecSig), vecBody, now, ErrMissingHeaders},
		{"missing signature", vecSecret, hdr(vecID, vecTS, ""), vecBody, now, ErrMissingHeaders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyAt(tt.secret, tt.h, []byte(tt.body), 5*time.Minute, tt.now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("VerifyAt = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	ts := time.Now()
	body := []byte(`{"id":42,"title":"synthetic"}`)
	sig, err := Sign(otherSecret, "msg_roundtrip", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(HeaderID, "msg_roundtrip")
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, sig)
	if err := Verify(otherSecret, h, body, time.Minute); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}
