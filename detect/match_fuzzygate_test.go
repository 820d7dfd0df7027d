package detect

import (
	"math/rand"
	"testing"

	"github.com/fentinel/fentinel"
)

// fuzzyMayRef is fuzzyMay as it was before fuzzyGate: the bucket bitsets.
func (d *Detector) fuzzyMayRef(v string) bool {
	if len(v) < 6 || len(v) > fuzzyMaxLen {
		return false
	}
	b := d.fuzzyBk[v[0]]
	return b != nil && (b.nw > 1 || b.candidates(v, 0) != 0)
}

// TestFuzzyGateEqualsBuckets checks fuzzyMay against the bucket bitsets
// over the corpus's words, the fuzzy keys and their edits, and random
// words over the keys' bytes and over all bytes.
func TestFuzzyGateEqualsBuckets(t *testing.T) {
	d := defaultDetectorOnce(t)
	check := func(v string) {
		t.Helper()
		if got, want := d.fuzzyMay(v), d.fuzzyMayRef(v); got != want {
			t.Fatalf("fuzzyMay(%q) = %v, buckets say %v", v, got, want)
		}
	}
	var words []string
	var pages []fentinel.Page
	for _, s := range loadCorpus(t) {
		pages = append(pages, s.Page)
	}
	for _, doc := range matchDocs(d, pages) {
		for i := range doc.toks {
			words = append(words, doc.nb.norm(&doc.toks[i]))
		}
	}
	var alpha []byte
	seen := [256]bool{}
	for _, f := range d.fuzzy {
		words = append(words, f.key)
		for k := 0; k < len(f.key); k++ {
			words = append(words, f.key[:k]+f.key[k+1:], f.key[:k]+"x"+f.key[k:], f.key[:k]+"e"+f.key[k+1:])
			if !seen[f.key[k]] {
				seen[f.key[k]] = true
				alpha = append(alpha, f.key[k])
			}
		}
	}
	for _, w := range words {
		check(w)
	}
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 300000; n++ {
		b := make([]byte, r.Intn(fuzzyMaxLen+4))
		for k := range b {
			if n%2 == 0 {
				b[k] = alpha[r.Intn(len(alpha))]
			} else {
				b[k] = byte(r.Intn(256))
			}
		}
		if len(b) > 3 && n%3 == 0 { // a key's first bytes, then anything
			f := d.fuzzy[r.Intn(len(d.fuzzy))].key
			copy(b, f[:min(len(f), 1+r.Intn(3))])
		}
		check(string(b))
	}
}

// FuzzFuzzyGate compares fuzzyMay with the bucket bitsets on any word.
func FuzzFuzzyGate(f *testing.F) {
	for _, s := range []string{"fentanyl", "fentanil", "carfentanil", "oxycodone", "xyzzyx", "фентанил"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d := defaultDetectorOnce(t)
		if got, want := d.fuzzyMay(v), d.fuzzyMayRef(v); got != want {
			t.Fatalf("fuzzyMay(%q) = %v, buckets say %v", v, got, want)
		}
	})
}
