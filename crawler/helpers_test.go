package crawler

import (
	"crypto/sha256"

	"github.com/fentinel/fentinel"
)

// testOnion derives a checksum-valid v3 onion host from a fixed seed. The
// "public key" is a hash, not a curve point: only the address format matters.
func testOnion(seed string) string {
	pub := sha256.Sum256([]byte("crawler-test/" + seed))
	return fentinel.OnionAddress(pub[:])
}
