package fentinel

import (
	"crypto/sha3"
	"encoding/base32"
	"strings"
)

// onionVersion is the version byte of a v3 onion address.
const onionVersion = 0x03

// onionEncoding is the lower-case, unpadded base32 alphabet of onion names.
var onionEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// onionChecksum is SHA3-256(".onion checksum" || pub || version)[:2]
// (rend-spec-v3 §6).
func onionChecksum(pub []byte) [2]byte {
	h := sha3.New256()
	h.Write([]byte(".onion checksum"))
	h.Write(pub)
	h.Write([]byte{onionVersion})
	sum := h.Sum(nil)
	return [2]byte{sum[0], sum[1]}
}

// OnionAddress returns the v3 onion host name ("<56 base32 chars>.onion")
// of a 32-byte ed25519 public key: base32(pub || checksum || 0x03).
func OnionAddress(pub []byte) string {
	sum := onionChecksum(pub)
	raw := make([]byte, 0, 35)
	raw = append(raw, pub...)
	raw = append(raw, sum[0], sum[1], onionVersion)
	return onionEncoding.EncodeToString(raw) + ".onion"
}

// ValidOnionLabel reports whether label (the 56 characters before ".onion",
// any case) is a v3 onion address with the right version and checksum.
func ValidOnionLabel(label string) bool {
	if len(label) != 56 {
		return false
	}
	raw, err := onionEncoding.DecodeString(strings.ToLower(label))
	if err != nil || len(raw) != 35 {
		return false
	}
	pub, sum, ver := raw[:32], raw[32:34], raw[34]
	if ver != onionVersion {
		return false
	}
	want := onionChecksum(pub)
	return want[0] == sum[0] && want[1] == sum[1]
}
