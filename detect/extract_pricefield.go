package detect

import (
	"unicode/utf8"
	"unsafe"
)

// priceFieldFast reads a page's price field of one of the commonest shapes
// without tokenizing it (a few hundred instructions saved per field) and
// gives the value and currency priceOfField finds in it; known is false
// when the field has none of these shapes, and priceOfField then
// tokenizes it. N below is a number: ASCII digits in groups joined by a
// single '.' or ',', ending in a digit, at the start of its shape.
//
//	S [ ] N end-or-space     S a currency symbol
//	P$ N end-or-space        P "R", "C", "A", "US" or "MX"
//	W ' ' N rest             W an ASCII currency word (in any case); rest is the
//	                         end, or a space and an ASCII word (ended by the end
//	                         or a space) that is no currency or unit word
//	N [ ] S                  S a currency symbol that is not a leet symbol
//	N ' ' W end-or-space     W an ASCII currency word
//
// Why this is the tokenizer path's answer: nothing before N has a digit,
// and N, ended by a space, the end or a non-ASCII symbol, is one whole
// token whose norm is its text (digits and separators: splitNumUnit
// leaves no rest), so N is the first number scanNumbersAt reads and
// numberContext decides what it is. Its checks, in their order: a symbol
// before N (past one space) makes N a price in that currency ('$' after
// R, C or A: BRL, CAD, AUD); else a symbol after it (past one space);
// else the next token, one space on, when it is a currency word (a unit
// word makes N a quantity: not a shape here); else the token before, one
// space back, when it is a currency word. A word of ASCII letters ended by
// a space or the end is one token whose norm is its lower-case form. The
// first price is N's whenever parseNumber accepts N; when it does not,
// later tokens decide and known is false. TestPriceFieldFast compares
// this with the tokenizer path over the corpus's fields, the shapes' every
// variant and random fields; FuzzPriceFieldFast on any field.
func priceFieldFast(s string) (value float64, currency currencyCode, known bool) {
	if s == "" {
		return 0, curNone, false
	}
	c := s[0]
	switch {
	case isASCIIDigit(c):
		return priceNumberFirst(s)
	case c == '$' || c >= utf8.RuneSelf:
		return priceSymbolFirst(s, 0)
	}
	// letters: a currency word before a space, or P before '$'
	w := asciiLetters(s, 0)
	if w == len(s) {
		return 0, curNone, false
	}
	if s[w] == '$' {
		switch s[:w] {
		case "R", "C", "A", "US", "MX":
			return priceSymbolFirst(s, w)
		}
		return 0, curNone, false
	}
	if s[w] != ' ' {
		return 0, curNone, false
	}
	cur, ok := asciiCurrencyWord(s[:w])
	if !ok {
		return 0, curNone, false
	}
	ne := numberEnd(s, w+1)
	if ne < 0 {
		return 0, curNone, false
	}
	if ne < len(s) {
		// the token after N must be no currency or unit word: an
		// ASCII word ended by a space or the end, looked up
		a := ne + 1
		e := asciiLetters(s, a)
		if e == a || e < len(s) && s[e] != ' ' {
			return 0, curNone, false
		}
		var buf [16]byte
		if e-a > len(buf) {
			return 0, curNone, false // longer than any currency or unit word
		}
		lw := asciiLower(&buf, s[a:e])
		if _, _, ok := currencyWord(lw); ok {
			return 0, curNone, false
		}
		if _, ok := unitWord(lw); ok {
			return 0, curNone, false
		}
	}
	v, ok := parseNumber(s[w+1 : ne])
	if !ok {
		return 0, curNone, false
	}
	return v, cur, true
}

// priceSymbolFirst is priceFieldFast for a field whose currency symbol
// starts at s[i] (after P, when i > 0).
func priceSymbolFirst(s string, i int) (float64, currencyCode, bool) {
	r, size := utf8.DecodeRuneInString(s[i:])
	cur, ok := currencySymbol(r)
	if !ok {
		return 0, curNone, false
	}
	if r == '$' && i > 0 {
		switch s[i-1] {
		case 'R':
			cur = curBRL
		case 'C':
			cur = curCAD
		case 'A':
			cur = curAUD
		}
	}
	n := i + size
	if n < len(s) && s[n] == ' ' {
		n++
	} else if i > 0 {
		return 0, curNone, false // R$9: the rune path reads "rs9", a leet word
	}
	ne := numberEnd(s, n)
	if ne < 0 {
		return 0, curNone, false
	}
	v, ok := parseNumber(s[n:ne])
	if !ok {
		return 0, curNone, false
	}
	return v, cur, true
}

// priceNumberFirst is priceFieldFast for a field that starts with a digit.
func priceNumberFirst(s string) (float64, currencyCode, bool) {
	ne := 0
	for ne < len(s) && isASCIIDigit(s[ne]) {
		ne++
		if ne+1 < len(s) && (s[ne] == '.' || s[ne] == ',') && isASCIIDigit(s[ne+1]) {
			ne++
		}
	}
	if ne == len(s) {
		return 0, curNone, false
	}
	a := ne
	if s[a] == ' ' {
		a++
	}
	if a == len(s) {
		return 0, curNone, false
	}
	var cur currencyCode
	if c := s[a]; c >= utf8.RuneSelf {
		r, _ := utf8.DecodeRuneInString(s[a:])
		if isLeetSymbol(r) && a == ne {
			return 0, curNone, false // N€: a leet symbol against N
		}
		var ok bool
		if cur, ok = currencySymbol(r); !ok {
			return 0, curNone, false
		}
	} else {
		if a == ne {
			return 0, curNone, false
		}
		e := asciiLetters(s, a)
		if e == a || e < len(s) && s[e] != ' ' {
			return 0, curNone, false
		}
		var ok bool
		if cur, ok = asciiCurrencyWord(s[a:e]); !ok {
			return 0, curNone, false
		}
	}
	v, ok := parseNumber(s[:ne])
	if !ok {
		return 0, curNone, false
	}
	return v, cur, true
}

// numberEnd returns the end of the number N that starts at s[i] when N is
// followed by the end of s or a space, else -1.
func numberEnd(s string, i int) int {
	if i >= len(s) || !isASCIIDigit(s[i]) {
		return -1
	}
	for i < len(s) && isASCIIDigit(s[i]) {
		i++
		if i+1 < len(s) && (s[i] == '.' || s[i] == ',') && isASCIIDigit(s[i+1]) {
			i++
		}
	}
	if i < len(s) && s[i] != ' ' {
		return -1
	}
	return i
}

// asciiLetters returns the end of the run of ASCII letters at s[i].
func asciiLetters(s string, i int) int {
	for i < len(s) && (s[i]|0x20 >= 'a' && s[i]|0x20 <= 'z') {
		i++
	}
	return i
}

// asciiCurrencyWord is currencyWord of the ASCII letters w lower-cased.
func asciiCurrencyWord(w string) (currencyCode, bool) {
	var buf [16]byte
	if len(w) > len(buf) {
		return curNone, false
	}
	cur, _, ok := currencyWord(asciiLower(&buf, w))
	return cur, ok
}

// asciiLower writes the ASCII letters w (at most len(buf) of them)
// lower-cased into buf and returns them as a string over buf's bytes, with
// no copy: sound as long as buf is not written again while the string is
// used (its callers only look it up, and currencyWord and unitWord keep
// no part of their argument).
func asciiLower(buf *[16]byte, w string) string {
	n := copy(buf[:], w)
	for i := range n {
		buf[i] |= 0x20
	}
	return unsafe.String(&buf[0], n)
}

// isASCIIDigit reports whether c is '0' to '9'.
func isASCIIDigit(c byte) bool { return c-'0' < 10 }
