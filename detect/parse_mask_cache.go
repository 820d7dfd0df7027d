package detect

import (
	"math/bits"
	"sync/atomic"
)

// maskCache remembers the attrMasks of class, id and itemprop values.
// attrMaskPage is a pure function of the value's bytes, so a cached mask
// is the mask it would compute; the cache only saves recomputing it
// (≈ 200 instructions a value) for the class names that every page of a
// market's layout repeats ("product-title", "vendor-info", "nav-link").
// Values are mostly distinct within one page, so the gain comes from the
// pages before it.
//
// It follows wordCache (match_cache.go): a fixed-size, direct-mapped table
// (a new value evicts the one in its slot), so its memory does not depend
// on what pages hold; lock-free, each slot a seqlock over atomic words; a
// slot holds a copy of the value (at most maskCacheMax bytes, packed into
// uint64s) and its mask, never a view of page text and no pointers, so the
// garbage collector never scans it. A value too long for a slot, or one
// whose slot holds another value, is computed.
type maskCache struct {
	slots [maskCacheSlots]maskSlot
}

const (
	maskCacheBits  = 10
	maskCacheSlots = 1 << maskCacheBits // 1024 slots of 48 bytes: 48 KiB
	maskCacheMax   = 40                 // longest cached value
)

// maskSlot is one cached value. hdr packs the seqlock's sequence number
// (bits 0-31, odd while a writer fills the slot), the value's length plus
// one (bits 32-39, 0: empty) and its attrMasks (bits 40-47), so that one
// load reads all three; w holds the value's bytes, little-endian,
// zero-padded.
type maskSlot struct {
	hdr atomic.Uint64
	w   [maskCacheMax / 8]atomic.Uint64
}

// maskHdr is the header of a filled slot whose previous header (even
// sequence number) was q.
func maskHdr(q uint64, n int, m attrMasks) uint64 {
	return uint64(uint32(q)+2) | uint64(n+1)<<32 | uint64(m)<<40
}

// maskWordAt returns the value s[start:end]'s eight bytes from start+i,
// zero-padded past end, as a slot holds them. The caller guarantees
// i < end-start and end+8 <= len(s), so the load stays in s.
func maskWordAt(s string, start, end, i int) uint64 {
	w := load8(s, start+i)
	if r := end - start - i; r < 8 {
		w &= keyMask[r]
	}
	return w
}

// maskSlotOf returns the slot of the value s[start:end] (1 to
// maskCacheMax bytes, end+8 <= len(s), w0 its first word). It hashes the
// length and the first and last eight bytes (all of a value of at most
// eight): two values that share them share a slot, and page's comparison
// still tells them apart. The last word is rotated so that it does not
// cancel a first word equal to it.
func maskSlotOf(s string, start, end int, w0 uint64) uint64 {
	n := end - start
	x := w0 ^ uint64(n)<<58
	if n > 8 {
		x ^= bits.RotateLeft64(load8(s, end-8), 29)
	}
	return (x * 0x9e3779b97f4a7c15) >> (64 - maskCacheBits)
}

// page is attrMaskPage(s, start, end), answered from the cache when the
// value is in it and added to it otherwise. c may be nil (no cache).
func (c *maskCache) page(s string, start, end int) attrMasks {
	n := end - start
	// attrMaskPage itself computes values within eight bytes of the page's
	// end through attrMask: not worth a cache (and maskWordAt could not
	// read them in place).
	if c == nil || n <= 0 || n > maskCacheMax || end+8 > len(s) {
		return attrMaskPage(s, start, end)
	}
	w0 := maskWordAt(s, start, end, 0)
	sl := &c.slots[maskSlotOf(s, start, end, w0)]
	// A hit is a slot not being written (even sequence number) holding a
	// value of this length and these words, whose header is unchanged
	// after they were read (no writer touched the slot meanwhile). The
	// tests are separate ifs: one && chain made the compiler spill its
	// result.
	q := sl.hdr.Load()
	if q&1 != 0 || uint8(q>>32) != uint8(n+1) {
		return sl.fill(s, start, end, w0)
	}
	if sl.w[0].Load() != w0 {
		return sl.fill(s, start, end, w0)
	}
	if n > 8 && !sl.restEqual(s, start, end) {
		return sl.fill(s, start, end, w0)
	}
	if sl.hdr.Load() != q {
		return sl.fill(s, start, end, w0)
	}
	return attrMasks(q >> 40)
}

// restEqual reports whether the slot's words after the first equal the
// value s[start:end]'s (end+8 <= len(s)); the caller compares the first
// word and the length.
func (sl *maskSlot) restEqual(s string, start, end int) bool {
	for i := 8; i < end-start; i += 8 {
		if sl.w[i/8].Load() != maskWordAt(s, start, end, i) {
			return false
		}
	}
	return true
}

// fill computes the mask of the value s[start:end] (end+8 <= len(s), at
// most maskCacheMax bytes, w0 its first word) and stores it in sl unless
// another goroutine is writing the slot. Only the words in use are stored:
// a lookup compares no others (equal lengths use equally many). It is kept
// out of page so that a hit spills nothing for it.
//
//go:noinline
func (sl *maskSlot) fill(s string, start, end int, w0 uint64) attrMasks {
	m := attrMaskPage(s, start, end)
	// An even sequence number stays below 1<<32-1, so q+1 does not carry
	// into the length.
	q := sl.hdr.Load()
	if q&1 == 0 && sl.hdr.CompareAndSwap(q, q+1) {
		sl.w[0].Store(w0)
		for i := 8; i < end-start; i += 8 {
			sl.w[i/8].Store(maskWordAt(s, start, end, i))
		}
		sl.hdr.Store(maskHdr(q, end-start, m))
	}
	return m
}

// reset empties c.
func (c *maskCache) reset() {
	if c == nil {
		return
	}
	for i := range c.slots {
		s := &c.slots[i]
		for {
			q := s.hdr.Load()
			if q&1 == 0 && s.hdr.CompareAndSwap(q, q+1) {
				s.hdr.Store(uint64(uint32(q) + 2)) // length 0: empty
				break
			}
		}
	}
}
