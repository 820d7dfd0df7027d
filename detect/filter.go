package detect

import (
	"encoding/binary"
	"unsafe"
)

// keyFilter is a 64 Kibit set of string hashes (length, first two bytes
// and last byte) that rejects most lookups of words a map cannot hold
// before the map is probed. A hit still needs the map: the filter has
// false positives, never false negatives.
type keyFilter [1024]uint64

// filterHash is the 16-bit hash (below 1<<16) of s a keyFilter sets: the
// length and the first, second and last bytes packed into one word, then
// one multiplication whose high bits mix them all.
func filterHash(s string) uint32 {
	n := len(s)
	if n == 0 {
		return 0
	}
	x := uint32(n)<<24 | uint32(s[n-1])<<16
	if n > 1 {
		// the first two bytes in one load, through an array pointer
		// (no bounds check: both lie in s)
		x |= uint32(binary.LittleEndian.Uint16((*[2]byte)(unsafe.Pointer(unsafe.StringData(s)))[:]))
	} else {
		x |= uint32(s[0])
	}
	return (x * 0x9E3779B1) >> 16
}

// filterHashJoin is filterHash(a + b), without building the string.
func filterHashJoin(a, b string) uint32 {
	n := len(a) + len(b)
	switch {
	case len(a) == 0:
		return filterHash(b)
	case len(b) == 0:
		return filterHash(a)
	}
	x := uint32(n)<<24 | uint32(b[len(b)-1])<<16 | uint32(a[0])
	if len(a) > 1 {
		x |= uint32(a[1]) << 8
	} else {
		x |= uint32(b[0]) << 8
	}
	return (x * 0x9E3779B1) >> 16
}

// mayHaveJoin reports whether a + b may have been added.
func (f *keyFilter) mayHaveJoin(a, b string) bool {
	h := filterHashJoin(a, b)
	return f[h>>6]&(1<<(h&63)) != 0
}

func (f *keyFilter) add(s string) {
	h := filterHash(s)
	f[h>>6&1023] |= 1 << (h & 63)
}

// mayHave reports whether s may have been added. (h is below 1<<16: the
// mask of its word index only spares the compiler's bounds check.)
func (f *keyFilter) mayHave(s string) bool {
	h := filterHash(s)
	return f[h>>6&1023]&(1<<(h&63)) != 0
}
