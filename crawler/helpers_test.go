package crawler

import (
	"crypto/sha256"
	"crypto/sha3"
	"strings"
)

// testOnion derives a checksum-valid v3 onion host from a fixed seed. The
// "public key" is a hash, not a curve point: only the address format matters.
func testOnion(seed string) string {
	pub := sha256.Sum256([]byte("crawler-test/" + seed))
	h := sha3.New256()
	h.Write([]byte(".onion checksum"))
	h.Write(pub[:])
	h.Write([]byte{3})
	sum := h.Sum(nil)
	raw := append(append(pub[:], sum[0], sum[1]), 3)
	return strings.ToLower(onionB32.EncodeToString(raw)) + ".onion"
}
