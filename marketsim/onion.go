package marketsim

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha3"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// onionVersion is the version byte of a v3 onion address.
const onionVersion = 0x03

// onionEncoding is the lower-case, unpadded base32 alphabet onion names use.
var onionEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Errors returned by ParseOnion.
var (
	// ErrNotOnion means the host does not end in ".onion".
	ErrNotOnion = errors.New("not an .onion name")
	// ErrBadOnion means the host ends in ".onion" but is not a valid v3 address.
	ErrBadOnion = errors.New("malformed v3 onion address")
)

// OnionFromSeed returns the v3 onion host name ("<56 base32 chars>.onion")
// of the ed25519 key derived from seed. The same seed always gives the same
// name, so fixtures are stable across runs.
func OnionFromSeed(seed string) string {
	s := sha256.Sum256([]byte("fentinel-marketsim-seed/" + seed))
	pub := ed25519.NewKeyFromSeed(s[:]).Public().(ed25519.PublicKey)
	return OnionFromPublicKey(pub)
}

// OnionFromPublicKey encodes an ed25519 public key as a v3 onion host name:
// base32(pubkey || checksum[:2] || 0x03) + ".onion", where checksum is
// SHA3-256(".onion checksum" || pubkey || 0x03).
func OnionFromPublicKey(pub ed25519.PublicKey) string {
	sum := onionChecksum(pub)
	raw := make([]byte, 0, 35)
	raw = append(raw, pub...)
	raw = append(raw, sum[0], sum[1], onionVersion)
	return onionEncoding.EncodeToString(raw) + ".onion"
}

func onionChecksum(pub []byte) [32]byte {
	h := sha3.New256()
	h.Write([]byte(".onion checksum"))
	h.Write(pub)
	h.Write([]byte{onionVersion})
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// ParseOnion validates a v3 onion host name and returns its canonical form
// (lower case, subdomains removed, e.g. "www.<addr>.onion" → "<addr>.onion").
// It returns ErrNotOnion for other names and ErrBadOnion for names that end
// in ".onion" but have a wrong length, alphabet, version or checksum.
func ParseOnion(host string) (string, error) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if !strings.HasSuffix(h, ".onion") {
		return "", fmt.Errorf("parse onion %q: %w", host, ErrNotOnion)
	}
	labels := strings.Split(strings.TrimSuffix(h, ".onion"), ".")
	addr := labels[len(labels)-1]
	if len(addr) != 56 {
		return "", fmt.Errorf("parse onion %q: length %d, want 56: %w", host, len(addr), ErrBadOnion)
	}
	raw, err := onionEncoding.DecodeString(addr)
	if err != nil || len(raw) != 35 {
		return "", fmt.Errorf("parse onion %q: not base32: %w", host, ErrBadOnion)
	}
	if raw[34] != onionVersion {
		return "", fmt.Errorf("parse onion %q: version %d: %w", host, raw[34], ErrBadOnion)
	}
	sum := onionChecksum(raw[:32])
	if raw[32] != sum[0] || raw[33] != sum[1] {
		return "", fmt.Errorf("parse onion %q: bad checksum: %w", host, ErrBadOnion)
	}
	return addr + ".onion", nil
}
