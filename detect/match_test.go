package detect

import (
	"math/rand"
	"slices"
	"testing"
)

// TestResolveSortsLikeFullSort: resolve's per-start sort gives what a full
// sort gives, for match lists in start order (as findMatches emits them)
// and out of order.
func TestResolveSortsLikeFullSort(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for n := 0; n < 2000; n++ {
		ms := make([]match, rng.Intn(40))
		for k := range ms {
			i := int32(rng.Intn(12))
			ms[k] = match{e: int32(rng.Intn(5)), i: i, j: i + 1 + int32(rng.Intn(3)), how: uint8(rng.Intn(4))}
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

// dedupeSorted is resolve's second half, for the reference.
func dedupeSorted(ms []match) []match {
	out := ms[:0]
	for _, m := range ms {
		drop := false
		for k := len(out) - 1; k >= 0; k-- {
			o := out[k]
			if o.i+32 < m.i {
				break
			}
			if o.e == m.e && o.i == m.i && o.j == m.j || o.i <= m.i && m.j <= o.j && (o.j-o.i) > (m.j-m.i) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, m)
		}
	}
	return out
}

// TestOSADistanceBytesEqualsRunes: the byte path for ASCII gives the rune
// path's distance.
func TestOSADistanceBytesEqualsRunes(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	word := func() string {
		b := make([]byte, rng.Intn(12))
		for k := range b {
			b[k] = "fentaylsoc"[rng.Intn(10)]
		}
		return string(b)
	}
	for n := 0; n < 20000; n++ {
		a, b, max := word(), word(), rng.Intn(4)
		var ra, rb [48]rune
		if got, want := osaDistance(a, b, max), osaDist(appendRunes(ra[:0], a), appendRunes(rb[:0], b), max); got != want {
			t.Fatalf("osaDistance(%q, %q, %d) = %d, rune path %d", a, b, max, got, want)
		}
	}
	if d := osaDistance("fentanyl", "fetnanyl", 2); d != 1 {
		t.Errorf("transposition: distance %d, want 1", d)
	}
	if d := osaDistance("фентанил", "фентонил", 2); d != 1 {
		t.Errorf("Cyrillic substitution: distance %d, want 1", d)
	}
}

// TestLeetFoldEqualsReference: leetFold and leetFoldL give what the
// previous implementations (refLeetFold, refLeetFoldL) give on hostile
// strings, random ones and every single byte.
func TestLeetFoldEqualsReference(t *testing.T) {
	words := append(append([]string(nil), hostileTexts...), randomHostile(20000)...)
	for b := 0; b < 256; b++ {
		words = append(words, string([]byte{byte(b)}), "a"+string([]byte{byte(b)})+"b")
	}
	words = append(words, "f3nt4nyl", "fent@nyl", "$ufentanil", "1|!", "€£¢", "f€nt£¢", "c0d3", "\xe2\x82", "\xc2", "£1")
	buf := make([]byte, 0, 8) // grown (reallocated) along the way
	for _, w := range words {
		got, gok := leetFold(w)
		want, wok := refLeetFold(w)
		if got != want || gok != wok {
			t.Errorf("leetFold(%q) = %q %v, reference %q %v", w, got, gok, want, wok)
		}
		if got, want := leetFoldL(w), refLeetFoldL(w); got != want {
			t.Errorf("leetFoldL(%q) = %q, reference %q", w, got, want)
		}
		buf = buf[:0]
		var gi, gl string
		var iok bool
		buf, gi, iok = leetFoldInto(buf, w, &leetByte)
		buf, gl, _ = leetFoldInto(buf, w, &leetByteL)
		if gi != want || iok != wok || gl != refLeetFoldL(w) {
			t.Errorf("leetFoldInto(%q) = %q %v / %q, reference %q %v / %q", w, gi, iok, gl, want, wok, refLeetFoldL(w))
		}
	}
}

// TestDropCoveredRunsInStartOrder: on match lists in start order with no
// match longer than resolveWindow tokens (what findMatchesInto hands it
// when no term is that long, as in the default rules), dropCoveredRuns
// gives what a full sort and the windowed drop give.
func TestDropCoveredRunsInStartOrder(t *testing.T) {
	if defaultDetector(t).terms.long {
		t.Errorf("the default rules have a term of more than %d tokens: findMatchesInto takes resolve", resolveWindow)
	}
	rng := rand.New(rand.NewSource(19))
	for n := 0; n < 20000; n++ {
		ms := make([]match, rng.Intn(50))
		for k := range ms {
			i := int32(rng.Intn(60))
			ms[k] = match{e: int32(rng.Intn(4)), i: i, j: i + 1 + int32(rng.Intn(1+rng.Intn(resolveWindow))), how: uint8(rng.Intn(4))}
		}
		slices.SortStableFunc(ms, func(a, b match) int { return int(a.i - b.i) })
		want := slices.Clone(ms)
		slices.SortFunc(want, compareMatch)
		want = dedupeSorted(want)
		if got := dropCoveredRuns(slices.Clone(ms)); !slices.Equal(got, want) {
			t.Fatalf("dropCoveredRuns(%v)\n got %v\nwant %v", ms, got, want)
		}
	}
}

// TestDropCoveredRunsEqualsPrevious: dropCoveredRuns gives what its
// previous version (refDropCoveredRuns) gives, on lists in start order
// with runs in any order (sortRuns) and on lists sorted by compareMatch,
// with many duplicates, equal ends and runs of one.
func TestDropCoveredRunsEqualsPrevious(t *testing.T) {
	rng := rand.New(rand.NewSource(29))
	for n := 0; n < 50000; n++ {
		ms := make([]match, rng.Intn(40))
		span := 1 + rng.Intn(40)
		for k := range ms {
			i := int32(rng.Intn(span))
			ms[k] = match{e: int32(rng.Intn(5)), i: i, j: i + 1 + int32(rng.Intn(1+rng.Intn(4))), how: uint8(rng.Intn(4))}
		}
		slices.SortStableFunc(ms, func(a, b match) int { return int(a.i - b.i) })
		if got, want := dropCoveredRuns(slices.Clone(ms)), refDropCoveredRuns(slices.Clone(ms), true); !slices.Equal(got, want) {
			t.Fatalf("dropCoveredRuns(%v, true)\n got %v\nwant %v", ms, got, want)
		}
		slices.SortFunc(ms, compareMatch)
		if got, want := dropCoveredRuns(slices.Clone(ms)), refDropCoveredRuns(slices.Clone(ms), false); !slices.Equal(got, want) {
			t.Fatalf("dropCoveredRuns(%v, false)\n got %v\nwant %v", ms, got, want)
		}
	}
}

// TestMaskPrefilter: every key maskMatch matches a pattern with passes
// maskedMatches' prefilter: its length is between maskMinLen(pat) and
// len(pat), and its second byte is the pattern's unless that is masked.
func TestMaskPrefilter(t *testing.T) {
	rng := rand.New(rand.NewSource(23))
	word := func(alpha string, max int) string {
		b := make([]byte, rng.Intn(max+1))
		for k := range b {
			b[k] = alpha[rng.Intn(len(alpha))]
		}
		return string(b)
	}
	matched := 0
	for n := 0; n < 200000; n++ {
		pat, key := "a"+word("ab??", 9), "a"+word("ab", 9)
		if !maskMatch(pat, key) {
			continue
		}
		matched++
		if len(key) > len(pat) || len(key) < maskMinLen([]byte(pat)) || len(pat) > 1 && pat[1] != '?' && key[1] != pat[1] {
			t.Fatalf("maskMatch(%q, %q) holds, but the prefilter rejects the key (maskMinLen %d)", pat, key, maskMinLen([]byte(pat)))
		}
	}
	if matched < 1000 {
		t.Errorf("only %d matching pairs: the test proves little", matched)
	}
}
