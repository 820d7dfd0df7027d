package detect

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// occupied counts the cache's non-empty slots.
func (c *maskCache) occupied() int {
	n := 0
	for i := range c.slots {
		if c.slots[i].hdr.Load()>>32 != 0 {
			n++
		}
	}
	return n
}

// cached reports whether some slot holds the value s[start:end] (at most
// maskCacheMax bytes, end+8 <= len(s)).
func (c *maskCache) cached(s string, start, end int) bool {
	n := end - start
	for i := range c.slots {
		sl := &c.slots[i]
		if int(uint8(sl.hdr.Load()>>32)) != n+1 {
			continue
		}
		eq := true
		for j := 0; j < n; j += 8 {
			eq = eq && sl.w[j/8].Load() == maskWordAt(s, start, end, j)
		}
		if eq {
			return true
		}
	}
	return false
}

// maskParts are the pieces hostile attribute values are made of: the mask
// words, each cut short at either end, capitals, separators and non-ASCII.
func maskParts() []string {
	var parts []string
	for _, ws := range maskWords {
		for _, w := range ws {
			parts = append(parts, w.w, w.w[:len(w.w)-1], w.w[1:])
		}
	}
	return append(parts, " ", "-", "_", "X", "Nav", "PRICE", "é", "ц", "\"", ">", "a", "\x00", "\xff")
}

// hostileValues returns n random attribute values of 0 to 60 bytes built
// from maskParts, many of them the same length and nearly equal.
func hostileValues(rng *rand.Rand, n int) []string {
	parts := maskParts()
	out := make([]string, 0, n)
	for len(out) < n {
		var b []byte
		for k := rng.Intn(8); k >= 0; k-- {
			b = append(b, parts[rng.Intn(len(parts))]...)
		}
		if len(b) > 60 {
			b = b[:rng.Intn(61)]
		}
		out = append(out, string(b))
	}
	return out
}

// attrValueSpans returns where the values of class, id and itemprop
// attributes (quoted) lie in page s, roughly as the page reader finds them.
func attrValueSpans(s string) [][2]int {
	var out [][2]int
	for _, name := range []string{"class=", "id=", "itemprop="} {
		for off := 0; ; {
			i := strings.Index(s[off:], name)
			if i < 0 {
				break
			}
			i += off + len(name)
			off = i
			if i >= len(s) || (s[i] != '"' && s[i] != '\'') {
				continue
			}
			j := strings.IndexByte(s[i+1:], s[i])
			if j < 0 {
				break
			}
			out = append(out, [2]int{i + 1, i + 1 + j})
		}
	}
	return out
}

// checkMaskCache compares c.page with attrMaskPage on the value
// s[start:end].
func checkMaskCache(t *testing.T, c *maskCache, s string, start, end int) {
	t.Helper()
	if got, want := c.page(s, start, end), attrMaskPage(s, start, end); got != want {
		t.Fatalf("maskCache.page(%q) = %08b, attrMaskPage = %08b", s[start:end], got, want)
	}
}

// TestMaskCacheEqualsUncached checks that the cache answers what
// attrMaskPage computes, cold and warm: on every class, id and itemprop
// value of the corpus, on hostile values (alone, in a page, at the page's
// end) and on the verdicts of the corpus pages.
func TestMaskCacheEqualsUncached(t *testing.T) {
	c := new(maskCache)
	pages := goldenPages(t)
	values := hostileValues(rand.New(rand.NewSource(7)), 20000)
	var page strings.Builder
	var spans [][2]int
	for _, v := range values {
		page.WriteString(" class=\"")
		spans = append(spans, [2]int{page.Len(), page.Len() + len(v)})
		page.WriteString(v)
		page.WriteString("\"")
	}
	hostile := page.String()
	hits := 0
	for round := 0; round < 2; round++ {
		for _, p := range pages {
			s := string(p.Body)
			for _, sp := range attrValueSpans(s) {
				checkMaskCache(t, c, s, sp[0], sp[1])
			}
		}
		for _, sp := range spans {
			checkMaskCache(t, c, hostile, sp[0], sp[1])
		}
		for _, v := range values[:2000] {
			checkMaskCache(t, c, v, 0, len(v))                                 // at the page's end
			checkMaskCache(t, c, v+"\"12345678", 0, len(v))                    // the bytes after it differ
			checkMaskCache(t, c, "x"+v+strings.Repeat("\xff", 9), 1, 1+len(v)) // ...and again
		}
		if n := c.occupied(); n < maskCacheSlots/2 {
			t.Fatalf("round %d: only %d cached values: the comparison would prove little", round, n)
		}
	}
	// the corpus's values are cached: a warm cache answers them
	for _, p := range pages[:50] {
		s := string(p.Body)
		for _, sp := range attrValueSpans(s) {
			if sp[1]-sp[0] > maskCacheMax || sp[1]+8 > len(s) || sp[0] == sp[1] {
				continue
			}
			c.page(s, sp[0], sp[1])
			if c.cached(s, sp[0], sp[1]) {
				hits++
			}
		}
	}
	if hits == 0 {
		t.Errorf("no corpus value found in the cache")
	}
	// the verdicts, with a warm cache and without one
	d := defaultDetector(t)
	u := *d
	u.masks = nil
	for round := 0; round < 2; round++ {
		for _, p := range pages[:100] {
			if a, b := d.Detect(p), u.Detect(p); fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("%s: verdict with mask cache %v, without %v", p.URL, a, b)
			}
		}
	}
}

// TestMaskCacheExact checks that the cache answers only for the very value
// added: few letters make many same-length, nearly equal values and many
// that share a slot.
func TestMaskCacheExact(t *testing.T) {
	c := new(maskCache)
	rng := rand.New(rand.NewSource(3))
	const letters = "navpricemoun-X" // enough for words of several masks
	for n := 0; n < 100000; n++ {
		b := make([]byte, 1+rng.Intn(maskCacheMax))
		for i := range b {
			b[i] = letters[rng.Intn(len(letters))]
		}
		s := string(b) + "........"
		checkMaskCache(t, c, s, 0, len(b))
		checkMaskCache(t, c, s, 0, len(b)) // a hit, or a collision
		if len(b) > 1 {                    // one byte shorter, then a changed last byte
			checkMaskCache(t, c, s, 0, len(b)-1)
			s2 := string(b[:len(b)-1]) + "p........"
			checkMaskCache(t, c, s2, 0, len(b))
		}
	}
	c.reset()
	if n := c.occupied(); n != 0 {
		t.Errorf("%d values left after reset", n)
	}
	long := strings.Repeat("nav ", 20) + "........"
	checkMaskCache(t, c, long, 0, maskCacheMax+1)
	if n := c.occupied(); n != 0 {
		t.Errorf("a value over maskCacheMax was cached")
	}
}

// TestMaskCacheBounded checks that the cache is a fixed-size, pointer-free
// table that 100,000 unique values neither grow nor allocate in.
func TestMaskCacheBounded(t *testing.T) {
	if got, want := unsafe.Sizeof(maskCache{}), uintptr(maskCacheSlots*48); got != want {
		t.Errorf("maskCache is %d bytes, want %d", got, want)
	}
	d := defaultDetector(t)
	c := d.masks
	var b strings.Builder
	var spans [][2]int
	for n := 0; n < 100000; n++ {
		v := fmt.Sprintf("nav-%d price item-%x", n, n*7919)
		spans = append(spans, [2]int{b.Len(), b.Len() + len(v)})
		b.WriteString(v)
		b.WriteString("\" ")
	}
	s := b.String()
	i := 0
	if a := testing.AllocsPerRun(100000-1, func() {
		c.page(s, spans[i][0], spans[i][1])
		i++
	}); a != 0 {
		t.Errorf("page allocates %.1f times per value", a)
	}
	if d.masks != c {
		t.Fatalf("the cache was replaced")
	}
	if n := c.occupied(); n > maskCacheSlots || n < maskCacheSlots/2 {
		t.Fatalf("%d cached values in %d slots", n, maskCacheSlots)
	}
	d.resetCaches()
	if n := c.occupied(); n != 0 {
		t.Errorf("%d values left after resetCaches", n)
	}
}

// TestMaskCacheConcurrent runs Detect and the cache on one detector from
// several goroutines (run it with -race) while the cache is filled,
// evicted and reset, and checks every result against the uncached ones.
func TestMaskCacheConcurrent(t *testing.T) {
	d := defaultDetector(t)
	u := *d
	u.masks = nil
	pages := goldenPages(t)
	if len(pages) > 60 {
		pages = pages[:60]
	}
	want := make([]string, len(pages))
	for k, p := range pages {
		want[k] = fmt.Sprint(u.Detect(p))
	}
	values := hostileValues(rand.New(rand.NewSource(9)), 4000)
	hostile := strings.Join(values, "\"") + "\"........"
	var spans [][2]int
	for off, k := 0, 0; k < len(values); k++ {
		spans = append(spans, [2]int{off, off + len(values[k])})
		off += len(values[k]) + 1
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < 2; r++ {
				for k := range pages {
					k := (k*7 + g*31) % len(pages)
					if got := fmt.Sprint(d.Detect(pages[k])); got != want[k] {
						t.Errorf("goroutine %d page %d: verdict differs from uncached", g, k)
						return
					}
				}
				for k := range spans {
					sp := spans[(k*13+g*5)%len(spans)]
					if got, want := d.masks.page(hostile, sp[0], sp[1]), attrMaskPage(hostile, sp[0], sp[1]); got != want {
						t.Errorf("goroutine %d value %q: %08b, want %08b", g, hostile[sp[0]:sp[1]], got, want)
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
			k := len(pages) - 1 - r
			if got := fmt.Sprint(d.Detect(pages[k])); got != want[k] {
				t.Errorf("resetting goroutine page %d: verdict differs from uncached", k)
			}
		}
	}()
	wg.Wait()
}

// FuzzMaskCache: the cache answers what attrMaskPage computes for any
// value of any page, asked twice (a miss, then a hit or a collision), and
// after another value of the same page was asked in between.
func FuzzMaskCache(f *testing.F) {
	for _, s := range []string{"", "class=\"item-detail description\" x", "breadcrumbs ships_from destination ....", "Nav sidebar-x", "price price........"} {
		f.Add(s, uint8(0), uint8(40), uint8(3), uint8(9))
	}
	c := new(maskCache)
	f.Fuzz(func(t *testing.T, s string, a, b, a2, b2 uint8) {
		start, end := int(a), int(a)+int(b)%(maskCacheMax+8)
		start2, end2 := int(a2), int(a2)+int(b2)%(maskCacheMax+8)
		if end > len(s) || end2 > len(s) {
			return
		}
		for k := 0; k < 2; k++ {
			checkMaskCache(t, c, s, start, end)
			checkMaskCache(t, c, s, start2, end2)
		}
	})
}

// TestMaskCacheCollisions checks the values the slot hash cannot tell
// apart: same length, first and last eight bytes but other middle bytes
// (only the full comparison sees them), and values that share a slot and
// their first eight bytes but not their length (only the length tells the
// value from a longer one it begins), with different masks.
func TestMaskCacheCollisions(t *testing.T) {
	c := new(maskCache)
	const pad = "........"
	// 24 bytes: eight a's, a middle of eight, eight b's
	middles := []string{"nav-menu", "price-xx", "vendor--", "xxxxxxxx", "ships-to", "footer-x", "product-"}
	for round := 0; round < 3; round++ {
		for _, mid := range middles {
			s := "aaaaaaaa" + mid + "bbbbbbbb" + pad
			checkMaskCache(t, c, s, 0, 24)
		}
	}
	// "000000nn" and "000000nn-nav-m" sharing a slot
	found := 0
	for n := 0; n < 100 && found < 20; n++ {
		short := fmt.Sprintf("%08d", n)
		w0 := maskWordAt(short+pad, 0, 8, 0)
		slot := maskSlotOf(short+pad, 0, 8, w0)
		for m := 0; m < 5000; m++ {
			long := fmt.Sprintf("%s-nav-%d", short, m)
			if maskSlotOf(long+pad, 0, len(long), w0) != slot {
				continue
			}
			found++
			for r := 0; r < 2; r++ {
				checkMaskCache(t, c, long+pad, 0, len(long))
				checkMaskCache(t, c, short+pad, 0, 8)
				checkMaskCache(t, c, short+pad, 0, 8)
				checkMaskCache(t, c, long+pad, 0, len(long))
			}
			break
		}
	}
	if found == 0 {
		t.Fatalf("no two values of different lengths share a slot")
	}
}
