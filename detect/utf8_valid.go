package detect

import "math/bits"

// validUTF8 reports whether p is valid UTF-8, as utf8.Valid does. Pages
// are mostly ASCII markup broken by short runs of non-ASCII text, where
// utf8.Valid goes byte by byte over the ASCII that leads up to each run;
// validUTF8 reads ASCII 32 and then 8 bytes at a time and jumps straight
// to the first byte of a word that is not ASCII.
func validUTF8(p []byte) bool {
	n := len(p)
	i := 0
	for {
		// ASCII up to the next byte >= 0x80
		for i+32 <= n && (load8b(p, i)|load8b(p, i+8)|load8b(p, i+16)|load8b(p, i+24))&hi1 == 0 {
			i += 32
		}
		for i+8 <= n {
			if w := load8b(p, i) & hi1; w != 0 {
				i += bits.TrailingZeros64(w) >> 3
				break
			}
			i += 8
		}
		for i < n && p[i] < 0x80 {
			i++
		}
		// the non-ASCII runes from there up to the next ASCII byte
		for i < n {
			c := p[i]
			if c < 0x80 {
				// back to the word loops only for eight ASCII bytes in a
				// row (a space between two non-ASCII words is stepped over)
				if i+8 > n || load8b(p, i)&hi1 == 0 {
					break
				}
				i++
				continue
			}
			if c-0xC2 < 0xE0-0xC2 {
				// a two-byte rune (most non-ASCII text in Cyrillic,
				// Greek or accented Latin): any continuation byte
				if i+1 >= n || p[i+1]&0xC0 != 0x80 {
					return false
				}
				i += 2
				continue
			}
			l := utf8Lead[c]
			switch l.size {
			case 2:
				if i+1 >= n || p[i+1] < l.lo || p[i+1] > l.hi {
					return false
				}
			case 3:
				if i+2 >= n || p[i+1] < l.lo || p[i+1] > l.hi || p[i+2]&0xC0 != 0x80 {
					return false
				}
			case 4:
				if i+3 >= n || p[i+1] < l.lo || p[i+1] > l.hi || p[i+2]&0xC0 != 0x80 || p[i+3]&0xC0 != 0x80 {
					return false
				}
			default:
				return false // a continuation byte, or a byte no rune starts with
			}
			i += int(l.size)
		}
		if i >= n {
			return true
		}
	}
}

// utf8LeadInfo describes the byte a multi-byte rune starts with: the
// rune's length (0: no valid rune starts with it) and the range its
// second byte must lie in (its other bytes lie in 0x80..0xBF).
type utf8LeadInfo struct{ size, lo, hi uint8 }

// utf8Lead is utf8LeadInfo by lead byte (the ranges of RFC 3629: no
// overlong forms, surrogates or runes past U+10FFFF).
var utf8Lead = func() (t [256]utf8LeadInfo) {
	for c := 0xC2; c <= 0xDF; c++ {
		t[c] = utf8LeadInfo{2, 0x80, 0xBF}
	}
	for c := 0xE0; c <= 0xEF; c++ {
		t[c] = utf8LeadInfo{3, 0x80, 0xBF}
	}
	t[0xE0].lo = 0xA0 // no overlong forms
	t[0xED].hi = 0x9F // no surrogates
	for c := 0xF0; c <= 0xF4; c++ {
		t[c] = utf8LeadInfo{4, 0x80, 0xBF}
	}
	t[0xF0].lo = 0x90 // no overlong forms
	t[0xF4].hi = 0x8F // nothing past U+10FFFF
	return t
}()
