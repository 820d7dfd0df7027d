package detect

import "math/bits"

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
