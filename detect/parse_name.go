package detect

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
	for ; uint(i) < uint(len(s)); i++ { // unsigned: s[i] needs no bounds check
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
	for ; uint(i) < uint(len(s)); i++ { // as in tagName
		c := attrNameByte[s[i]]
		if c == 0 {
			break
		}
		key = key<<8 | uint64(c)
	}
	return i, key
}
