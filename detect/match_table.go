package detect

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unsafe"
)

// termHash is the hash of every string the matcher looks up in its
// termTable. Words are read eight bytes at a time (see hashTerm).
type termHash uint64

// Constants of the word hash (odd 64-bit multipliers).
const (
	hashK0 = 0x9E3779B97F4A7C15
	hashK1 = 0xFF51AFD7ED558CCD
)

// hashMix folds word w into hash h.
func hashMix(h, w uint64) uint64 {
	h = (h ^ w) * hashK1
	return h ^ h>>32
}

// load64 returns s[i:i+8] as a little-endian word; i+8 <= len(s) (the
// caller's guarantee: the eight bytes are read through an array pointer,
// without a bounds check).
func load64(s string, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Pointer(unsafe.StringData(s[i:])))[:])
}

// loadShort returns the bytes of s (at most 8) as a little-endian word,
// the upper bytes zero. It reads no byte outside s: it reads through
// pointers, without bounds checks (small enough to inline), only the
// four bytes at 0 and at n-4 when n >= 4 and the bytes 0, n/2 and n-1
// when 1 <= n <= 3, all in s.
func loadShort(s string) uint64 {
	n := uint(len(s))
	p := unsafe.Pointer(unsafe.StringData(s))
	if n >= 4 {
		lo := uint64(binary.LittleEndian.Uint32((*[4]byte)(p)[:]))
		hi := uint64(binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(p, n-4))[:]))
		return lo | hi<<(8*(n-4)) // the overlapping bytes are equal
	}
	if n == 0 {
		return 0
	}
	return uint64(*(*byte)(p)) | uint64(*(*byte)(unsafe.Add(p, n>>1)))<<(8*(n>>1)) | uint64(*(*byte)(unsafe.Add(p, n-1)))<<(8*(n-1))
}

// hashTerm is the termHash of s: its length and its bytes, eight at a
// time (the last eight overlapping the previous word when the length is
// not a multiple of eight; a word of at most eight bytes is one load).
func hashTerm(s string) termHash {
	n := len(s)
	h := uint64(n) * hashK0
	if n <= 8 {
		return termHash(hashMix(h, loadShort(s)))
	}
	for i := 0; i+8 < n; i += 8 {
		h = hashMix(h, load64(s, i))
	}
	return termHash(hashMix(h, load64(s, n-8)))
}

// span is a range [lo, hi) of termTable.first or termTable.ents.
type span struct{ lo, hi uint32 }

// termEnt is one entry of a term-table list, with what matchFirst reads
// of it kept together: its index in Detector.entries, whether it is a
// substance, and its tokens after the first.
type termEnt struct {
	e   int32
	sub bool
	// w0 is rest[0][0] (0 when rest[0] is empty or rest is): in the
	// record's padding, so that matchLonger skips a group whose second
	// token starts with another byte without loading the token (the
	// slice's string header, then its bytes: two dependent loads, often
	// cache misses)
	w0    byte
	group uint16 // on the first entry of a group sharing rest[0]: the group's size
	rest  []string
}

// termKey is one string of the termTable and what the matcher needs to
// know about it. The string is text[off:off+n] of its table.
type termKey struct {
	word uint64 // loadShort of the key when it is at most 8 bytes
	off  uint32
	n    uint16 // (newTermTable panics on a longer key)
	// The two flags here, in n's padding: the record is then 64 bytes,
	// one cache line (with n a uint32 and the flags in their own places
	// it took 72 and spanned two lines).
	prefix bool // the key is a proper prefix of a joined form (in Detector.prefixes)
	// solo is set when the key has no variants with entries (vars) and is
	// not a split-word prefix: then, when no longer term can follow, a
	// plain token of the key matches its single-token entries and soloE
	// (see findMatchesInto)
	solo   bool
	first  span   // entries whose first token is the key (Detector.first, same order)
	multi  uint32 // first.lo + the number of single-token entries: the longer ones are first[multi:first.hi]
	joined span   // substance entries whose joined form is the key (Detector.joined, same order)
	// What a plain token (not leet, not Han, no mask after it) whose norm
	// is the key matches beyond the key's own entries, fixed by the key
	// string alone (see Detector.plainKeyFacts): vars, a span of
	// termTable.vars, are its variants that are keys with entries, and
	// fuzzyE is the entry its fuzzy match names (-1 for none).
	vars   span
	fuzzyE int32
	// soloE is fuzzyE when none of the key's single-token entries is a
	// substance (which would rule the fuzzy match out), else -1
	soloE int32
	// e1 is the entry of the key's one single-token entry when it has
	// exactly one (multi == first.lo+1; in the record's padding), so that
	// findMatchesWith's solo path appends it without loading
	// termTable.first (another cache line, often a miss)
	e1 int32
	// seconds has bit b&63 set for the first byte b of the second token
	// of each of the key's longer entries (all bits when one is empty):
	// see longerMay
	seconds uint64
}

// longerMay reports whether a term of two or more tokens starting with
// k may continue with token next: tokEq's own first test (a token that is
// not leet can only equal a second token w, or w plus a suffix, when it
// starts with w's first byte) for all of k's second tokens at once. nb is
// the token's normBase.
func (k *termKey) longerMay(next *token, nb *normBase) bool {
	if next.leet {
		return true
	}
	n := nb.norm(next)
	return len(n) == 0 || k.seconds>>(n[0]&63)&1 != 0
}

// keyVar is a variant of a key that is itself a key with entries (in
// termTable.keys) and how the variant was made.
type keyVar struct {
	k   *termKey
	how uint8
}

// termTable answers, with one hash and one probe sequence, the three
// questions the matcher asks of a word: is it the first token of terms,
// the joined form of split-word terms, or a prefix of one. It holds the
// keys of Detector.first, Detector.joined and Detector.prefixes (the maps
// stay the reference). Linear probing, at most half full; immutable after
// newTermTable, so safe for concurrent use.
//
// It is laid out to touch little memory: a slot is 32 bits (hash tag bits
// above the key number, 0 for empty), keys are small records, and the key
// strings sit together in one string.
type termTable struct {
	slots   []uint32
	shift   uint   // 64 - log2(len(slots))
	idxMask uint32 // low bits of a slot: key index + 1
	keys    []termKey
	text    string    // the key strings, one after another
	first   []termEnt // first-token lists
	ents    []int32   // joined lists
	vars    []keyVar  // the keys' plain variants (termKey.vars)
	filter  keyFilter // over every key: lookup's first test
	// long is set when some term has more than resolveWindow tokens, so
	// that a match may be long (see resolve)
	long bool
}

// slot returns the home slot and the tag bits of hash h.
func (tt *termTable) slot(h termHash) (uint64, uint32) {
	m := uint64(h) * 0x9E3779B97F4A7C15
	return m >> tt.shift, uint32(m) &^ tt.idxMask
}

// find returns the key s with hash h (h == hashTerm(s)), or nil.
func (tt *termTable) find(h termHash, s string) *termKey {
	i, tag := tt.slot(h)
	mask := uint64(len(tt.slots) - 1)
	for {
		sl := tt.slots[i&mask]
		if sl == 0 {
			return nil
		}
		if sl&^tt.idxMask == tag {
			k := &tt.keys[sl&tt.idxMask-1]
			if n := len(s); int(k.n) == n {
				// a key of 8 to 16 bytes (most keys find sees: lookupKey
				// probes the shorter ones itself) is compared as its
				// first and last eight bytes, overlapping, instead of
				// through a call to the runtime's memequal
				t := tt.text[k.off:] // holds the key's n bytes
				if n >= 8 && n <= 16 {
					if load64(t, 0) == load64(s, 0) && load64(t, n-8) == load64(s, n-8) {
						return k
					}
				} else if t[:n] == s {
					return k
				}
			}
		}
		i++
	}
}

// findBytes is find for a key held in a byte slice.
func (tt *termTable) findBytes(b []byte) *termKey {
	if len(b) == 0 {
		return tt.find(hashTerm(""), "")
	}
	s := unsafe.String(&b[0], len(b))
	if !tt.filter.mayHave(s) {
		return nil
	}
	return tt.lookupKey(s)
}

// lookupKey is hashTerm and find in one call (every lookup of the matcher
// goes through it), with the common case of a word of at most eight bytes
// written out: one load, one mix, one probe, and the key compared as a
// word; and a word of 9 to 16 bytes hashed with two loads and two mixes,
// then probed by find.
func (tt *termTable) lookupKey(s string) *termKey {
	n := len(s)
	if n > 8 {
		if n > 16 {
			return tt.find(hashTerm(s), s)
		}
		// hashTerm for 9 to 16 bytes, written out: the first and the
		// last eight bytes (through array pointers: both lie in s)
		p := unsafe.Pointer(unsafe.StringData(s))
		w0 := binary.LittleEndian.Uint64((*[8]byte)(p)[:])
		w1 := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, n-8))[:])
		return tt.find(termHash(hashMix(hashMix(uint64(n)*hashK0, w0), w1)), s)
	}
	// loadShort(s), written out: a call per key lookup costs about as
	// much as the loads. The four-byte loads read through array pointers
	// (constant lengths, no bounds checks): sound, both lie in s (n >= 4).
	var w uint64
	if n >= 4 {
		p := unsafe.Pointer(unsafe.StringData(s))
		lo := uint64(binary.LittleEndian.Uint32((*[4]byte)(p)[:]))
		hi := uint64(binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(p, n-4))[:]))
		w = lo | hi<<(8*(n-4))
	} else if n > 0 {
		w = uint64(s[0]) | uint64(s[n>>1])<<(8*(n>>1)) | uint64(s[n-1])<<(8*(n-1))
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

// joinedOf returns the entries whose joined form is k's string.
func (tt *termTable) joinedOf(k *termKey) []int32 { return tt.ents[k.joined.lo:k.joined.hi] }

// newTermTable builds the table over the keys of first, joined and
// prefixes. Keys are inserted in sorted order so the layout does not depend
// on map order (lookups would not either, but layouts are easier to reason
// about when they are reproducible).
func newTermTable(entries []entry, first, joined map[string][]int32, prefixes map[string]struct{}) *termTable {
	all := map[string]bool{}
	for k := range first {
		all[k] = true
	}
	for k := range joined {
		all[k] = true
	}
	for k := range prefixes {
		all[k] = true
	}
	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, k)
	}
	slices.Sort(names)
	n := 16
	for n < 2*len(names) {
		n *= 2
	}
	tt := &termTable{slots: make([]uint32, n), shift: uint(64 - bits.TrailingZeros(uint(n)))}
	// one allocation of 64-byte records: large allocations start on a
	// page and smaller ones on a multiple of their size class (a multiple
	// of 64 from 512 bytes on), so each record sits in one cache line
	tt.keys = make([]termKey, 0, len(names))
	tt.idxMask = 1<<bits.Len32(uint32(len(names))) - 1
	for ei := range entries {
		tt.long = tt.long || len(entries[ei].toks) > resolveWindow
	}
	var text strings.Builder
	for _, s := range names {
		text.WriteString(s)
	}
	tt.text = text.String()
	off := 0
	seconds := map[string]string{}
	for ki, s := range names {
		if len(s) > 0xFFFF {
			panic("detect: term key too long")
		}
		k := termKey{off: uint32(off), n: uint16(len(s)), fuzzyE: -1}
		if len(s) <= 8 {
			k.word = loadShort(s)
		}
		off += len(s)
		_, k.prefix = prefixes[s]
		lo := uint32(len(tt.first))
		for _, ei := range first[s] {
			e := &entries[ei]
			rest := e.toks[1:]
			if len(rest) > 0 {
				// one string per distinct second token: matchFirst
				// recognises a group by its string data
				sec, ok := seconds[rest[0]]
				if !ok {
					sec = rest[0]
					seconds[sec] = sec
				}
				rest = append([]string{sec}, rest[1:]...)
			}
			te := termEnt{e: ei, sub: e.kind == kSub, rest: rest}
			if len(rest) > 0 && len(rest[0]) > 0 {
				te.w0 = rest[0][0]
			}
			tt.first = append(tt.first, te)
		}
		// single-token entries first, then by second token (the order of
		// a list does not matter: resolve sorts the matches)
		slices.SortStableFunc(tt.first[lo:], func(a, b termEnt) int {
			if la, lb := min(len(a.rest), 1), min(len(b.rest), 1); la != lb {
				return la - lb
			}
			if len(a.rest) == 0 {
				return 0
			}
			return strings.Compare(a.rest[0], b.rest[0])
		})
		k.first = span{lo, uint32(len(tt.first))}
		k.multi = lo
		for k.multi < k.first.hi && len(tt.first[k.multi].rest) == 0 {
			k.multi++
		}
		if k.multi == k.first.lo+1 {
			k.e1 = tt.first[k.first.lo].e
		}
		// mark the groups of entries that share a second token
		for x := int(k.multi); x < len(tt.first); {
			end := x + 1
			for end < len(tt.first) && tt.first[end].rest[0] == tt.first[x].rest[0] {
				end++
			}
			if end-x > 0xFFFF {
				panic("detect: term group too large")
			}
			tt.first[x].group = uint16(end - x)
			if w := tt.first[x].rest[0]; w == "" {
				k.seconds = ^uint64(0)
			} else {
				k.seconds |= 1 << (w[0] & 63)
			}
			x = end
		}
		lo = uint32(len(tt.ents))
		tt.ents = append(tt.ents, joined[s]...)
		k.joined = span{lo, uint32(len(tt.ents))}
		tt.keys = append(tt.keys, k)
		tt.filter.add(s)
		i, tag := tt.slot(hashTerm(s))
		for tt.slots[i] != 0 {
			i = (i + 1) & uint64(n-1)
		}
		tt.slots[i] = tag | uint32(ki+1)
	}
	tt.padRest() // the rest lists' strings, for eqNormRest
	return tt
}

// plainKeyFacts fills the vars and fuzzyE of every key of d.terms: what
// matchWord finds beyond the key's own entries for a plain token whose norm
// is the key, found by the same code on a token of the key string alone.
// Both depend only on that string: the variants of a plain token are its
// "ph" and inflection-suffix forms, and fuzzy matching reads only them.
// Run once the fuzzy buckets are built; the word cache is left untouched.
func (d *Detector) plainKeyFacts() {
	tt := d.terms
	plain := d.plain
	d.plain = nil // fuzzyMatches would cache its misses there
	defer func() { d.plain = plain }()
	var vs [8]string
	var hs [8]uint8
	var peq [256]uint64
	for ki := range tt.keys {
		k := &tt.keys[ki]
		s := tt.text[k.off : k.off+uint32(k.n)]
		toks, nb := []token{{nLen: uint32(len(s))}}, newNormBase([]byte(s))
		ph := hasPH(s)
		nv := 1
		vs[0] = s
		if ph || len(s) >= 4 && d.sufLast.has(s[len(s)-1]) {
			nv = d.variants(toks, &nb, 0, nil, ph, &vs, &hs)
		}
		lo := uint32(len(tt.vars))
		for vi := 1; vi < nv; vi++ {
			v := vs[vi]
			if kv := tt.find(hashTerm(v), v); kv != nil && kv.first.hi > kv.first.lo {
				tt.vars = append(tt.vars, keyVar{k: kv, how: hs[vi]})
			}
		}
		k.vars = span{lo, uint32(len(tt.vars))}
		if len(s) >= 5 {
			for vi := 0; vi < nv; vi++ {
				if d.fuzzyMay(vs[vi]) {
					if m := d.fuzzyMatches(&toks[0], 0, vs[:nv], &peq, nil); len(m) > 0 {
						k.fuzzyE = m[0].e
					}
					break
				}
			}
		}
		k.solo = k.vars.hi == k.vars.lo && !k.prefix
		k.soloE = k.fuzzyE
		for _, e := range tt.first[k.first.lo:k.multi] {
			if e.sub {
				k.soloE = -1
			}
		}
	}
}

// fuzzyBucket holds, for the fuzzy entries that share a first byte (the
// list Detector.fuzzyBy[b], indexed 0..n-1 in that order), bitsets of the
// entries a word can reach: byK1[c] the entries passing the gate of
// fuzzyMatches through the word's second byte c (key byte 1 or 2 is c),
// byK2[c] through its third byte c (key byte 1 is c), byLen[l] the entries
// whose key length is within their edit bound of l. Each set is nw words.
type fuzzyBucket struct {
	nw    int
	byK1  []uint64 // 256 sets
	byK2  []uint64 // 256 sets
	byLen []uint64 // fuzzyMaxLen+1 sets
	// mask and k2 of each entry, in bucket order: the letter-set mask
	// and twice the edit bound, the first test of every candidate, read
	// without going through the entry
	mask []uint32
	k2   []int32
}

// fuzzyMaxLen is the longest word fuzzy matching looks at.
const fuzzyMaxLen = 40

// newFuzzyBucket builds the bitsets of the fuzzy entries idx (indices into
// fz, in order).
func newFuzzyBucket(fz []fuzzyEntry, idx []int) *fuzzyBucket {
	nw := (len(idx) + 63) / 64
	b := &fuzzyBucket{nw: nw, byK1: make([]uint64, 256*nw), byK2: make([]uint64, 256*nw), byLen: make([]uint64, (fuzzyMaxLen+1)*nw),
		mask: make([]uint32, len(idx)), k2: make([]int32, len(idx))}
	for ci, fi := range idx {
		f := &fz[fi]
		b.mask[ci], b.k2[ci] = f.mask, int32(2*f.k)
		w, bit := ci/64, uint64(1)<<(ci%64)
		b.byK1[int(f.key[1])*nw+w] |= bit
		b.byK1[int(f.key[2])*nw+w] |= bit
		b.byK2[int(f.key[1])*nw+w] |= bit
		for l := 0; l <= fuzzyMaxLen; l++ {
			if d := len(f.key) - l; d <= f.k && -d <= f.k {
				b.byLen[l*nw+w] |= bit
			}
		}
	}
	return b
}

// candidates returns word w of the set of entries that word v (6 to
// fuzzyMaxLen bytes) may be within edit distance of: the gate of
// fuzzyMatches and the length bound, nothing else.
func (b *fuzzyBucket) candidates(v string, w int) uint64 {
	return (b.byK1[int(v[1])*b.nw+w] | b.byK2[int(v[2])*b.nw+w]) & b.byLen[len(v)*b.nw+w]
}
