package detect

import (
	"encoding/binary"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// Byte classes of the tokenizer (tokByteClass). Every ASCII byte is one of
// a letter, a digit, a separator (tbSep, possibly with tbJoin or tbStop) or
// a leet symbol; leet symbols and every byte >= 0x80 carry tbRune and are
// read by the rune path (tokenizer.runePath).
const (
	tbLower uint8 = 1 << iota // a-z
	tbUpper                   // A-Z
	tbDigit                   // 0-9
	tbSep                     // ASCII that is neither a letter, a digit nor a leet symbol
	tbJoin                    // tbSep that isJoinSep accepts: . - _ * / ' ~ + = : ^ ` #
	tbStop                    // tbSep that always ends a sentence: newline ; ?
	tbRune                    // leet symbol @ $ ! | or a byte >= 0x80: decoded as a rune
	tbDot                     // '.': may end a sentence (tbSep, tbJoin)

	tbWord = tbLower | tbUpper | tbDigit
)

// tokByteClass holds the tb* class bits of every byte value.
var tokByteClass = buildTokByteClass()

// buildTokByteClass derives the byte classes from the rune predicates the
// rune path uses (isLeetSymbol, isJoinSep), so the two paths cannot drift.
func buildTokByteClass() [256]uint8 {
	var t [256]uint8
	for b := 0; b < 256; b++ {
		c := byte(b)
		switch {
		case c >= 0x80 || isLeetSymbol(rune(c)):
			t[b] = tbRune
		case 'a' <= c && c <= 'z':
			t[b] = tbLower
		case 'A' <= c && c <= 'Z':
			t[b] = tbUpper
		case '0' <= c && c <= '9':
			t[b] = tbDigit
		default:
			t[b] = tbSep
			if isJoinSep(rune(c)) {
				t[b] |= tbJoin
			}
			if c == '\n' || c == ';' || c == '?' {
				t[b] |= tbStop
			}
			if c == '.' {
				t[b] |= tbDot
			}
		}
	}
	return t
}

// Rune classes of the tokenizer (tokRuneClass): what the rune path needs to
// know of a rune r and of fr, the first rune of fold(r).
const (
	trEmpty  uint8 = 1 << iota // fold(r) == "": invisible
	trHan                      // isHan(fr)
	trDigit                    // isDigitRune(fr)
	trLetter                   // isLetterRune(fr)
	trSame                     // fold(r) == string(r): the norm is the source bytes
	trLeet                     // isLeetSymbol(r)
	trJoin                     // isJoinSep(fr)
	trStop                     // fr ends a sentence in the rune path: 。！？；…¡¿!
)

// tokRuneClass holds computeTokRuneClass(r) for every r < bmpSize, built
// on first use (tokOnce) from the fold tables.
var (
	tokOnce      sync.Once
	tokRuneClass *[bmpSize]uint8 // an array: indexed by a uint16, no bounds check
)

// tlSame marks, in twoByteLetter, a letter that folds to itself and is
// neither a digit, Han nor invisible; the other bits are its lead byte's
// leadScript bits.
const tlSame = 4

// twoByteLetter holds, for every code point of a two-byte UTF-8 sequence
// (below 0x800), what the rune path's loop over a run of such letters
// needs in one load: tlSame and the script bits (built with tokRuneClass).
var twoByteLetter [0x800]uint8

// twoByteFold holds, for every two-byte rune r (0x80 to 0x7FF) that does
// not fold to itself and whose fold is one or two bytes, what appendRune
// adds for it: the fold's bytes (bits 0 to 15), its length (bits 16 and
// 17) and noteScripts' findings for them (script bits, from bit 24); 0
// for every other rune.
var twoByteFold [0x800]uint32

// buildTokRuneClass fills tokRuneClass (64 KiB), twoByteLetter and
// twoByteFold.
func buildTokRuneClass() {
	tokRuneClass = new([bmpSize]uint8)
	for r := rune(0); r < bmpSize; r++ {
		tokRuneClass[r] = computeTokRuneClass(r)
	}
	for r := rune(0x80); r < 0x800; r++ {
		if tokRuneClass[r]&(trSame|trLetter|trDigit|trHan|trEmpty) == trSame|trLetter {
			twoByteLetter[r] = tlSame | leadScript[string(r)[0]&0x1F]
		}
		if f := fold(r); tokRuneClass[r]&trSame == 0 && len(f) >= 1 && len(f) <= 2 {
			var z tokenizer
			e := uint32(len(f))<<16 | uint32(f[0])
			z.noteScripts(f[0])
			if len(f) == 2 {
				e |= uint32(f[1]) << 8
				z.noteScripts(f[1])
			}
			if z.latin {
				e |= scriptLatin << 24
			}
			if z.greekCyr {
				e |= scriptGreekCyr << 24
			}
			twoByteFold[r] = e
		}
	}
}

// computeTokRuneClass returns the tr* class bits of r from fold and the rune
// predicates.
func computeTokRuneClass(r rune) uint8 {
	var c uint8
	if isLeetSymbol(r) {
		c |= trLeet
	}
	f := fold(r)
	if f == "" {
		return c | trEmpty
	}
	if f == string(r) {
		c |= trSame
	}
	fr, _ := utf8.DecodeRuneInString(f)
	if isHan(fr) {
		c |= trHan
	}
	if isDigitRune(fr) {
		c |= trDigit
	}
	if isLetterRune(fr) {
		c |= trLetter
	}
	if isJoinSep(fr) {
		c |= trJoin
	}
	if isRuneStop(fr) {
		c |= trStop
	}
	return c
}

// isRuneStop reports the runes that end a sentence when the rune path
// reads them as separators.
func isRuneStop(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '…', '¡', '¿', '!':
		return true
	}
	return false
}

// lowerAlnum writes w, which holds only ASCII letters and digits, to dst
// (of the same length) in lower case. Among letters and digits only the
// upper-case letters have bit 0x40 set and bit 0x20 clear, so x|(x&0x40)>>1
// lower-cases them and leaves the others alone; eight bytes at a time.
func lowerAlnum(dst []byte, w string) {
	const hi = 0x4040404040404040
	k := 0
	for ; k+8 <= len(w); k += 8 {
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(w[k:]), 8))
		binary.LittleEndian.PutUint64(dst[k:], x|(x&hi)>>1)
	}
	for ; k < len(w); k++ {
		dst[k] = w[k] | (w[k]&0x40)>>1
	}
}

// lowerAlnum8 is lowerAlnum on eight bytes (which may be any bytes, not
// only letters and digits; only those come out lower-cased).
func lowerAlnum8(dst []byte, w string) {
	const hi = 0x4040404040404040
	x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(w), 8))
	binary.LittleEndian.PutUint64(dst, x|(x&hi)>>1)
}

// lowerAlnumWord is lowerAlnum8 on a word already loaded (little-endian
// or not: the same operation on every byte).
func lowerAlnumWord(x uint64) uint64 {
	return x | (x&0x4040404040404040)>>1
}

// tokRune returns the tr* class bits of r. The table must have been built
// (tokOnce; tokenizeInto does it before reading any rune).
func tokRune(r rune) uint8 {
	if r >= 0 && r < bmpSize {
		return tokRuneClass[r]
	}
	return computeTokRuneClass(r)
}

// Positions of the join bits, for the gap state machine (gsNext).
const (
	tbJoinShift = 4 // tbJoin == 1 << tbJoinShift
	trJoinShift = 6 // trJoin == 1 << trJoinShift
)

// Gap states (tokenizer.gst): the separators read since the last token.
// The low two bits are the gap they make (gapNone to gapBreak, gapMask);
// gsJoin2 adds a bit to tell two in-word separators from one. The states
// follow the rule: no separator is gapNone, one or two in-word separators
// gapJoin, one other separator gapSpace, anything more (or a sentence
// boundary, which makes the state gsBreak until the next token) gapBreak.
const (
	gsNone  = gapNone
	gsJoin1 = gapJoin
	gsJoin2 = gapJoin | 4
	gsSpace = gapSpace
	gsBreak = gapBreak

	gapMask = 3
)

// gsNext[g<<1|j] is the gap state after one more separator in state g; j
// is 1 for an in-word separator (isJoinSep), else 0.
var gsNext = [16]uint8{
	gsNone << 1: gsSpace, gsNone<<1 | 1: gsJoin1,
	gsJoin1 << 1: gsBreak, gsJoin1<<1 | 1: gsJoin2,
	gsJoin2 << 1: gsBreak, gsJoin2<<1 | 1: gsBreak,
	gsSpace << 1: gsBreak, gsSpace<<1 | 1: gsBreak,
	gsBreak << 1: gsBreak, gsBreak<<1 | 1: gsBreak,
}

// Layout checks for putToken: an array of negative length does not
// compile, so each pair fails unless the field is at the offset putToken
// writes (bytes tokSentOff to tokSentOff+15 are sent, zone, gap, han,
// digits, then letters, leet, mixed, question, cls, mk and padding).
const tokSentOff = 24

var (
	_ [unsafe.Offsetof(token{}.sent) - tokSentOff]struct{}
	_ [tokSentOff - unsafe.Offsetof(token{}.sent)]struct{}
	_ [unsafe.Offsetof(token{}.digits) - (tokSentOff + 7)]struct{}
	_ [tokSentOff + 7 - unsafe.Offsetof(token{}.digits)]struct{}
	_ [unsafe.Offsetof(token{}.letters) - (tokSentOff + 8)]struct{}
	_ [tokSentOff + 8 - unsafe.Offsetof(token{}.letters)]struct{}
	_ [unsafe.Offsetof(token{}.cls) - (tokSentOff + 12)]struct{}
	_ [tokSentOff + 12 - unsafe.Offsetof(token{}.cls)]struct{}
	_ [unsafe.Offsetof(token{}.mk) - (tokSentOff + 13)]struct{}
	_ [tokSentOff + 13 - unsafe.Offsetof(token{}.mk)]struct{}
	_ [unsafe.Sizeof(token{}) - (tokSentOff + 16)]struct{}
	_ [tokSentOff + 16 - unsafe.Sizeof(token{})]struct{}
)

// tokWordA is the first packed word of a token (putToken) with its sentence
// and zone and every flag of that word false.
func tokWordA(sent int32, zone uint8) uint64 {
	return uint64(uint32(sent))<<tokSentShift | uint64(zone)<<tokZoneShift
}

// b2u is 1 for true, 0 for false.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// putToken writes every field of *t: its norm's nOff and nLen, start and
// end, then the thirteen bytes from sent to mk as two eight-byte words. a
// holds sent, zone, gap, han and digits, b letters, leet, mixed, question,
// cls and mk (and two bytes of padding), each at its tok*Shift, bools as 0
// or 1. Two stores instead of ten: a token is written once per word of the
// page.
func putToken(t *token, off, n uint32, start, end int, a, b uint64) {
	t.nOff, t.nLen, t.start, t.end = off, n, start, end
	p := unsafe.Pointer(&t.sent)
	*(*uint64)(p) = a
	*(*uint64)(unsafe.Add(p, 8)) = b
}

// pushToken appends a token (fields as for putToken) after setting the gap
// of the token before it from the separators read since (z.gst).
func (z *tokenizer) pushToken(toks []token, off, nLen uint32, start, end int, a, b uint64) []token {
	n := len(toks)
	if n > 0 {
		toks[n-1].gap = z.gst & gapMask
	}
	if n == cap(toks) {
		toks = growTokens(toks)
	}
	toks = toks[:n+1]
	putToken(&toks[n], off, nLen, start, end, a, b)
	z.gst = gsNone
	return toks
}
