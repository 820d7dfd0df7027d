package detect

import (
	"math/bits"
	"math/rand"
	"strings"
	"testing"
)

// TestWordMasks compares the word-at-a-time byte tests with byte-by-byte
// definitions on every byte value in every position.
func TestWordMasks(t *testing.T) {
	for pos := 0; pos < 8; pos++ {
		for b := 0; b < 256; b++ {
			var buf [8]byte
			for k := range buf {
				buf[k] = 'x'
			}
			buf[pos] = byte(b)
			w := load8(string(buf[:]), 0)
			bit := uint64(0x80) << (8 * pos)
			if got, want := bytesBelow(w, 0x21)&bit != 0, b < 0x21; got != want {
				t.Errorf("bytesBelow(%#x, 0x21) at %d = %v", b, pos, got)
			}
			if got, want := bytesBelow(w, 0x20)&bit != 0, b < 0x20; got != want {
				t.Errorf("bytesBelow(%#x, 0x20) at %d = %v", b, pos, got)
			}
			if got, want := bytesEqual(w, '/')&bit != 0, b == '/'; got != want {
				t.Errorf("bytesEqual(%#x, '/') at %d = %v", b, pos, got)
			}
			if got, want := byte(foldUpper(w)>>(8*pos)), lowerByte[b]; got != want {
				t.Errorf("foldUpper(%#x) at %d = %#x, want %#x", b, pos, got, want)
			}
		}
	}
}

// swarSamples are strings for the word-at-a-time readers: corpus pages,
// edge cases and random bytes from an alphabet rich in the bytes they test.
func swarSamples(t *testing.T) []string {
	out := []string{"", "a", "div>", "DIV class", "h1/>", "abcdefgh>", "abcdefghi", "ab\x01cd>", "a\tb", "a\fb",
		"word word  two", "ends with space ", "x  ", "a\x00b c", "é ü  ", strings.Repeat("ab ", 20), "abcdefg \t"}
	out = append(out, parseEdgeCases...)
	for _, smp := range loadCorpus(t) {
		out = append(out, string(smp.Page.Body))
	}
	r := rand.New(rand.NewSource(1))
	alpha := "aZ /> \t\n\r\f\x01\x0b\x1f\x20\x21=\"'<&\xc3\xa9"
	for k := 0; k < 3000; k++ {
		b := make([]byte, r.Intn(24))
		for i := range b {
			b[i] = alpha[r.Intn(len(alpha))]
		}
		out = append(out, string(b))
	}
	return out
}

// TestTagName: tagName and attrName agree with a byte loop and tagKey at
// every position of the samples.
func TestTagName(t *testing.T) {
	for _, s := range swarSamples(t) {
		for i := 0; i < len(s) && i < 4000; i++ {
			end, key := tagName(s, i)
			j := i
			for j < len(s) && byteClass[s[j]]&bNameEnd == 0 && s[j] != 0 {
				j++
			}
			if end != j || key != tagKey(s[i:j]) {
				t.Fatalf("tagName(%q, %d) = %d, %#x; want %d, %#x", s, i, end, key, j, tagKey(s[i:j]))
			}
			end, key = attrName(s, i)
			j = i
			for j < len(s) && s[j] != '=' && byteClass[s[j]]&bNameEnd == 0 && s[j] != 0 {
				j++
			}
			if end != j || key != tagKey(s[i:j]) {
				t.Fatalf("attrName(%q, %d) = %d, %#x; want %d, %#x", s, i, end, key, j, tagKey(s[i:j]))
			}
		}
	}
}

// TestPlainRun: every byte plainRun skips would be copied as is by the
// byte-by-byte loop of textBuf.text.
func TestPlainRun(t *testing.T) {
	for _, s := range swarSamples(t) {
		for i := 0; i < len(s) && i < 4000; i++ {
			end := plainRun(s, i)
			j := i
			for j < end {
				c := s[j]
				if byteClass[c]&bSpace == 0 {
					j++
					continue
				}
				if c == ' ' && j+1 < len(s) && byteClass[s[j+1]]&bSpace == 0 {
					j += 2
					continue
				}
				t.Fatalf("plainRun(%q, %d) = %d, but byte %d (%q) ends the run", s, i, end, j, c)
			}
		}
	}
}

// TestSetKey: setKey by tagKey keeps the same attributes as set by name,
// for every name of at most eight bytes (startTagRest passes no longer one).
func TestSetKey(t *testing.T) {
	names := []string{"id", "ID", "alt", "aLt", "role", "type", "name", "NAME", "class", "Class", "title", "value",
		"content", "CONTENT", "itemprop", "ITEMprop", "itempro", "itemprox", "href", "src", "lang", "charset", "i", "d",
		"idd", "classes", "contents"}
	for _, name := range names {
		var bySet, byKey tagAttrs
		bySet.set(name, attrSpan{1, 2})
		byKey.setKey(tagKey(name), attrSpan{1, 2})
		if bySet != byKey {
			t.Errorf("%q: set %+v, setKey %+v", name, bySet, byKey)
		}
	}
	for _, name := range []string{"itempropx", "contentxx", "classclass"} {
		var a tagAttrs
		if a.set(name, attrSpan{1, 2}); a != (tagAttrs{}) {
			t.Errorf("set(%q) keeps it", name)
		}
	}
}

// TestAttrMaskPage: attrMaskPage agrees with attrMask on values cut from
// random text of mask words, separators and capitals, at every place in
// the page (the last ones within eight bytes of its end).
func TestAttrMaskPage(t *testing.T) {
	var parts []string
	for _, ws := range maskWords {
		for _, w := range ws {
			parts = append(parts, w.w, w.w[:len(w.w)-1], w.w[1:])
		}
	}
	parts = append(parts, " ", "-", "_", "X", "Nav", "é", "\"", ">", "a")
	rng := rand.New(rand.NewSource(3))
	for n := 0; n < 20000; n++ {
		var b []byte
		for k := rng.Intn(12); k >= 0; k-- {
			b = append(b, parts[rng.Intn(len(parts))]...)
		}
		s := string(b)
		for k := 0; k < 6; k++ {
			start := rng.Intn(len(s) + 1)
			end := start + rng.Intn(len(s)-start+1)
			if got, want := attrMaskPage(s, start, end), attrMask([]byte(s[start:end])); got != want {
				t.Fatalf("attrMaskPage(%q, %d, %d) = %b, attrMask(%q) = %b", s, start, end, got, s[start:end], want)
			}
		}
	}
}

// FuzzAttrMaskPage: attrMaskPage agrees with attrMask on any value of any
// page, wherever it sits (its reads past the value, and the compact
// trigram table's tail words, must never change the answer).
func FuzzAttrMaskPage(f *testing.F) {
	for _, s := range []string{"", "class=\"item-detail description\" x", "breadcrumbs ships_from destination ....", "Nav sidebar-x"} {
		f.Add(s, uint8(0), uint8(40))
	}
	f.Fuzz(func(t *testing.T, s string, a, b uint8) {
		start, end := int(a), int(a)+int(b)
		if end > len(s) {
			return
		}
		if got, want := attrMaskPage(s, start, end), attrMask([]byte(s[start:end])); got != want {
			t.Fatalf("attrMaskPage(%q, %d, %d) = %b, attrMask = %b", s, start, end, got, want)
		}
	})
}

// TestQuotedAttrName: whenever quotedAttrName reads a name, attrName reads
// the same name and key, an "=" ends it and a quote follows; and it reads
// the common shapes.
func TestQuotedAttrName(t *testing.T) {
	parts := []string{"class", "href", "id", "Class", "data-x", "=", "\"", "'", " ", "a", "z", "`", "{", "@", "[", "\x00", "é", ">", "/"}
	rng := rand.New(rand.NewSource(4))
	for n := 0; n < 200000; n++ {
		var b []byte
		for k := rng.Intn(6); k >= 0; k-- {
			b = append(b, parts[rng.Intn(len(parts))]...)
		}
		s := string(b)
		for i := 0; i < len(s); i++ {
			k, key := quotedAttrName(s, i)
			if k == 0 {
				continue
			}
			end, wantKey := attrName(s, i)
			if end != i+k || key != wantKey || s[end] != '=' || s[end+1] != '"' && s[end+1] != '\'' {
				t.Fatalf("quotedAttrName(%q, %d) = %d, %x; attrName ends at %d with key %x", s, i, k, key, end, wantKey)
			}
		}
	}
	for _, s := range []string{`class="x"  `, `href='/a' >`, `a="b"     `, `abcdef="x"...`} {
		if k, _ := quotedAttrName(s, 0); k == 0 {
			t.Errorf("quotedAttrName(%q) did not read the name", s)
		}
	}
}

// TestIndexQuote: indexQuote agrees with strings.IndexByte for both quotes
// at every position of the samples.
func TestIndexQuote(t *testing.T) {
	for _, s := range swarSamples(t) {
		for i := 0; i <= len(s) && i < 4000; i++ {
			for _, q := range []byte{'"', '\''} {
				want := strings.IndexByte(s[i:], q)
				if want >= 0 {
					want += i
				}
				if got := indexQuote(s, i, q); got != want {
					t.Fatalf("indexQuote(%q, %d, %q) = %d; want %d", s, i, q, got, want)
				}
			}
		}
	}
}

// TestCopyShort: copyShort appends as append does, for every length up to
// 16 and every offset into a page.
func TestCopyShort(t *testing.T) {
	page := strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456789", 3)
	for off := 0; off+17 <= len(page); off++ {
		for n := 0; n <= 16; n++ {
			raw := page[off : off+n]
			b := make([]byte, 5, 5+16)
			copy(b, "head:")
			got := copyShort(b, raw)
			if want := "head:" + raw; string(got) != want {
				t.Fatalf("copyShort(%q) = %q; want %q", raw, got, want)
			}
		}
	}
}

// quotedAttrName is the attribute-name test startTagRest carries written
// out, as a function for TestQuotedAttrName. It reads the most common
// attribute shape at s[i]: a name of one to six lower-case ASCII letters, "=" and a quote.
// It returns the name's length and tagKey, or k == 0 when s[i:] has
// another shape (or fewer than eight bytes). All eight bytes are tested
// at once: the name's bytes lie in 'a'..'z' and the first "=" follows it.
func quotedAttrName(s string, i int) (k int, key uint64) {
	if i+8 > len(s) {
		return 0, 0
	}
	w := load8(s, i)
	eq := bytesEqual(w, '=')
	if eq == 0 {
		return 0, 0
	}
	k = bits.TrailingZeros64(eq) >> 3 // the first "=": the name's end
	if k == 0 || k > 6 {
		return 0, 0 // (k <= 6: the quote is within w too)
	}
	t := w & lo7
	letter := (t + ones*(0x80-'a')) &^ (t + ones*(0x80-'z'-1)) &^ w & hi1 // exact per byte
	if ^letter&keyMask[k]&hi1 != 0 {
		return 0, 0
	}
	if q := byte(w >> (8 * uint(k+1))); q != '"' && q != '\'' {
		return 0, 0
	}
	return k, bits.ReverseBytes64(w&keyMask[k]) >> (64 - 8*uint(k))
}
