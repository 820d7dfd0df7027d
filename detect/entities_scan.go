package detect

import (
	"math/bits"
	"strings"
	"sync"
	"unicode/utf8"
)

// contactFirst maps a byte to a bit set of the contactWords that start
// with it (either ASCII case).
var contactFirst = func() (t [256]uint8) {
	if len(contactWords) > 8 {
		panic("detect: contactFirst holds at most 8 words")
	}
	for i, w := range contactWords {
		t[w[0]] |= 1 << i
		t[w[0]-('a'-'A')] |= 1 << i
	}
	return t
}()

// contactPrefix holds the first four bytes of each contact word as a
// little-endian word. Every contact word is at least five bytes long and
// every byte of these prefixes has bit 0x20 set, so a text word x can only
// match when x|0x20202020 equals the prefix (ASCII case folding sets that
// bit; the converse does not hold, so a match is confirmed byte by byte).
var contactPrefix = func() (p [8]uint32) {
	for i, w := range contactWords {
		if len(w) < 5 {
			panic("detect: contact word shorter than five bytes")
		}
		p[i] = le32(w, 0)
		if p[i]&0x20202020 != 0x20202020 {
			panic("detect: contact word prefix without bit 0x20")
		}
	}
	return p
}()

// le32 reads s[i:i+4] as a little-endian word (one load: the compiler
// merges the byte loads of a subslice whose length it knows).
func le32(s string, i int) uint32 {
	b := s[i : i+4]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// le64 reads s[i:i+8] as a little-endian word, in one load as le32.
func le64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// foldBlocks marks the blocks of 64 runes (r>>6, r < bmpSize) in which
// newASCIIFolded accepts every rune (runeLowerKeeps, not U+FFFD). A two- or
// three-byte sequence's lead byte (and second byte) name its block, so a
// rune in such a block is accepted without being decoded.
var foldBlocks struct {
	once sync.Once
	ok   [bmpSize / 64]bool
}

func buildFoldBlocks() {
	foldOnce.Do(buildFoldTable)
	for b := range foldBlocks.ok {
		ok := true
		for r := rune(b) << 6; r < rune(b+1)<<6; r++ {
			if r == utf8.RuneError || runeClass[r]&runeLowerKeeps == 0 {
				ok = false
				break
			}
		}
		foldBlocks.ok[b] = ok
	}
}

// foldRuneAt checks the non-ASCII rune at s[i] as newASCIIFolded does
// (runeLowerKeeps, not U+FFFD, below bmpSize) and returns its size, or 0
// when newASCIIFolded would lower-case a copy. Runes of accepted blocks
// (foldBlocks) are skipped undecoded; the other two- and three-byte forms
// (which decode below bmpSize) are decoded inline.
func foldRuneAt(s string, i int, ok *[bmpSize / 64]bool) int {
	c := s[i]
	var r rune
	size := 0
	switch {
	case c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
		if ok[c&0x1F] {
			return 2
		}
		r, size = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2
	case c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
		if ok[int(c&0x0F)<<6|int(s[i+1]&0x3F)] {
			return 3
		}
		r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
	default:
		r, size = utf8.DecodeRuneInString(s[i:])
	}
	if r == utf8.RuneError || r >= bmpSize || runeClass[r]&runeLowerKeeps == 0 {
		return 0
	}
	return size
}

// contactPairs marks, for a pair of bytes (each with bit 0x20 set and
// reduced to seven bits), the offsets k in 0..3 at which some contact word
// has that pair as its bytes k and k+1 (bit k).
var contactPairs = func() (t [128 * 128]uint8) {
	for _, w := range contactWords {
		for k := 0; k < 4; k++ {
			t[contactPair(w[k], w[k+1])] |= 1 << k
		}
	}
	return t
}()

// contactPairs16 is contactPairs indexed by the pair's bytes as a
// little-endian 16-bit word, the reduction of contactPair done by the
// table: one load per pair of the eight-byte blocks contactHitsInPlace
// reads.
var contactPairs16 = func() *[1 << 16]uint8 {
	var t [1 << 16]uint8
	for x := range t {
		t[x] = contactPairs[contactPair(byte(x), byte(x>>8))]
	}
	return &t
}()

// contactPair is the contactPairs index of the bytes a, b.
func contactPair(a, b byte) int {
	return int(a|0x20)&0x7F<<7 | int(b|0x20)&0x7F
}

// scanContactWords appends every occurrence of each contact word in lower
// (see findLabels). Every contact word is at least five bytes long, so an
// occurrence at p covers exactly one offset q = p+k (k in 0..3) that is a
// multiple of four, where its bytes k and k+1 sit: the scan reads the byte
// pair at every fourth offset and tries a word start only at the p that
// pair allows (ASCII case folding sets bit 0x20, so a matching pair passes
// the table; the match itself is then checked in full). The starts are
// tried in increasing order, as a byte-by-byte scan tries them.
func scanContactWords(lower asciiFolded, out []labelHit) []labelHit {
	var next [8]int // per word: first offset a new hit may start at
	s := lower.s
	for q := 0; q+1 < len(s); q += 4 {
		if ks := contactPairs[contactPair(s[q], s[q+1])]; ks != 0 {
			out = contactStarts(lower, q, ks, &next, out)
		}
	}
	return out
}

// contactStarts tries the word starts p = q-k for the offsets k in ks (a
// contactPairs entry for the pair at q), in increasing p, and appends the
// hits; next holds, per word, the first offset a new hit may start at.
func contactStarts(lower asciiFolded, q int, ks uint8, next *[8]int, out []labelHit) []labelHit {
	s := lower.s
	for ; ks != 0; ks &^= 1 << (bits.Len8(ks) - 1) {
		p := q - (bits.Len8(ks) - 1) // highest k first: increasing p
		if p < 0 || p+4 > len(s) {
			continue
		}
		set := contactFirst[s[p]]
		x := le32(s, p) | 0x20202020
		// Words sharing a first byte differ in their first four
		// bytes, so at most one word matches here.
		for ; set != 0; set &= set - 1 {
			li := bits.TrailingZeros8(set)
			if x == contactPrefix[li] {
				if l := contactWords[li]; p >= next[li] && lower.at(p, l) {
					out = append(out, labelHit{uint8(li), int32(p)})
					next[li] = p + len(l)
				}
				break
			}
		}
	}
	return out
}

// contactHits returns newASCIIFolded(text) and findLabels of it appended
// to out. One pass over text does both scans for the usual text that is
// searched in place: eight bytes at a time, it checks every non-ASCII rune
// (foldRuneAt; a run of eight ASCII bytes needs no check) and looks up the
// byte pairs at offsets q and q+4 (scanContactWords). A text that must be
// lower-cased first is scanned again in its lower-cased copy.
func contactHits(text string, out []labelHit) (asciiFolded, []labelHit) {
	n0 := len(out)
	if out, ok := contactHitsInPlace(text, out); ok {
		return asciiFolded{s: text, fold: true}, out
	}
	lower := newASCIIFolded(text)
	return lower, scanContactWords(lower, out[:n0])
}

// contactHitsInPlace is scanContactWords over text searched in place, and
// whether newASCIIFolded searches text in place (when it does not, the
// hits are meaningless).
func contactHitsInPlace(s string, out []labelHit) ([]labelHit, bool) {
	foldBlocks.once.Do(buildFoldBlocks)
	ok := &foldBlocks.ok
	lower := asciiFolded{s: s, fold: true}
	var next [8]int
	// Every rune before r has been checked. At the start of a block r >= q,
	// and r == q when the block is ASCII: an accepted multi-byte rune
	// has no ASCII byte, so none runs into an ASCII block.
	r, q := 0, 0
	for ; q+8 <= len(s); q += 8 {
		x := le64(s, q)
		if x&0x8080808080808080 == 0 {
			r = q + 8
		} else {
			// foldRuneAt's accepted two- and three-byte forms inline,
			// the rest through the call.
			for r < q+8 {
				c := s[r]
				if c < 0x80 {
					r++
					continue
				}
				if c-0xC2 <= 0xDF-0xC2 && r+1 < len(s) && s[r+1]&0xC0 == 0x80 && ok[c&0x1F] {
					r += 2
					continue
				}
				if c-0xE1 <= 0xEF-0xE1 && c != 0xED && r+2 < len(s) && s[r+1]&0xC0 == 0x80 && s[r+2]&0xC0 == 0x80 &&
					ok[int(c&0x0F)<<6|int(s[r+1]&0x3F)] {
					r += 3
					continue
				}
				n := foldRuneAt(s, r, ok)
				if n == 0 {
					return out, false
				}
				r += n
			}
		}
		// The pairs at q and q+4.
		k0, k1 := contactPairs16[uint16(x)], contactPairs16[uint16(x>>32)]
		if k0|k1 != 0 {
			if k0 != 0 {
				out = contactStarts(lower, q, k0, &next, out)
			}
			if k1 != 0 {
				out = contactStarts(lower, q+4, k1, &next, out)
			}
		}
	}
	for r < len(s) {
		if s[r] < 0x80 {
			r++
			continue
		}
		n := foldRuneAt(s, r, ok)
		if n == 0 {
			return out, false
		}
		r += n
	}
	for ; q+1 < len(s); q += 4 {
		if ks := contactPairs[contactPair(s[q], s[q+1])]; ks != 0 {
			out = contactStarts(lower, q, ks, &next, out)
		}
	}
	return out, true
}

// contactTokens are the token words that name a contact network.
var contactTokens = []string{"wickr", "session", "threema", "signal", "telegram", "jabber", "me"}

// contactTokShape holds the shapes of contactTokens.
var contactTokShape = func() (t shapeSet) {
	for _, w := range contactTokens {
		t.add(w)
	}
	return t
}()

// contactToken reports whether the token word w is one of contactTokens.
func contactToken(w string) bool {
	if !contactTokShape.has(w) {
		return false
	}
	for _, c := range contactTokens {
		if w == c {
			return true
		}
	}
	return false
}

// indexPGPBegin is strings.Index(raw, "-----BEGIN PGP PUBLIC KEY BLOCK-----").
// It searches for the tail from "KEY" on, whose first byte is rare in HTML
// (dashes are not; on the corpus this halves the time), and checks the
// head before each hit: the first hit so preceded is the first occurrence
// of the whole marker.
func indexPGPBegin(raw string) int {
	const pre, core = "-----BEGIN PGP PUBLIC ", "KEY BLOCK-----"
	for off := 0; ; {
		j := strings.Index(raw[off:], core)
		if j < 0 {
			return -1
		}
		j += off
		if j >= len(pre) && raw[j-len(pre):j] == pre {
			return j - len(pre)
		}
		off = j + 1
	}
}
