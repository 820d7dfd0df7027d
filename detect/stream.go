package detect

import (
	"bytes"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// open element on the streaming parser's stack.
type openElem struct {
	a     atom.Atom
	name  string // for unknown elements
	zone  uint8
	skip  bool // script, style…: drop text
	field uint8
	start int // text offset where a captured field began
}

const (
	fieldNone uint8 = iota
	fieldVendor
	fieldPrice
	fieldShipsFrom
	fieldShipsTo
	fieldTitle
	fieldH1
)

// isVoid reports whether a is a void element (no end tag).
func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img,
		atom.Input, atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param:
		return true
	}
	return false
}

// parseStream zones a page's text with the HTML tokenizer alone (no tree):
// the fast path for pages no market profile describes.
//
// The single-pass reader (parseFast) reads almost every page; a page it
// bails on is read with x/net/html's tokenizer. parseStreamWith(s, true),
// the byte scanner's path, is kept as the reference the fast reader is
// tested against (TestFastParserAgrees).
func parseStream(s string) *document {
	if d, ok := parseFast(s); ok {
		return d
	}
	d, _ := parseStreamWith(s, false)
	return d
}

// parseStreamWithState is parseStream with the page state's parser, into
// its document when the single-pass reader reads the page.
func parseStreamWithState(ps *pageState, s string) *document {
	if d, ok := parseFastWith(&ps.fp, &ps.doc, s); ok {
		return d
	}
	d, _ := parseStreamWith(s, false)
	return d
}

// segPool recycles the segment lists of streamed documents (see
// document.release).
var segPool sync.Pool

// parseStreamWith zones the page with the byte scanner (fast) or with
// x/net/html's tokenizer. ok is false when the byte scanner bailed.
func parseStreamWith(s string, fast bool) (doc *document, ok bool) {
	if fast && strings.IndexByte(s, 0) >= 0 {
		return nil, false // NUL handling differs between raw text and text
	}
	d := &document{}
	tb := &textBuilder{}
	tb.b.Grow(len(s)/2 + 64) // visible text is usually under half the markup
	sb, _ := segPool.Get().(*[]segment)
	if sb == nil {
		sb = new([]segment)
		*sb = make([]segment, 0, 32)
	}
	tb.segs, d.segBuf = (*sb)[:0], sb
	var z *html.Tokenizer
	bz := byteScanner{s: s}
	if !fast {
		z = html.NewTokenizer(strings.NewReader(s))
	}
	stack := make([]openElem, 0, 32)
	cur := func() (uint8, bool) {
		if len(stack) == 0 {
			return zoneBody, false
		}
		t := &stack[len(stack)-1]
		return t.zone, t.skip
	}
	var nameBuf [32]byte
	attrs := make([]rawAttr, 0, 8)
	for {
		var tt html.TokenType
		var rawTok []byte
		if fast {
			var r string
			tt, r = bz.next()
			if bz.bail {
				return nil, false
			}
			rawTok = unsafe.Slice(unsafe.StringData(r), len(r)) // read only
		} else {
			tt = z.Next()
			rawTok = z.Raw()
		}
		switch tt {
		case html.ErrorToken:
			d.text, d.segs = tb.done()
			return d, true
		case html.TextToken:
			zone, skip := cur()
			if skip {
				continue
			}
			raw := rawTok
			switch {
			case bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 && bytes.IndexByte(raw, 0) < 0:
				tb.textBytes(zone, raw) // nothing to unescape: skip Text's copy
			case fast:
				tb.text(zone, unescapeText(raw))
			default:
				tb.textBytes(zone, z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			var nameB []byte
			nameB, attrs = scanTag(rawTok, nameBuf[:0], attrs)
			a := atom.Lookup(nameB)
			var cls, id, role, alt, title, typ, value, itemprop, metaName, content []byte
			for _, at := range attrs {
				k, v := at.key, at.val
				switch {
				case keyIs(k, "class"):
					cls = v
				case keyIs(k, "id"):
					id = v
				case keyIs(k, "role"):
					role = v
				case keyIs(k, "alt"):
					alt = v
				case keyIs(k, "title"):
					title = v
				case keyIs(k, "type"):
					typ = v
				case keyIs(k, "value"):
					value = v
				case keyIs(k, "itemprop"):
					itemprop = v
				case keyIs(k, "name"):
					metaName = v
				case keyIs(k, "content"):
					content = v
				}
			}
			parentZone, parentSkip := cur()
			if parentSkip {
				if !isVoid(a) && tt == html.StartTagToken {
					stack = append(stack, openElem{a: a, zone: parentZone, skip: true})
				}
				continue
			}
			switch a {
			case atom.Meta:
				if keyIs(metaName, "description") {
					tb.newline()
					tb.text(zoneBody, attrText(content))
					tb.newline()
				}
				continue
			case atom.Img, atom.Area, atom.Input:
				az := zoneAlt
				if parentZone == zoneNav {
					az = zoneNav
				}
				if len(alt) > 0 {
					tb.newline()
					tb.text(az, attrText(alt))
					tb.newline()
				}
				if len(title) > 0 {
					tb.newline()
					tb.text(az, attrText(title))
					tb.newline()
				}
				if a == atom.Input && (string(typ) == "submit" || string(typ) == "button") {
					tb.text(parentZone, attrText(value))
				}
				continue
			case atom.Br, atom.Hr:
				tb.newline()
				continue
			}
			if isVoid(a) || tt == html.SelfClosingTagToken {
				continue
			}
			e := openElem{a: a, zone: parentZone}
			if a == 0 {
				e.name = string(nameB)
			}
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe, atom.Object, atom.Head:
				e.skip = a != atom.Head
				if a == atom.Head {
					e.zone = parentZone
				}
			case atom.Title:
				e.zone = zoneTitle
				e.field = fieldTitle
			}
			var cm, im attrMasks
			if !e.skip && e.zone != zoneNav && a != atom.Title {
				cm, im = attrMask(cls), attrMask(id)
				switch {
				case isNavAttr(a, cm, im, role):
					e.zone = zoneNav
				case parentZone == zoneBody && isMainAttr(a, cm, im, role):
					e.zone = zoneMain
				}
				switch a {
				case atom.H1:
					if e.zone != zoneNav {
						e.zone = zoneTitle
						e.field = fieldH1
					}
				case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
					if e.zone != zoneNav {
						e.zone = zoneHeading
					}
				}
			}
			if e.field == fieldNone && e.zone != zoneNav {
				if len(cls) > 0 && cm == 0 {
					cm = attrMask(cls)
				}
				e.field = fieldFromMasks(cm, attrMask(itemprop))
			}
			if isBlock(a) || a == atom.Title {
				tb.newline()
			} else if a == atom.Td || a == atom.Th {
				tb.pendingSpace = true
			}
			e.start = tb.b.Len()
			stack = append(stack, e)
		case html.EndTagToken:
			var nameB []byte
			nameB, attrs = scanTag(rawTok, nameBuf[:0], attrs)
			a := atom.Lookup(nameB)
			// pop to the most recent matching element, if any
			k := len(stack) - 1
			for ; k >= 0; k-- {
				if stack[k].a == a && (a != 0 || stack[k].name == string(nameB)) {
					break
				}
			}
			if k < 0 {
				continue
			}
			for j := len(stack) - 1; j >= k; j-- {
				e := &stack[j]
				if e.field != fieldNone {
					d.setField(e.field, tb.b.String()[e.start:])
				}
				if isBlock(e.a) || e.a == atom.Title {
					tb.newline()
				}
			}
			stack = stack[:k]
		}
	}
}

// setField records the text of an element that holds field f (raw, not
// yet collapsed): the first one of each field, and for vendors whether
// later ones name someone else. Text no field needs is not collapsed.
func (d *document) setField(f uint8, raw string) {
	d.setFieldText(f, raw, false)
}

// setFieldText is setField for a field whose text the fast reader built
// by clean writes alone when clean is set (textBuf.dirty), which it then
// collapses with collapseClean.
func (d *document) setFieldText(f uint8, raw string, clean bool) {
	collapse := collapse
	if clean {
		collapse = collapseClean
	}
	var dst *string
	switch f {
	case fieldTitle:
		dst = &d.title
	case fieldH1:
		dst = &d.h1
	case fieldVendor:
		if d.vendor == "" {
			d.vendor = collapse(raw)
			d.vendorName = cleanVendor(d.vendor)
		} else if !d.vendorMulti && cleanVendor(collapse(raw)) != d.vendorName {
			d.vendorMulti = true
		}
		return
	case fieldPrice:
		dst = &d.price
	case fieldShipsFrom:
		dst = &d.shipsFrom
	case fieldShipsTo:
		dst = &d.shipsTo
	default:
		return
	}
	if *dst == "" {
		*dst = collapse(raw)
	}
}

// isNavAttr: the element is navigation, a sidebar or a footer by name, role,
// or a class or id word (masks from attrMask).
func isNavAttr(a atom.Atom, cls, id attrMasks, role []byte) bool {
	switch a {
	case atom.Nav, atom.Footer, atom.Aside, atom.Header:
		return true
	}
	switch string(role) {
	case "navigation", "banner", "contentinfo", "complementary":
		return true
	}
	return (cls|id)&maskNav != 0
}

// isMainAttr: the element is the main product or content block.
func isMainAttr(a atom.Atom, cls, id attrMasks, role []byte) bool {
	switch a {
	case atom.Main, atom.Article:
		return true
	}
	if string(role) == "main" {
		return true
	}
	return (cls|id)&maskMain != 0
}

// Class and itemprop words that name a listing field.
var (
	shipsFromClassWords  = []string{"ships-from", "ships_from", "origin"}
	shipsToClassWords    = []string{"ships-to", "ships_to", "destination"}
	vendorListClassWords = []string{"vendors", "sellers"}
	vendorClassWords     = []string{"vendor", "seller"}
	priceClassWords      = []string{"price"}
)

// attrMasks records which word lists an attribute value contains.
type attrMasks uint8

const (
	maskNav attrMasks = 1 << iota
	maskMain
	maskShipsFrom
	maskShipsTo
	maskVendorList
	maskVendor
	maskPrice
)

type maskWord struct {
	w string
	m attrMasks
}

// maskWords lists the words of every attribute word list by first byte.
var maskWords = func() (t [256][]maskWord) {
	for _, l := range []struct {
		words []string
		m     attrMasks
	}{{navWords, maskNav}, {mainWords, maskMain}, {shipsFromClassWords, maskShipsFrom}, {shipsToClassWords, maskShipsTo},
		{vendorListClassWords, maskVendorList}, {vendorClassWords, maskVendor}, {priceClassWords, maskPrice}} {
		for _, w := range l.words {
			t[w[0]] = append(t[w[0]], maskWord{w, l.m})
		}
	}
	return t
}()

// attrMask is attrWord for every word list at once, in one pass over v:
// bit maskNav is set when attrWord(v, navWords) would be true, and so on.
func attrMask(v []byte) attrMasks {
	if len(v) == 0 {
		return 0
	}
	// Values without an ASCII capital are matched as they are (lowerAttr
	// would return them unchanged); the first capital sends v through
	// lowerAttr and a fresh scan.
	if m, ok := attrMaskFast(v); ok {
		return m
	}
	if m, ok := attrMaskLower(v); ok {
		return m
	}
	var buf [128]byte
	v = lowerAttr(v, &buf)
	m, _ := attrMaskLower(v)
	return m
}

// attrMaskLower is attrMask for a value without ASCII capitals; ok is
// false (and the mask incomplete) when v has one.
func attrMaskLower(v []byte) (m attrMasks, ok bool) {
	// Every word is at least maskWordMin bytes long, so only positions
	// with that many bytes left can start one, and only where the two
	// bytes there begin some word (maskPairs).
	for i := 0; i < len(v); i++ {
		if c := v[i]; 'A' <= c && c <= 'Z' {
			return m, false
		}
		if i+maskWordMin > len(v) {
			continue // too close to the end to start a word
		}
		pair := uint16(v[i])<<8 | uint16(v[i+1])
		if maskPairs[pair>>6]&(1<<(pair&63)) == 0 {
			continue
		}
		for _, w := range maskWords[v[i]] {
			if len(v)-i >= len(w.w) && string(v[i:i+len(w.w)]) == w.w {
				m |= w.m
			}
		}
	}
	return m, true
}

// maskWordMin is the length of the shortest word in maskWords.
const maskWordMin = 3

// maskPairs is the set of two-byte beginnings of the words in maskWords,
// one bit per pair (first byte << 8 | second byte).
var maskPairs = func() (t [1 << 16 / 64]uint64) {
	for _, ws := range maskWords {
		for _, w := range ws {
			if len(w.w) < maskWordMin {
				panic("detect: attribute word shorter than maskWordMin: " + w.w)
			}
			pair := uint16(w.w[0])<<8 | uint16(w.w[1])
			t[pair>>6] |= 1 << (pair & 63)
		}
	}
	return t
}()

// lowerAttr lower-cases v as attrWord does: unchanged unless it has an
// ASCII capital, then bytes.ToLower, done in buf when v is short ASCII.
func lowerAttr(v []byte, buf *[128]byte) []byte {
	upper, ascii := false, true
	for _, c := range v {
		if c >= 'A' && c <= 'Z' {
			upper = true
		} else if c >= 0x80 {
			ascii = false
		}
	}
	if !upper {
		return v
	}
	if !ascii || len(v) > len(buf) {
		return bytes.ToLower(v)
	}
	for i, c := range v {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(v)]
}

// fieldMasks are the masks fieldFromMasks reads: without one of them it
// returns fieldNone.
const fieldMasks = maskShipsFrom | maskShipsTo | maskVendorList | maskVendor | maskPrice

// fieldFromMasks recognises elements that hold a listing field by class or
// microdata (masks from attrMask): .vendor/.seller, .price, .ships-from,
// .ships-to. A class naming vendors in the plural (.vendors, .top-sellers)
// is a list, not a field.
func fieldFromMasks(cls, itemprop attrMasks) uint8 {
	for _, m := range [2]attrMasks{cls, itemprop} {
		switch {
		case m&maskShipsFrom != 0:
			return fieldShipsFrom
		case m&maskShipsTo != 0:
			return fieldShipsTo
		case m&maskVendorList != 0:
			return fieldNone
		case m&maskVendor != 0:
			return fieldVendor
		case m&maskPrice != 0:
			return fieldPrice
		}
	}
	return fieldNone
}

// rawAttr is one attribute read from a raw start tag.
type rawAttr struct{ key, val []byte }

func isSpaceByte(c byte) bool { return byteClass[c]&bSpace != 0 }

// Byte classes for the tag scanners.
const (
	bSpace   uint8 = 1 << iota // ' ', '\t', '\n', '\r', '\f'
	bNameEnd                   // space, '/' or '>': ends a tag name
)

var byteClass = func() (t [256]uint8) {
	for _, c := range []byte(" \t\n\r\f") {
		t[c] |= bSpace | bNameEnd
	}
	t['/'] |= bNameEnd
	t['>'] |= bNameEnd
	return t
}()

// scanTag reads the element name and attributes of a raw tag ("<div
// class=x>", "</p>") without allocating: the tokenizer has already found
// the tag's bounds; this only splits it. The name is lowercased into nameBuf.
func scanTag(raw []byte, nameBuf []byte, attrs []rawAttr) ([]byte, []rawAttr) {
	attrs = attrs[:0]
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	start := i
	for i < len(raw) && byteClass[raw[i]]&bNameEnd == 0 {
		i++
	}
	name := nameBuf[:0]
	for _, c := range raw[start:i] {
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		name = append(name, c)
	}
	for i < len(raw) {
		for i < len(raw) && (isSpaceByte(raw[i]) || raw[i] == '/') {
			i++
		}
		if i >= len(raw) || raw[i] == '>' {
			break
		}
		ks := i
		for i < len(raw) && !isSpaceByte(raw[i]) && raw[i] != '=' && raw[i] != '>' && !(raw[i] == '/' && i+1 < len(raw) && raw[i+1] == '>') {
			i++
		}
		key := raw[ks:i]
		for i < len(raw) && isSpaceByte(raw[i]) {
			i++
		}
		var val []byte
		if i < len(raw) && raw[i] == '=' {
			i++
			for i < len(raw) && isSpaceByte(raw[i]) {
				i++
			}
			if i < len(raw) && (raw[i] == '"' || raw[i] == '\'') {
				q := raw[i]
				i++
				vs := i
				for i < len(raw) && raw[i] != q {
					i++
				}
				val = raw[vs:i]
				if i < len(raw) {
					i++
				}
			} else {
				vs := i
				for i < len(raw) && !isSpaceByte(raw[i]) && raw[i] != '>' {
					i++
				}
				val = raw[vs:i]
			}
		}
		if len(key) > 0 {
			attrs = append(attrs, rawAttr{key: key, val: val})
		}
	}
	return name, attrs
}

// unescapeText is what x/net/html's Tokenizer.Text does to a text token:
// CR LF and lone CR become LF, then entities are decoded. The result may
// share raw's memory: use it before raw changes (the caller copies it into
// the text builder at once).
func unescapeText(raw []byte) string {
	t := unsafe.String(unsafe.SliceData(raw), len(raw))
	if strings.IndexByte(t, '\r') >= 0 {
		t = strings.ReplaceAll(t, "\r\n", "\n")
		t = strings.ReplaceAll(t, "\r", "\n")
	}
	return html.UnescapeString(t)
}

// attrText returns an attribute value as text, unescaping entities.
func attrText(v []byte) string {
	if bytes.IndexByte(v, '&') >= 0 {
		return html.UnescapeString(string(v))
	}
	return string(v)
}

func keyIs(k []byte, want string) bool {
	if len(k) != len(want) {
		return false
	}
	for i := range k {
		c := k[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != want[i] {
			return false
		}
	}
	return true
}
