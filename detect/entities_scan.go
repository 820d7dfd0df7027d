package detect

import (
	"math/bits"
	"unicode/utf8"
)

// contactNonASCII flags, in contactFirst, the bytes of multi-byte runes.
const contactNonASCII = 0x80

// contactFirst maps a byte to a bit set of the contactWords that may start
// with it (either ASCII case, bits 0–6) and flags bytes ≥ 0x80 with
// contactNonASCII: one table load classifies every byte of the scan.
var contactFirst = func() (t [256]uint8) {
	if len(contactWords) > 7 {
		panic("detect: contactFirst holds at most 7 words")
	}
	for i, w := range contactWords {
		t[w[0]] |= 1 << i
		t[w[0]-('a'-'A')] |= 1 << i
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = contactNonASCII
	}
	return t
}()

// contactPrefix holds the first four bytes of each contact word as a
// little-endian word. Every contact word is at least five bytes long and
// every byte of these prefixes has bit 0x20 set, so a text word x can only
// match when x|0x20202020 equals the prefix (ASCII case folding sets that
// bit; the converse does not hold, so a match is confirmed byte by byte).
var contactPrefix = func() (p [7]uint32) {
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

// le32 reads s[i:i+4] as a little-endian word.
func le32(s string, i int) uint32 {
	_ = s[i+3]
	return uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
}

// scanContactWords appends every occurrence of each contact word in lower
// (see findLabels). With checkFold, lower must be an in-place folded text
// whose fold-ability is not yet known: the runes are checked as
// newASCIIFolded checks them, and false is returned as soon as one cannot
// be searched in place (the hits are then meaningless).
func scanContactWords(lower asciiFolded, checkFold bool, out []labelHit) ([]labelHit, bool) {
	if checkFold {
		foldOnce.Do(buildFoldTable)
	}
	var next [8]int // per word: first offset a new hit may start at
	s := lower.s
	for i := 0; i < len(s); i++ {
		set := contactFirst[s[i]]
		if set == 0 {
			continue
		}
		if set == contactNonASCII {
			if checkFold {
				r, size := utf8.DecodeRuneInString(s[i:])
				if r == utf8.RuneError || r >= bmpSize || runeClass[r]&runeLowerKeeps == 0 {
					return out, false
				}
				i += size - 1
			}
			continue
		}
		if i+4 > len(s) {
			continue // too short for any word; later bytes still need the rune check
		}
		x := le32(s, i) | 0x20202020
		// Words sharing a first byte differ in their first four bytes, so
		// at most one word matches here.
		for ; set != 0; set &= set - 1 {
			li := bits.TrailingZeros8(set)
			if x == contactPrefix[li] {
				if l := contactWords[li]; i >= next[li] && lower.at(i, l) {
					out = append(out, labelHit{uint8(li), int32(i)})
					next[li] = i + len(l)
				}
				break
			}
		}
	}
	return out, true
}

// contactTokShape holds, per first byte, a bit per length of the token
// words that make a page worth a contact scan (see contactToken).
var contactTokShape = func() (t [256]uint16) {
	for _, w := range contactTokens {
		t[w[0]] |= 1 << len(w)
	}
	return t
}()

// contactTokens are the token words that name a contact network.
var contactTokens = [...]string{"wickr", "session", "threema", "signal", "telegram", "jabber", "me"}

// contactToken reports whether the token word w is one of contactTokens.
func contactToken(w string) bool {
	if len(w) == 0 || len(w) > 15 || contactTokShape[w[0]]&(1<<len(w)) == 0 {
		return false
	}
	for _, c := range contactTokens {
		if w == c {
			return true
		}
	}
	return false
}

// nextEntityToken returns the index of the first token at or after i that
// may be an address (letters and digits, or 56 bytes for an onion label;
// not a CJK character), or len(toks); a call-free loop.
func nextEntityToken(toks []token, i int) int {
	for ; i < len(toks); i++ {
		t := &toks[i]
		if (t.digits || len(t.norm) == 56) && t.letters && !t.han {
			return i
		}
	}
	return len(toks)
}

// nextShape16 is nextShape for a table of words shorter than 16 bytes
// (bit n for length n).
func nextShape16(toks []token, i int, shape *[256]uint16) int {
	for ; i < len(toks); i++ {
		w := toks[i].norm
		if n := uint(len(w)); n-1 < 15 && shape[w[0]]&(1<<(n&15)) != 0 {
			return i
		}
	}
	return len(toks)
}
