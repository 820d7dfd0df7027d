package detect

import "math/bits"

// fuzzyGate answers fuzzyMay from a few small tables instead of the fuzzy
// buckets' bitsets (two 2 KiB sets per first byte and a length set, read
// at three scattered places for most words of six bytes or more, which made
// them a steady source of cache misses).
//
// fuzzyMay(v) holds, for a word of 6 to fuzzyMaxLen bytes whose first byte
// has a bucket b, when b has more than one word of entries or
// candidates(v, 0) = (byK1[v[1]] | byK2[v[2]]) & byLen[len(v)] is not
// empty. An entry is in that set exactly when it is in byK1[v[1]] and in
// byLen[len(v)], or in byK2[v[2]] and in byLen[len(v)]; so the set is empty
// exactly when bit len(v) is clear in both length masks
//
//	lens1(v[0], v[1]) = union of the length sets of the entries of byK1[v[1]]
//	lens2(v[0], v[2]) = union of the length sets of the entries of byK2[v[2]]
//
// The gate holds them as two matrices, a row per first byte with a bucket
// (row 0, all zero, for the others) and a column per byte that is some
// key's second or third byte (m1) or second byte (m2) (column 0, all zero,
// for the others): a few kilobytes. A bucket of more than one word stands
// for every length with every byte.
type fuzzyGate struct {
	row        [256]uint16 // first byte → row (0: no bucket)
	col1, col2 [256]uint16 // byte → column of m1, m2 (0: in no key there)
	n1, n2     int         // columns of m1, m2
	m1, m2     []uint64    // length masks, row-major; bit l for length l
}

// newFuzzyGate builds the gate of buckets bk (Detector.fuzzyBk).
func newFuzzyGate(bk *[256]*fuzzyBucket) *fuzzyGate {
	g := &fuzzyGate{n1: 1, n2: 1}
	rows := 1
	for c0, b := range bk {
		if b == nil {
			continue
		}
		g.row[c0] = uint16(rows)
		rows++
		for x := 0; x < 256; x++ {
			if b.nw > 1 {
				continue
			}
			if b.byK1[x] != 0 && g.col1[x] == 0 {
				g.col1[x] = uint16(g.n1)
				g.n1++
			}
			if b.byK2[x] != 0 && g.col2[x] == 0 {
				g.col2[x] = uint16(g.n2)
				g.n2++
			}
		}
	}
	g.m1, g.m2 = make([]uint64, rows*g.n1), make([]uint64, rows*g.n2)
	const all = 1<<(fuzzyMaxLen+1) - 1
	for c0, b := range bk {
		if b == nil {
			continue
		}
		r := int(g.row[c0])
		if b.nw > 1 {
			for c := 0; c < g.n1; c++ {
				g.m1[r*g.n1+c] = all
			}
			continue
		}
		// the length set of each entry of the bucket (bit ci of byLen[l])
		var lens [64]uint64
		for l := 0; l <= fuzzyMaxLen; l++ {
			for set := b.byLen[l]; set != 0; set &= set - 1 {
				lens[bits.TrailingZeros64(set)] |= 1 << l
			}
		}
		for x := 0; x < 256; x++ {
			for set := b.byK1[x]; set != 0; set &= set - 1 {
				g.m1[r*g.n1+int(g.col1[x])] |= lens[bits.TrailingZeros64(set)]
			}
			for set := b.byK2[x]; set != 0; set &= set - 1 {
				g.m2[r*g.n2+int(g.col2[x])] |= lens[bits.TrailingZeros64(set)]
			}
		}
	}
	return g
}

// may is fuzzyMay(v) for a word v of 6 to fuzzyMaxLen bytes.
func (g *fuzzyGate) may(v string) bool {
	r := int(g.row[v[0]])
	m := g.m1[r*g.n1+int(g.col1[v[1]])] | g.m2[r*g.n2+int(g.col2[v[2]])]
	return m>>len(v)&1 != 0
}
