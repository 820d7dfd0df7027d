package detect

import (
	"fmt"
	"math/rand"
	"testing"
)

// checkNormWords compares normWord with loadShort and lookupNorm with
// lookupKey on every token of toks.
func checkNormWords(t *testing.T, tt *termTable, name string, toks []token, nb *normBase) {
	t.Helper()
	for i := range toks {
		norm := nb.norm(&toks[i])
		if got, want := normWord(norm), loadShort(norm[:min(len(norm), 8)]); got != want {
			t.Fatalf("%s: normWord(%q) = %#x, want %#x", name, norm, got, want)
		}
		if got, want := tt.lookupNorm(norm), tt.lookupKey(norm); got != want {
			t.Fatalf("%s: lookupNorm(%q) = %p, lookupKey gives %p", name, norm, got, want)
		}
	}
}

// TestLookupNormEqualsLookupKey: lookupNorm (one masked load past the
// norm's end) answers as lookupKey on every token of the corpus and
// simulator pages, of mangled rule terms and of random bytes, and
// normWord reads a norm's first bytes as loadShort does for every offset
// and length in a base whose arena had no spare capacity (the slack
// newNormBase adds).
func TestLookupNormEqualsLookupKey(t *testing.T) {
	d := defaultDetector(t)
	tt := d.terms
	for k, doc := range matchDocs(d, goldenPages(t)) {
		checkNormWords(t, tt, fmt.Sprintf("page %d", k), doc.toks, &doc.nb)
	}
	for _, s := range matchEdgeCases {
		doc := plainDocument(s)
		toks, nb := tokenize(doc.text, doc.segs)
		checkNormWords(t, tt, fmt.Sprintf("%q", s), toks, &nb)
	}
	rng := rand.New(rand.NewSource(11))
	for n := 0; n < 2000; n++ {
		s := mangledText(rng, d)
		doc := plainDocument(s)
		toks, nb := tokenize(doc.text, doc.segs)
		checkNormWords(t, tt, fmt.Sprintf("%q", s), toks, &nb)
	}
	// every key itself, and every (offset, length) of random bytes and
	// of key strings in an arena of exact capacity
	for ki := range tt.keys {
		k := &tt.keys[ki]
		s := tt.text[k.off : k.off+uint32(k.n)]
		arena := make([]byte, len(s), len(s))
		copy(arena, s)
		nb := newNormBase(arena)
		tok := token{nOff: 0, nLen: uint32(len(s))}
		checkNormWords(t, tt, fmt.Sprintf("key %q", s), []token{tok}, &nb)
	}
	for n := 0; n < 300; n++ {
		arena := make([]byte, rng.Intn(24), 24)
		arena = arena[:len(arena):len(arena)]
		for i := range arena {
			arena[i] = byte(rng.Intn(256))
		}
		nb := newNormBase(arena)
		var toks []token
		for o := 0; o <= len(arena); o++ {
			for l := 0; o+l <= len(arena); l++ {
				toks = append(toks, token{nOff: uint32(o), nLen: uint32(l)})
			}
		}
		checkNormWords(t, tt, fmt.Sprintf("random %q", arena), toks, &nb)
	}
}

// FuzzLookupNorm: on any text, every token's normWord and lookupNorm agree
// with loadShort and lookupKey (seeds: the edge cases).
func FuzzLookupNorm(f *testing.F) {
	for _, s := range matchEdgeCases {
		f.Add(s)
	}
	d := defaultDetector(f)
	f.Fuzz(func(t *testing.T, s string) {
		doc := plainDocument(s)
		toks, nb := tokenize(doc.text, doc.segs)
		checkNormWords(t, d.terms, fmt.Sprintf("%q", s), toks, &nb)
	})
}

// checkEqNormRest compares eqNormRest with == for every token of toks
// against every rest string of d's entries of the token's length.
func checkEqNormRest(t *testing.T, name string, toks []token, nb *normBase, byLen map[int][]string) {
	t.Helper()
	for i := range toks {
		norm := nb.norm(&toks[i])
		for _, w := range byLen[len(norm)] {
			if got := eqNormRest(norm, w); len(w) <= 16 && got != (norm == w) {
				t.Fatalf("%s: eqNormRest(%q, %q) = %v", name, norm, w, got)
			}
		}
	}
}

// restByLen returns the distinct rest strings of tt's entries by length.
func restByLen(tt *termTable) map[int][]string {
	seen := map[string]bool{}
	out := map[int][]string{}
	for x := range tt.first {
		for _, w := range tt.first[x].rest {
			if !seen[w] {
				seen[w] = true
				out[len(w)] = append(out[len(w)], w)
			}
		}
	}
	return out
}

// TestEqNormRest: padRest keeps every entry's rest list (the entry's
// tokens after the first), and eqNormRest (two masked loads past the
// strings' ends) answers as == for every token of the corpus and
// simulator pages, of mangled rule terms, of every rest string and its
// one-byte changes placed in an arena with no spare capacity, against
// every rest string of the same length.
func TestEqNormRest(t *testing.T) {
	d := defaultDetector(t)
	tt := d.terms
	for x := range tt.first {
		e := &d.entries[tt.first[x].e]
		if want := e.toks[1:]; fmt.Sprint(tt.first[x].rest) != fmt.Sprint(want) {
			t.Fatalf("entry %d: rest %q, want %q", tt.first[x].e, tt.first[x].rest, want)
		}
	}
	byLen := restByLen(tt)
	for k, doc := range matchDocs(d, goldenPages(t)) {
		checkEqNormRest(t, fmt.Sprintf("page %d", k), doc.toks, &doc.nb, byLen)
	}
	rng := rand.New(rand.NewSource(13))
	for n := 0; n < 1000; n++ {
		s := mangledText(rng, d)
		doc := plainDocument(s)
		toks, nb := tokenize(doc.text, doc.segs)
		checkEqNormRest(t, fmt.Sprintf("%q", s), toks, &nb, byLen)
	}
	for _, ws := range byLen {
		for _, w := range ws {
			for c := -1; c < len(w); c++ {
				arena := []byte(w)
				arena = arena[:len(arena):len(arena)]
				if c >= 0 {
					arena[c] ^= byte(1 + rng.Intn(255))
				}
				nb := newNormBase(arena)
				checkEqNormRest(t, fmt.Sprintf("%q", arena), []token{{nLen: uint32(len(w))}}, &nb, byLen)
			}
		}
	}
}

// FuzzEqNormRest: on any text, eqNormRest answers as == for every token
// against every rest string of its length (seeds: the edge cases).
func FuzzEqNormRest(f *testing.F) {
	for _, s := range matchEdgeCases {
		f.Add(s)
	}
	d := defaultDetector(f)
	byLen := restByLen(d.terms)
	f.Fuzz(func(t *testing.T, s string) {
		doc := plainDocument(s)
		toks, nb := tokenize(doc.text, doc.segs)
		checkEqNormRest(t, fmt.Sprintf("%q", s), toks, &nb, byLen)
	})
}
