package detect

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// compareWithReference runs findMatches and the reference matcher on
// separate copies of toks (tokens cache their leet folds) and reports a
// difference. The reference matcher reads the tokens with their norms.
func compareWithReference(t *testing.T, d *Detector, name, text string, toks []token, nb normBase) {
	t.Helper()
	got := d.findMatches(text, slices.Clone(toks), &nb)
	want := d.refFindMatches(text, withNorms(toks, nb))
	if !slices.Equal(got, want) {
		t.Errorf("%s: findMatches\n got %v\nwant %v (reference)", name, got, want)
	}
}

// TestFindMatchesEqualsReference: the matcher gives the reference
// matcher's list (the algorithm before the term table and fuzzy bitsets)
// on every corpus and simulator page, on evasion edge cases and on
// randomly mangled rule terms.
func TestFindMatchesEqualsReference(t *testing.T) {
	d := defaultDetector(t)
	docs := matchDocs(d, goldenPages(t))
	nonEmpty := 0
	for k, doc := range docs {
		compareWithReference(t, d, fmt.Sprintf("page %d", k), doc.text, doc.toks, doc.nb)
		if len(d.refFindMatches(doc.text, withNorms(doc.toks, doc.nb))) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < len(docs)/2 {
		t.Errorf("only %d of %d pages have matches: the comparison would prove little", nonEmpty, len(docs))
	}
	for _, s := range matchEdgeCases {
		doc := plainDocument(s)
		toks, nb := tokenize(doc.text, doc.segs)
		compareWithReference(t, d, fmt.Sprintf("%q", s), doc.text, toks, nb)
	}
	rng := rand.New(rand.NewSource(7))
	for n := 0; n < 4000; n++ {
		s := mangledText(rng, d)
		doc := plainDocument(s)
		toks, nb := tokenize(doc.text, doc.segs)
		compareWithReference(t, d, fmt.Sprintf("%q", s), doc.text, toks, nb)
	}
}

// matchEdgeCases exercise every path of the matcher: leetspeak, "ph",
// inflection suffixes (Latin and Cyrillic, stacked), split and spaced
// words, masked letters, misspellings, Han terms, multi-word terms, and
// words just past the length limits.
var matchEdgeCases = []string{
	"", "a", "fentanyl", "FENTANYL for sale", "f3nt4nyl", "fent@nyl", "fenta|\\|yl", "phentanyl", "phentanyls",
	"fentanyls", "fentanyles", "фентанил", "фентанила", "фентанилами", "фентанилы", "фентаниле",
	"f.e.n.t.a.n.y.l", "f e n t a n y l", "f-e-n-t-a-n-y-l", "fenta*nyl", "fenta nyl", "Carfentani l",
	"c a r f e n t a n i l", "f*nt*nyl", "FENT___NYL", "f#nt#nyl", "fe??anyl", "fetnanyl", "fentanly", "fentanil",
	"fentnyl", "carfentanyl", "carfetanil", "isotonitazine", "isotonitazene", "protonitazepyne", "metonitazene",
	"芬太尼", "卡芬太尼 出售", "芬 太 尼", "M30 blues pressed pills", "m 30", "4-ANPP", "4 anpp", "1-boc-4-AP",
	"437-38-7", "79-11-8", "N-phenethyl-4-piperidone", "despropionyl fentanyl", "free shipping worldwide",
	"ship to USA escrow accepted", "test strips", "naloxone kit", "no fent", "we do not sell fentanyl",
	"30mg 0.5g 100x", "f3nt4nyls", "$ufentanil", "@cetylfentanyl", "acetyl-fentanyl", "acetylfentanyl",
	"xylazine tranq dope", "u-47700", "u47700", "AP-237", "brorphine", "brorphines", "mt-45",
	strings.Repeat("fentanyl", 6), strings.Repeat("a", 41), strings.Repeat("f", 40), "fentanyl" + strings.Repeat("x", 33),
	"Fentanyl\u00adcitrate", "ｆｅｎｔａｎｙｌ", "fеntаnуl", "fentanyl. fentanyl, fentanyl; fentanyl!",
}

// mangledText builds a few words from random rule terms, each spelled with
// random evasions, between filler words and separators.
func mangledText(rng *rand.Rand, d *Detector) string {
	leet := map[byte]string{'a': "4", 'e': "3", 'i': "1", 'o': "0", 's': "$", 'l': "1", 't': "7", 'f': "ph"}
	seps := []string{" ", " ", ". ", "-", ".", "*", "_", "  ", ", ", "\n"}
	fillers := []string{"buy", "the", "pills", "price", "ship", "stealth", "and", "de", "и", "shop", "mg"}
	suffixes := []string{"s", "es", "а", "ами", "ы", "ие"}
	var b strings.Builder
	for w := rng.Intn(6) + 1; w > 0; w-- {
		if rng.Intn(3) == 0 {
			b.WriteString(fillers[rng.Intn(len(fillers))])
			b.WriteString(seps[rng.Intn(len(seps))])
			continue
		}
		e := &d.entries[rng.Intn(len(d.entries))]
		word := []byte(e.term)
		if rng.Intn(2) == 0 {
			word = []byte(strings.Join(e.toks, ""))
		}
		for m := rng.Intn(4); m > 0 && len(word) > 1; m-- {
			p := rng.Intn(len(word))
			switch rng.Intn(7) {
			case 0: // delete
				word = append(word[:p:p], word[p+1:]...)
			case 1: // transpose
				if p+1 < len(word) {
					word[p], word[p+1] = word[p+1], word[p]
				}
			case 2: // substitute
				word[p] = "abcdefghijklmnopqrstuvwxyz"[rng.Intn(26)]
			case 3: // leetspeak
				if r, ok := leet[word[p]]; ok {
					word = append(word[:p:p], append([]byte(r), word[p+1:]...)...)
				}
			case 4: // separator inside the word
				word = append(word[:p:p], append([]byte(seps[rng.Intn(len(seps))]), word[p:]...)...)
			case 5: // suffix
				word = append(word, suffixes[rng.Intn(len(suffixes))]...)
			case 6: // upper case
				word = []byte(strings.ToUpper(string(word)))
			}
		}
		b.Write(word)
		b.WriteString(seps[rng.Intn(len(seps))])
	}
	return b.String()
}

// TestTermTableHoldsTheMaps: every key of first, joined and prefixes is
// found with its entries in the same order and its prefix flag, and words
// in none of them are not found.
func TestTermTableHoldsTheMaps(t *testing.T) {
	d := defaultDetector(t)
	tt := d.terms
	if n := unsafe.Sizeof(termKey{}); n != 64 {
		t.Errorf("termKey is %d bytes, not one 64-byte cache line", n)
	}
	if n := unsafe.Sizeof(termEnt{}); n != 32 {
		t.Errorf("termEnt is %d bytes, not 32", n)
	}
	check := func(s string) {
		k := tt.find(hashTerm(s), s)
		if k2 := tt.lookupKey(s); k2 != k {
			t.Errorf("%q: lookupKey = %v, find %v", s, k2, k)
		}
		if k != nil && !tt.filter.mayHave(s) {
			t.Errorf("%q: a key the filter rejects", s)
		}
		_, isPfx := d.prefixes[s]
		first, joined := d.first[s], d.joined[s]
		if k == nil {
			if len(first) > 0 || len(joined) > 0 || isPfx {
				t.Errorf("%q: not in the table", s)
			}
			return
		}
		if tt.str(k) != s {
			t.Errorf("%q: found key %q", s, tt.str(k))
		}
		var firstOf []int32
		for x, te := range tt.firstOf(k) {
			firstOf = append(firstOf, te.e)
			if e := &d.entries[te.e]; te.sub != (e.kind == kSub) || !slices.Equal(te.rest, e.toks[1:]) {
				t.Errorf("%q: entry %d copied as %+v", s, te.e, te)
			}
			if want := byte(0); len(te.rest) > 0 && len(te.rest[0]) > 0 && te.w0 != te.rest[0][0] || (len(te.rest) == 0 || te.rest[0] == "") && te.w0 != want {
				t.Errorf("%q: entry %d: w0 %q, rest %q", s, te.e, te.w0, te.rest)
			}
			if x > 0 {
				prev := tt.firstOf(k)[x-1]
				if len(prev.rest) > 0 && len(te.rest) == 0 || len(prev.rest) > 0 && prev.rest[0] > te.rest[0] {
					t.Errorf("%q: entries not grouped (single first, then by second token)", s)
				}
				if len(prev.rest) > 0 && prev.rest[0] == te.rest[0] && unsafe.StringData(prev.rest[0]) != unsafe.StringData(te.rest[0]) {
					t.Errorf("%q: second token %q not shared", s, te.rest[0])
				}
			}
		}
		// single-token entries end at multi; the longer ones form groups
		// of a shared second token, each group's size on its first entry
		ents := tt.first[k.first.lo:k.first.hi]
		ms := int(k.multi - k.first.lo)
		for x, te := range ents {
			if (len(te.rest) == 0) != (x < ms) {
				t.Errorf("%q: multi %d, entry %d has %d more tokens", s, ms, x, len(te.rest))
			}
		}
		if ms == 1 && k.e1 != ents[0].e {
			t.Errorf("%q: e1 %d, its single-token entry %d", s, k.e1, ents[0].e)
		}
		for x := ms; x < len(ents); {
			g := int(ents[x].group)
			if g == 0 || x+g > len(ents) || x+g < len(ents) && ents[x+g].rest[0] == ents[x].rest[0] {
				t.Fatalf("%q: group at %d of size %d", s, x, g)
			}
			for y := x + 1; y < x+g; y++ {
				if ents[y].rest[0] != ents[x].rest[0] || ents[y].group != 0 {
					t.Errorf("%q: entry %d in the group at %d: second %q, group %d", s, y, x, ents[y].rest[0], ents[y].group)
				}
			}
			x += g
		}
		slices.Sort(firstOf) // the list order is free
		first = slices.Sorted(slices.Values(first))
		if !slices.Equal(firstOf, first) || !slices.Equal(tt.joinedOf(k), joined) || k.prefix != isPfx {
			t.Errorf("%q: first %v joined %v prefix %v, maps say %v %v %v", s, tt.firstOf(k), tt.joinedOf(k), k.prefix, first, joined, isPfx)
		}
		if k2 := tt.findBytes([]byte(s)); k2 != k {
			t.Errorf("%q: findBytes disagrees with find", s)
		}
	}
	for _, keys := range [][]string{keysOf(d.first), keysOf(d.joined), keysOf(d.prefixes)} {
		for _, s := range keys {
			check(s)
		}
	}
	for _, s := range []string{"", "zzqx", "hello", "fentanylz", "фентанилх", "kitten", "芬太", strings.Repeat("x", 100), "phone", "graph", "xxxxxxxph", "phentanyl"} {
		check(s)
	}
}

// TestFuzzyBucketsMatchGate: the candidate bitsets of every bucket give
// exactly the entries that pass fuzzyMatches' per-entry gate and length
// bound, for every second and third byte and every length.
func TestFuzzyBucketsMatchGate(t *testing.T) {
	d := defaultDetector(t)
	buckets := 0
	for b0 := 0; b0 < 256; b0++ {
		cands, bk := d.fuzzyBy[b0], d.fuzzyBk[b0]
		if (len(cands) == 0) != (bk == nil) {
			t.Fatalf("byte %#x: %d entries, bucket %v", b0, len(cands), bk)
		}
		if bk == nil {
			continue
		}
		buckets++
		for c1 := 0; c1 < 256; c1++ {
			for c2 := 0; c2 < 256; c2 += 7 {
				for l := 6; l <= fuzzyMaxLen; l++ {
					v := string([]byte{byte(b0), byte(c1), byte(c2)}) + strings.Repeat("x", l-3)
					for ci, fi := range cands {
						f := &d.fuzzy[fi]
						want := (v[1] == f.key[1] || v[1] == f.key[2] || v[2] == f.key[1]) &&
							len(f.key)-len(v) <= f.k && len(v)-len(f.key) <= f.k
						got := bk.candidates(v, ci/64)&(1<<(ci%64)) != 0
						if got != want {
							t.Fatalf("byte %#x entry %q word %q: candidate %v, gate says %v", b0, f.key, v, got, want)
						}
					}
				}
			}
		}
	}
	if buckets == 0 {
		t.Error("no fuzzy buckets")
	}
}

// refHashTerm is hashTerm with the words of s assembled byte by byte:
// the length, then each eight bytes little-endian, the last word being the
// last eight bytes (or, for at most eight, the bytes zero-padded).
func refHashTerm(s string) termHash {
	word := func(b string) uint64 {
		var w uint64
		for k := len(b) - 1; k >= 0; k-- {
			w = w<<8 | uint64(b[k])
		}
		return w
	}
	n := len(s)
	h := uint64(n) * hashK0
	if n <= 8 {
		return termHash(hashMix(h, word(s)))
	}
	for i := 0; i+8 < n; i += 8 {
		h = hashMix(h, word(s[i:i+8]))
	}
	return termHash(hashMix(h, word(s[n-8:])))
}

// TestHashTerm: hashTerm is refHashTerm for every length up to 40, so
// equal strings hash equally wherever they sit in memory, and loadShort
// reads exactly the bytes of s.
func TestHashTerm(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for n := 0; n < 50000; n++ {
		b := make([]byte, rng.Intn(41))
		for k := range b {
			b[k] = "phpxhp\x00\xd0"[rng.Intn(8)]
		}
		s := string(b)
		h := hashTerm(s)
		if want := refHashTerm(s); h != want {
			t.Fatalf("hashTerm(%q) = %#x, want %#x", s, h, want)
		}
		// the same bytes inside a longer string
		long := "xx" + s + "yy"
		if h2 := hashTerm(long[2 : 2+len(s)]); h2 != h {
			t.Fatalf("hashTerm(%q): hash depends on the bytes around the string", s)
		}
		if len(s) <= 8 {
			var want uint64
			for k := len(s) - 1; k >= 0; k-- {
				want = want<<8 | uint64(s[k])
			}
			if got := loadShort(s); got != want {
				t.Fatalf("loadShort(%q) = %#x, want %#x", s, got, want)
			}
		}
	}
}

// osaFull is the edit distance of the previous osaDist: the full matrix,
// giving up when a whole row is above max.
func osaFull(ra, rb []rune, max int) int {
	n, m := len(ra), len(rb)
	if n-m > max || m-n > max {
		return max + 1
	}
	prev2, prev, cur := make([]int, m+1), make([]int, m+1), make([]int, m+1)
	for j := 0; j <= m; j++ {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}

// TestOSABandEqualsFullMatrix: the banded distance is the full matrix's
// whenever either is at most max, and both are above max otherwise.
func TestOSABandEqualsFullMatrix(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	word := func(n int) []rune {
		r := make([]rune, n)
		for k := range r {
			r[k] = []rune("fentayl")[rng.Intn(7)]
		}
		return r
	}
	for n := 0; n < 100000; n++ {
		a := word(rng.Intn(14))
		b := word(rng.Intn(14))
		if rng.Intn(2) == 0 { // a near miss of a
			b = append([]rune(nil), a...)
			for e := rng.Intn(4); e > 0 && len(b) > 0; e-- {
				p := rng.Intn(len(b))
				switch rng.Intn(4) {
				case 0:
					b = append(b[:p], b[p+1:]...)
				case 1:
					b = append(b[:p], append([]rune{'x'}, b[p:]...)...)
				case 2:
					b[p] = 'z'
				case 3:
					if p+1 < len(b) {
						b[p], b[p+1] = b[p+1], b[p]
					}
				}
			}
		}
		max := rng.Intn(5)
		got, want := osaDist(a, b, max), osaFull(a, b, max)
		if got != want && (got <= max || want <= max) {
			t.Fatalf("osaDist(%q, %q, %d) = %d, full matrix %d", string(a), string(b), max, got, want)
		}
	}
}

// TestResolveLongMatches: resolve equals a full sort and the windowed
// look-back (dedupeSorted, the previous resolve) on random match lists
// with matches up to 40 tokens long, in start order and not.
func TestResolveLongMatches(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	for n := 0; n < 20000; n++ {
		ms := make([]match, rng.Intn(60))
		maxLen := 4
		if n%3 == 0 {
			maxLen = 40
		}
		for k := range ms {
			i := int32(rng.Intn(80))
			ms[k] = match{e: int32(rng.Intn(4)), i: i, j: i + 1 + int32(rng.Intn(maxLen)), how: uint8(rng.Intn(4))}
		}
		if n%2 == 0 {
			slices.SortStableFunc(ms, func(a, b match) int { return int(a.i - b.i) })
		}
		want := slices.Clone(ms)
		slices.SortFunc(want, compareMatch)
		want = dedupeSorted(want)
		if got := resolve(slices.Clone(ms)); !slices.Equal(got, want) {
			t.Fatalf("resolve(%v)\n got %v\nwant %v", ms, got, want)
		}
	}
}

// TestOSABitsEqualsFullMatrix: the bit-parallel distance equals the full
// matrix's exact distance for byte strings of 1 to 64 bytes (transpositions,
// repeated letters, unrelated strings), and setPeq/clearPeq leave the
// table all zero.
func TestOSABitsEqualsFullMatrix(t *testing.T) {
	rng := rand.New(rand.NewSource(19))
	var peq [256]uint64
	word := func(n int, alpha string) string {
		b := make([]byte, n)
		for k := range b {
			b[k] = alpha[rng.Intn(len(alpha))]
		}
		return string(b)
	}
	for n := 0; n < 200000; n++ {
		alpha := []string{"ab", "fentaylo", "abcdefghijklmnopqrstuvwxyz"}[n%3]
		a := word(1+rng.Intn(14), alpha)
		if n%50 == 0 {
			a = word(1+rng.Intn(64), alpha)
		}
		b := word(rng.Intn(16), alpha)
		if rng.Intn(2) == 0 { // a near miss of a
			bb := []byte(a)
			for e := rng.Intn(4); e > 0 && len(bb) > 1; e-- {
				p := rng.Intn(len(bb) - 1)
				switch rng.Intn(4) {
				case 0:
					bb = append(bb[:p:p], bb[p+1:]...)
				case 1:
					bb = append(bb[:p:p], append([]byte{alpha[0]}, bb[p:]...)...)
				case 2:
					bb[p] = alpha[rng.Intn(len(alpha))]
				case 3:
					bb[p], bb[p+1] = bb[p+1], bb[p]
				}
			}
			b = string(bb)
		}
		setPeq(&peq, a)
		got := osaBits(&peq, len(a), b)
		clearPeq(&peq, a)
		if want := osaFull([]rune(a), []rune(b), 1000); got != want {
			t.Fatalf("osaBits(%q, %q) = %d, full matrix %d", a, b, got, want)
		}
	}
	if peq != [256]uint64{} {
		t.Error("clearPeq left bits set")
	}
}

// TestLettersMask: lettersMask agrees with letterMask, isLetters and
// isASCII (and those with their rune-decoding forms).
func TestLettersMask(t *testing.T) {
	words := []string{"", "fentanyl", "Fentanyl", "fent4nyl", "фентанил", "fentanylа", "ﬀ", "é", "straße", "a\xffb", "\xd0", "fentanyl-", "zzz",
		"\xd0a", "é\xc3", "\u00df", "\u00e0\u024f\u0250\u0400\u052f\u0530", "ФЕНТ", "фент1", "фент-", "фент\u200b"}
	rng := rand.New(rand.NewSource(23))
	for n := 0; n < 5000; n++ {
		words = append(words, mangledText(rng, defaultDetectorOnce(t)))
	}
	for _, w := range words {
		if rm, ok := lettersMaskRunes(w); ok != isLettersRunes(w) || ok && rm != letterMaskRunes(w) {
			t.Errorf("lettersMaskRunes(%q) = %x %v, letterMaskRunes %x isLettersRunes %v", w, rm, ok, letterMaskRunes(w), isLettersRunes(w))
		}
		m, letters, ascii := lettersMask(w)
		if letters != isLetters(w) || letters != isLettersRunes(w) {
			t.Errorf("lettersMask(%q): letters %v, isLetters %v", w, letters, isLetters(w))
		}
		if letters && (m != letterMask(w) || m != letterMaskRunes(w) || ascii != isASCII(w)) {
			t.Errorf("lettersMask(%q) = %x %v, letterMask %x isASCII %v", w, m, ascii, letterMask(w), isASCII(w))
		}
	}
}

var (
	testDetectorOnce sync.Once
	testDetector     *Detector
)

// defaultDetectorOnce is defaultDetector compiled once for the tests of
// this file that only read it.
func defaultDetectorOnce(t *testing.T) *Detector {
	testDetectorOnce.Do(func() { testDetector = defaultDetector(t) })
	return testDetector
}

// FuzzFindMatchesEqualsReference: on any text the matcher gives the
// reference matcher's list (seeds: the edge cases).
func FuzzFindMatchesEqualsReference(f *testing.F) {
	for _, s := range matchEdgeCases {
		f.Add(s)
	}
	d := defaultDetector(f)
	f.Fuzz(func(t *testing.T, s string) {
		doc := plainDocument(s)
		toks, nb := tokenize(doc.text, doc.segs)
		compareWithReference(t, d, fmt.Sprintf("%q", s), doc.text, toks, nb)
	})
}

// TestPlainKeyFacts: for every key of the term table, a plain token whose
// norm is the key, alone and followed by each word of a few, has the same
// matches in matchKey (precomputed variants and fuzzy match) as in matchWord
// (computed on the spot).
func TestPlainKeyFacts(t *testing.T) {
	d := defaultDetector(t)
	tt := d.terms
	nexts := []string{"", "fentanyl", "for", "sale", "a", "de"}
	vars, fuzzy := 0, 0
	for ki := range tt.keys {
		k := &tt.keys[ki]
		vars += int(k.vars.hi - k.vars.lo)
		if k.fuzzyE >= 0 {
			fuzzy++
		}
		s := tt.str(&tt.keys[ki])
		for _, next := range nexts {
			rt := []refToken{{token: token{end: len(s), letters: true, han: len(s) == 3 && s[0] >= 0xE3 && s[0] <= 0xE9}, norm: s}}
			text := s
			if next != "" {
				rt[0].gap = gapSpace
				rt = append(rt, refToken{token: token{start: len(s) + 1, end: len(s) + 1 + len(next), letters: true}, norm: next})
				text += " " + next
			}
			toks, nb := tokensOf(text, rt)
			run := func(f func(ms *matchState)) []match {
				ms := &matchState{text: text, toks: toks, nb: nb}
				f(ms)
				return ms.out
			}
			ph := hasPH(s)
			got := run(func(ms *matchState) { d.matchKey(ms, 0, &tt.keys[ki]) })
			want := run(func(ms *matchState) { d.matchWord(ms, 0, s, &tt.keys[ki], ph) })
			// the same matches, maybe in another order (resolve sorts them)
			slices.SortFunc(got, compareMatch)
			slices.SortFunc(want, compareMatch)
			if !slices.Equal(got, want) {
				t.Errorf("key %q before %q: matchKey %v, matchWord %v", s, next, got, want)
			}
		}
	}
	if vars == 0 || fuzzy == 0 {
		t.Errorf("%d variant keys, %d fuzzy matches over all keys: the test proves little", vars, fuzzy)
	}
}

// TestFindComparesEveryByte: find, given a key's hash (so that it probes
// the key's slots and the tags match), returns the key for the key's own
// string and no other key for the string with any one byte changed, at
// every length (keys of 8 to 16 bytes are compared as two words).
func TestFindComparesEveryByte(t *testing.T) {
	tt := defaultDetector(t).terms
	for ki := range tt.keys {
		k := &tt.keys[ki]
		s := tt.str(k)
		h := hashTerm(s)
		if got := tt.find(h, s); got != k {
			t.Fatalf("find(%q) = %v, want its key", s, got)
		}
		for x := 0; x < len(s); x++ {
			for _, d := range []byte{1, 0x20, 0x80} {
				b := []byte(s)
				b[x] ^= d
				v := string(b)
				if got := tt.find(h, v); got != nil && tt.str(got) != v {
					t.Fatalf("find(%q) with the hash of %q = key %q", v, s, tt.str(got))
				}
			}
		}
	}
}
