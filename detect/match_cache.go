package detect

import (
	"encoding/binary"
	"sync/atomic"
	"unsafe"
)

// wordCache remembers words that match nothing on their own: plain words
// (not leetspeak, not followed by a masking character, no term-table key)
// whose variants have no term-table key and whose variants no fuzzy entry
// is near; and, marked apart (cacheKey.fuzzyMiss), words no fuzzy entry
// is near. Both are pure functions of the word and the rule set, so a
// cached answer is the answer the matcher would compute; the cache only
// saves recomputing it for words that every page of a site repeats
// ("categories", "messages", "support").
//
// It is a fixed-size, direct-mapped table (a new word evicts the one in
// its slot), so its memory does not depend on what pages hold, and it is
// lock-free: each slot is a seqlock over atomic words. A slot holds a copy
// of the word (at most wordCacheMax bytes, packed into uint64s), never a
// view of page text, and no pointers, so the garbage collector never scans
// it.
type wordCache struct {
	slots [wordCacheSlots]wordSlot
}

const (
	wordCacheBits  = 12
	wordCacheSlots = 1 << wordCacheBits // 4096 slots of 48 bytes: 192 KiB
	wordCacheMax   = 40                 // longest cached word (fuzzyMaxLen)
)

// wordSlot is one cached word. seq is odd while a writer fills the slot;
// n is the word's length plus one (0: empty); w holds the word's bytes,
// little-endian, zero-padded.
type wordSlot struct {
	seq atomic.Uint32
	n   atomic.Uint32
	w   [wordCacheMax / 8]atomic.Uint64
}

// cacheKey is a word of at most wordCacheMax bytes as the cache looks it
// up: the word itself (a view: the slots hold copies), its first eight
// bytes as the slots hold them, its length field and its slot.
type cacheKey struct {
	s    string
	w0   uint64
	n    uint32 // len + 1, and the top bit for a fuzzy miss
	slot uint32
}

// wordKey returns v's cacheKey; ok is false when v is longer than
// wordCacheMax (such words are not cached). The slot hashes the length
// and the first and last eight bytes (all of a word of at most eight):
// two words that share them share a slot, and has still tells them
// apart.
func wordKey(v string) (k cacheKey, ok bool) {
	n := len(v)
	if n > wordCacheMax {
		return k, false
	}
	h := uint64(n) * 0x9e3779b97f4a7c15
	if n <= 8 {
		// loadShort(v), written out as in lookupKey (loadShort is over
		// the inlining budget, and a call a word cost about as much as
		// the loads): the four-byte loads read through array pointers,
		// both in v (n >= 4)
		if n >= 4 {
			p := unsafe.Pointer(unsafe.StringData(v))
			lo := uint64(binary.LittleEndian.Uint32((*[4]byte)(p)[:]))
			hi := uint64(binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(p, n-4))[:]))
			k.w0 = lo | hi<<(8*(n-4))
		} else if n > 0 {
			k.w0 = uint64(v[0]) | uint64(v[n>>1])<<(8*(n>>1)) | uint64(v[n-1])<<(8*(n-1))
		}
		h = (h ^ k.w0) * 0xff51afd7ed558ccd
	} else {
		k.w0 = load64(v, 0)
		h = (h ^ k.w0) * 0xff51afd7ed558ccd
		h = (h ^ h>>29 ^ load64(v, n-8)) * 0xff51afd7ed558ccd
	}
	h ^= h >> 29
	k.s, k.n, k.slot = v, uint32(n)+1, uint32(h>>(64-wordCacheBits))
	return k, true
}

// word returns word i of k's word as the slots hold it: eight bytes
// little-endian, the last one zero-padded. A last word of fewer than eight
// bytes (i >= 1: the word is longer than eight bytes) is the word's last
// eight bytes shifted right past the bytes before it, with no branch on
// its length; small enough to inline (loadShort was not), so has and add
// compare and store without a call a word.
func (k *cacheKey) word(i int) uint64 {
	if i == 0 {
		return k.w0
	}
	n := len(k.s)
	if 8*i+8 <= n {
		return load64(k.s, 8*i)
	}
	return load64(k.s, n-8) >> (8 * (8*i + 8 - n))
}

// words is the number of words of k's word.
func (k *cacheKey) words() int { return (len(k.s) + 7) / 8 }

// fuzzyMiss marks k as the other kind of entry the cache holds: a word
// (one variant of a token) that fuzzyMatches finds no entry near, whatever
// the token. Its length field gets the top bit, so it never equals a plain
// word's, and it moves to another slot.
func (k *cacheKey) fuzzyMiss() {
	k.n |= 1 << 31
	k.slot ^= wordCacheSlots / 2
}

// has reports whether the word of k is cached (false when c is nil).
func (c *wordCache) has(k *cacheKey) bool {
	if c == nil {
		return false
	}
	s := &c.slots[k.slot&(wordCacheSlots-1)] // (the mask spares a bounds check)
	q := s.seq.Load()
	if q&1 != 0 || s.n.Load() != k.n || s.w[0].Load() != k.w0 {
		return false
	}
	for i := 1; i < k.words(); i++ {
		if s.w[i].Load() != k.word(i) {
			return false
		}
	}
	// unchanged seq: no writer touched the slot while it was read
	return s.seq.Load() == q
}

// add caches the word of k, evicting the word in its slot. It does
// nothing when c is nil or another goroutine is writing the slot. Only the
// words in use are stored: has compares no others (equal lengths use
// equally many; an empty word's first word is zero).
func (c *wordCache) add(k *cacheKey) {
	if c == nil {
		return
	}
	s := &c.slots[k.slot&(wordCacheSlots-1)] // (the mask spares a bounds check)
	q := s.seq.Load()
	if q&1 != 0 || !s.seq.CompareAndSwap(q, q+1) {
		return
	}
	s.n.Store(k.n)
	s.w[0].Store(k.w0)
	for i := 1; i < k.words(); i++ {
		s.w[i].Store(k.word(i))
	}
	s.seq.Store(q + 2)
}

// reset empties c.
func (c *wordCache) reset() {
	if c == nil {
		return
	}
	for i := range c.slots {
		s := &c.slots[i]
		for {
			q := s.seq.Load()
			if q&1 == 0 && s.seq.CompareAndSwap(q, q+1) {
				s.n.Store(0)
				s.seq.Store(q + 2)
				break
			}
		}
	}
}

// resetCaches empties the detector's per-word caches, as if it had just
// been compiled. Results never depend on them; benchmarks call it so that
// each pass counts only the repetition within itself.
func (d *Detector) resetCaches() {
	d.plain.reset()
	d.masks.reset()
}
