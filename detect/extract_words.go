package detect

import "slices"

// wordIndex finds a token word among a small fixed set of words faster than
// a map. Most words are rejected by their shape alone (first byte and
// length); the others probe a table whose slot is chosen from the length
// and the first and last bytes (linearly on collisions), and one string
// comparison confirms a hit. The table is kept at most a quarter full, so a
// word outside the set mostly lands on an empty slot.
type wordIndex struct {
	shape shapeSet // first byte and length of each word
	words []string
	slots []int16 // 1 + index into words; 0 marks an empty slot
	shift uint32
}

// newWordIndex indexes words (no duplicates, none empty).
func newWordIndex(words []string) *wordIndex {
	bits := uint32(4)
	for 1<<bits < 4*len(words) {
		bits++
	}
	x := &wordIndex{words: words, slots: make([]int16, 1<<bits), shift: 32 - bits}
	mask := len(x.slots) - 1
	for i, w := range words {
		if w == "" || len(w) > 32 || x.find(w) >= 0 {
			panic("detect: wordIndex word empty, too long or repeated: " + w)
		}
		x.shape.add(w)
		h := x.hash(w)
		for x.slots[h] != 0 {
			h = (h + 1) & mask
		}
		x.slots[h] = int16(i + 1)
	}
	return x
}

// hash picks the first slot to probe for the non-empty w.
func (x *wordIndex) hash(w string) int {
	h := (uint32(w[0]) | uint32(w[len(w)-1])<<8 | uint32(len(w))<<16) * 0x9E3779B1
	return int(h >> x.shift)
}

// find returns the index of w in the indexed words, or -1.
func (x *wordIndex) find(w string) int {
	if !x.mayHave(w) {
		return -1
	}
	return x.probe(w)
}

// mayHave reports whether w has the shape (first byte and length) of an
// indexed word; false is certain. It is small enough to be inlined, so
// callers reject most words without a call.
func (x *wordIndex) mayHave(w string) bool {
	return x.shape.has(w)
}

// shapeSet is a set of word shapes: a first byte, a length from 1 to 32
// and the last byte's low three bits, one bit per shape, so a test is two
// loads and a bit test.
type shapeSet [256 * 32]uint8

// add puts the shape of w (1 to 32 bytes) in the set.
func (t *shapeSet) add(w string) {
	t[int(w[0])<<5|(len(w)-1)] |= 1 << (w[len(w)-1] & 7)
}

// has reports whether the shape of w is in the set (never for "" or a
// word longer than 32 bytes).
func (t *shapeSet) has(w string) bool {
	n := uint(len(w)) - 1 // "" wraps around
	return n < 32 && t[(uint(w[0])<<5|n)&(256*32-1)]&(1<<(w[n]&7)) != 0
}

// hasEnds reports whether the set holds the shape of a word of n bytes
// (1 to 32) with the given first and last bytes.
func (t *shapeSet) hasEnds(first, last byte, n int) bool {
	return t[(int(first)<<5|(n-1))&(256*32-1)]&(1<<(last&7)) != 0
}

// probe is find without the shape test.
func (x *wordIndex) probe(w string) int {
	mask := len(x.slots) - 1
	for h := x.hash(w); ; h = (h + 1) & mask {
		s := int(x.slots[h])
		if s == 0 {
			return -1
		}
		v := x.words[s-1]
		if len(v) != len(w) {
			continue
		}
		// Words of up to sixteen bytes (nearly all) are compared inline:
		// one to three bytes by their first, middle and last byte (which
		// cover them), four to eight as two overlapping four-byte words,
		// nine to sixteen as two overlapping eight-byte words; string
		// equality would call the runtime's memequal.
		switch n := len(w); {
		case n < 4:
			if v[0] == w[0] && v[n>>1] == w[n>>1] && v[n-1] == w[n-1] {
				return s - 1
			}
		case n <= 8:
			if le32(v, 0) == le32(w, 0) && le32(v, n-4) == le32(w, n-4) {
				return s - 1
			}
		case n <= 16:
			if le64(v, 0) == le64(w, 0) && le64(v, n-8) == le64(w, n-8) {
				return s - 1
			}
		default:
			if v == w {
				return s - 1
			}
		}
	}
}

// wordIndexOf indexes the keys of m and returns the index with the value of
// each word in the same order. The words are indexed in sorted order, not
// in the map's (random) order, so that the table, and the cost of probing
// it, is the same in every process.
func wordIndexOf[V any](m map[string]V) (*wordIndex, []V) {
	words := make([]string, 0, len(m))
	for w := range m {
		words = append(words, w)
	}
	slices.Sort(words)
	vals := make([]V, len(words))
	for i, w := range words {
		vals[i] = m[w]
	}
	return newWordIndex(words), vals
}
