package detect

import "math/bits"

// Name readers for the fast page reader. Element and attribute names are
// short (most are one to five bytes), so they are read byte by byte: one
// table lookup both lower-cases a byte and tells whether it ends the name,
// and the key (tagKey) is built on the way.

// nameByte maps a byte of an element name to its lower-case form
// (lowerByte) and the bytes that end a tag name (white space, "/" and ">",
// byteClass bNameEnd) to 0. NUL never reaches the fast reader (parseFast
// bails on it), so 0 is free to mean "end".
var nameByte = func() (t [256]byte) {
	for c := range t {
		if byteClass[c]&bNameEnd == 0 {
			t[c] = lowerByte[c]
		}
	}
	return t
}()

// attrNameByte is nameByte for attribute names, which "=" also ends.
var attrNameByte = func() (t [256]byte) {
	t = nameByte
	t['='] = 0
	return t
}()

// tagName reads the element name starting at s[i]: it returns the index
// just after the name and the name's tagKey, built as the name is read.
func tagName(s string, i int) (end int, key uint64) {
	for ; i < len(s); i++ {
		c := nameByte[s[i]]
		if c == 0 {
			break
		}
		key = key<<8 | uint64(c)
	}
	return i, key
}

// attrName is tagName for an attribute name, which also ends at "=".
func attrName(s string, i int) (end int, key uint64) {
	for ; i < len(s); i++ {
		c := attrNameByte[s[i]]
		if c == 0 {
			break
		}
		key = key<<8 | uint64(c)
	}
	return i, key
}

// quotedAttrName reads, for readAttrs, the most common attribute shape
// at s[i]: a name of one to six lower-case ASCII letters, "=" and a quote.
// It returns the name's length and tagKey, or k == 0 when s[i:] has
// another shape (or fewer than eight bytes). All eight bytes are tested
// at once: the name's bytes lie in 'a'..'z' and the first "=" follows it.
func quotedAttrName(s string, i int) (k int, key uint64) {
	if i+8 > len(s) {
		return 0, 0
	}
	w := load8(s, i)
	eq := bytesEqual(w, '=')
	if eq == 0 {
		return 0, 0
	}
	k = bits.TrailingZeros64(eq) >> 3 // the first "=": the name's end
	if k == 0 || k > 6 {
		return 0, 0 // (k <= 6: the quote is within w too)
	}
	t := w & lo7
	letter := (t + ones*(0x80-'a')) &^ (t + ones*(0x80-'z'-1)) &^ w & hi1 // exact per byte
	if ^letter&keyMask[k]&hi1 != 0 {
		return 0, 0
	}
	if q := byte(w >> (8 * uint(k+1))); q != '"' && q != '\'' {
		return 0, 0
	}
	return k, bits.ReverseBytes64(w&keyMask[k]) >> (64 - 8*uint(k))
}
