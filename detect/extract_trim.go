package detect

import "strings"

// Byte-level equivalents of the strings.IndexAny, TrimLeft and TrimRight
// calls of cleanVendor. Their cut sets hold non-ASCII runes, which sends
// the strings functions down a rune-by-rune path; here ASCII members are
// compared as bytes and the few non-ASCII ones by their UTF-8 encoding
// (a lead byte never occurs inside a valid sequence, and an invalid
// sequence, which strings decodes as U+FFFD, never equals a member's
// encoding, so the results are the same).

const fullColon = "：" // U+FF1A FULLWIDTH COLON

// indexSpace is strings.IndexAny(s, " \t\n").
func indexSpace(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\t' || c == '\n' {
			return i
		}
	}
	return -1
}

// indexColon is strings.IndexAny(s, ":：").
func indexColon(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ':' || c == fullColon[0] && strings.HasPrefix(s[i:], fullColon) {
			return i
		}
	}
	return -1
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
