package tornet

import (
	"crypto/ed25519"
	"crypto/sha512"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fentinel/fentinel"
)

// OnionAddress returns the v3 onion address ("<56 chars>.onion") of an
// ed25519 public key (fentinel.OnionAddress).
func OnionAddress(pub ed25519.PublicKey) string {
	return fentinel.OnionAddress(pub)
}

// SyntheticOnion returns a well-formed v3 onion address derived from a fixed
// seed string. No service holds its key unless one is started with the same
// seed, so it is a valid name that does not exist in the network.
func SyntheticOnion(seed string) string {
	return OnionAddress(seedKey(seed).Public().(ed25519.PublicKey))
}

// seedKey derives an ed25519 key from a seed string (SHA-512, first 32 bytes).
func seedKey(seed string) ed25519.PrivateKey {
	s := sha512.Sum512([]byte("fentinel tornet onion key: " + seed))
	return ed25519.NewKeyFromSeed(s[:ed25519.SeedSize])
}

// writeServiceKey writes the key files tor reads from a HiddenServiceDir
// (hs_ed25519_secret_key holds tor's 64-byte expanded secret key), so the
// service's onion address is fixed by the seed.
func writeServiceKey(dir string, key ed25519.PrivateKey) error {
	sec := append(tag("ed25519v1-secret"), expandedKey(key)...)
	pub := append(tag("ed25519v1-public"), key.Public().(ed25519.PublicKey)...)
	if err := os.WriteFile(filepath.Join(dir, "hs_ed25519_secret_key"), sec, 0o600); err != nil {
		return fmt.Errorf("tornet: write service key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hs_ed25519_public_key"), pub, 0o600); err != nil {
		return fmt.Errorf("tornet: write service key: %w", err)
	}
	return nil
}

// expandedKey returns tor's 64-byte form of an ed25519 secret key: the
// clamped scalar and the nonce prefix, both from SHA-512(seed).
func expandedKey(key ed25519.PrivateKey) []byte {
	h := sha512.Sum512(key.Seed())
	h[0] &= 248
	h[31] &= 63
	h[31] |= 64
	return h[:]
}

// tag is tor's 32-byte tagged-file header: "== <type>: type0 ==" NUL-padded.
func tag(typ string) []byte {
	b := make([]byte, 32)
	copy(b, "== "+typ+": type0 ==")
	return b
}
