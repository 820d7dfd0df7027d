package detect

import (
	"math/bits"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// textOps replays a sequence of text builder calls, described by ops (one
// byte each: 'n' newline, 'c' a cell's pending space, otherwise text of
// zone op%numZones taken from the next piece), on a textBuf through text
// and on a textBuilder, and reports whether they built the same text,
// segments and pending space.
func textOps(t *testing.T, ops []byte, pieces []string) {
	t.Helper()
	var fast textBuf
	fast.reset(nil)
	var ref textBuilder
	for k, op := range ops {
		switch op {
		case 'n':
			fast.newline()
			ref.newline()
		case 'c':
			fast.pendingSpace = true
			ref.pendingSpace = true
		default:
			s := pieces[k%len(pieces)]
			z := op % numZones
			fast.text(z, s)
			ref.text(z, s)
		}
		if fast.pendingSpace != ref.pendingSpace {
			t.Fatalf("ops %q pieces %q: pendingSpace %v, textBuilder %v", ops[:k+1], pieces, fast.pendingSpace, ref.pendingSpace)
		}
	}
	fast.closeSeg()
	text, segs := ref.done()
	if string(fast.b) != text || !reflect.DeepEqual(append([]segment{}, fast.segs...), append([]segment{}, segs...)) {
		t.Fatalf("ops %q pieces %q:\ntextBuf     %q %v\ntextBuilder %q %v", ops, pieces, fast.b, fast.segs, text, segs)
	}
}

// TestTextBufAgrees: textBuf (text, with textSlow behind it) builds what
// textBuilder builds, over random call sequences on text rich in white
// space, control bytes and word lengths around eight.
func TestTextBufAgrees(t *testing.T) {
	alphabet := []string{" ", " ", "  ", "\t", "\n", "\r", "\f", "\v", "\x01", "a", "b", "word", "eightchr", "é", "汉", "\xff"}
	rng := rand.New(rand.NewSource(5))
	for k := 0; k < 50000; k++ {
		pieces := make([]string, 1+rng.Intn(4))
		for i := range pieces {
			var s string
			for n := rng.Intn(30); len(s) < n; {
				s += alphabet[rng.Intn(len(alphabet))]
			}
			pieces[i] = s
		}
		ops := make([]byte, 1+rng.Intn(8))
		for i := range ops {
			switch rng.Intn(6) {
			case 0:
				ops[i] = 'n'
			case 1:
				ops[i] = 'c'
			default:
				ops[i] = byte(rng.Intn(int(numZones)))
			}
		}
		textOps(t, ops, pieces)
	}
}

// FuzzTextBuf: textBuf and textBuilder agree on any text and calls.
func FuzzTextBuf(f *testing.F) {
	f.Add([]byte{0, 'n', 1, 'c', 2}, "a  b", " x\ty ", "eightchr eightchr")
	f.Fuzz(func(t *testing.T, ops []byte, a, b, c string) {
		textOps(t, ops, []string{a, b, c})
	})
}

// textRunRef is textRun written byte by byte.
func textRunRef(s string, pos int) (end int, open uint8, plain, ok bool) {
	plain = true
	for j := pos; j < len(s); j++ {
		c := s[j]
		if c == '<' {
			if j+1 >= len(s) {
				return 0, 0, false, false
			}
			if o := markupOpen[s[j+1]]; o != openText {
				return j, o, plain, true
			}
		}
		if c < 0x20 || c == '&' || c == ' ' && j > pos && s[j-1] == ' ' {
			plain = false
		}
	}
	return len(s), openText, plain, true
}

// TestTextRun: textRun finds the end textRunRef finds, and calls a run
// plain only when it is (it may miss plain runs, when a borrow in its word
// tests marks a byte above a true match).
func TestTextRun(t *testing.T) {
	alphabet := []byte("  <<&!a/\n\x1f\x21\x3d\x27\x3c\xff\x80é")
	r := rand.New(rand.NewSource(2))
	check := func(s string, pos int) {
		e, o, pl, ok := textRun(s, pos)
		we, wo, wpl, wok := textRunRef(s, pos)
		if e != we || o != wo || ok != wok || pl && !wpl {
			t.Fatalf("textRun(%q, %d) = %d %d %v %v, want %d %d %v %v", s, pos, e, o, pl, ok, we, wo, wpl, wok)
		}
	}
	for n := 0; n < 200000; n++ {
		b := make([]byte, r.Intn(40))
		for i := range b {
			b[i] = alphabet[r.Intn(len(alphabet))]
		}
		s := string(b)
		for pos := 0; pos < len(s); pos++ {
			if pos == 0 || s[pos-1] == '>' || r.Intn(4) == 0 {
				check(s, pos)
			}
		}
	}
	missed, plain := 0, 0
	for _, smp := range loadCorpus(t) {
		s := decodeBody(smp.Page.Body, "text/html")
		for pos := 0; pos < len(s); pos++ {
			if pos == 0 || s[pos-1] == '>' {
				check(s, pos)
				if _, _, pl, _ := textRunRef(s, pos); pl {
					plain++
					if _, _, fpl, _ := textRun(s, pos); !fpl {
						missed++
					}
				}
			}
		}
	}
	if missed*20 > plain {
		t.Errorf("textRun missed %d of %d plain corpus runs", missed, plain)
	}
}

// TestCollapsePlain: whenever collapsePlain answers, it answers what
// strings.Fields joined by spaces gives, on random mixes of words, ASCII
// white space and control bytes, and non-ASCII white space and its lead
// bytes in other runes, cut at every length around the word size.
func TestCollapsePlain(t *testing.T) {
	parts := []string{"a", "word", " ", "  ", "\t", "\n", "\x01", "\x0b", "\u00a0", "\u2003", "\u3000", "é", "ж", "中", "\xc2\xa9", "\xe2\x82\xac", "\xe3\x81\x82", "\xe1\x88\x80", "\x7f", "\xff",
		"\u2014", "\u00b7", "\u0085", "\u1680", "\u200a", "\u200b", "\u2028", "\u202f", "\u205f", "\u3001", "\u30a2", "\xe2\x80", "\xc2", "\xe3\x80"}
	rng := rand.New(rand.NewSource(6))
	answered := 0
	for n := 0; n < 100000; n++ {
		var b []byte
		for k := rng.Intn(10); k >= 0; k-- {
			if rng.Intn(3) == 0 {
				b = append(b, parts[rng.Intn(len(parts))]...)
			} else {
				b = append(b, parts[rng.Intn(2)]...)
			}
		}
		s := string(b)
		if got, ok := collapsePlain(s); ok {
			answered++
			if want := strings.Join(strings.Fields(s), " "); got != want {
				t.Fatalf("collapsePlain(%q) = %q, want %q", s, got, want)
			}
		}
	}
	if answered < 10000 {
		t.Errorf("collapsePlain answered only %d strings", answered)
	}
}

// textRun is the text-run loop of fastParser.run as a function (see
// parse_run.go), kept so that TestTextRun checks it at every position. It
// finds the end of the text that starts at s[pos]: the index of
// the next "<" that opens markup (at or after pos: a "<" that opens
// nothing is text) and its kind, or len(s) and openText at the end of the
// page. plain reports that s[pos:end] holds no "&", no byte below 0x20
// and no two spaces in a row. ok is false when a "<" is the page's last
// byte (the reader bails there, as byteScanner does).
//
// The byte tests use the borrow trick ((x-ones)&^x&hi1 marks zero bytes
// of x): it is exact for the lowest marked byte, but a borrow may also
// mark a byte above a true one. So a "<" after the first one in a word is
// checked in s, and the plain test may fail on text that is plain (the
// caller then takes the general path), never the other way round: every
// byte a borrow marks lies above a byte that is truly marked.
func textRun(s string, pos int) (end int, open uint8, plain, ok bool) {
	const (
		lts = ones * '<'
		amp = ones * '&'
		spc = ones * ' '
		low = ones * 0x20
	)
	n := len(s)
	var bad, prev uint64
	for i := pos; i < n; i += 8 {
		var w uint64
		if i+8 <= n {
			w = load8(s, i)
		} else {
			// the page's last bytes, padded with zero bytes: these count
			// as control bytes (a run that reaches the end of the page
			// may be found not plain), and are no "<" (though a borrow
			// may mark one: hence j < n below)
			w = loadTail(s, i)
		}
		t := w ^ lts
		lt := (t - ones) &^ t & hi1
		a := w ^ amp
		sp := w ^ spc
		sp = (sp - ones) &^ sp & hi1
		// a byte below 0x20 (every white space but the space, and CR,
		// which unescapeText rewrites), "&", a space after a space
		// (prev: the word before ended with one)
		f := (w-low)&^w | (a-ones)&^a | sp&(sp<<8|prev)
		if lt != 0 {
			for k := bits.TrailingZeros64(lt) >> 3; ; {
				if j := i + k; j < n && s[j] == '<' { // (a borrow may mark a byte after a "<")
					if j+1 >= n {
						return 0, 0, false, false
					}
					if o := markupOpen[s[j+1]]; o != openText {
						bad |= f & (uint64(1)<<(8*uint(k)) - 1) // the bytes before j
						return j, o, bad&hi1 == 0, true
					}
				}
				if lt &= lt - 1; lt == 0 {
					break
				}
				k = bits.TrailingZeros64(lt) >> 3
			}
		}
		bad |= f
		prev = sp >> 56
	}
	return n, openText, bad&hi1 == 0, true
}

// TestNonASCIISpaceAt: nonASCIISpaceAt agrees with unicode.IsSpace on the
// encoding of every rune above ASCII, whole and cut short, and says no to
// bytes that encode no rune.
func TestNonASCIISpaceAt(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		if got, want := nonASCIISpaceAt(s, 0), unicode.IsSpace(r); got != want {
			t.Fatalf("nonASCIISpaceAt(%q) = %v, unicode.IsSpace(%U) = %v", s, got, r, want)
		}
		if nonASCIISpaceAt(s[:len(s)-1], 0) {
			t.Fatalf("nonASCIISpaceAt(%q) = true for a cut rune", s[:len(s)-1])
		}
	}
	for _, s := range []string{"\xc2", "\xe2\x80", "\xc2\x20", "\xe2\x80\x20", "\xe3\x80", "\xe1\x9a", "\xed\xa0\x80"} {
		if nonASCIISpaceAt(s, 0) {
			t.Errorf("nonASCIISpaceAt(%q) = true", s)
		}
	}
}

// TestCollapseClean: collapseClean agrees with collapse on text of the
// shape clean writes leave (words without bytes below 0x20, single
// spaces, perhaps one space before), words drawn with ASCII, non-ASCII
// runes and white-space runes above ASCII, and lead bytes cut short.
func TestCollapseClean(t *testing.T) {
	words := []string{"a", "word", "é", "ж", "中", "—", "·", "€", "ア", "\u00a0", "\u2003", "\u3000", "\u0085", "\u205f",
		"x\u00a0y", "\xc2", "\xe2\x80", "\xe3\x80", "\x7f", "\xff", "12345678", "abcdefgh\u2002"}
	rng := rand.New(rand.NewSource(11))
	for n := 0; n < 100000; n++ {
		var b []byte
		if rng.Intn(2) == 0 {
			b = append(b, ' ')
		}
		for k := rng.Intn(8); k >= 0; k-- {
			w := words[rng.Intn(len(words))]
			if rng.Intn(3) != 0 {
				w = words[rng.Intn(2)]
			}
			b = append(b, w...)
			if k > 0 {
				b = append(b, ' ')
			}
		}
		s := string(b)
		if got, want := collapseClean(s), collapse(s); got != want {
			t.Fatalf("collapseClean(%q) = %q, collapse says %q", s, got, want)
		}
	}
}
