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

// foldableInPlace reports whether newASCIIFolded(s) searches s in place:
// its test, rune by rune, with runs of eight ASCII bytes skipped at once,
// runes of accepted blocks (foldBlocks) skipped undecoded and the other
// two- and three-byte forms (which decode below bmpSize) decoded inline.
func foldableInPlace(s string) bool {
	foldBlocks.once.Do(buildFoldBlocks)
	ok := &foldBlocks.ok
	for i := 0; i < len(s); {
		if i+8 <= len(s) && le64(s, i)&0x8080808080808080 == 0 {
			i += 8
			continue
		}
		c := s[i]
		if c < 0x80 {
			i++
			continue
		}
		var r rune
		size := 0
		switch {
		case c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			if ok[c&0x1F] {
				i += 2
				continue
			}
			r, size = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2
		case c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			if ok[int(c&0x0F)<<6|int(s[i+1]&0x3F)] {
				i += 3
				continue
			}
			r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
		default:
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if r == utf8.RuneError || r >= bmpSize || runeClass[r]&runeLowerKeeps == 0 {
			return false
		}
		i += size
	}
	return true
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
		ks := contactPairs[contactPair(s[q], s[q+1])]
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
	}
	return out
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
