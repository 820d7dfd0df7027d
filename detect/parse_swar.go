package detect

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unsafe"
)

// Word-at-a-time byte tests for the fast page reader: eight bytes of the
// page are loaded into one uint64 (first byte lowest) and tested at once.
// Every mask below is exact per byte (no carry crosses a byte), so a set
// high bit in byte k means byte k passes the test.

const (
	lo7  = 0x7f7f7f7f7f7f7f7f // each byte 0x7f
	hi1  = 0x8080808080808080 // each byte's high bit
	ones = 0x0101010101010101 // each byte 0x01
)

// load8 reads s[i:i+8] as a little-endian word. The caller guarantees
// i+8 <= len(s), so no bounds are checked here (the eight-byte view is
// built with unsafe as an array pointer, which unlike unsafe.Slice needs no
// length check, and read as one load).
func load8(s string, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))[:])
}

// bytesBelow marks the bytes of w below n (n <= 0x80).
func bytesBelow(w uint64, n byte) uint64 {
	return ^((w & lo7) + ones*uint64(0x80-n) | w) & hi1
}

// bytesEqual marks the bytes of w equal to c.
func bytesEqual(w uint64, c byte) uint64 {
	t := w ^ ones*uint64(c)
	return ^((t & lo7) + lo7 | t) & hi1
}

// plainRun returns how far from i the bytes of s can be copied as they
// are by textBuf.text: eight bytes at a time while no byte is below 0x20,
// no two spaces touch, and a space that ends the eight bytes is followed
// by a byte that is not white space. It stops early (the caller goes on
// byte by byte), never late.
func plainRun(s string, i int) int {
	for i+9 <= len(s) {
		w := load8(s, i)
		if bytesBelow(w, 0x20) != 0 {
			break
		}
		sp := bytesEqual(w, ' ')
		if sp&(sp<<8) != 0 {
			break
		}
		if sp>>63 != 0 && byteClass[s[i+8]]&bSpace != 0 {
			break
		}
		i += 8
	}
	return i
}

// tagKey values of the attribute names tagAttrs keeps (none is longer
// than eight bytes, so the key is the whole name).
const (
	attrKeyID       = 0x6964             // "id"
	attrKeyAlt      = 0x616c74           // "alt"
	attrKeyRole     = 0x726f6c65         // "role"
	attrKeyType     = 0x74797065         // "type"
	attrKeyName     = 0x6e616d65         // "name"
	attrKeyClass    = 0x636c617373       // "class"
	attrKeyTitle    = 0x7469746c65       // "title"
	attrKeyValue    = 0x76616c7565       // "value"
	attrKeyContent  = 0x636f6e74656e74   // "content"
	attrKeyItemprop = 0x6974656d70726f70 // "itemprop"
)

// setKey is set for a name of at most eight bytes given by its tagKey.
func (a *tagAttrs) setKey(k uint64, v attrSpan) {
	switch k {
	case attrKeyID:
		a.id = v
	case attrKeyAlt:
		a.alt = v
	case attrKeyRole:
		a.role = v
	case attrKeyType:
		a.typ = v
	case attrKeyName:
		a.metaName = v
	case attrKeyClass:
		a.cls = v
	case attrKeyTitle:
		a.title = v
	case attrKeyValue:
		a.value = v
	case attrKeyContent:
		a.content = v
	case attrKeyItemprop:
		a.itemprop = v
	}
}

// indexQuote returns the index of the first byte q at or after s[i] (the
// quote that ends an attribute value), or -1. Most values are short (a
// class, a link): eight bytes are tested at a time in the page, which
// costs less than a call to strings.IndexByte, used for the last few
// bytes of the page. (The borrow trick marks the lowest byte equal to q
// exactly, and only the lowest is used.)
func indexQuote(s string, i int, q byte) int {
	qs := ones * uint64(q)
	for ; i+8 <= len(s); i += 8 {
		t := load8(s, i) ^ qs
		if m := (t - ones) &^ t & hi1; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	if k := strings.IndexByte(s[i:], q); k >= 0 {
		return i + k
	}
	return -1
}
