package detect

import (
	"encoding/binary"
	"slices"
	"unsafe"
)

// text is textBuilder.text: s appended with whitespace collapsed. Most text
// needs no collapsing between its first and last non-space bytes (words
// separated by single spaces): text copies that middle whole, then checks
// the copy eight bytes at a time, and only when the check fails undoes the
// copy and goes through textSlow. White space before and after the middle
// only sets pendingSpace, as textSlow's loop does.
func (tb *textBuf) text(z uint8, s string) {
	i := 0
	for i < len(s) && byteClass[s[i]]&bSpace != 0 {
		i++
	}
	if i == len(s) {
		if i > 0 {
			tb.pendingSpace = true
		}
		return
	}
	if i > 0 {
		tb.pendingSpace = true
	}
	t := len(s)
	for byteClass[s[t-1]]&bSpace != 0 { // s[i] is no space: stops there
		t--
	}
	tb.startZone(z)
	b := tb.b
	if tb.pendingSpace {
		if n := len(b); n > 0 {
			if last := b[n-1]; last != '\n' && last != ' ' {
				b = append(b, ' ')
			}
		}
		tb.pendingSpace = false
	}
	mid := s[i:t]
	if cap(b)-len(b) < len(mid)+8 {
		b = slices.Grow(b, len(mid)+8) // room to read the last word whole
	}
	off := len(b)
	b = append(b, mid...)
	if !plainText(b, off) {
		tb.b = b[:off]
		tb.textSlow(z, mid)
		b = tb.b
	}
	tb.b = b
	if t < len(s) {
		tb.pendingSpace = true
	}
}

// plainText reports whether b[off:] (which starts and ends with a byte
// that is no white space) holds no byte below 0x20 and no two spaces in a
// row, so that textSlow would copy it as it is. It reads b eight bytes at a
// time up to past len(b): the caller leaves eight bytes of capacity spare.
func plainText(b []byte, off int) bool {
	n := len(b)
	base := unsafe.Pointer(unsafe.SliceData(b))
	var bad, prevSpace uint64 // prevSpace: the word before ended with a space
	i := off
	for ; i+8 <= n; i += 8 {
		w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(base, i))[:])
		sp := bytesEqual(w, ' ')
		bad |= bytesBelow(w, 0x20) | sp&(sp<<8|prevSpace)
		prevSpace = sp >> 56 // the high bit of byte 7 lands on byte 0's
	}
	if i < n {
		// the last word, read within cap(b); the bytes past n are masked off
		w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(base, i))[:])
		valid := keyMask[n-i]
		sp := bytesEqual(w, ' ') & valid
		bad |= bytesBelow(w, 0x20)&valid | sp&(sp<<8|prevSpace)
	}
	return bad == 0
}
