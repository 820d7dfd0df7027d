package detect

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// TestTokByteClass: every byte's class agrees with what the rune path
// decides for it.
func TestTokByteClass(t *testing.T) {
	for b := 0; b < 256; b++ {
		c, cl := byte(b), tokByteClass[b]
		want := uint8(0)
		switch {
		case c >= utf8.RuneSelf || isLeetSymbol(rune(c)):
			want = tbRune
		case c >= 'a' && c <= 'z':
			want = tbLower
		case c >= 'A' && c <= 'Z':
			want = tbUpper
		case c >= '0' && c <= '9':
			want = tbDigit
		default:
			want = tbSep
			if isJoinSep(rune(c)) {
				want |= tbJoin
			}
			if c == '\n' || c == ';' || c == '?' {
				want |= tbStop
			}
			if c == '.' {
				want |= tbDot
			}
		}
		if cl != want {
			t.Errorf("tokByteClass[%#x] = %08b, want %08b", b, cl, want)
		}
	}
}

// TestTokRuneClass: the rune class table gives, for every BMP rune and a
// range of astral runes, what fold and the rune predicates give.
func TestTokRuneClass(t *testing.T) {
	tokOnce.Do(buildTokRuneClass)
	bad := 0
	for r := rune(0); r < bmpSize+0x2000 && bad < 10; r++ {
		f := fold(r)
		fr, _ := utf8.DecodeRuneInString(f)
		checks := []struct {
			name      string
			bit       uint8
			want      bool
			ifVisible bool
		}{
			{"empty", trEmpty, f == "", false},
			{"leet", trLeet, isLeetSymbol(r), false},
			{"same", trSame, f == string(r), true},
			{"han", trHan, isHan(fr), true},
			{"digit", trDigit, isDigitRune(fr), true},
			{"letter", trLetter, isLetterRune(fr), true},
			{"join", trJoin, isJoinSep(fr), true},
		}
		got := tokRune(r)
		for _, c := range checks {
			want := c.want && (!c.ifVisible || f != "")
			if (got&c.bit != 0) != want {
				t.Errorf("tokRune(%U) %s = %v, want %v", r, c.name, got&c.bit != 0, want)
				bad++
			}
		}
	}
}

// TestDecodeRuneAt: decodeRuneAt agrees with utf8.DecodeRuneInString on
// every one- and two-byte prefix and on longer and broken sequences.
func TestDecodeRuneAt(t *testing.T) {
	var cases []string
	for a := 0; a < 256; a++ {
		cases = append(cases, string([]byte{byte(a)}))
		for b := 0; b < 256; b++ {
			cases = append(cases, string([]byte{byte(a), byte(b)}), string([]byte{'x', byte(a), byte(b)}))
		}
	}
	for a := 0xE0; a <= 0xEF; a++ {
		for b := 0; b < 256; b++ {
			for _, c := range []byte{0x00, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF} {
				cases = append(cases, string([]byte{byte(a), byte(b), c}))
			}
		}
	}
	cases = append(cases, "芬", "😀", "\xed\xa0\x80", "\xe8\x8a", "\xf0\x9f\x98", "ＦＥ")
	for _, s := range cases {
		for i := 0; i < len(s); i++ {
			r, n := decodeRuneAt(s, i)
			wr, wn := utf8.DecodeRuneInString(s[i:])
			if r != wr || n != wn {
				t.Fatalf("decodeRuneAt(%q, %d) = %U/%d, want %U/%d", s, i, r, n, wr, wn)
			}
		}
	}
}

// TestAppendLower: appendLower lower-cases ASCII letters and leaves digits
// alone, for words at the end of the text and followed by other bytes (the
// eight-byte step), with and without spare arena capacity, and never
// changes the arena below its end.
func TestAppendLower(t *testing.T) {
	if tbUpper<<4 != 'a'-'A' {
		t.Fatalf("tbUpper<<4 = %#x, not the ASCII case bit", tbUpper<<4)
	}
	words := []string{"a", "Z", "Fent", "FentANYL", "FENTANYL9", "0123456789", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}
	for _, w := range words {
		for _, text := range []string{w, w + " \xff\xc0 tail text", "x " + w, "x " + w + "!@#$%^&*()"} {
			i := strings.Index(text, w)
			for _, arena := range [][]byte{nil, []byte("abc"), append(make([]byte, 0, 200), "keep"...)} {
				before := string(arena)
				z := tokenizer{arena: arena, s: text}
				n := len(arena)
				z.appendLower(i, i+len(w))
				if got, want := string(z.arena[n:]), strings.ToLower(w); got != want {
					t.Errorf("appendLower(%q in %q) = %q, want %q", w, text, got, want)
				}
				if string(z.arena[:n]) != before {
					t.Errorf("appendLower(%q in %q) changed the arena before its end", w, text)
				}
			}
		}
	}
}

// TestTokenSize: the token struct stays at 48 bytes with one pointer
// (fields ordered to avoid padding; tokens are the tokenizer's main memory
// traffic, and the garbage collector scans them).
func TestTokenSize(t *testing.T) {
	if n := unsafe.Sizeof(token{}); n > 48 {
		t.Errorf("token is %d bytes, want at most 48", n)
	}
}

// TestNoteScripts: every rune foldMixedScript counts as Latin, Greek or
// Cyrillic sets the matching tokenizer flag from its first byte (the rune
// path notes the lead byte of a rune it copies, and every byte of a fold).
func TestNoteScripts(t *testing.T) {
	for r := rune(0); r < bmpSize; r++ {
		enc := string(r)
		var lead, all tokenizer
		lead.noteScripts(enc[0])
		for k := 0; k < len(enc); k++ {
			all.noteScripts(enc[k])
		}
		latin := r < 0x250 && unicode.IsLetter(r)
		greekCyr := r >= 0x370 && r < 0x530
		for _, z := range []tokenizer{lead, all} {
			if latin && !z.latin || greekCyr && !z.greekCyr {
				t.Fatalf("noteScripts(%U): latin %v greekCyr %v, want at least %v %v", r, z.latin, z.greekCyr, latin, greekCyr)
			}
		}
	}
}

// TestPutToken: putToken's two packed words land in the fields they are
// meant for (this machine's byte order), and each flag alone sets only
// its own field.
func TestPutToken(t *testing.T) {
	var tk token
	putToken(&tk, 5, 4, 3, 7, tokWordA(-2, 5)|1<<tokHanShift|1<<tokDigitsShift,
		1<<tokLettersShift|1<<tokLeetShift|1<<tokMixedShift|1<<tokQuestionShift|0xAB<<tokClsShift|0x5<<tokMkShift)
	want := token{nOff: 5, nLen: 4, start: 3, end: 7, sent: -2, zone: 5, han: true, digits: true, letters: true, leet: true,
		mixed: true, question: true, cls: 0xAB, mk: 0x5}
	if tk != want {
		t.Fatalf("putToken wrote %+v, want %+v", tk, want)
	}
	for _, c := range []struct {
		a, b uint64
		want token
	}{
		{1 << tokHanShift, 0, token{han: true}},
		{1 << tokDigitsShift, 0, token{digits: true}},
		{0, 1 << tokLettersShift, token{letters: true}},
		{0, 1 << tokLeetShift, token{leet: true}},
		{0, 1 << tokMixedShift, token{mixed: true}},
		{0, 1 << tokQuestionShift, token{question: true}},
		{0, 0x80 << tokMkShift, token{mk: 0x80}},
	} {
		tk = token{gap: 3}
		putToken(&tk, 0, 0, 0, 0, c.a, c.b)
		if tk != c.want {
			t.Errorf("putToken(%#x, %#x) wrote %+v, want %+v", c.a, c.b, tk, c.want)
		}
	}
}

// TestTwoByteTables: twoByteLetter and twoByteFold agree with the rune
// class table, fold and noteScripts for every two-byte rune.
func TestTwoByteTables(t *testing.T) {
	tokOnce.Do(buildTokRuneClass)
	for r := rune(0x80); r < 0x800; r++ {
		var lead tokenizer
		lead.noteScripts(string(r)[0])
		wantSc := uint8(0)
		if lead.latin {
			wantSc |= scriptLatin
		}
		if lead.greekCyr {
			wantSc |= scriptGreekCyr
		}
		same := tokRuneClass[r]&(trSame|trLetter|trDigit|trHan|trEmpty) == trSame|trLetter
		if e := twoByteLetter[r]; e&tlSame != 0 != same || same && e&^tlSame != wantSc {
			t.Errorf("twoByteLetter[%U] = %#x (same %v, scripts %#x)", r, e, same, wantSc)
		}
		f := fold(r)
		e := twoByteFold[r]
		if tokRuneClass[r]&trSame != 0 || len(f) == 0 || len(f) > 2 {
			if e != 0 {
				t.Errorf("twoByteFold[%U] = %#x, want 0 (fold %q)", r, e, f)
			}
			continue
		}
		var z tokenizer
		for k := 0; k < len(f); k++ {
			z.noteScripts(f[k])
		}
		got := string([]byte{byte(e), byte(e >> 8)})[:e>>16&3]
		if got != f || (e>>24&scriptLatin != 0) != z.latin || (e>>24&scriptGreekCyr != 0) != z.greekCyr {
			t.Errorf("twoByteFold[%U] = %#x, want fold %q latin %v greekCyr %v", r, e, f, z.latin, z.greekCyr)
		}
	}
}

// TestShapeBits: tokShapeCls' one load agrees with the three shape sets it
// merges, for every word of the hostile inputs, random ASCII words of 0 to
// 40 bytes and every (first byte, length, last byte) of up to 33 bytes.
func TestShapeBits(t *testing.T) {
	want := func(w string) uint8 {
		var k uint8
		if labelFirstIndex.shape.has(w) {
			k |= clsLabel
		}
		if contactTokShape.has(w) {
			k |= clsContact
		}
		if stopIndex.shape.has(w) {
			k |= clsStop
		}
		return k
	}
	check := func(w string) {
		if got, wnt := shapeBits(w), want(w); got != wnt {
			t.Fatalf("shapeBits(%q) = %#x, want %#x", w, got, wnt)
		}
	}
	for _, s := range append(hostileTexts, randomHostile(500)...) {
		for _, w := range strings.Fields(s) {
			check(w)
		}
	}
	for first := range 256 {
		for n := 1; n <= 33; n++ {
			for last := range 256 {
				b := []byte(strings.Repeat("x", n))
				b[0], b[n-1] = byte(first), byte(last)
				if n == 1 {
					b[0] = byte(last)
				}
				check(string(b))
			}
		}
	}
	check("")
}

// TestWordPairClass: every entry of wordPairClass agrees with tokByteClass
// for the two bytes it is read from.
func TestWordPairClass(t *testing.T) {
	for b0 := range 256 {
		for b1 := range 256 {
			p := [2]byte{byte(b0), byte(b1)}
			e := wordPairClass[*(*uint16)(unsafe.Pointer(&p))]
			c0, c1 := tokByteClass[b0], tokByteClass[b1]
			var want uint8
			if c0&tbWord != 0 {
				want = c0 | wpFirst
				if c1&tbWord != 0 {
					want |= c1 | wpBoth
				}
			}
			if e != want {
				t.Fatalf("wordPairClass for %#x %#x = %#x, want %#x", b0, b1, e, want)
			}
		}
	}
}
