package detect

import (
	"math/bits"
	"strings"
)

// Byte-level equivalents of the strings.IndexAny, TrimLeft and TrimRight
// calls of cleanVendor. Their cut sets hold non-ASCII runes, which sends
// the strings functions down a rune-by-rune path; here ASCII members are
// compared as bytes and the few non-ASCII ones by their UTF-8 encoding
// (a lead byte never occurs inside a valid sequence, and an invalid
// sequence, which strings decodes as U+FFFD, never equals a member's
// encoding, so the results are the same).

const fullColon = "：" // U+FF1A FULLWIDTH COLON

// indexSpace is strings.IndexAny(s, " \t\n"), eight bytes a step.
func indexSpace(s string) int {
	const ones = 0x0101010101010101
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := le64(s, i)
		if z := nulBytes(x^' '*ones) | nulBytes(x^'\t'*ones) | nulBytes(x^'\n'*ones); z != 0 {
			return i + bits.TrailingZeros64(z)>>3
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\t' || c == '\n' {
			return i
		}
	}
	return -1
}

// indexColon is strings.IndexAny(s, ":："), eight bytes a step: the
// candidates are the colons and the lead bytes of a full-width colon.
func indexColon(s string) int {
	const ones = 0x0101010101010101
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := le64(s, i)
		for z := nulBytes(x^':'*ones) | nulBytes(x^uint64(fullColon[0])*ones); z != 0; z &= z - 1 {
			if k := i + bits.TrailingZeros64(z)>>3; s[k] == ':' || strings.HasPrefix(s[k:], fullColon) {
				return k
			}
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == ':' || c == fullColon[0] && strings.HasPrefix(s[i:], fullColon) {
			return i
		}
	}
	return -1
}

// nulBytes marks with its high bit each byte of x that is zero, exactly:
// the low seven bits plus 0x7f carry into the high bit unless they are
// all zero, never into the next byte.
func nulBytes(x uint64) uint64 {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	return ^((x&lo7 + lo7) | x) & hi
}

// trimVendorLeft is strings.TrimLeft(s, " \t\n:-–—|·=").
func trimVendorLeft(s string) string {
	for len(s) > 0 {
		switch c := s[0]; {
		case c == ' ' || c == '\t' || c == '\n' || c == ':' || c == '-' || c == '|' || c == '=':
			s = s[1:]
		case c < 0x80:
			return s
		case strings.HasPrefix(s, "–") || strings.HasPrefix(s, "—"):
			s = s[len("–"):]
		case strings.HasPrefix(s, "·"):
			s = s[len("·"):]
		default:
			return s
		}
	}
	return s
}

// trimColonsRight is strings.TrimRight(s, ":：").
func trimColonsRight(s string) string {
	for len(s) > 0 {
		if s[len(s)-1] == ':' {
			s = s[:len(s)-1]
		} else if strings.HasSuffix(s, fullColon) {
			s = s[:len(s)-len(fullColon)]
		} else {
			return s
		}
	}
	return s
}

// trimVendorRight is strings.TrimRight(s, ".,;:：!?)").
func trimVendorRight(s string) string {
	for len(s) > 0 {
		switch s[len(s)-1] {
		case '.', ',', ';', ':', '!', '?', ')':
			s = s[:len(s)-1]
			continue
		}
		if !strings.HasSuffix(s, fullColon) {
			return s
		}
		s = s[:len(s)-len(fullColon)]
	}
	return s
}
