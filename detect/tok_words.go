package detect

import "unsafe"

// emitASCII appends the token s[i:j], a whole word of ASCII letters and
// digits with class bits acc, with no token open: segment's fast path.
// It reports false, having done nothing, when the token slice is full or
// the word must be lower-cased and is too long, too near the end of the
// text or the arena too full for two eight-byte steps; segment then calls
// emitASCIISlow. So it calls nothing: a leaf function keeps its values in
// registers, where one with calls on its rare paths spilled them on every
// call. Bytes and tokens are addressed through pointers where the offsets
// are known to be in bounds (each noted), without the compiler's checks.
func (z *tokenizer) emitASCII(toks []token, i, j int, acc uint8) ([]token, bool) {
	n := len(toks)
	if n == cap(toks) {
		return toks, false
	}
	// 0 <= i < j <= len(z.s); s is text[base:]
	p := unsafe.Add(unsafe.Pointer(unsafe.StringData(z.s)), i)
	if acc&tbUpper != 0 {
		// lower-cased at the end of arena (no token is open:
		// materialize's bookkeeping is not needed), in two eight-byte
		// steps, which write past the word's end, past len(arena),
		// where no norm points
		k := len(z.arena)
		if j-i > 16 || z.base+i+16 > len(z.text) || cap(z.arena)-k < 16 {
			return toks, false
		}
		// text[base+i:base+i+16] and arena[k:k+16] are in bounds (the
		// eight-byte steps may read past the segment, not the text)
		ap := unsafe.Add(unsafe.Pointer(unsafe.SliceData(z.arena)), k)
		x0, x1 := *(*uint64)(p), *(*uint64)(unsafe.Add(p, 8))
		*(*uint64)(ap) = lowerAlnumWord(x0)
		*(*uint64)(unsafe.Add(ap, 8)) = lowerAlnumWord(x1)
		z.arena = z.arena[:k+j-i] // a self-slice: no pointer store
		p = ap
	}
	norm := unsafe.String((*byte)(p), j-i)
	// pushToken, inline: letters and digits as 0 or 1 (tbLower, tbUpper
	// are bits 0 and 1, tbDigit bit 2); n < cap(toks)
	l, d := uint64(acc|acc>>1)&1, uint64(acc>>2)&1
	t := (*token)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(toks)), uintptr(n)*unsafe.Sizeof(token{})))
	if n > 0 {
		(*token)(unsafe.Add(unsafe.Pointer(t), -int(unsafe.Sizeof(token{})))).gap = z.gst & gapMask
	}
	putToken(t, norm, z.base+i, z.base+j, tokWordA(z.sent, z.zone)|d<<tokDigitsShift,
		l<<tokLettersShift|(l&d)<<tokLeetShift|uint64(asciiClass(norm, d != 0, l != 0))<<tokClsShift)
	z.gst = gsNone
	return toks[:n+1], true
}

// emitASCIISlow is emitASCII for the cases it declines.
func (z *tokenizer) emitASCIISlow(toks []token, i, j int, acc uint8) []token {
	norm := z.s[i:j]
	if acc&tbUpper != 0 {
		norm = z.lowerWord(i, j)
	}
	letters, digits := acc&(tbLower|tbUpper) != 0, acc&tbDigit != 0
	return z.pushToken(toks, norm, z.base+i, z.base+j, tokWordA(z.sent, z.zone)|b2u(digits)<<tokDigitsShift,
		b2u(letters)<<tokLettersShift|b2u(letters && digits)<<tokLeetShift|uint64(asciiClass(norm, digits, letters))<<tokClsShift)
}

// wordEnd returns the end of the run of ASCII letters and digits that
// starts at s[i] and the OR of their tb* classes.
func wordEnd(s string, i int) (int, uint8) {
	var acc uint8
	for ; uint(i) < uint(len(s)); i++ {
		cl := tokByteClass[s[i]]
		if cl&tbWord == 0 {
			break
		}
		acc |= cl
	}
	return i, acc
}
