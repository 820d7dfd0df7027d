package detect

import (
	"math"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestNeutraliserOfMatchesRef checks the judge's window lookup against the
// reference neutraliser for every match of every corpus page, as a cue and
// as a mention of every class.
func TestNeutraliserOfMatchesRef(t *testing.T) {
	d := defaultDetector(t)
	classes := map[string]bool{"": true}
	for _, si := range d.subs {
		classes[si.class] = true
	}
	extra := []string{
		"no fentanyl here, not pressed pills, never carfentanil",
		"<title>fentanyl test strips</title><p>buy fent test strips, no fentanyl inside? naloxone kit</p>",
	}
	var docs []*document
	for _, s := range loadCorpus(t) {
		docs = append(docs, parseDocument(decodeBody(s.Page.Body, "text/html"), true, ""))
	}
	for _, x := range extra {
		docs = append(docs, parseDocument(x, true, ""))
	}
	n := 0
	for _, doc := range docs {
		toks, nb := tokenize(doc.text, doc.segs)
		ms := d.findMatchesInto(nil, doc.text, toks, &nb)
		var windows []match
		for _, m := range ms {
			e := &d.entries[m.e]
			if e.kind == kDecoy {
				if f := &d.decoys[e.idx]; f.before > 0 || f.after > 0 || f.title {
					windows = append(windows, m)
				}
			}
		}
		var kc cueKinds
		d.split(toks, ms, nil, &kc, new(langCounts))
		for _, m := range ms {
			for c := range classes {
				want, wok := d.neutraliserRef(toks, windows, m, c)
				got, gok := d.neutraliserOf(toks, kc.windows, m, c)
				if c == "" {
					got, gok = d.neutraliserOf(toks, kc.negs, m, c)
					if neg := d.negated(toks, kc.negs, m); neg != gok {
						t.Fatalf("negated %v, neutraliserOf %v", neg, gok)
					}
				}
				if got != want || gok != wok {
					t.Fatalf("match %+v class %q: got %d %v, want %d %v", m, c, got, gok, want, wok)
				}
				n++
			}
		}
	}
	t.Logf("%d lookups agree", n)
}

// refClassify is classifyTokens by the walks it replaced.
func refClassify(toks []token, nb normBase) (nums, ents, labels []int32, contact bool) {
	nums = numberTokens(toks, nil)
	rt := withNorms(toks, nb)
	for i := 0; i < len(toks); i++ {
		if i = nextEntityToken(rt, i, &contact); i == len(toks) {
			break
		}
		ents = append(ents, int32(i))
	}
	for i := 0; i < len(toks); i++ {
		if i = nextShape(rt, i, &labelFirstIndex.shape); i == len(toks) {
			break
		}
		labels = append(labels, int32(i))
	}
	return nums, ents, labels, contact
}

// checkClassify compares classifyTokens with refClassify and, for the
// language counts, guessLanguage with prevGuessLanguage.
func checkClassify(t *testing.T, d *Detector, name, text string) {
	t.Helper()
	toks, nb := tokenize(text, []segment{{zone: zoneMain, start: 0, end: len(text)}})
	var c tokClasses
	classifyTokens(toks, &nb, &c)
	nums, ents, labels, contact := refClassify(toks, nb)
	if !slices.Equal(c.nums, nums) || !slices.Equal(c.ents, ents) || !slices.Equal(c.labels, labels) || c.contact != contact {
		t.Fatalf("%s: classified %v %v %v %v, want %v %v %v %v", name, c.nums, c.ents, c.labels, c.contact, nums, ents, labels, contact)
	}
	ms := d.findMatchesInto(nil, text, toks, &nb)
	if got, want := guessLanguage(toks, &nb, ms, d), prevGuessLanguage(withNorms(toks, nb), ms, d); got != want {
		t.Fatalf("%s: language %q, want %q", name, got, want)
	}
}

// TestClassifyTokensMatchesRef checks classifyTokens on the corpus pages
// (as Detect zones them), the extraction edge cases and random texts.
func TestClassifyTokensMatchesRef(t *testing.T) {
	d := defaultDetector(t)
	ins, _ := extractInputs(t, d)
	for _, in := range ins {
		var c tokClasses
		classifyTokens(in.toks, &in.nb, &c)
		nums, ents, labels, contact := refClassify(in.toks, in.nb)
		if !slices.Equal(c.nums, nums) || !slices.Equal(c.ents, ents) || !slices.Equal(c.labels, labels) || c.contact != contact {
			t.Fatalf("%s: classification differs", in.name)
		}
		if got, want := guessLanguage(in.toks, &in.nb, in.ms, d), prevGuessLanguage(withNorms(in.toks, in.nb), in.ms, d); got != want {
			t.Fatalf("%s: language %q, want %q", in.name, got, want)
		}
	}
	for _, x := range extractEdgeTexts {
		checkClassify(t, d, x, x)
	}
	r := rand.New(rand.NewSource(7))
	for k := 0; k < 3000; k++ {
		x := randomExtractText(r, 1+r.Intn(60))
		checkClassify(t, d, x, x)
	}
	// more than langTokens tokens: the language loop stops there
	long := "Превосходительство высокопревосходительство " + strings.Repeat("der die das ", 200) + strings.Repeat("the and with ", 300)
	checkClassify(t, d, "long", long)
}

// FuzzClassifyTokens compares classifyTokens with the walks it replaced.
func FuzzClassifyTokens(f *testing.F) {
	for _, x := range extractEdgeTexts {
		f.Add(x)
	}
	d := defaultDetector(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkClassify(t, d, "fuzz", s)
	})
}

// TestLastNewline checks lastNewline against strings.LastIndexByte on
// every placement of newlines and near-newline bytes in short strings.
func TestLastNewline(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	alphabet := []byte{'\n', '\n' + 1, '\n' - 1, 0, 0x8a, 0xff, 'a', ' ', 0x0b, 0x09}
	for k := 0; k < 200000; k++ {
		b := make([]byte, r.Intn(70))
		for i := range b {
			if r.Intn(4) == 0 {
				b[i] = alphabet[r.Intn(len(alphabet))]
			} else {
				b[i] = byte(r.Intn(256))
			}
		}
		s := string(b)
		if got, want := lastNewline(s), strings.LastIndexByte(s, '\n'); got != want {
			t.Fatalf("lastNewline(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestTrimSpace checks trimSpace and trimSnippetSpace against
// strings.TrimSpace on every pair of end bytes and a few runes, every rune
// of the BMP at either end, and random mixes of spaces and other runes.
func TestTrimSpace(t *testing.T) {
	ends := []string{"", " ", "\t", "\n", "\v", "\f", "\r", "\x1c", "\x1f", "!", "~", "\x7f", "\u0085", "\u00a0", "\u2000", "\u3000", "é", "\xff", "a"}
	for c := 0; c < 256; c++ {
		ends = append(ends, string([]byte{byte(c)}))
	}
	for _, x := range ends {
		for _, y := range ends {
			for _, mid := range []string{"", "a", " b ", "\u00a0"} {
				s := x + mid + y
				if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
					t.Fatalf("trimSpace(%q) = %q, want %q", s, got, want)
				}
				if got, want := trimSnippetSpace(s), strings.TrimSpace(s); got != want {
					t.Fatalf("trimSnippetSpace(%q) = %q, want %q", s, got, want)
				}
			}
		}
	}
	// every rune up to U+10000 and some beyond, and invalid sequences,
	// at either end, alone, doubled and around a word
	var runes []string
	for r := rune(0); r < 0x10000; r++ {
		runes = append(runes, string(r))
	}
	runes = append(runes, "\U0001F600", "\xe2\x80", "\xe3\x80", "\xc2", "\xe1\x9a", "\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80")
	for _, x := range runes {
		for _, s := range []string{x, x + x, x + "a" + x, "a" + x, x + "a", x + " ", " " + x, x + "\u3000" + x, "\u00a0" + x + "\u2029"} {
			if got, want := trimSnippetSpace(s), strings.TrimSpace(s); got != want {
				t.Fatalf("trimSnippetSpace(%q) = %q, want %q", s, got, want)
			}
		}
	}
	// random mixes of spaces, words and bytes
	r := rand.New(rand.NewSource(9))
	pieces := []string{" ", "\t", "\n", "\u0085", "\u00a0", "\u1680", "\u2000", "\u200a", "\u200b", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u3001", "é", "ж", "中", "a", "\x80", "\xc2", "\xe2\x80", "\xff"}
	for k := 0; k < 100000; k++ {
		var b strings.Builder
		for n := r.Intn(8); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		if got, want := trimSnippetSpace(s), strings.TrimSpace(s); got != want {
			t.Fatalf("trimSnippetSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestSortMentions checks sortMentions against slices.SortStableFunc on
// random values with ties and NaNs.
func TestSortMentions(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	vals := []float64{0, 0.5, 1, -0.25, 0.5, math.NaN(), math.Inf(1)}
	for k := 0; k < 20000; k++ {
		n := r.Intn(40)
		a := make([]mention, n)
		for i := range a {
			a[i] = mention{sub: i, value: vals[r.Intn(len(vals))]}
		}
		b := slices.Clone(a)
		sortMentions(a)
		slices.SortStableFunc(b, byValueDesc)
		for i := range a {
			if a[i].sub != b[i].sub {
				t.Fatalf("sortMentions differs at %d: %+v vs %+v", i, a, b)
			}
		}
	}
}

// TestSnippetMatchesRef checks snippet against snippetRef on every term
// span of random texts full of newlines, spaces and multi-byte runes.
func TestSnippetMatchesRef(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	pieces := []string{"\n", "\n\n", " ", "a", "word ", "é", "中", "\xff", "\t", "x\ny", strings.Repeat("z", 70)}
	for k := 0; k < 3000; k++ {
		var b strings.Builder
		for n := r.Intn(30); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		text := b.String()
		for s := 0; s <= len(text); s++ {
			if s < len(text) && !utf8.RuneStart(text[s]) {
				continue
			}
			for e := s; e <= len(text) && e <= s+12; e++ {
				if got, want := snippet(text, s, e), snippetRef(text, s, e); got != want {
					t.Fatalf("snippet(%q, %d, %d) = %q, want %q", text, s, e, got, want)
				}
			}
		}
	}
}

// TestAddEvidenceMatchesRef: records kept by evidence key (evidenceKeys,
// addEvidence) are those kept by rule id, in the same order, with frames
// of equal ids (which New accepts from a hand-made rule set).
func TestAddEvidenceMatchesRef(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	ids := []string{"a", "b", "c", "sale:x", "decoy:y"}
	for k := 0; k < 20000; k++ {
		sale := make([]frameInfo, 1+r.Intn(4))
		decoys := make([]frameInfo, 1+r.Intn(4))
		for i := range sale {
			sale[i].id = ids[r.Intn(len(ids))]
		}
		for i := range decoys {
			decoys[i].id = ids[r.Intn(len(ids))]
		}
		d := &Detector{sale: sale, decoys: decoys, evKeys: evidenceKeys(sale, decoys)}
		var ev []evRec
		var ref []refEvRec
		pos := make([]int32, len(d.evKeys))
		for n := r.Intn(12); n > 0; n-- {
			w := float64(r.Intn(7)-3) / 4
			var e evRec
			var key int32
			if r.Intn(2) == 0 {
				i := r.Intn(len(sale))
				e, key = evidenceAt(evSale, int32(i), 0, 0, 0, w), d.evKeys[i]
			} else {
				i := r.Intn(len(decoys))
				e, key = evidenceAt(evDecoy, int32(i), 0, 0, 0, w), d.evKeys[len(sale)+i]
			}
			ev = addEvidence(ev, pos, key, e)
			ref = appendEvidenceRef(ref, refEvRec{d.rule(&e), e.w})
		}
		if len(ev) != len(ref) {
			t.Fatalf("%d records, want %d", len(ev), len(ref))
		}
		for i := range ev {
			if got := (refEvRec{d.rule(&ev[i]), ev[i].w}); got != ref[i] {
				t.Fatalf("record %d = %+v, want %+v", i, got, ref[i])
			}
		}
	}
}

// TestPutSortedAndSortInt32s checks putSorted against copy and
// sort.Strings, and sortInt32s against slices.Sort, on random lists short
// and long, with repeats.
func TestPutSortedAndSortInt32s(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	words := []string{"", "a", "b", "ab", "fentanyl", "carfentanil", "opioid", "Z", "é", "\xff"}
	for k := 0; k < 20000; k++ {
		n := r.Intn(24)
		src := make([]string, n)
		ints := make([]int32, n)
		for i := range src {
			src[i] = words[r.Intn(len(words))]
			ints[i] = int32(r.Intn(20) - 5)
		}
		got := make([]string, n)
		putSorted(got, src)
		want := slices.Clone(src)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Fatalf("putSorted(%q) = %q, want %q", src, got, want)
		}
		wantInts := slices.Clone(ints)
		slices.Sort(wantInts)
		sortInt32s(ints)
		if !slices.Equal(ints, wantInts) {
			t.Fatalf("sortInt32s = %v, want %v", ints, wantInts)
		}
	}
}

// TestAddEvidenceAtMatchesAddEvidence checks scratch.addEvidenceAt
// against addEvidence of evidenceAt's record on random sequences of keys, fields and weights (ties, signs, values
// that round alike), with the scratch reused across sequences as Detect
// reuses it.
func TestAddEvidenceAtMatchesAddEvidence(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	var scr scratch
	for k := 0; k < 20000; k++ {
		nkeys := 1 + r.Intn(6)
		if len(scr.evPos) < nkeys {
			scr.evPos = make([]int32, nkeys)
		}
		scr.ev = scr.ev[:0]
		var ev []evRec
		pos := make([]int32, nkeys)
		for n := r.Intn(16); n > 0; n-- {
			key := int32(r.Intn(nkeys))
			kind := uint8(r.Intn(2))
			idx := int32(r.Intn(9))
			start := r.Intn(5000)
			end := start + r.Intn(40)
			zone := uint8(r.Intn(6))
			var w float64
			switch r.Intn(3) {
			case 0:
				w = float64(r.Intn(9)-4) / 4
			case 1:
				w = (r.Float64()*2 - 1) / 1e3 * float64(r.Intn(1000))
			default:
				w = float64(r.Intn(2001)-1000)/1000 + float64(r.Intn(3)-1)*1e-4
			}
			ev = addEvidence(ev, pos, key, evidenceAt(kind, idx, start, end, zone, w))
			scr.addEvidenceAt(key, kind, idx, start, end, zone, w)
		}
		if !slices.Equal(scr.ev, ev) {
			t.Fatalf("addEvidenceAt: %+v, want %+v", scr.ev, ev)
		}
		if !slices.Equal(scr.evPos[:nkeys], pos) {
			t.Fatalf("addEvidenceAt positions %v, want %v", scr.evPos[:nkeys], pos)
		}
		clear(scr.evPos)
	}
}
