package detect

import (
	"math/rand"
	"testing"
	"unicode/utf8"
)

// TestValidUTF8 compares validUTF8 with utf8.Valid on every sequence of up
// to three bytes from a set covering each UTF-8 boundary, put at several
// offsets in ASCII (so that each load width and tail meets it), on random
// mixes of runes, ASCII and bad bytes, and on the corpus.
func TestValidUTF8(t *testing.T) {
	check := func(p []byte) {
		t.Helper()
		if got, want := validUTF8(p), utf8.Valid(p); got != want {
			t.Fatalf("validUTF8(%q) = %v, utf8.Valid says %v", p, got, want)
		}
	}
	edge := []byte{0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
		0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF}
	pad := []byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789")
	for _, a := range edge {
		for _, b := range edge {
			for _, c := range edge {
				for _, off := range []int{0, 1, 7, 8, 30, 33, 40} {
					for _, tail := range []int{0, 1, 5, 9, 40} {
						p := append(append(append([]byte{}, pad[:off]...), a, b, c), pad[:tail]...)
						check(p)
						check(p[:len(p)-tail-1])
					}
				}
			}
		}
	}
	for _, r := range []rune{0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF} {
		s := []byte(string(r))
		for k := 1; k < len(s); k++ {
			check(s[:k])
			check(append(s[:k:k], 'x'))
		}
		for _, c := range edge {
			check(append(append([]byte{}, s...), c, 0x80, 0x80, 0x80))
		}
	}
	rng := rand.New(rand.NewSource(7))
	good := [][]byte{[]byte("a"), []byte("<div class=x>"), []byte("é"), []byte("ж"), []byte("中"), []byte("😀"),
		[]byte("                                ")}
	bad := [][]byte{{0xFF}, {0x80}, {0xC3}, {0xE2, 0x82}, {0xF0, 0x9F, 0x98}, {0xED, 0xA0, 0x80}, {0xC0, 0xAF}}
	for n := 0; n < 100000; n++ {
		var p []byte
		for k := rng.Intn(16); k >= 0; k-- {
			if rng.Intn(30) == 0 {
				p = append(p, bad[rng.Intn(len(bad))]...)
			} else {
				p = append(p, good[rng.Intn(len(good))]...)
			}
		}
		check(p)
	}
	for _, smp := range loadCorpus(t) {
		check(smp.Page.Body)
	}
}

// FuzzValidUTF8: validUTF8 agrees with utf8.Valid on any bytes.
func FuzzValidUTF8(f *testing.F) {
	f.Add([]byte("<p>é\xff</p>"))
	f.Add([]byte("\xf0\x9f\x98\x80 ascii ascii ascii ascii ascii ascii \xed\xa0\x80"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if got, want := validUTF8(p), utf8.Valid(p); got != want {
			t.Errorf("validUTF8(%q) = %v, utf8.Valid says %v", p, got, want)
		}
	})
}
