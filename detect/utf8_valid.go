package detect

import "math/bits"

// validUTF8 reports whether p is valid UTF-8, as utf8.Valid does. Pages
// are mostly ASCII markup broken by short runs of non-ASCII text, where
// utf8.Valid goes byte by byte over the ASCII that leads up to each run;
// validUTF8 reads ASCII 32 and then 8 bytes at a time and jumps straight
// to the first byte of a word that is not ASCII. From there it runs an
// automaton (utf8DFA) over eight bytes a step, with no branch per byte,
// until a word of eight ASCII bytes starts where no rune is open.
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
		for uint(i) < uint(n) && p[i] < 0x80 { // unsigned: no bounds check on p[i]
			i++
		}
		if i >= n {
			return true
		}
		// the automaton from the first byte that is not ASCII, eight
		// bytes a step, back to the ASCII loops at a word of ASCII that
		// starts between runes
		st := uint(0) // 256 × the state: uAccept
		for i+8 <= n {
			w := load8b(p, i)
			if st == 0 {
				if w&hi1 == 0 {
					break
				}
			} else if st == uError<<8 {
				return false
			}
			st = uint(utf8DFA[(st|uint(byte(w)))&4095])
			st = uint(utf8DFA[(st|uint(byte(w>>8)))&4095])
			st = uint(utf8DFA[(st|uint(byte(w>>16)))&4095])
			st = uint(utf8DFA[(st|uint(byte(w>>24)))&4095])
			st = uint(utf8DFA[(st|uint(byte(w>>32)))&4095])
			st = uint(utf8DFA[(st|uint(byte(w>>40)))&4095])
			st = uint(utf8DFA[(st|uint(byte(w>>48)))&4095])
			st = uint(utf8DFA[(st|uint(byte(w>>56)))&4095])
			i += 8
		}
		if i+8 > n {
			// fewer than eight bytes left
			for ; i < n; i++ {
				st = uint(utf8DFA[(st|uint(p[i]))&4095])
			}
			return st == 0
		}
	}
}

// States of utf8DFA.
const (
	uAccept  = iota // between runes
	uNeed1          // one continuation byte (80..BF) left
	uNeed2          // two left
	uNeed3          // three left
	uAfterE0        // after E0: A0..BF (no overlong forms), then one
	uAfterED        // after ED: 80..9F (no surrogates), then one
	uAfterF0        // after F0: 90..BF (no overlong forms), then two
	uAfterF4        // after F4: 80..8F (nothing past U+10FFFF), then two
	uError          // not UTF-8 (a state it never leaves)
)

// utf8DFA is an automaton that accepts UTF-8 as RFC 3629 defines it (as
// utf8.Valid): the entry at 256*s + c is 256 × the state after byte c in
// state s (so that a step is one OR and one load; 4096 entries, so that
// masking the index with 4095 proves it in bounds).
var utf8DFA = func() (t [4096]uint16) {
	next := func(s, c int) int {
		cont := 0x80 <= c && c <= 0xBF
		switch s {
		case uAccept:
			switch {
			case c < 0x80:
				return uAccept
			case 0xC2 <= c && c <= 0xDF:
				return uNeed1
			case c == 0xE0:
				return uAfterE0
			case c == 0xED:
				return uAfterED
			case 0xE1 <= c && c <= 0xEF:
				return uNeed2
			case c == 0xF0:
				return uAfterF0
			case c == 0xF4:
				return uAfterF4
			case 0xF1 <= c && c <= 0xF3:
				return uNeed3
			}
		case uNeed1:
			if cont {
				return uAccept
			}
		case uNeed2:
			if cont {
				return uNeed1
			}
		case uNeed3:
			if cont {
				return uNeed2
			}
		case uAfterE0:
			if 0xA0 <= c && c <= 0xBF {
				return uNeed1
			}
		case uAfterED:
			if 0x80 <= c && c <= 0x9F {
				return uNeed1
			}
		case uAfterF0:
			if 0x90 <= c && c <= 0xBF {
				return uNeed2
			}
		case uAfterF4:
			if 0x80 <= c && c <= 0x8F {
				return uNeed2
			}
		}
		return uError
	}
	for s := uAccept; s <= uError; s++ {
		for c := 0; c < 256; c++ {
			t[s<<8|c] = uint16(next(s, c) << 8)
		}
	}
	return t
}()
