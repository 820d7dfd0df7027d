package detect

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// foldableInPlace reports whether newASCIIFolded(s) searches s in place:
// its test, rune by rune, with runs of eight ASCII bytes skipped at once,
// runes of accepted blocks (foldBlocks) skipped undecoded and the other
// two- and three-byte forms (which decode below bmpSize) decoded inline.
func foldableInPlace(s string) bool {
	foldBlocks.once.Do(buildFoldBlocks)
	ok := &foldBlocks.ok
	for i := 0; i < len(s); {
		if i+8 <= len(s) && le64(s, i)&0x8080808080808080 == 0 {
			i += 8
			continue
		}
		c := s[i]
		if c < 0x80 {
			i++
			continue
		}
		var r rune
		size := 0
		switch {
		case c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			if ok[c&0x1F] {
				i += 2
				continue
			}
			r, size = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2
		case c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			if ok[int(c&0x0F)<<6|int(s[i+1]&0x3F)] {
				i += 3
				continue
			}
			r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
		default:
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if r == utf8.RuneError || r >= bmpSize || runeClass[r]&runeLowerKeeps == 0 {
			return false
		}
		i += size
	}
	return true
}

// checkContactHits compares contactHits with the two steps it fuses:
// newASCIIFolded (with the fold check foldableInPlace) and the reference
// label scan prevFindLabels over its result.
func checkContactHits(t *testing.T, s string) {
	t.Helper()
	want := newASCIIFolded(s)
	if foldableInPlace(s) != want.fold {
		t.Fatalf("%q: fold check differs from newASCIIFolded", s)
	}
	lower, got := contactHits(s, nil)
	if lower != want {
		t.Fatalf("%q: folded text fold=%v, want fold=%v", s, lower.fold, want.fold)
	}
	if wantHits := prevFindLabels(want, nil); !slices.Equal(got, wantHits) {
		t.Fatalf("%q: labels %v, want %v", s, got, wantHits)
	}
}

// TestContactHitsEqualsPrev: the fused scan equals the separate fold check
// and label scan on the corpus texts, the extraction edge cases, every
// rune alone and amid contact words, and random runs of contact words,
// their pieces and case-changing runes in random case at every alignment.
func TestContactHitsEqualsPrev(t *testing.T) {
	d := defaultDetectorOnce(t)
	ins, _ := extractInputs(t, d)
	for _, in := range ins {
		checkContactHits(t, in.doc.text)
		checkContactHits(t, in.raw)
	}
	for _, s := range extractEdgeTexts {
		checkContactHits(t, s)
	}
	for r := rune(0x80); r < 0x11000; r += 7 {
		checkContactHits(t, string(r))
		checkContactHits(t, "wickr:"+string(r)+"t.me/abc")
		checkContactHits(t, "abcdefg"+string(r)+"SESSION")
	}
	pieces := []string{" ", "x", ".", "/", "\x0e", "\x0f", "é", "\u212a", "\u0130", "ẞ", "Σ", "\xff", "\xe4\xb8", "Ѐ", "中", "\uFFFD"}
	for _, w := range contactWords {
		pieces = append(pieces, w, w[:2], w[1:], w[:len(w)-1], w[2:4])
	}
	r := rand.New(rand.NewSource(11))
	for k := 0; k < 100000; k++ {
		var b strings.Builder
		for n := r.Intn(12); n > 0; n-- {
			p := []byte(pieces[r.Intn(len(pieces))])
			for i := range p {
				if p[i] >= 'a' && p[i] <= 'z' && r.Intn(3) == 0 {
					p[i] -= 'a' - 'A'
				}
			}
			b.Write(p)
		}
		checkContactHits(t, b.String())
	}
}

// FuzzContactHits: the fused scan equals the separate steps on any text.
func FuzzContactHits(f *testing.F) {
	for _, s := range extractEdgeTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkContactHits(t, s)
	})
}
