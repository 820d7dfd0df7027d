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

// fastWord is a mask word prepared for attrMaskFast.
type fastWord struct {
	head, headMask uint64 // the word's first (up to) eight bytes, and their mask
	tail           string // the bytes after the eighth
	n              int    // the word's length
	m              attrMasks
}

// triBits sizes triIndex.
const triBits = 12

// triHash hashes the low three bytes of w into triBits bits.
func triHash(w uint64) uint64 {
	return ((w & 0xffffff) * 0x9E3779B97F4A7C15) >> (64 - triBits)
}

// triIndex maps triHash of a position's first three bytes to where the
// words starting with a trigram of that hash begin in triWords (0: no word
// does); each hash's words lie together in triWords, and the run ends at an
// entry with n == 0. triWords[0] is such an end, so index 0 is free to mean
// "none".
var triIndex, triWords = func() ([1 << triBits]uint16, []fastWord) {
	var idx [1 << triBits]uint16
	var lists [1 << triBits][]fastWord
	for _, ws := range maskWords {
		for _, w := range ws {
			var head uint64
			for i := 0; i < len(w.w) && i < 8; i++ {
				head |= uint64(w.w[i]) << (8 * i)
			}
			fw := fastWord{head: head, headMask: keyMask[min(len(w.w), 8)], n: len(w.w), m: w.m}
			if len(w.w) > 8 {
				fw.tail = w.w[8:]
			}
			h := triHash(head)
			lists[h] = append(lists[h], fw)
		}
	}
	flat := []fastWord{{}}
	for h, l := range lists {
		if len(l) == 0 {
			continue
		}
		if len(flat) > 1<<16-1 {
			panic("detect: triWords too long")
		}
		idx[h] = uint16(len(flat))
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
			if w&fw.headMask == fw.head && (fw.tail == "" || n-i >= fw.n && string(v[i+8:i+fw.n]) == fw.tail) {
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
			if w&fw.headMask == fw.head && end-i >= fw.n && (fw.tail == "" || s[i+8:i+fw.n] == fw.tail) {
				m |= fw.m
			}
		}
	}
	return m
}
