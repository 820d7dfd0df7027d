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
)

// tokRuneClass holds computeTokRuneClass(r) for every r < bmpSize, built
// on first use (tokOnce) from the fold tables.
var (
	tokOnce      sync.Once
	tokRuneClass []uint8
)

// buildTokRuneClass fills tokRuneClass (64 KiB).
func buildTokRuneClass() {
	tokRuneClass = make([]uint8, bmpSize)
	for r := rune(0); r < bmpSize; r++ {
		tokRuneClass[r] = computeTokRuneClass(r)
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
	return c
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

// tokRune returns the tr* class bits of r. The table must have been built
// (tokOnce; tokenizeInto does it before reading any rune).
func tokRune(r rune) uint8 {
	if r >= 0 && r < bmpSize {
		return tokRuneClass[r]
	}
	return computeTokRuneClass(r)
}
