package marketsim

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/fentinel/fentinel"
)

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

// OnionFromPublicKey encodes an ed25519 public key as a v3 onion host name
// (fentinel.OnionAddress).
func OnionFromPublicKey(pub ed25519.PublicKey) string {
	return fentinel.OnionAddress(pub)
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
	if !fentinel.ValidOnionLabel(addr) {
		return "", fmt.Errorf("parse onion %q: not base32, not version 3, or bad checksum: %w", host, ErrBadOnion)
	}
	return addr + ".onion", nil
}
