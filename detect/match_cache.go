package detect

import (
	"encoding/binary"
	"sync/atomic"
	"unsafe"
)

// wordCache remembers words that match nothing on their own: plain words
// (not leetspeak, not followed by a masking character, no term-table key)
// whose variants have no term-table key and whose variants no fuzzy entry
// is near; and, marked apart (packedWord.fuzzyMiss), words no fuzzy entry
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

// packedWord is a word of at most wordCacheMax bytes as the slots hold it
// (little-endian, zero-padded), with its slot index.
type packedWord struct {
	w    [wordCacheMax / 8]uint64
	nw   int    // words of w in use
	n    uint32 // len + 1
	slot uint32
}

// pack packs v and hashes it to a slot; ok is false when v is longer than
// wordCacheMax (such words are not cached).
func pack(v string) (p packedWord, ok bool) {
	n := len(v)
	if n > wordCacheMax {
		return p, false
	}
	p.nw, p.n = (n+7)/8, uint32(n)+1
	h := uint64(n) * 0x9e3779b97f4a7c15
	for i := 0; i < p.nw; i++ {
		var x uint64
		if r := v[i*8:]; len(r) >= 8 {
			x = binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(r), 8))
		} else {
			x = loadShort(r) // the last, partial word, zero-padded
		}
		p.w[i] = x
		h = (h ^ x) * 0xff51afd7ed558ccd
		h ^= h >> 29
	}
	p.slot = uint32(h >> (64 - wordCacheBits))
	return p, true
}

// fuzzyMiss marks p as the other kind of entry the cache holds: a word
// (one variant of a token) that fuzzyMatches finds no entry near, whatever
// the token. Its length field gets the top bit, so it never equals a plain
// word's, and it moves to another slot.
func (p *packedWord) fuzzyMiss() {
	p.n |= 1 << 31
	p.slot ^= wordCacheSlots / 2
}

// has reports whether the packed word p is cached (false when c is nil).
func (c *wordCache) has(p *packedWord) bool {
	if c == nil {
		return false
	}
	s := &c.slots[p.slot]
	q := s.seq.Load()
	if q&1 != 0 || s.n.Load() != p.n {
		return false
	}
	for i := 0; i < p.nw; i++ {
		if s.w[i].Load() != p.w[i] {
			return false
		}
	}
	// unchanged seq: no writer touched the slot while it was read
	return s.seq.Load() == q
}

// add caches the packed word p, evicting the word in its slot. It does
// nothing when c is nil or another goroutine is writing the slot. Only the
// words of w in use are stored: has compares no others (equal lengths use
// equally many).
func (c *wordCache) add(p *packedWord) {
	if c == nil {
		return
	}
	s := &c.slots[p.slot]
	q := s.seq.Load()
	if q&1 != 0 || !s.seq.CompareAndSwap(q, q+1) {
		return
	}
	s.n.Store(p.n)
	for i := 0; i < p.nw; i++ {
		s.w[i].Store(p.w[i])
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
}
