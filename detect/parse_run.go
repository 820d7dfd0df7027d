package detect

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// The fast reader's text runs: the bytes up to the next "<" that opens
// markup are found eight at a time, and the same words tell whether the
// run is plain (no "&", no byte below 0x20, no two spaces in a row), in
// which case it is copied into the text as it is, without the separate
// searches and checks of textToken and textBuf.text.

// loadTail reads s[i:] (fewer than eight bytes, at least one) as a
// little-endian word padded with zero bytes.
func loadTail(s string, i int) uint64 {
	n := len(s)
	if n >= 8 {
		// the last eight bytes of s, shifted so that s[i] is lowest
		return load8(s, n-8) >> (8 * uint(8-(n-i)))
	}
	var w uint64
	for k := n - 1; k >= i; k-- {
		w = w<<8 | uint64(s[k])
	}
	return w
}

// textRun finds the end of the text that starts at s[pos]: the index of
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

// copyShort appends raw (at most 16 bytes) to b as two eight-byte words,
// without a call to memmove (most text runs are a word or two; run copies
// the plain ones with it): the
// caller guarantees that the 16 bytes from raw's start can be read and
// that b has room for 16 more bytes; the bytes written past raw's end
// lie past the returned slice's length (in b's spare capacity, which no
// one reads).
func copyShort(b []byte, raw string) []byte {
	n := len(b)
	dst := (*[16]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), n))
	binary.LittleEndian.PutUint64(dst[:8], load8(raw, 0))
	binary.LittleEndian.PutUint64(dst[8:], load8(raw, 8))
	return b[:n+len(raw)]
}
