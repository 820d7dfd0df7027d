package detect

import (
	"unicode/utf8"
	"unsafe"
)

// asciiWords appends the whole ASCII words that start at s[i] (a letter
// or a digit, no token open) and the ASCII separators between them, the
// bulk of most pages, and returns the offset after the last word and the
// separators after it: segment's fast path. It reads a separator as
// segment's separator case does (the gap state, and the sentence ends of a
// line end, ';' and a '.' before a space, a line end or the end), all but
// '?' (a question mark marks its sentence's tokens: segment reads it).
// It stops, returning the offset of the word it declines, before a word
// that is not whole (it goes on into a non-ASCII letter, a leet symbol or
// a decimal point), when the token slice is full, and when a word must be
// lower-cased and is longer than 16 bytes, within 16 bytes of the end of
// the text or the arena too full for two eight-byte steps; segment then
// reads that word. Reading the separators here, rather than returning to
// segment for each, saves a return and a call per line end or comma.
//
// It calls nothing: a leaf function keeps its values in registers, where
// one with calls on its rare paths spilled them on every call. Bytes and
// tokens are addressed through pointers where the offsets are known to be
// in bounds (each noted), without the compiler's checks. The gap state is
// kept in g and stored to z.gst when it returns.
func (z *tokenizer) asciiWords(toks []token, i int) ([]token, int) {
	s := z.s
	g := z.gst
	for {
		j, acc := wordEnd(s, i)
		if uint(j) < uint(len(s)) { // unsigned: s[j] needs no bounds check
			c := s[j]
			if tokByteClass[c]&tbSep == 0 ||
				acc&(tbLower|tbUpper) == 0 && (c == '.' || c == ',') && j+1 < len(s) && tokByteClass[s[j+1]]&tbDigit != 0 {
				z.gst = g
				return toks, i // not a whole word (decimalPoint)
			}
		}
		n := len(toks)
		if n >= cap(toks) { // (n < cap(toks) below spares toks[:n+1] its check)
			z.gst = g
			return toks, i
		}
		// 0 <= i < j <= len(s); s is text[base:]
		p := unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i)
		off := uint32(z.base + i)
		if acc&tbUpper != 0 {
			// lower-cased at the end of arena (no token is open:
			// materialize's bookkeeping is not needed), in two
			// eight-byte steps, which write past the word's end, past
			// len(arena), where no norm points
			k := len(z.arena)
			if j-i > 16 || z.base+i+16 > len(z.text) || cap(z.arena)-k < 16 {
				z.gst = g
				return toks, i
			}
			// text[base+i:base+i+16] and arena[k:k+16] are in bounds
			// (the eight-byte steps may read past the segment, not the
			// text)
			ap := unsafe.Add(unsafe.Pointer(unsafe.SliceData(z.arena)), k)
			x0, x1 := *(*uint64)(p), *(*uint64)(unsafe.Add(p, 8))
			*(*uint64)(ap) = lowerAlnumWord(x0)
			*(*uint64)(unsafe.Add(ap, 8)) = lowerAlnumWord(x1)
			z.arena = z.arena[:k+j-i] // a self-slice: no pointer store
			p, off = ap, uint32(k)
		}
		// pushToken, inline: the flags and asciiClass' bits from acc by
		// table (asciiTokA, asciiTokB), and its shape bits; n < cap(toks).
		// The shape bits are shapeBits of the norm, the j-i bytes at p,
		// read through p (no string is made: unsafe.String checks its
		// length on every word); its last byte's & 7 is the text's, as
		// lower-casing changes only bit 5.
		b := asciiTokB[acc&7]
		if m := uint(j-i) - 1; m < 32 {
			// j > i: p[0] and p[m] are the norm's first and last bytes
			b |= uint64(tokShapeCls[(uint(*(*byte)(p))<<8|m<<3|uint(*(*byte)(unsafe.Add(p, m))&7))&(256*32*8-1)]) << tokClsShift
		}
		if j-i == 56 && acc&tbDigit == 0 {
			b |= clsEnt << tokClsShift // asciiClass' onion label length
		}
		t := (*token)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(toks)), uintptr(n)*unsafe.Sizeof(token{})))
		if n > 0 {
			(*token)(unsafe.Add(unsafe.Pointer(t), -int(unsafe.Sizeof(token{})))).gap = g & gapMask
		}
		putToken(t, off, uint32(j-i), z.base+i, z.base+j, tokWordA(z.sent, z.zone)|asciiTokA[acc&7], b)
		toks = toks[:n+1]
		i = j
		// one space and a word (the commonest separator)
		// (0 <= i and i+1 < len(s): s[i] and s[i+1] read through
		// pair2, without the bounds check s[i] needed)
		if uint(i+1) < uint(len(s)) && pair2(s, i)[0] == ' ' && tokByteClass[pair2(s, i)[1]]&tbWord != 0 {
			g = gsSpace
			i++
			continue
		}
		// the separators up to the next word: what segment's separator
		// case does for them (no token is open), one table load a byte;
		// x is the gap state times 256 (sepStep's row)
		x := uint(gsNone) << 8
		for {
			if uint(i) >= uint(len(s)) {
				if x == uint(gsNone)<<8 {
					// the word ends the segment: its mkMask from the text
					toks[len(toks)-1].mk |= uint8(maskAfter(z.text, z.base+i))
				}
				z.gst = uint8(x >> 8)
				return toks, i
			}
			e := sepStep[(x|uint(s[i]))&(8<<8-1)]
			if e&(ssWord|ssOut|ssMask) != 0 {
				if e&ssMask != 0 {
					// a masking character right after the word
					toks[len(toks)-1].mk |= mkMask
				}
				if e&(ssWord|ssOut) != 0 {
					g = uint8(x >> 8)
					if e&ssOut != 0 {
						z.gst = g
						return toks, i // a rune, a leet symbol or '?': segment reads it
					}
					break // the next word
				}
			}
			x = uint(e & ssGap)
			// a line end or ';' ends the sentence, a '.' when a space, a
			// line end or the end follows (stop)
			if e&(ssStop|ssDot) != 0 && (e&ssStop != 0 || i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n') {
				z.sent++
				x = uint(gsBreak) << 8
			}
			i++
		}
	}
}

// pair2 returns s[i:i+2] as an array pointer, with no bounds check: the
// caller guarantees 0 <= i and i+2 <= len(s).
func pair2(s string, i int) *[2]byte {
	return (*[2]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// Bits of a sepStep entry.
const (
	ssGap  = 7 << 8 // the gap state after the byte, times 256
	ssStop = 1 << 0 // '\n' or ';': the sentence ends
	ssDot  = 1 << 1 // '.': the sentence ends before a space, a line end or the end
	ssWord = 1 << 2 // a letter or a digit: the next word starts
	ssOut  = 1 << 3 // anything else: a rune, a leet symbol or '?' (segment reads it)
	ssMask = 1 << 4 // in row gsNone (right after a word) only: a masking character (mkMask)
)

// sepStep[g<<8|c] is what asciiWords' separator loop does with byte c in
// gap state g (below 8): segment's separator case (gsNext, and stop for
// the sentence ends) folded into one load, and whether c, right after a
// word (state gsNone, which no separator leads back to), sets the word's
// mkMask.
var sepStep = func() (t [8 << 8]uint16) {
	for g := range 8 {
		for c := range 256 {
			cl := tokByteClass[c]
			var e uint16
			switch {
			case cl&tbWord != 0:
				e = ssWord
			case cl&tbSep == 0 || c == '?':
				e = ssOut
			default:
				e = uint16(gsNext[(uint8(g)<<1|cl>>tbJoinShift&1)&15]) << 8
				if cl&tbStop != 0 {
					e |= ssStop
				}
				if cl&tbDot != 0 {
					e |= ssDot
				}
			}
			if g == int(gsNone) && isMask(byte(c)) {
				e |= ssMask
			}
			t[g<<8|c] = e
		}
	}
	return t
}()

// asciiTokA and asciiTokB hold, for the class bits acc of a whole ASCII
// word (wordEnd's, tbLower|tbUpper|tbDigit), what putToken's words a and
// b get from them: digits in a; letters, leet (and mk's mkLeet) and
// asciiClass' bits but the shape bits and the 56-byte length test in b.
var asciiTokA, asciiTokB = func() (a, b [8]uint64) {
	for acc := range uint8(8) {
		letters, digits := acc&(tbLower|tbUpper) != 0, acc&tbDigit != 0
		a[acc] = b2u(digits) << tokDigitsShift
		b[acc] = b2u(letters)<<tokLettersShift | b2u(letters && digits)<<tokLeetShift |
			uint64(asciiClass("", digits, letters))<<tokClsShift | b2u(letters && digits)*mkLeet<<tokMkShift
	}
	return a, b
}()

// maskMk[c] is mkMask for a masking character c (isMask), else 0.
var maskMk = func() (t [256]uint8) {
	for c := range 256 {
		if isMask(byte(c)) {
			t[c] = mkMask
		}
	}
	return t
}()

// Bits of a wordPairClass entry besides the tb* classes of the word bytes.
const (
	wpFirstShift       = 3
	wpFirst      uint8 = 1 << wpFirstShift // the first byte is a letter or a digit
	wpBoth       uint8 = 1 << 4            // both bytes are
)

// wordPairClass holds, for two bytes b0, b1 read as a uint16 in the
// machine's byte order (b0 the first in memory), wpFirst if b0 is an ASCII
// letter or digit, wpBoth if b1 is too, and the OR of the tb* classes of
// those of them that are: asciiWords' loop two bytes a step. An array,
// not a pointer: indexed by a uint16, it needs neither a nil nor a bounds
// check.
var wordPairClass = buildWordPairClass()

// buildWordPairClass returns wordPairClass's table.
func buildWordPairClass() (t [1 << 16]uint8) {
	for x := range 1 << 16 {
		b := [2]byte{byte(x), byte(x >> 8)}
		y := *(*uint16)(unsafe.Pointer(&b)) // x's bytes in memory order
		c0, c1 := tokByteClass[x&0xff], tokByteClass[x>>8]
		switch {
		case c0&tbWord == 0:
		case c1&tbWord == 0:
			t[y] = c0 | wpFirst
		default:
			t[y] = c0 | c1 | wpFirst | wpBoth
		}
	}
	return t
}

// emitASCIISlow appends the token s[i:j], a whole word of ASCII letters
// and digits with class bits acc, with no token open, for the cases
// asciiWords declines.
func (z *tokenizer) emitASCIISlow(toks []token, i, j int, acc uint8) []token {
	norm, off := z.s[i:j], uint32(z.base+i)
	if acc&tbUpper != 0 {
		norm, off = z.lowerWord(i, j)
	}
	letters, digits := acc&(tbLower|tbUpper) != 0, acc&tbDigit != 0
	leet := b2u(letters && digits)
	return z.pushToken(toks, off, uint32(len(norm)), z.base+i, z.base+j, tokWordA(z.sent, z.zone)|b2u(digits)<<tokDigitsShift,
		b2u(letters)<<tokLettersShift|leet<<tokLeetShift|uint64(asciiClass(norm, digits, letters))<<tokClsShift|
			(leet|maskAfter(z.text, z.base+j))<<tokMkShift)
}

// wordEnd returns the end of the run of ASCII letters and digits that
// starts at s[i] (0 <= i <= len(s)) and the OR of their tb* classes, two
// bytes a step (wordPairClass).
func wordEnd(s string, i int) (int, uint8) {
	var acc uint8
	for i+2 <= len(s) {
		// 0 <= i < i+2 <= len(s)
		e := wordPairClass[*(*uint16)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))]
		acc |= e
		if e&wpBoth == 0 {
			return i + int(e>>wpFirstShift)&1, acc & tbWord
		}
		i += 2
	}
	if i < len(s) && tokByteClass[s[i]]&tbWord != 0 {
		acc |= tokByteClass[s[i]]
		i++
	}
	return i, acc & tbWord
}

// hanRun appends a token for each Han character of the run that starts at
// s[i] with r, a rune of size bytes and tr* class info that isHan, with no
// token open, and returns the offset after the run. Han tokens are closed
// immediately, so the next one is adjacent (gapNone); their flags are han
// and letters, their class tokenClass's.
func (z *tokenizer) hanRun(toks []token, i int, r rune, size int, info uint8) ([]token, int) {
	s := z.s
	a := tokWordA(z.sent, z.zone) | 1<<tokHanShift
	for {
		// a rune that folds to itself (trSame): its source bytes
		norm, off := s[i:i+size], uint32(z.base+i)
		if info&trSame == 0 || r == utf8.RuneError {
			norm = fold(r)
			off = z.toArena(norm)
		}
		n := len(toks)
		if n == cap(toks) {
			toks = growTokens(toks)
		}
		if n > 0 {
			toks[n-1].gap = z.gst & gapMask
		}
		z.gst = gsNone
		toks = toks[:n+1]
		putToken(&toks[n], off, uint32(len(norm)), z.base+i, z.base+i+size, a,
			1<<tokLettersShift|uint64(shapeBits(norm)&^clsStop|clsHan)<<tokClsShift|mkHan<<tokMkShift)
		i += size
		// the next character: CJK text is runs of Han characters
		if uint(i+2) < uint(len(s)) {
			// 0 <= i and i+2 < len(s): the three bytes are read through
			// an array pointer, without bounds checks
			b3 := (*[3]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
			if c0, c1, c2 := b3[0], b3[1], b3[2]; c0-0xE1 <= 0xEF-0xE1 && c0 != 0xED && c1&0xC0 == 0x80 && c2&0xC0 == 0x80 {
				// decodeRuneAt's three-byte case
				r, size = rune(c0&0x0F)<<12|rune(c1&0x3F)<<6|rune(c2&0x3F), 3
				if info = tokRune(r); info&trHan == 0 {
					return toks, i // segment reads it
				}
				continue
			}
		}
		if i >= len(s) || s[i] < utf8.RuneSelf {
			// the token's mkMask: only here can a masking character
			// follow it (the other exits are at a non-ASCII rune)
			toks[n].mk |= uint8(maskAfter(z.text, z.base+i))
			return toks, i
		}
		r, size = decodeRuneAt(s, i)
		if info = tokRune(r); info&trHan == 0 {
			return toks, i // segment reads it
		}
	}
}
