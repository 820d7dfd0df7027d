package detect

// Reading a Content-Type's charset parameter without mime.ParseMediaType
// (which allocates a map per call) for the common "text/html;
// charset=utf-8". headerCharsetUTF8 accepts only a strict subset of what
// mime.ParseMediaType accepts, on which both read the same charset; for
// anything else decodeBody takes the general path through
// charset.DetermineEncoding.

// headerCharsetUTF8 reports whether contentType is a media type with a
// single parameter, charset, whose value htmlindex maps to UTF-8, in this
// strict form:
//
//	OWS token "/" token OWS ";" OWS "charset" OWS "=" OWS value OWS [";" OWS]
//
// where OWS is spaces and tabs, "charset" is matched in any ASCII case and
// value is a token or a quoted string without backslashes, CR or LF.
//
// Why mime.ParseMediaType reads such a header the same way: the media type
// (the text before the first ';', lower-cased and trimmed) is token "/"
// token, which it accepts; consumeMediaParam skips the ';' and white space
// (spaces and tabs are unicode.IsSpace), reads the parameter name as a token
// ("charset" here: the byte after it is white space or '=', neither a token
// byte), lower-cases it, skips white space and '=' and reads the value (the
// same token, or the same quoted string: without backslashes there is no
// escape to undo); a remaining ";" with white space is a trailing semicolon
// it ignores. So params["charset"] is value, and charset.Lookup(value) is
// htmlindex.Get(value), which looks up strings.ToLower(strings.TrimSpace
// (value)): isUTF8Label accepts a value only when that is a UTF-8 label.
func headerCharsetUTF8(ct string) bool {
	i := skipOWS(ct, 0)
	j := skipToken(ct, i)
	if j == i || j >= len(ct) || ct[j] != '/' {
		return false
	}
	k := skipToken(ct, j+1)
	if k == j+1 {
		return false
	}
	i = skipOWS(ct, k)
	if i >= len(ct) || ct[i] != ';' {
		return false
	}
	i = skipOWS(ct, i+1)
	if len(ct)-i < len("charset=") || !asciiEqualFold(ct[i:i+len("charset")], "charset") {
		return false
	}
	i = skipOWS(ct, i+len("charset"))
	if i >= len(ct) || ct[i] != '=' {
		return false
	}
	i = skipOWS(ct, i+1)
	var label string
	if i < len(ct) && ct[i] == '"' {
		e := i + 1
		for e < len(ct) && ct[e] != '"' {
			if c := ct[e]; c == '\\' || c == '\r' || c == '\n' {
				return false
			}
			e++
		}
		if e == len(ct) {
			return false // no closing quote
		}
		// htmlindex trims the value; spaces and tabs are what can be
		// trimmed here (other white space fails isUTF8Label)
		label = ct[skipOWS(ct[:e], i+1):e]
		for len(label) > 0 && (label[len(label)-1] == ' ' || label[len(label)-1] == '\t') {
			label = label[:len(label)-1]
		}
		i = e + 1
	} else {
		e := skipToken(ct, i)
		label, i = ct[i:e], e
	}
	i = skipOWS(ct, i)
	if i < len(ct) && ct[i] == ';' {
		i = skipOWS(ct, i+1)
	}
	return i == len(ct) && isUTF8Label(label)
}

// isUTF8Label reports whether l, ASCII case aside, is one of the WHATWG
// labels of UTF-8 (x/text's htmlindex table).
func isUTF8Label(l string) bool {
	switch len(l) {
	case 4:
		return asciiEqualFold(l, "utf8")
	case 5:
		return asciiEqualFold(l, "utf-8")
	case 13:
		return asciiEqualFold(l, "unicode11utf8") || asciiEqualFold(l, "unicode20utf8")
	case 15:
		return asciiEqualFold(l, "x-unicode20utf8")
	case 17:
		return asciiEqualFold(l, "unicode-1-1-utf-8")
	}
	return false
}

// skipOWS returns the index of the first byte of s from i on that is not a
// space or a tab (len(s) if none).
func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// skipToken returns the index of the first byte of s from i on that is
// not a MIME token byte (len(s) if none).
func skipToken(s string, i int) int {
	for i < len(s) && mimeToken[s[i]] {
		i++
	}
	return i
}

// mimeToken marks the bytes of a MIME token (RFC 2045, as mime's
// isTokenChar): US-ASCII above space, except DEL and the tspecials.
var mimeToken = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = true
	}
	for _, c := range []byte(`()<>@,;:\"/[]?=`) {
		t[c] = false
	}
	return t
}()
