package detect

import (
	"math/bits"
	"strings"
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
				// newASCIIFolded's test, with the two- and three-byte
				// forms (which decode below bmpSize) decoded inline
				c := s[i]
				var r rune
				size := 0
				switch {
				case c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
					r, size = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2
				case c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
					r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
				default:
					r, size = utf8.DecodeRuneInString(s[i:])
				}
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

// nextEntityToken returns the index of the first token at or after i that
// may be an address (letters and digits, or 56 bytes for an onion label;
// not a CJK character), or len(toks). On the way it sets *named when it
// passes a token naming a contact network (contactToken), so one walk over
// the tokens serves both.
func nextEntityToken(toks []token, i int, named *bool) int {
	nm := *named
	for ; i < len(toks); i++ {
		t := &toks[i]
		w := t.norm
		if !nm && contactTokShape.has(w) {
			nm = contactToken(w)
		}
		if (t.digits || len(w) == 56) && t.letters && !t.han {
			*named = nm
			return i
		}
	}
	*named = nm
	return len(toks)
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
