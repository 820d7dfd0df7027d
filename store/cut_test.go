package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCutUTF8 pins the byte cap shared by capText and capString: at most n
// bytes, valid UTF-8, and (as before the two were merged) a trailing
// multi-byte sequence is dropped whole when the cut reaches into it.
func TestCutUTF8(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc"},
		{"abé", 3, "ab"},  // é is 2 bytes: cut inside it
		{"aéb", 3, "a"},   // cut right after é: the lead-byte check drops it too
		{"a€b", 2, "a"},   // € is 3 bytes
		{"a€b", 4, "a"},   // ends on € exactly: dropped with it
		{"a€b", 5, "a€b"}, // fits
		{"日本語", 6, "日"},
	}
	for _, tt := range tests {
		got := cutUTF8(tt.s, tt.n)
		if got != tt.want {
			t.Errorf("cutUTF8(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
		if len(got) > tt.n || !utf8.ValidString(got) {
			t.Errorf("cutUTF8(%q, %d) = %q: longer than the cap or not UTF-8", tt.s, tt.n, got)
		}
	}
	if got := capString("abcd", 3); got != "abc…" {
		t.Errorf("capString cut = %q, want %q", got, "abc…")
	}
	if got := capString("abc", 3); got != "abc" {
		t.Errorf("capString fit = %q, want %q", got, "abc")
	}
	long := strings.Repeat("x", maxTextBytes+10)
	if got := capText(long); len(got) != maxTextBytes {
		t.Errorf("capText kept %d bytes, want %d", len(got), maxTextBytes)
	}
}
