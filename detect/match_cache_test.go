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

// uncached returns a copy of d without the plain-word cache.
func uncached(d *Detector) *Detector {
	u := *d
	u.plain = nil
	return &u
}

// occupied counts the cache's non-empty slots.
func (c *wordCache) occupied() int {
	n := 0
	for i := range c.slots {
		if c.slots[i].n.Load() != 0 {
			n++
		}
	}
	return n
}

// hostileWords returns n distinct random words: letters (Latin, Cyrillic),
// lengths 1..60, some of them misspellings of fuzzy-matchable names and
// some ending in inflection suffixes.
func hostileWords(rng *rand.Rand, d *Detector, n int) []string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	cyr := []rune("абвгдежзиклмнопрстуфхцчшщыэюя")
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var w string
		switch rng.Intn(4) {
		case 0: // a fuzzy name with one edit
			k := []byte(d.fuzzy[rng.Intn(len(d.fuzzy))].key)
			p := rng.Intn(len(k))
			switch rng.Intn(3) {
			case 0:
				k[p] = letters[rng.Intn(26)]
			case 1:
				k = append(k[:p], k[p+1:]...)
			default:
				if p+1 < len(k) {
					k[p], k[p+1] = k[p+1], k[p]
				}
			}
			w = string(k)
		case 1:
			var b strings.Builder
			for l := rng.Intn(12) + 1; l > 0; l-- {
				b.WriteRune(cyr[rng.Intn(len(cyr))])
			}
			w = b.String()
		default:
			b := make([]byte, rng.Intn(60)+1)
			for i := range b {
				b[i] = letters[rng.Intn(26)]
			}
			w = string(b)
			if rng.Intn(3) == 0 {
				w += []string{"s", "es", "ph", "ing"}[rng.Intn(4)]
			}
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// TestPlainCacheEqualsUncached checks that matching with the plain-word
// cache equals matching without it, on the corpus, the edge cases, mangled
// texts and hostile word lists, each run twice so that the second run
// answers from the cache.
func TestPlainCacheEqualsUncached(t *testing.T) {
	d := defaultDetector(t)
	u := uncached(d)
	docs := matchDocs(d, goldenPages(t))
	rng := rand.New(rand.NewSource(11))
	var texts []string
	texts = append(texts, matchEdgeCases...)
	for n := 0; n < 2000; n++ {
		texts = append(texts, mangledText(rng, d))
	}
	words := hostileWords(rng, d, 20000)
	for k := 0; k+200 <= len(words); k += 200 {
		texts = append(texts, strings.Join(words[k:k+200], " "))
	}
	texts = append(texts, contextTexts(d)...)
	check := func(name, text string, toks []token, nb normBase) {
		t.Helper()
		got := d.findMatches(text, slices.Clone(toks), &nb)
		want := u.findMatches(text, slices.Clone(toks), &nb)
		if !slices.Equal(got, want) {
			t.Errorf("%s: findMatches\n got %v\nwant %v (uncached)", name, got, want)
		}
	}
	for round := 0; round < 2; round++ {
		for k, doc := range docs {
			check(fmt.Sprintf("round %d page %d", round, k), doc.text, doc.toks, doc.nb)
		}
		for _, s := range texts {
			doc := plainDocument(s)
			toks, nb := tokenize(doc.text, doc.segs)
			check(fmt.Sprintf("round %d %.60q", round, s), doc.text, toks, nb)
		}
		if n := d.plain.occupied(); n < wordCacheSlots/4 {
			t.Fatalf("round %d: only %d cached words: the comparison would prove little", round, n)
		}
	}
	// the verdicts, too, with a warm cache
	for _, p := range goldenPages(t)[:50] {
		if a, b := d.Detect(p), u.Detect(p); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: verdict with cache %v, without %v", p.URL, a, b)
		}
	}
}

// TestWordCacheExact checks that the cache answers only for the very words
// added: same-length words, words that differ in their last byte, across
// the 8-byte boundaries, and words that collide in a slot.
func TestWordCacheExact(t *testing.T) {
	c := new(wordCache)
	rng := rand.New(rand.NewSource(3))
	bySlot := map[uint32]string{}
	for n := 0; n < 50000; n++ {
		b := make([]byte, rng.Intn(wordCacheMax+1))
		for i := range b {
			b[i] = byte(rng.Intn(4)) + 'a' // few letters: many near-equal words
		}
		w := string(b)
		p, ok := wordKey(w)
		if !ok {
			t.Fatalf("wordKey(%q) refused a short word", w)
		}
		if prev, hit := bySlot[p.slot]; hit && prev != w && c.has(&p) {
			t.Fatalf("has(%q) is true while its slot holds %q", w, prev)
		}
		c.add(&p)
		bySlot[p.slot] = w
		if !c.has(&p) {
			t.Fatalf("has(%q) is false right after add", w)
		}
		f := p
		f.fuzzyMiss()
		if c.has(&f) && bySlot[f.slot] != "fuzzy:"+w {
			t.Fatalf("the fuzzy-miss entry of %q is cached after adding it as a plain word", w)
		}
		if n%5 == 0 { // now as a fuzzy miss
			c.add(&f)
			bySlot[f.slot] = "fuzzy:" + w
			if !c.has(&f) {
				t.Fatalf("fuzzy-miss has(%q) is false right after add", w)
			}
		}
		if len(w) > 0 { // the same word with its last byte changed
			q, _ := wordKey(w[:len(w)-1] + "z")
			if c.has(&q) && bySlot[q.slot] != w[:len(w)-1]+"z" {
				t.Fatalf("has(%q) is true after adding %q", w[:len(w)-1]+"z", w)
			}
		}
	}
	if _, ok := wordKey(strings.Repeat("a", wordCacheMax+1)); ok {
		t.Errorf("wordKey accepted a word over wordCacheMax")
	}
	c.reset()
	if n := c.occupied(); n != 0 {
		t.Errorf("%d words left after reset", n)
	}
}

// TestPlainCacheBounded checks that the cache is a fixed-size, pointer-free
// table that a hostile page of 100,000 unique words neither grows nor
// allocates in.
func TestPlainCacheBounded(t *testing.T) {
	if got, want := unsafe.Sizeof(wordCache{}), uintptr(wordCacheSlots*48); got != want {
		t.Errorf("wordCache is %d bytes, want %d", got, want)
	}
	d := defaultDetector(t)
	c := d.plain
	words := hostileWords(rand.New(rand.NewSource(5)), d, 100000)
	doc := plainDocument(strings.Join(words, " "))
	toks, nb := tokenize(doc.text, doc.segs)
	got := d.findMatches(doc.text, slices.Clone(toks), &nb)
	if d.plain != c {
		t.Fatalf("the cache was replaced")
	}
	if n := c.occupied(); n > wordCacheSlots {
		t.Fatalf("%d cached words in %d slots", n, wordCacheSlots)
	}
	if want := uncached(d).findMatches(doc.text, slices.Clone(toks), &nb); !slices.Equal(got, want) {
		t.Errorf("hostile page: findMatches with cache differs from without")
	}
	i := 0
	if a := testing.AllocsPerRun(1000, func() {
		p, _ := wordKey(words[i%len(words)])
		c.add(&p)
		i++
	}); a != 0 {
		t.Errorf("add allocates %.1f times per word", a)
	}
}

// TestPlainCacheConcurrent runs matching on one detector from several
// goroutines (run it with -race) while the cache is filled, evicted and
// reset, and checks every result against the uncached matcher.
func TestPlainCacheConcurrent(t *testing.T) {
	d := defaultDetector(t)
	u := uncached(d)
	docs := matchDocs(d, goldenPages(t))
	if len(docs) > 120 {
		docs = docs[:120]
	}
	words := hostileWords(rand.New(rand.NewSource(9)), d, 8000)
	for k := 0; k+100 <= len(words); k += 100 {
		doc := plainDocument(strings.Join(words[k:k+100], " "))
		toks, nb := tokenize(doc.text, doc.segs)
		docs = append(docs, matchDoc{text: doc.text, toks: toks, nb: nb})
	}
	want := make([][]match, len(docs))
	for k, doc := range docs {
		want[k] = u.findMatches(doc.text, slices.Clone(doc.toks), &doc.nb)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < 2; r++ {
				for k := range docs {
					k := (k*7 + g*31) % len(docs)
					got := d.findMatches(docs[k].text, slices.Clone(docs[k].toks), &docs[k].nb)
					if !slices.Equal(got, want[k]) {
						t.Errorf("goroutine %d doc %d: findMatches differs from uncached", g, k)
						return
					}
				}
			}
		}(g)
	}
	wg.Add(1)
	go func() { // resets racing the readers and writers
		defer wg.Done()
		for r := 0; r < 20; r++ {
			d.resetCaches()
			k := len(docs) - 1 - r
			if got := d.findMatches(docs[k].text, slices.Clone(docs[k].toks), &docs[k].nb); !slices.Equal(got, want[k]) {
				t.Errorf("resetting goroutine doc %d: findMatches differs from uncached", k)
			}
		}
	}()
	wg.Wait()
}

// contextTexts returns texts in which an inflected first word of a
// multi-word term ("pressed pills" as "presseds") appears first without
// the rest of the term and then with it: whether such a word matches
// depends on the words after it, so the cache must never hold it.
func contextTexts(d *Detector) []string {
	tt := d.terms
	var out []string
	for i := range tt.keys {
		k := &tt.keys[i]
		if k.multi == k.first.hi {
			continue
		}
		w := tt.str(k)
		if !isLetters(w) || len(w) < 2 {
			continue
		}
		e := &tt.first[k.multi]
		for _, suf := range d.suffixes {
			v := w + suf
			if tt.find(hashTerm(v), v) != nil {
				continue
			}
			rest := strings.Join(e.rest, " ")
			out = append(out, v+" qqq. "+v+" "+rest+". "+v+" qqq")
		}
	}
	return out
}

// TestCacheKeyWord checks cacheKey.word (and wordKey's first word, word 0)
// against the words read one by one
// (eight bytes little-endian, the last zero-padded) for words of every
// length the cache holds, of random bytes and of bytes that are all zero
// or all 0xFF.
func TestCacheKeyWord(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for n := 0; n <= wordCacheMax; n++ {
		for rep := 0; rep < 200; rep++ {
			b := make([]byte, n)
			for x := range b {
				switch rep {
				case 0:
				case 1:
					b[x] = 0xFF
				default:
					b[x] = byte(rng.Intn(256))
				}
			}
			k, ok := wordKey(string(b))
			if !ok {
				t.Fatalf("wordKey refused %d bytes", n)
			}
			if n == 0 && k.w0 != 0 {
				t.Fatalf("the empty word's first word is %#x", k.w0)
			}
			for i := 0; i < k.words(); i++ {
				var want uint64
				for x := 8 * i; x < min(8*i+8, n); x++ {
					want |= uint64(b[x]) << (8 * (x - 8*i))
				}
				if got := k.word(i); got != want {
					t.Fatalf("word %d of %x = %#x, want %#x", i, b, got, want)
				}
			}
		}
	}
}

// FuzzCacheKeyWord checks wordKey's first word and cacheKey.word against
// the bytes read one by one on any word the cache holds, and that a word
// the cache was given is found again and a one-byte change of it is not.
func FuzzCacheKeyWord(f *testing.F) {
	for _, s := range []string{"", "a", "abcdefgh", "abcdefghi", "categories", "фентанил", strings.Repeat("z", wordCacheMax)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := wordKey(s)
		if !ok {
			if len(s) <= wordCacheMax {
				t.Fatalf("wordKey refused %d bytes", len(s))
			}
			return
		}
		for i := 0; i < k.words(); i++ {
			var want uint64
			for x := 8 * i; x < min(8*i+8, len(s)); x++ {
				want |= uint64(s[x]) << (8 * (x - 8*i))
			}
			if got := k.word(i); got != want {
				t.Fatalf("word %d of %q = %#x, want %#x", i, s, got, want)
			}
		}
		c := new(wordCache)
		c.add(&k)
		if !c.has(&k) {
			t.Fatalf("%q not found after add", s)
		}
		for x := 0; x < len(s); x++ {
			b := []byte(s)
			b[x] ^= 1
			if k2, _ := wordKey(string(b)); c.has(&k2) {
				t.Fatalf("%q found after adding %q", b, s)
			}
		}
	})
}
