package alert

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Standard Webhooks header names.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// secretPrefix marks a Standard Webhooks symmetric secret.
const secretPrefix = "whsec_"

// Verification errors.
var (
	ErrMissingHeaders   = errors.New("alert: missing webhook-id, webhook-timestamp or webhook-signature header")
	ErrBadTimestamp     = errors.New("alert: webhook-timestamp is not unix seconds")
	ErrTimestampSkew    = errors.New("alert: webhook-timestamp outside tolerance")
	ErrNoMatchingSig    = errors.New("alert: no matching v1 signature")
	ErrInvalidSecret    = errors.New("alert: invalid webhook secret (want whsec_<base64>)")
	ErrUnsignableHeader = errors.New("alert: webhook id or timestamp contains '.'")
)

// parseSecrets decodes one or more space-separated secrets of the form
// whsec_<base64>. Several secrets are used during key rotation: every one
// of them signs, so a receiver holding either key accepts the message.
func parseSecrets(secret string) ([][]byte, error) {
	fields := strings.Fields(secret)
	if len(fields) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrInvalidSecret)
	}
	keys := make([][]byte, 0, len(fields))
	for i, f := range fields {
		raw := strings.TrimPrefix(f, secretPrefix)
		key, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			// Never echo the secret itself.
			return nil, fmt.Errorf("%w: secret %d is not base64", ErrInvalidSecret, i+1)
		}
		if len(key) == 0 {
			return nil, fmt.Errorf("%w: secret %d is empty", ErrInvalidSecret, i+1)
		}
		keys = append(keys, key)
	}
	return keys, nil
}

func sign(key []byte, id string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func signKeys(keys [][]byte, id string, ts time.Time, body []byte) (string, error) {
	if strings.Contains(id, ".") {
		return "", ErrUnsignableHeader
	}
	sigs := make([]string, len(keys))
	for i, k := range keys {
		sigs[i] = sign(k, id, ts.Unix(), body)
	}
	return strings.Join(sigs, " "), nil
}

// Sign returns the webhook-signature header value for a message: "v1,"
// followed by the base64 HMAC-SHA256 of id + "." + unix seconds + "." +
// body, keyed with the base64-decoded part of secret after "whsec_". When
// secret holds several space-separated secrets (rotation), the result holds
// one space-separated signature per secret, in the same order.
func Sign(secret string, id string, ts time.Time, body []byte) (string, error) {
	keys, err := parseSecrets(secret)
	if err != nil {
		return "", err
	}
	return signKeys(keys, id, ts, body)
}

// Verify checks a Standard Webhooks request: the three headers are present,
// the timestamp is within tolerance of the current time (tolerance <= 0
// skips the check) and at least one v1 signature matches one of the
// space-separated secrets, compared in constant time.
func Verify(secret string, header http.Header, body []byte, tolerance time.Duration) error {
	return VerifyAt(secret, header, body, tolerance, time.Now())
}

// VerifyAt is Verify with an explicit current time.
func VerifyAt(secret string, header http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	id := header.Get(HeaderID)
	tsText := header.Get(HeaderTimestamp)
	sigs := header.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrBadTimestamp
	}
	if tolerance > 0 {
		skew := now.Sub(time.Unix(ts, 0))
		if skew > tolerance || skew < -tolerance {
			return fmt.Errorf("%w: %s off", ErrTimestampSkew, skew.Round(time.Second))
		}
	}
	keys, err := parseSecrets(secret)
	if err != nil {
		return err
	}
	for _, k := range keys {
		want := []byte(sign(k, id, ts, body))
		for _, got := range strings.Fields(sigs) {
			if !strings.HasPrefix(got, "v1,") {
				continue // other schemes (v1a) are not ours to check
			}
			if hmac.Equal([]byte(got), want) {
				return nil
			}
		}
	}
	return ErrNoMatchingSig
}
