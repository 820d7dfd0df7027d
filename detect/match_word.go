package detect

import (
	"encoding/binary"
	"strings"
	"unsafe"
)

// normWord returns the first min(len(norm), 8) bytes of norm as a
// little-endian word, the upper bytes zero: what loadShort returns for a
// norm of at most eight bytes, and the first eight bytes of a longer one.
// One load and a mask, with no branch on the length (loadShort branches
// on it, and lookupKey's copy of it mispredicted on the mixed word lengths
// of a page). norm must be a string normBase.norm returned.
//
// Sound: normBase.norm returns a string that lies in its base's b.s, so
// norm's first byte is at most b.s+len(b.s); newNormBase leaves at least
// normSlack = 16 bytes of b.s's allocation past its end, so the eight bytes
// at norm's first byte lie in the allocation. Those past the norm (other
// norms, or the arena's unused capacity) are masked off.
func normWord(norm string) uint64 {
	w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Pointer(unsafe.StringData(norm)))[:])
	// min(len, 8) without a branch (the compiler branches on min, and a
	// page's word lengths make that branch unpredictable): d & (d >> 63)
	// is d when d < 0, else 0
	d := len(norm) - 8
	return w & wordMask[(8+d&(d>>63))&15]
}

// wordMask[n] keeps the low n bytes of a word, for n <= 8 (keyMask with
// room for an index masked to four bits, so that it needs no bounds check).
var wordMask = [16]uint64{0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff, ^uint64(0)}

// mayHaveWord is mayHave(s) for s whose first bytes w holds as
// normWord returns them: the hash's first two bytes come from w
// (zero-padded past a one-byte s, as filterHash reads them) rather than
// a branch on the length.
func (f *keyFilter) mayHaveWord(s string, w uint64) bool {
	n := len(s)
	if n == 0 {
		return f[0]&1 != 0 // filterHash("") is 0
	}
	h := (uint32(n)<<24 | uint32(s[n-1])<<16 | uint32(uint16(w))) * 0x9E3779B1 >> 16
	return f[h>>6&1023]&(1<<(h&63)) != 0
}

// lookupNorm is lookupKey(s) for s a string normBase.norm returned: its
// first bytes are read as one word (normWord), and a word of at most eight
// bytes is hashed and compared as that word, with no branch on its length;
// one of 9 to 16 bytes takes its first eight bytes from it.
// The slot probe at its end is lookupKey's, written out again on purpose:
// as a shared function it is not inlined (cost 110), and the call costs
// 0.21 M instructions per corpus pass (BenchmarkDetectCorpus, GOGC=off).
func (tt *termTable) lookupNorm(s string) *termKey {
	w := normWord(s)
	n := len(s)
	if n > 8 {
		if n > 16 {
			return tt.find(hashTerm(s), s)
		}
		// the last eight bytes through an array pointer: they lie in s
		// (n > 8)
		w1 := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), n-8))[:])
		return tt.find(termHash(hashMix(hashMix(uint64(n)*hashK0, w), w1)), s)
	}
	i, tag := tt.slot(termHash(hashMix(uint64(n)*hashK0, w)))
	mask := uint64(len(tt.slots) - 1)
	for {
		sl := tt.slots[i&mask]
		if sl == 0 {
			return nil
		}
		if sl&^tt.idxMask == tag {
			if k := &tt.keys[sl&tt.idxMask-1]; int(k.n) == n && k.word == w {
				return k
			}
		}
		i++
	}
}

// restPad is how many bytes of its allocation padRest leaves past the
// end of every string of the entries' rest lists.
const restPad = 16

// padRest moves the strings of the entries' rest lists (equal strings to
// one) into one string followed by restPad zero bytes, so that eqNormRest
// can read the first sixteen bytes of any of them as two words.
func (tt *termTable) padRest() {
	at := map[string]int{}
	var b strings.Builder
	for x := range tt.first {
		for _, s := range tt.first[x].rest {
			if _, ok := at[s]; !ok {
				at[s] = b.Len()
				b.WriteString(s)
			}
		}
	}
	b.WriteString(strings.Repeat("\x00", restPad))
	all := b.String()
	for x := range tt.first {
		r := tt.first[x].rest // its own slice (newTermTable copies it)
		for j, s := range r {
			r[j] = all[at[s] : at[s]+len(s)]
		}
	}
}

// eqNormRest reports norm == w for norm a string normBase.norm returned
// and w a string of an entry's rest list (padRest), of the same length
// and at most sixteen bytes (the caller's tests; most tokens): compared
// as two words of each, masked to the length, without a call to the
// runtime's memequal and without a branch on the length.
//
// Sound: norm's first byte is at most its base's end, and newNormBase
// leaves normSlack = 16 bytes of the allocation past it; w's first byte
// is at most the end of padRest's string before its restPad = 16 zero
// bytes. So the sixteen bytes at the start of each lie in its
// allocation; those past the strings' length are masked off.
//
// It is small enough to inline only for strings of at most sixteen bytes:
// the callers compare longer ones with == (len(w) <= 16 && eqNormRest(norm,
// w) || len(w) > 16 && norm == w).
func eqNormRest(norm, w string) bool {
	pa, pb := unsafe.Pointer(unsafe.StringData(norm)), unsafe.Pointer(unsafe.StringData(w))
	m := pairMask[len(w)&31]
	return (load8p(pa, 0)^load8p(pb, 0))&m[0]|(load8p(pa, 8)^load8p(pb, 8))&m[1] == 0
}

// load8p returns the eight bytes at p+i as a little-endian word.
func load8p(p unsafe.Pointer, i uintptr) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, i))[:])
}

// pairMask[n] keeps the low n bytes of a pair of words (first word
// lowest), for n <= 16 (sized 32 so an index masked to five bits needs no
// bounds check).
var pairMask = func() (m [32][2]uint64) {
	for n := 0; n <= 16; n++ {
		m[n] = [2]uint64{wordMask[min(n, 8)], wordMask[max(n-8, 0)]}
	}
	return m
}()
