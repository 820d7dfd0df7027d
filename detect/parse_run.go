package detect

import (
	"encoding/binary"
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

// run finds a text run's end and kind as follows (textRun in
// parse_text_test.go is the same loop as a function, which TestTextRun
// checks at every position against a byte loop; run carries it written
// out, as a call costs run a spill and reload of its values per run):
// the index of the next "<" that opens markup (at or after pos: a "<" that
// opens nothing is text) and its kind, or len(s) and openText at the end
// of the page. plain reports that the run holds no "&", no byte below 0x20
// and no two spaces in a row. The reader bails when a "<" is the page's
// last byte, as byteScanner does.
//
// The byte tests use the borrow trick ((x-ones)&^x&hi1 marks zero bytes
// of x): it is exact for the lowest marked byte, but a borrow may also
// mark a byte above a true one. So a "<" after the first one in a word is
// checked in s, and the plain test may fail on text that is plain (the
// caller then takes the general path), never the other way round: every
// byte a borrow marks lies above a byte that is truly marked.

// copyShort appends raw (at most 16 bytes) to b as two eight-byte words,
// without a call to memmove (most text runs are a word or two; run copies
// the plain ones with it). The caller guarantees that the 16 bytes from
// raw's start can be read and that b has room for 16 more bytes; the
// bytes written past raw's end lie past the returned slice's length (in
// b's spare capacity, which no one reads).
func copyShort(b []byte, raw string) []byte {
	n := len(b)
	dst := (*[16]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), n))
	binary.LittleEndian.PutUint64(dst[:8], load8(raw, 0))
	binary.LittleEndian.PutUint64(dst[8:], load8(raw, 8))
	return b[:n+len(raw)]
}
