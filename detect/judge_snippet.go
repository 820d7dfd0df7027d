package detect

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// snippetCut is a snippet before its ellipses: s, with "…" before it when
// pre and after it when post (the line goes on past the cut).
type snippetCut struct {
	s         string
	pre, post bool
}

// len is the snippet's length with its ellipses.
func (c *snippetCut) len() int {
	n := len(c.s)
	if c.pre {
		n += len(ellipsis)
	}
	if c.post {
		n += len(ellipsis)
	}
	return n
}

// ellipsis marks a snippet cut inside a line.
const ellipsis = "…"

// cutSnippet cuts the snippet of text around [start,end): the original
// text on one line, at most snippetRadius bytes either side, cut at rune
// boundaries.
func cutSnippet(text string, start, end int) snippetCut {
	a := start - snippetRadius
	if a < 0 {
		a = 0
	}
	b := end + snippetRadius
	if b > len(text) {
		b = len(text)
	}
	if start > a && text[start-1] == '\n' {
		a = start // the term starts its line: the last newline before it, without the search
	} else if nl := lastNewline(text[a:start]); nl >= 0 {
		a += nl + 1
	}
	// One search finds the first newline from the term on: if it is in
	// the term (which then needs its newlines replaced), a second finds
	// the first after it.
	termNL := false
	if nl := strings.IndexByte(text[start:b], '\n'); nl >= 0 {
		if start+nl < end {
			termNL = true
			if nl := strings.IndexByte(text[end:b], '\n'); nl >= 0 {
				b = end + nl
			}
		} else {
			b = start + nl
		}
	}
	for a > 0 && a < len(text) && !utf8.RuneStart(text[a]) {
		a++
	}
	for b < len(text) && !utf8.RuneStart(text[b]) {
		b--
	}
	s := text[a:b]
	// text[a:start] and text[end:b] hold no newline: only the quoted term
	// may.
	if termNL {
		s = strings.ReplaceAll(s, "\n", " ")
	}
	if !printableEnds(s) {
		s = trimSnippetSpace(s)
	}
	return snippetCut{s: s, pre: a > 0 && text[a-1] != '\n', post: b < len(text) && text[b] != '\n'}
}

// lastNewline is strings.LastIndexByte(s, '\n') for the short spans a
// snippet looks back over (the generic LastIndexByte goes a byte at a
// time): it tests eight bytes per step from the end.
func lastNewline(s string) int {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	i := len(s)
	for ; i >= 8; i -= 8 {
		x := le64(s, i-8) ^ 0x0a0a0a0a0a0a0a0a // newline bytes become 0
		// The high bit of each byte of t is set unless the byte of x is
		// 0; no carry crosses a byte, so every flagged byte is a newline
		// (the borrow trick of haszero may flag bytes above a real one).
		t := (x&lo7 + lo7) | x
		if z := ^t & hi; z != 0 {
			return i - 8 + (63-bits.LeadingZeros64(z))>>3
		}
	}
	for i--; i >= 0; i-- {
		if s[i] == '\n' {
			return i
		}
	}
	return -1
}

// spaceLastBytes marks, by c-0x80, the bytes a non-ASCII white-space rune
// (unicode.IsSpace: U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000) ends with in UTF-8: 0x80–0x8A, 0x9F,
// 0xA0, 0xA8, 0xA9 and 0xAF.
const spaceLastBytes = 1<<11 - 1 | 1<<0x1f | 1<<0x20 | 1<<0x28 | 1<<0x29 | 1<<0x2f

// trimSnippetSpace is strings.TrimSpace(s) (white-space runes, as
// unicode.IsSpace tells them, trimmed off both ends; an invalid byte is
// U+FFFD, no space). strings.TrimSpace hands any string with a non-ASCII
// end to strings.TrimFunc, a few hundred instructions on a snippet of
// Cyrillic or Chinese text; here an end decodes a rune only when its byte
// can begin (the lead bytes 0xC2, 0xE1, 0xE2, 0xE3) or end
// (spaceLastBytes) a non-ASCII space. TestTrimSpace checks it against
// strings.TrimSpace.
func trimSnippetSpace(s string) string {
	for len(s) > 0 {
		c := s[0]
		if c < utf8.RuneSelf {
			if !isASCIISpace(c) {
				break
			}
			s = s[1:]
			continue
		}
		if c != 0xC2 && c-0xE1 > 2 {
			break
		}
		r, n := utf8.DecodeRuneInString(s)
		if !unicode.IsSpace(r) {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c < utf8.RuneSelf {
			if !isASCIISpace(c) {
				break
			}
			s = s[:len(s)-1]
			continue
		}
		if c-0x80 >= 64 || spaceLastBytes>>(c-0x80)&1 == 0 {
			break
		}
		r, n := utf8.DecodeLastRuneInString(s)
		if !unicode.IsSpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

// isASCIISpace reports whether the ASCII byte c is white space as
// unicode.IsSpace (and strings.TrimSpace) tell it: '\t', '\n', '\v',
// '\f', '\r' or ' '.
func isASCIISpace(c byte) bool {
	return c == ' ' || c-'\t' <= '\r'-'\t'
}
