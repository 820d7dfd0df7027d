package detect

import (
	"bytes"
	"math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// Zones, in the order of the zone constants below.
const (
	zoneTitle uint8 = iota
	zoneHeading
	zoneMain
	zoneBody
	zoneAlt
	zoneNav
	numZones
)

var zoneNames = [numZones]string{"title", "heading", "main", "body", "alt", "nav"}

// segment is a run of document text from one zone.
type segment struct {
	zone       uint8
	start, end int
}

// document is a page reduced to text: every zone's text, concatenated with
// newlines, plus the parsed tree for selector-based extraction.
type document struct {
	text   string
	segs   []segment
	title  string // <title> or first h1, whitespace collapsed
	h1     string
	dom    *goquery.Document // parsed tree; nil on the streaming path and for plain text
	vendor string            // text of the first element whose class names a vendor or seller
	// vendorMulti is set when elements whose class names a vendor hold
	// different names (an index or category page listing several vendors).
	vendorMulti bool
	vendorName  string // cleanVendor(vendor), streaming path
	// labelled holds the text of elements whose class names a field
	// (price, ships-from, ships-to), streaming path only.
	price, shipsFrom, shipsTo string
	// segBuf, when set, is the pooled slice segs was built in; release
	// hands it back once nothing reads segs any more.
	segBuf *[]segment
	// segArr holds segs when they are few (most streamed pages), so that
	// they need no allocation of their own.
	segArr [8]segment
}

// release returns the document's pooled segment list, and the document
// itself to docPool; neither d nor d.segs may be used afterwards (the
// strings read from it stay valid: they live in the page and its text).
func (d *document) release() {
	d.clear()
	docPool.Put(d)
}

// clear is release for a document that does not go back to docPool (the
// one in a pageState): it hands back the pooled segment list and zeroes d.
func (d *document) clear() {
	if d.segBuf != nil {
		*d.segBuf = d.segs[:0]
		segPool.Put(d.segBuf)
	}
	*d = document{}
}

// docPool recycles the documents Detect releases (zeroed), so that the
// streaming reader does not allocate one per page.
var docPool = sync.Pool{New: func() any { return new(document) }}

// decodeBody converts the body to UTF-8 using the Content-Type header, a BOM
// or a <meta charset> tag (windows-1251, GBK and the other WHATWG encodings).
func decodeBody(body []byte, contentType string) string {
	// (ASCII case folding is all strings.ToLower and bytes.EqualFold
	// would do here: no other rune folds to an ASCII letter of "charset"
	// or "utf")
	if !validUTF8(body) {
		return decodeBodySlow(body, contentType)
	}
	if containsFoldASCII(contentType, "charset") {
		// A header charset overrides meta tags (a BOM overrides both, but
		// valid UTF-8 can only start with the UTF-8 BOM). For a plain
		// "charset=utf-8" the general path below would return the body
		// unchanged: a copy checked by strings.ToValidUTF8.
		if headerCharsetUTF8(contentType) {
			return unsafe.String(unsafe.SliceData(body), len(body))
		}
	} else {
		// Fast path: valid UTF-8 and no declared charset; a meta tag could
		// still declare a legacy encoding, so peek at the head.
		head := body
		if len(head) > 1024 {
			head = head[:1024]
		}
		i := bytes.Index(head, []byte("charset="))
		if i < 0 {
			i = bytes.Index(head, []byte("CHARSET="))
		}
		// The body is only read while judging the page (nothing keeps a
		// reference to it), so view it as a string without copying.
		if i < 0 {
			return unsafe.String(unsafe.SliceData(body), len(body))
		}
		v := head[i+len("charset="):]
		for len(v) > 0 && (v[0] == '"' || v[0] == '\'' || v[0] == ' ') {
			v = v[1:]
		}
		if len(v) >= 5 && (asciiEqualFold(unsafe.String(&v[0], 5), "utf-8") || asciiEqualFold(unsafe.String(&v[0], 4), "utf8")) {
			return unsafe.String(unsafe.SliceData(body), len(body))
		}
	}
	return decodeBodySlow(body, contentType)
}

// decodeBodySlow is decodeBody through charset.DetermineEncoding.
func decodeBodySlow(body []byte, contentType string) string {
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if enc == nil || name == "utf-8" {
		return strings.ToValidUTF8(string(body), "\uFFFD")
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return strings.ToValidUTF8(string(body), "\uFFFD")
	}
	return string(out)
}

// containsFoldASCII reports whether s contains lower (four to eight
// lower-case ASCII letters) once ASCII capitals in s are lower-cased.
//
// For a letter c, b|0x20 == c holds only for b == c and its capital: a
// position is tested by its first byte so, and where that is lower's first
// letter, by OR-ing 0x20 into two four-byte words (the first and the last
// four bytes of lower, which overlap when it is shorter than eight) and
// comparing them with lower's.
func containsFoldASCII(s, lower string) bool {
	const fold = 0x20202020
	n := len(lower)
	if len(s) < n {
		return false
	}
	c0, head, tail := lower[0], le32(lower, 0), le32(lower, n-4)
	for i, c := range []byte(s[:len(s)-n+1]) {
		if c|0x20 == c0 && le32(s, i)|fold == head && le32(s, i+n-4)|fold == tail {
			return true
		}
	}
	return false
}

// looksLikeHTML reports whether the body should be parsed as HTML.
func looksLikeHTML(s string, contentType string) bool {
	// The tests read the content type lower-cased (strings.ToLower).
	// Folding ASCII capitals alone gives the same answers, except for one
	// rune that lower-cases to an ASCII letter of "text/plain" or "html":
	// U+0130 (İ) to 'i' (U+212A, the Kelvin sign, gives 'k', which
	// neither holds). So a type starting "text/pla" is left to ToLower.
	// ('/'|0x20 is '/': the OR only lets through types that might start
	// "text/pla" in some case, which ToLower then decides)
	if len(contentType) >= 8 && le64(contentType, 0)|0x2020202020202020 == le64("text/pla", 0) {
		ct := strings.ToLower(contentType)
		if strings.HasPrefix(ct, "text/plain") {
			return false
		}
	}
	if containsFoldASCII(contentType, "html") {
		return true
	}
	t := strings.TrimLeft(s, " \t\r\n\uFEFF")
	return strings.HasPrefix(t, "<")
}

type textBuilder struct {
	b    strings.Builder
	segs []segment
	cur  uint8
	open bool
	// pendingSpace: a space is due before the next text.
	pendingSpace bool
}

func (tb *textBuilder) startZone(z uint8) {
	if tb.open && tb.cur == z {
		return
	}
	tb.closeSeg()
	tb.cur = z
	tb.open = true
	tb.segs = append(tb.segs, segment{zone: z, start: tb.b.Len()})
}

func (tb *textBuilder) closeSeg() {
	if tb.open {
		tb.segs[len(tb.segs)-1].end = tb.b.Len()
		if tb.segs[len(tb.segs)-1].end == tb.segs[len(tb.segs)-1].start {
			tb.segs = tb.segs[:len(tb.segs)-1]
		}
		tb.open = false
	}
}

// newline ends a line (block boundary); it belongs to no zone's words.
func (tb *textBuilder) newline() {
	n := tb.b.Len()
	if n == 0 {
		return
	}
	s := tb.b.String()
	if s[n-1] == '\n' {
		return
	}
	tb.b.WriteByte('\n')
	tb.pendingSpace = false
}

// textBytes is text for a byte slice (no conversion copy).
func (tb *textBuilder) textBytes(z uint8, b []byte) {
	tb.text(z, unsafe.String(unsafe.SliceData(b), len(b)))
}

// text appends s with whitespace collapsed.
func (tb *textBuilder) text(z uint8, s string) {
	if s == "" {
		return
	}
	started := false
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
			tb.pendingSpace = true
			i++
			continue
		}
		if !started {
			tb.startZone(z)
			started = true
		}
		if tb.pendingSpace {
			n := tb.b.Len()
			if n > 0 {
				last := tb.b.String()[n-1]
				if last != '\n' && last != ' ' {
					tb.b.WriteByte(' ')
				}
			}
			tb.pendingSpace = false
		}
		// a run of words already separated by single spaces is written at once
		j := i
		for j < len(s) {
			c := s[j]
			if c == ' ' && j+1 < len(s) {
				if d := s[j+1]; d != ' ' && d != '\t' && d != '\n' && d != '\r' && d != '\f' {
					j += 2
					continue
				}
			}
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
				break
			}
			j++
		}
		tb.b.WriteString(s[i:j])
		i = j
	}
}

func (tb *textBuilder) done() (string, []segment) {
	tb.closeSeg()
	return tb.b.String(), tb.segs
}

// parseDocument turns a decoded body into zoned text. mainNodes are nodes a
// profile marks as the product block.
func parseDocument(s string, isHTML bool, mainSel string) *document {
	if !isHTML {
		return plainDocument(s)
	}
	if mainSel == "" {
		return parseStream(s)
	}
	return parseTree(s, mainSel)
}

// parseTree builds the goquery document (for pages a market profile
// describes with CSS selectors) and zones its text.
func parseTree(s string, mainSel string) *document {
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return plainDocument(s)
	}
	dom := goquery.NewDocumentFromNode(root)
	var mainNodes map[*html.Node]bool
	if mainSel != "" {
		if sel := dom.Find(mainSel); sel.Length() > 0 {
			mainNodes = make(map[*html.Node]bool, sel.Length())
			for _, n := range sel.Nodes {
				mainNodes[n] = true
			}
		}
	}
	d := &document{dom: dom}
	tb := &textBuilder{}
	var walk func(n *html.Node, z uint8, inHead bool)
	walk = func(n *html.Node, z uint8, inHead bool) {
		switch n.Type {
		case html.TextNode:
			if !inHead {
				tb.text(z, n.Data)
			}
			return
		case html.ElementNode:
		case html.DocumentNode:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, z, inHead)
			}
			return
		default:
			return
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe, atom.Object:
			return
		case atom.Head:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, z, true)
			}
			return
		case atom.Title:
			t := collapse(nodeText(n))
			if d.title == "" {
				d.title = t
			}
			tb.newline()
			tb.text(zoneTitle, t)
			tb.newline()
			return
		case atom.Meta:
			// description meta: treat as body text of the head
			if attr(n, "name") == "description" {
				tb.newline()
				tb.text(zoneBody, attr(n, "content"))
				tb.newline()
			}
			return
		}
		if inHead {
			return
		}
		nz := z
		if z != zoneNav {
			if mainNodes[n] {
				nz = zoneMain
			} else if isNavElement(n) {
				nz = zoneNav
			} else if z == zoneBody && mainNodes == nil && isMainElement(n) {
				nz = zoneMain
			}
		}
		switch n.DataAtom {
		case atom.H1:
			if nz != zoneNav {
				if d.h1 == "" {
					d.h1 = collapse(nodeText(n))
				}
				nz = zoneTitle
			}
		case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			if nz != zoneNav {
				nz = zoneHeading
			}
		case atom.Img, atom.Area, atom.Input:
			az := zoneAlt
			if nz == zoneNav {
				az = zoneNav
			}
			if a := attr(n, "alt"); a != "" {
				tb.newline()
				tb.text(az, a)
				tb.newline()
			}
			if a := attr(n, "title"); a != "" {
				tb.newline()
				tb.text(az, a)
				tb.newline()
			}
			if n.DataAtom == atom.Input {
				if t := attr(n, "type"); t == "submit" || t == "button" {
					tb.text(nz, attr(n, "value"))
				}
			}
			return
		case atom.Br, atom.Hr:
			tb.newline()
			return
		}
		block := isBlock(n.DataAtom)
		if block {
			tb.newline()
		} else {
			tb.pendingSpace = tb.pendingSpace || n.DataAtom == atom.Td || n.DataAtom == atom.Th
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, nz, false)
		}
		if block {
			tb.newline()
		}
	}
	walk(root, zoneBody, false)
	d.text, d.segs = tb.done()
	return d
}

// plainDocument treats the first non-empty line as the title.
func plainDocument(s string) *document {
	s = strings.Clone(s) // evidence keeps substrings; never alias the page body
	d := &document{text: s}
	start := 0
	for start < len(s) {
		end := strings.IndexByte(s[start:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		if strings.TrimSpace(s[start:end]) != "" {
			if d.title == "" {
				d.title = collapse(s[start:end])
				d.segs = append(d.segs, segment{zone: zoneTitle, start: start, end: end})
			} else {
				d.segs = append(d.segs, segment{zone: zoneMain, start: start, end: len(s)})
				break
			}
		}
		start = end + 1
	}
	return d
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Tr, atom.Table, atom.Section, atom.Article, atom.Main,
		atom.Header, atom.Footer, atom.Nav, atom.Aside, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Pre, atom.Form, atom.Dl, atom.Dt, atom.Dd, atom.Button, atom.Option, atom.Select,
		atom.Label, atom.Figcaption, atom.Caption, atom.Fieldset, atom.Legend, atom.Address, atom.Details,
		atom.Summary, atom.Tbody, atom.Thead, atom.Tfoot, atom.Body, atom.Html:
		return true
	}
	return false
}

var navWords = []string{"nav", "menu", "sidebar", "side-bar", "footer", "breadcrumb", "header", "topbar", "cookie", "banner", "widget", "related"}
var mainWords = []string{"product", "listing", "item-detail", "description", "content", "offer", "main", "post", "article", "entry"}

func isNavElement(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Footer, atom.Aside, atom.Header:
		return true
	}
	if r := attr(n, "role"); r == "navigation" || r == "banner" || r == "contentinfo" || r == "complementary" {
		return true
	}
	return attrHasWord(n, navWords)
}

func isMainElement(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Main, atom.Article:
		return true
	}
	if attr(n, "role") == "main" {
		return true
	}
	return attrHasWord(n, mainWords)
}

func attrHasWord(n *html.Node, words []string) bool {
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" {
			continue
		}
		v := strings.ToLower(a.Val)
		for _, w := range words {
			if strings.Contains(v, w) {
				return true
			}
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
			return
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return b.String()
}

// collapse trims and collapses whitespace (as strings.Fields and a join
// with single spaces would), returning a substring of s when the result is
// one (s already collapsed apart from leading and trailing white space).
func collapse(s string) string {
	if t, ok := collapsePlain(s); ok {
		return t
	}
	var out []byte // nil while the output is s[st:n]
	st, n := 0, 0
	pending := false
	for i := 0; i < len(s); {
		// j: the end of the run of bytes from i that are no part of a
		// space (collapseClass 0), or of the one non-space rune at i
		j := i
		for j < len(s) && collapseClass[s[j]] == 0 {
			j++
		}
		if j == i {
			c := s[i]
			size := 1
			var sp bool
			if c < utf8.RuneSelf {
				sp = true // collapseClass 1: ASCII white space
			} else {
				// a lead byte of some non-ASCII spaces (U+0085, U+00A0,
				// U+1680, U+2000–U+205F, U+3000)
				var r rune
				r, size = utf8.DecodeRuneInString(s[i:])
				sp = unicode.IsSpace(r)
			}
			if sp {
				pending = out != nil && len(out) > 0 || out == nil && n > st
				i += size
				continue
			}
			j = i + size
		}
		if out == nil && n == st {
			st, n = i, i // leading space: the output starts here
		}
		if pending {
			pending = false
			if out == nil && i == n+1 && s[n] == ' ' {
				n++
			} else {
				if out == nil {
					out = append(make([]byte, 0, len(s)), s[st:n]...)
				}
				out = append(out, ' ')
			}
		}
		if out == nil && i == n {
			n = j
		} else {
			if out == nil {
				out = append(make([]byte, 0, len(s)), s[st:n]...)
			}
			out = append(out, s[i:j]...)
		}
		i = j
	}
	if out == nil {
		return s[st:n]
	}
	return string(out)
}

// collapsePlain returns collapse(s) for the common s: trimmed of ASCII
// white space, it holds no white space but single spaces between words
// (most field text, which textBuf has already collapsed). ok is false for
// any other s, or when in doubt (a control byte). It reads eight bytes at
// a time while it can; a lead byte of non-ASCII white space (collapseClass
// 2) is looked at with the bytes after it (nonASCIISpaceAt), so that text
// with other runes from those lead bytes (dashes, "·", "€", kana) stays on
// this path.
func collapsePlain(s string) (t string, ok bool) {
	i, j := 0, len(s)
	for i < j && collapseClass[s[i]] == 1 {
		i++
	}
	for j > i && collapseClass[s[j-1]] == 1 {
		j--
	}
	t = s[i:j]
	prev := uint64(0) // the high bit of byte 0 when the word before ended with a space
	k := 0
	for ; k+8 <= len(t); k += 8 {
		w := load8(t, k)
		if w&hi1 != 0 {
			// bytes C2 and E0..E3 (E0 is no lead byte of a space, but
			// the mask is cheaper with it; nonASCIISpaceAt says no)
			for m := bytesEqual(w, 0xC2) | bytesEqual(w&0xFCFCFCFCFCFCFCFC, 0xE0); m != 0; m &= m - 1 {
				if nonASCIISpaceAt(t, k+bits.TrailingZeros64(m)>>3) {
					return "", false
				}
			}
		}
		sp := bytesEqual(w, ' ')
		if bytesBelow(w, 0x20)|sp&(sp<<8|prev) != 0 {
			return "", false
		}
		prev = sp >> 56
	}
	prevSpace := prev != 0
	for ; k < len(t); k++ {
		c := t[k]
		switch collapseClass[c] {
		case 0:
			prevSpace = false
			continue
		case 2:
			if nonASCIISpaceAt(t, k) {
				return "", false
			}
			prevSpace = false
			continue
		}
		if c != ' ' || prevSpace {
			return "", false
		}
		prevSpace = true
	}
	return t, true
}

// nonASCIISpaceAt reports whether t[k:] starts with the UTF-8 encoding of
// a white-space rune above ASCII (unicode.IsSpace: U+0085, U+00A0,
// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000; they
// start with C2, E1, E2 or E3). Bytes that are no valid encoding are no
// space, as collapse decodes them to U+FFFD.
func nonASCIISpaceAt(t string, k int) bool {
	if k+1 >= len(t) {
		return false
	}
	b1 := t[k+1]
	switch t[k] {
	case 0xC2:
		return b1 == 0x85 || b1 == 0xA0
	case 0xE1, 0xE2, 0xE3:
		if k+2 >= len(t) {
			return false
		}
		b2 := t[k+2]
		switch t[k] {
		case 0xE1:
			return b1 == 0x9A && b2 == 0x80
		case 0xE2:
			return b1 == 0x80 && (b2 <= 0x8A && b2 >= 0x80 || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF) || b1 == 0x81 && b2 == 0x9F
		default:
			return b1 == 0x80 && b2 == 0x80
		}
	}
	return false
}

// collapseClass sorts bytes for collapse: 1 for ASCII white space, 2 for
// the lead bytes of non-ASCII white space (0xC2, 0xE1, 0xE2, 0xE3), 0 for
// every other byte, which is no part of any white-space rune's encoding.
var collapseClass = func() (t [256]uint8) {
	for _, c := range []byte(" \t\n\v\f\r") {
		t[c] = 1
	}
	for _, c := range []byte{0xC2, 0xE1, 0xE2, 0xE3} {
		t[c] = 2
	}
	return t
}()

// collapseClean is collapse for text the fast reader built by clean
// writes alone (textBuf.dirty): words without bytes below 0x20 separated
// by single spaces, perhaps after one space. Such text is collapsed once
// that space is cut, unless it holds a white-space rune above ASCII: the
// lead bytes of those are looked for eight bytes at a time (as in
// collapsePlain), and text that has one goes to collapse.
func collapseClean(s string) string {
	t := s
	if len(t) > 0 && t[0] == ' ' {
		t = t[1:]
	}
	k := 0
	for ; k+8 <= len(t); k += 8 {
		if w := load8(t, k); w&hi1 != 0 {
			for m := bytesEqual(w, 0xC2) | bytesEqual(w&0xFCFCFCFCFCFCFCFC, 0xE0); m != 0; m &= m - 1 {
				if nonASCIISpaceAt(t, k+bits.TrailingZeros64(m)>>3) {
					return collapse(s)
				}
			}
		}
	}
	for ; uint(k) < uint(len(t)); k++ { // unsigned: t[k] needs no bounds check
		if collapseClass[t[k]] == 2 && nonASCIISpaceAt(t, k) {
			return collapse(s)
		}
	}
	return t
}
