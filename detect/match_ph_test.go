package detect

import (
	"math/rand"
	"strings"
	"testing"
)

// hasPHRef is hasPH byte by byte.
func hasPHRef(s string) bool { return strings.Contains(s, "ph") }

// TestHasPH checks the word-at-a-time hasPH against hasPHRef on every
// string of up to six bytes over a small alphabet (so that every position
// of "ph" near the window edges is tried), on long strings with one "ph"
// at every position, and on random strings.
func TestHasPH(t *testing.T) {
	alpha := []byte{'p', 'h', 'x', 0, 0xF0, 'p' ^ 0x80, 'h' + 1}
	var rec func(b []byte)
	rec = func(b []byte) {
		if got, want := hasPH(string(b)), hasPHRef(string(b)); got != want {
			t.Fatalf("hasPH(%q) = %v, want %v", b, got, want)
		}
		if len(b) == 6 {
			return
		}
		for _, c := range alpha {
			rec(append(b, c))
		}
	}
	rec(nil)
	for n := 2; n <= 40; n++ {
		for at := 0; at+2 <= n; at++ {
			b := []byte(strings.Repeat("q", n))
			b[at], b[at+1] = 'p', 'h'
			if !hasPH(string(b)) {
				t.Fatalf("hasPH(%q) = false", b)
			}
			b[at+1] = 'p'
			if hasPH(string(b)) != hasPHRef(string(b)) {
				t.Fatalf("hasPH(%q) wrong", b)
			}
		}
	}
	r := rand.New(rand.NewSource(1))
	for k := 0; k < 200000; k++ {
		b := make([]byte, r.Intn(48))
		for x := range b {
			b[x] = alpha[r.Intn(len(alpha))]
		}
		if got, want := hasPH(string(b)), hasPHRef(string(b)); got != want {
			t.Fatalf("hasPH(%q) = %v, want %v", b, got, want)
		}
	}
}
