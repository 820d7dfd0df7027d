package fentinel

import (
	"crypto/ed25519"
	"strings"
	"testing"
)

func TestOnionAddress(t *testing.T) {
	pub := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	host := OnionAddress(pub)
	label := strings.TrimSuffix(host, ".onion")
	if len(label) != 56 || !strings.HasSuffix(host, ".onion") || label[55] != 'd' {
		t.Fatalf("OnionAddress = %q; want 56 base32 characters ending in 'd' (version 3) + .onion", host)
	}
	flip := []byte(label)
	flip[10] ^= 1 // another base32 letter: the checksum no longer matches
	tests := []struct {
		name  string
		label string
		want  bool
	}{
		{"valid", label, true},
		{"upper case", strings.ToUpper(label), true},
		{"checksum broken", string(flip), false},
		{"too short", label[:55], false},
		{"not base32", label[:55] + "1", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidOnionLabel(tt.label); got != tt.want {
				t.Errorf("ValidOnionLabel(%q) = %v, want %v", tt.label, got, tt.want)
			}
		})
	}
}
