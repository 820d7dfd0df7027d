package detect

import (
	"encoding/binary"
	"unsafe"
)

// A faster attrMaskLower for the common attribute value: at most
// maxFastMask bytes without an ASCII capital. The value is copied into a
// buffer followed by eight zero bytes, so that every position can be read
// as one eight-byte word. A position can start a word only if its first
// three bytes are a word's first three bytes: a table indexed by a hash of
// those three bytes (triIndex) names the few words that start with them, and
// each is compared as one masked word (plus the rest of the words longer
// than eight bytes). No word holds a zero byte, so the padding never matches.

// maxFastMask is the longest value attrMaskFast reads.
const maxFastMask = 128

// fastWord is a mask word prepared for attrMaskFast, sixteen bytes so
// that all of triWords fits in fifteen cache lines: every word is at most
// sixteen bytes long (newFastWord panics otherwise), its first eight bytes
// held in head and the rest in tail, little-endian. A position's eight
// bytes w hold the word's head when (w^head)<<hs == 0 (the shift drops the
// bytes past the word's end: hs is 8*(8-n) for a word of n < 8 bytes),
// and likewise its next eight bytes and tail with ts.
type fastWord struct {
	head   uint64
	tail   uint32 // bytes 8..n-1 (at most four of them)
	n      uint8  // the word's length (0: the end of a run)
	hs, ts uint8
	m      attrMasks
}

// fastWordMax is the longest word a fastWord holds.
const fastWordMax = 12

// newFastWord returns w's fastWord.
func newFastWord(w maskWord) fastWord {
	n := len(w.w)
	if n == 0 || n > fastWordMax {
		panic("detect: mask word too long for fastWord: " + w.w)
	}
	fw := fastWord{n: uint8(n), hs: uint8(8 * (8 - min(n, 8))), ts: 64, m: w.m}
	for i := 0; i < n && i < 8; i++ {
		fw.head |= uint64(w.w[i]) << (8 * i)
	}
	if n > 8 {
		for i := 8; i < n; i++ {
			fw.tail |= uint32(w.w[i]) << (8 * (i - 8))
		}
		fw.ts = uint8(8 * (16 - n))
	}
	return fw
}

// matches reports whether the word starts where w (eight bytes) and, if
// the word is longer than eight bytes, w2 (the eight after them) are
// read; the caller checks that the value has room for the word. A ts of
// 64 (a word of at most eight bytes) shifts every bit out, so w2 is then
// not looked at.
func (fw *fastWord) matches(w, w2 uint64) bool {
	return (w^fw.head)<<fw.hs == 0 && (w2^uint64(fw.tail))<<fw.ts == 0
}

// triBits sizes triIndex: 1 KiB, sixteen cache lines, which stay in the
// data cache across a page's attribute values (a 4096-entry table of
// uint16 took a cache miss on most positions of most values). About
// thirty distinct trigrams in 1024 buckets leave a random position a ~3 %
// chance of reading a run for nothing.
const triBits = 10

// triHash hashes the low three bytes of w into triBits bits.
func triHash(w uint64) uint64 {
	return ((w & 0xffffff) * 0x9E3779B97F4A7C15) >> (64 - triBits)
}

// triIndex maps triHash of a position's first three bytes to where the
// words starting with a trigram of that hash begin in triWords (0: no word
// does); each hash's words lie together in triWords, and the run ends at an
// entry with n == 0. triWords[0] is such an end, so index 0 is free to mean
// "none". One byte an entry: triWords has fewer than 256 entries.
var triIndex, triWords = func() ([1 << triBits]uint8, []fastWord) {
	var idx [1 << triBits]uint8
	var lists [1 << triBits][]fastWord
	for _, ws := range maskWords {
		for _, w := range ws {
			fw := newFastWord(w)
			h := triHash(fw.head)
			lists[h] = append(lists[h], fw)
		}
	}
	flat := []fastWord{{}}
	for h, l := range lists {
		if len(l) == 0 {
			continue
		}
		if len(flat) > 1<<8-1 {
			panic("detect: triWords too long")
		}
		idx[h] = uint8(len(flat))
		flat = append(flat, l...)
		flat = append(flat, fastWord{}) // the end of the run
	}
	return idx, flat
}()

// keyMask[n] keeps the low n bytes of a word.
var keyMask = [9]uint64{0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff, ^uint64(0)}

// attrMaskFast is attrMaskLower for a value of at most maxFastMask bytes;
// ok is false when v is longer or holds an ASCII capital (the caller then
// uses attrMaskLower and lowerAttr).
func attrMaskFast(v []byte) (m attrMasks, ok bool) {
	n := len(v)
	if n > maxFastMask {
		return 0, false
	}
	var buf [maxFastMask + 8]byte // zero: the padding after v
	copy(buf[:], v)
	b := buf[:n+8]
	// capitals, eight bytes at a time (the zero padding has none)
	for i := 0; i < n; i += 8 {
		w := load8b(b, i)
		ge := (w&lo7 + ones*uint64(0x80-'A')) & hi1
		gt := (w&lo7 + ones*uint64(0x80-'Z'-1)) & hi1
		if ge&^gt&^w&hi1 != 0 {
			return 0, false
		}
	}
	for i := 0; i+maskWordMin <= n; i++ {
		w := load8b(b, i)
		k := triIndex[triHash(w)]
		if k == 0 {
			continue
		}
		for fw := &triWords[k]; fw.n != 0; fw = (*fastWord)(unsafe.Add(unsafe.Pointer(fw), unsafe.Sizeof(*fw))) {
			// (the run ends at an entry with n == 0, inside triWords)
			if n-i < int(fw.n) {
				continue
			}
			// i+16 <= len(b) = n+8: either fw.n <= 8 (ts is 64 and w2
			// unused, so read it at i, in bounds) or i+fw.n <= n with
			// fw.n > 8
			w2 := w
			if fw.n > 8 {
				w2 = load8b(b, i+8)
			}
			if fw.matches(w, w2) {
				m |= fw.m
			}
		}
	}
	return m, true
}

// load8b reads b[i:i+8] as a little-endian word; the caller guarantees
// i+8 <= len(b).
func load8b(b []byte, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i))[:])
}

// attrMaskPage is attrMask for the attribute value s[start:end] of page s,
// read in place: attrMaskFast's loads, but from the page itself instead of
// a zero-padded copy. The bytes after the value are not zero, so a word
// matches only where the value has room for all of it. Values that
// attrMaskFast would not read, and values within eight bytes of the
// page's end, go through attrMask.
func attrMaskPage(s string, start, end int) attrMasks {
	if end-start > maxFastMask || end+8 > len(s) || start >= end {
		return attrMaskString(s[start:end])
	}
	// capitals, eight bytes at a time (the last word masked to the value)
	for i := start; i < end; i += 8 {
		w := load8(s, i)
		if end-i < 8 {
			w &= keyMask[end-i]
		}
		ge := (w&lo7 + ones*uint64(0x80-'A')) & hi1
		gt := (w&lo7 + ones*uint64(0x80-'Z'-1)) & hi1
		if ge&^gt&^w&hi1 != 0 {
			return attrMaskString(s[start:end])
		}
	}
	var m attrMasks
	for i := start; i+maskWordMin <= end; i++ {
		w := load8(s, i)
		k := triIndex[triHash(w)]
		if k == 0 {
			continue
		}
		for fw := &triWords[k]; fw.n != 0; fw = (*fastWord)(unsafe.Add(unsafe.Pointer(fw), unsafe.Sizeof(*fw))) {
			if end-i < int(fw.n) {
				continue
			}
			// a word longer than eight bytes ends by end, so its next
			// eight bytes lie before end+8 <= len(s)
			w2 := w
			if fw.n > 8 {
				w2 = load8(s, i+8)
			}
			if fw.matches(w, w2) {
				m |= fw.m
			}
		}
	}
	return m
}
