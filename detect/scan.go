package detect

import (
	"strings"

	"golang.org/x/net/html"
)

// byteScanner is a byte-level HTML tokenizer for the common shapes of
// markup: it finds the same text and tag tokens as x/net/html's Tokenizer
// (the same raw bytes, the same self-closing and raw-text decisions) but
// works on the string in place, without a read buffer or per-token state.
// Whenever the page holds a construct it does not model exactly (script
// escapes, unterminated tags or comments, "--!>", self-closing raw-text
// elements, NUL bytes, plaintext/xmp/noembed/noframes), it reports bail and
// the caller re-reads the whole page with x/net/html, so the two readers
// never disagree. TestByteScannerAgrees checks this over the corpus.
type byteScanner struct {
	s      string
	pos    int
	rawTag string // element whose raw text or RCDATA comes next
	bail   bool
}

// next returns the next token type and its raw bytes. It returns
// html.ErrorToken at the end of input, and also when it bails.
func (z *byteScanner) next() (html.TokenType, string) {
	s := z.s
	if z.rawTag != "" {
		tag := z.rawTag
		z.rawTag = ""
		start := z.pos
		end, ok := rawTextEnd(s, start, tag)
		if !ok {
			z.bail = true
			return html.ErrorToken, ""
		}
		if tag == "script" && strings.Contains(s[start:end], "<!--") {
			z.bail = true // script data escape states
			return html.ErrorToken, ""
		}
		if end > start {
			z.pos = end
			return html.TextToken, s[start:end]
		}
	}
	start := z.pos
	i := start
	for {
		k := strings.IndexByte(s[i:], '<')
		if k < 0 {
			z.pos = len(s)
			if start < len(s) {
				return html.TextToken, s[start:]
			}
			return html.ErrorToken, ""
		}
		i += k
		if i+1 >= len(s) {
			z.bail = true // "<" at the very end
			return html.ErrorToken, ""
		}
		c := s[i+1]
		if isASCIILetter(c) || c == '/' || c == '!' || c == '?' {
			break
		}
		i++ // a "<" that opens nothing is text
	}
	if i > start {
		z.pos = i
		return html.TextToken, s[start:i]
	}
	c := s[i+1]
	switch {
	case isASCIILetter(c):
		end, selfClosing, ok := tagEnd(s, i+1)
		if !ok {
			z.bail = true
			return html.ErrorToken, ""
		}
		z.pos = end
		if tag := rawTextTag(s[i+1 : end]); tag != "" {
			if selfClosing || tag == "plaintext" || tag == "xmp" || tag == "noembed" || tag == "noframes" {
				z.bail = true
				return html.ErrorToken, ""
			}
			z.rawTag = tag
		}
		if selfClosing {
			return html.SelfClosingTagToken, s[i:end]
		}
		return html.StartTagToken, s[i:end]
	case c == '/':
		if i+2 >= len(s) || !isASCIILetter(s[i+2]) {
			// "</>" and "</ bogus>": comments (nothing to read)
			k := strings.IndexByte(s[i+2:], '>')
			if k < 0 {
				z.bail = true
				return html.ErrorToken, ""
			}
			z.pos = i + 2 + k + 1
			return html.CommentToken, s[i:z.pos]
		}
		end, _, ok := tagEnd(s, i+2)
		if !ok {
			z.bail = true
			return html.ErrorToken, ""
		}
		z.pos = end
		return html.EndTagToken, s[i:end]
	case c == '!' && strings.HasPrefix(s[i:], "<!--"):
		// The first "-->" after "<!" also ends "<!-->" and "<!--->".
		k := strings.Index(s[i+2:], "-->")
		if k < 0 || strings.Contains(s[i+2:i+2+k], "--!") {
			z.bail = true
			return html.ErrorToken, ""
		}
		z.pos = i + 2 + k + 3
		return html.CommentToken, s[i:z.pos]
	default: // "<!DOCTYPE …>", "<!bogus>", "<?xml …?>"
		if i+3 >= len(s) {
			z.bail = true
			return html.ErrorToken, ""
		}
		k := strings.IndexByte(s[i+2:], '>')
		if k < 0 {
			z.bail = true
			return html.ErrorToken, ""
		}
		z.pos = i + 2 + k + 1
		return html.CommentToken, s[i:z.pos]
	}
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// tagEnd finds the end of the tag whose name starts at i (just after "<"
// or "</"), following the HTML attribute states: quoted values may hold
// ">". It reports whether the tag closes itself ("<br/>", but not
// "<a href=x/>") and ok=false when the input ends inside the tag.
func tagEnd(s string, i int) (end int, selfClosing, ok bool) {
	n := len(s)
	for i < n && byteClass[s[i]]&bNameEnd == 0 {
		i++
	}
	lastValEnd := -1 // index one past the last attribute value's last byte
	for {
		for i < n && isSpaceByte(s[i]) {
			i++
		}
		if i >= n {
			return 0, false, false
		}
		if s[i] == '>' {
			i++
			break
		}
		// attribute name; a leading "=" belongs to the name
		ks := i
		for i < n {
			c := s[i]
			if c == '=' && i != ks {
				break
			}
			if isSpaceByte(c) || c == '/' || c == '>' {
				break
			}
			i++
		}
		if i >= n {
			return 0, false, false
		}
		// attribute value
		vs := i
		for i < n && isSpaceByte(s[i]) {
			i++
		}
		if i >= n {
			return 0, false, false
		}
		switch s[i] {
		case '/':
			i++
			lastValEnd = vs
			continue
		case '=':
		default:
			lastValEnd = vs
			continue
		}
		i++
		for i < n && isSpaceByte(s[i]) {
			i++
		}
		if i >= n {
			return 0, false, false
		}
		switch q := s[i]; q {
		case '>':
			lastValEnd = vs
		case '"', '\'':
			k := strings.IndexByte(s[i+1:], q)
			if k < 0 {
				return 0, false, false
			}
			lastValEnd = i + 1 + k
			i = i + 1 + k + 1
		default:
			for i < n && !isSpaceByte(s[i]) && s[i] != '>' {
				i++
			}
			if i >= n {
				return 0, false, false
			}
			lastValEnd = i
		}
	}
	if s[i-2] == '/' && lastValEnd == i-1 {
		// "<a href=x/>": whether it closes itself depends on which
		// attributes x/net/html keeps (duplicates are dropped); let it decide.
		return 0, false, false
	}
	return i, s[i-2] == '/', true
}

// rawTextTag returns the lowercased name when the start tag's element
// holds raw text or RCDATA, else "".
func rawTextTag(tag string) string {
	j := 0
	for j < len(tag) && byteClass[tag[j]]&bNameEnd == 0 {
		j++
	}
	name := tag[:j]
	var cands []string
	switch name[0] | 0x20 {
	case 'i':
		cands = []string{"iframe"}
	case 'n':
		cands = []string{"noembed", "noframes", "noscript"}
	case 'p':
		cands = []string{"plaintext"}
	case 's':
		cands = []string{"script", "style"}
	case 't':
		cands = []string{"textarea", "title"}
	case 'x':
		cands = []string{"xmp"}
	}
	for _, t := range cands {
		if len(name) == len(t) && strings.EqualFold(name, t) {
			return t
		}
	}
	return ""
}

// rawTextEnd finds where the raw text of element tag (a lower-case ASCII
// name) ends: at the next "</tag" followed by a space, "/" or ">" (any
// case). ok=false when there is no such end tag. The name is compared
// byte by byte with ASCII case folding, which is strings.EqualFold here:
// a non-ASCII rune in len(tag) bytes would leave fewer runes than tag has.
func rawTextEnd(s string, i int, tag string) (int, bool) {
	for {
		// The next "</": the next '<' (a byte search, without the
		// substring search's setup) that a '/' follows.
		k := strings.IndexByte(s[i:], '<')
		if k < 0 {
			return 0, false
		}
		i += k
		if i+1 >= len(s) || s[i+1] != '/' {
			i++
			continue
		}
		j := i + 2
		if j+len(tag) < len(s) && foldsToTag(s[j:j+len(tag)], tag) {
			switch s[j+len(tag)] {
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				return i, true
			}
		}
		i += 2
	}
}

// foldsToTag reports whether s, ASCII capitals lower-cased, is the
// lower-case name tag (of the same length).
func foldsToTag(s, tag string) bool {
	for i := 0; i < len(tag); i++ {
		c := s[i]
		if c-'A' < 26 {
			c += 'a' - 'A'
		}
		if c != tag[i] {
			return false
		}
	}
	return true
}
