package detect

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/net/html"
)

// This file holds the single-pass page reader behind parseStream. It reads
// the same tokens as byteScanner (scan.go) and zones them exactly as
// parseStreamWith (stream.go) does, but in one forward pass: a tag's
// bounds, name and the few attributes that matter are read together, tag
// names are classified by a small table instead of atom.Lookup, the text is
// built in a pooled byte buffer and converted to a string once, and all
// per-page scratch space is pooled. Whenever a tag has a shape the fused
// reader does not model, it falls back on tagEnd and scanTag for that tag
// alone, so the two readers agree by construction; whenever byteScanner
// would bail, so does this reader, and parseStream re-reads the page with
// x/net/html. TestFastParserAgrees compares it with parseStreamWith.

// tagInfo describes one element name the reader treats specially.
type tagInfo struct {
	id    uint8  // distinct per name (0: a name not in tagNames)
	flags uint16 // tf* bits
}

// Element properties (tagInfo.flags), mirroring isVoid, isBlock and the
// element switches of parseStreamWith.
const (
	tfVoid    uint16 = 1 << iota // no end tag (isVoid)
	tfBlock                      // isBlock
	tfSkip                       // script, style, noscript, template, svg, iframe, object: text dropped
	tfNav                        // nav, footer, aside, header (isNavAttr by name)
	tfMain                       // main, article (isMainAttr by name)
	tfRaw                        // raw text or RCDATA follows the start tag (rawTextTag)
	tfRawBail                    // raw-text element byteScanner does not model
	tfCell                       // td, th: a space before the next text
	tfAltText                    // img, area, input: alt and title attributes are text
	tfBreak                      // br, hr: a line break
	tfHeading                    // h1 to h6
	tfLine                       // isBlock or title: the text has a line end before and after it (set by tagHash)

	// tfZoned: flags of the elements whose start tag does more than
	// push the element in the parent's zone (pushPlain)
	tfZoned = tfVoid | tfSkip | tfNav | tfMain | tfRaw | tfRawBail | tfAltText | tfBreak | tfHeading
)

// Names of the elements with their own behaviour, by tag id.
const (
	tagOther uint8 = iota
	tagMeta
	tagImg
	tagArea
	tagInput
	tagBr
	tagHr
	tagHead
	tagTitle
	tagH1
	tagH2
	tagH3
	tagH4
	tagH5
	tagH6
	tagScript
	tagFirstGeneric // ids from here on only need to be distinct
)

// tagNames lists every element name with an id, with its flags.
var tagNames = []struct {
	name  string
	id    uint8
	flags uint16
}{
	{"meta", tagMeta, tfVoid},
	{"img", tagImg, tfVoid | tfAltText},
	{"area", tagArea, tfVoid | tfAltText},
	{"input", tagInput, tfVoid | tfAltText},
	{"br", tagBr, tfVoid | tfBreak},
	{"hr", tagHr, tfVoid | tfBreak},
	{"head", tagHead, 0},
	{"title", tagTitle, tfRaw},
	{"h1", tagH1, tfBlock | tfHeading},
	{"h2", tagH2, tfBlock | tfHeading},
	{"h3", tagH3, tfBlock | tfHeading},
	{"h4", tagH4, tfBlock | tfHeading},
	{"h5", tagH5, tfBlock | tfHeading},
	{"h6", tagH6, tfBlock | tfHeading},
	{"script", tagScript, tfSkip | tfRaw},
	// void elements
	{"base", 0, tfVoid}, {"col", 0, tfVoid}, {"embed", 0, tfVoid}, {"link", 0, tfVoid},
	{"source", 0, tfVoid}, {"track", 0, tfVoid}, {"wbr", 0, tfVoid}, {"param", 0, tfVoid},
	// skipped and raw-text elements
	{"style", 0, tfSkip | tfRaw}, {"noscript", 0, tfSkip | tfRaw}, {"iframe", 0, tfSkip | tfRaw},
	{"template", 0, tfSkip}, {"svg", 0, tfSkip}, {"object", 0, tfSkip},
	{"textarea", 0, tfRaw}, {"noembed", 0, tfRaw | tfRawBail}, {"noframes", 0, tfRaw | tfRawBail},
	{"plaintext", 0, tfRaw | tfRawBail}, {"xmp", 0, tfRaw | tfRawBail},
	// navigation and main blocks
	{"nav", 0, tfBlock | tfNav}, {"footer", 0, tfBlock | tfNav}, {"aside", 0, tfBlock | tfNav},
	{"header", 0, tfBlock | tfNav}, {"main", 0, tfBlock | tfMain}, {"article", 0, tfBlock | tfMain},
	// table cells
	{"td", 0, tfCell}, {"th", 0, tfCell},
	// other block elements
	{"p", 0, tfBlock}, {"div", 0, tfBlock}, {"li", 0, tfBlock}, {"ul", 0, tfBlock}, {"ol", 0, tfBlock},
	{"tr", 0, tfBlock}, {"table", 0, tfBlock}, {"section", 0, tfBlock}, {"blockquote", 0, tfBlock},
	{"pre", 0, tfBlock}, {"form", 0, tfBlock}, {"dl", 0, tfBlock}, {"dt", 0, tfBlock}, {"dd", 0, tfBlock},
	{"button", 0, tfBlock}, {"option", 0, tfBlock}, {"select", 0, tfBlock}, {"label", 0, tfBlock},
	{"figcaption", 0, tfBlock}, {"caption", 0, tfBlock}, {"fieldset", 0, tfBlock}, {"legend", 0, tfBlock},
	{"address", 0, tfBlock}, {"details", 0, tfBlock}, {"summary", 0, tfBlock}, {"tbody", 0, tfBlock},
	{"thead", 0, tfBlock}, {"tfoot", 0, tfBlock}, {"body", 0, tfBlock}, {"html", 0, tfBlock},
	// common inline elements (an id makes end-tag matching an integer compare)
	{"a", 0, 0}, {"span", 0, 0}, {"b", 0, 0}, {"i", 0, 0}, {"em", 0, 0}, {"strong", 0, 0},
	{"small", 0, 0}, {"u", 0, 0}, {"s", 0, 0}, {"code", 0, 0}, {"sup", 0, 0}, {"sub", 0, 0},
	{"abbr", 0, 0}, {"cite", 0, 0}, {"mark", 0, 0}, {"time", 0, 0}, {"font", 0, 0}, {"center", 0, 0},
	{"figure", 0, 0}, {"picture", 0, 0}, {"tt", 0, 0}, {"big", 0, 0}, {"del", 0, 0}, {"ins", 0, 0},
	{"q", 0, 0}, {"kbd", 0, 0}, {"var", 0, 0}, {"samp", 0, 0}, {"dfn", 0, 0}, {"bdi", 0, 0}, {"bdo", 0, 0},
	{"data", 0, 0}, {"output", 0, 0}, {"progress", 0, 0}, {"meter", 0, 0}, {"optgroup", 0, 0},
	{"colgroup", 0, 0}, {"canvas", 0, 0}, {"video", 0, 0}, {"audio", 0, 0}, {"map", 0, 0}, {"dialog", 0, 0},
	{"menu", 0, 0}, {"hgroup", 0, 0}, {"ruby", 0, 0}, {"rt", 0, 0}, {"rp", 0, 0}, {"slot", 0, 0},
}

// maxTagName is the longest name in tagNames.
const maxTagName = 10

// lowerByte lower-cases ASCII capitals and keeps every other byte.
var lowerByte = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

// tagKey packs the last 8 bytes of name, ASCII capitals lower-cased, into
// a word (last byte lowest: each byte shifts the key left by one byte, so
// the name's earlier bytes fall off the top). Two names of at most 8 bytes
// are the same element name exactly when their lengths and keys are equal;
// longer names also need their first len-8 bytes compared.
func tagKey(name string) uint64 {
	var k uint64
	for i := 0; i < len(name); i++ {
		k = k<<8 | uint64(lowerByte[name[i]])
	}
	return k
}

// tagSlot is one slot of tagHash.
type tagSlot struct {
	key  uint64
	n    uint8  // name length; 0 for an empty slot
	head uint16 // longNameHead(name), for names longer than eight bytes
	info tagInfo
	name string
}

// tagHashBits sizes tagHash (1<<tagHashBits slots).
const tagHashBits = 12

// tagHash holds tagNames in a collision-free table indexed by
// (key*tagHashMul)>>(64-tagHashBits); tagHashMul is found when the
// package loads (the first odd multiplier, from a fixed sequence, that
// leaves no two names in one slot).
var tagHash, tagHashMul = func() (*[1 << tagHashBits]tagSlot, uint64) {
	next := tagFirstGeneric
	slots := make([]tagSlot, 0, len(tagNames))
	for _, n := range tagNames {
		id := n.id
		if id == 0 {
			id = next
			next++
		}
		if len(n.name) > maxTagName || maxTagName > 10 {
			panic("detect: tag name longer than maxTagName (at most 10): " + n.name)
		}
		flags := n.flags
		if flags&tfBlock != 0 || id == tagTitle {
			flags |= tfLine // one flag test where the text builder ends a line
		}
		sl := tagSlot{key: tagKey(n.name), n: uint8(len(n.name)), info: tagInfo{id, flags}, name: n.name}
		if len(n.name) > 8 {
			sl.head = longNameHead(n.name)
		}
		slots = append(slots, sl)
	}
	mul := uint64(0x9E3779B97F4A7C15)
	for try := 0; try < 1<<16; try++ {
		t := new([1 << tagHashBits]tagSlot)
		ok := true
		for _, e := range slots {
			h := (e.key * mul) >> (64 - tagHashBits)
			if t[h].n != 0 {
				ok = false
				break
			}
			t[h] = e
		}
		if ok {
			return t, mul
		}
		mul = mul*6364136223846793005 + 1442695040888963407 | 1
	}
	panic("detect: no collision-free multiplier for tagHash")
}()

// noTag is lookupTag's answer for names not in tagNames: id 0, no flags.
var noTag tagSlot

// lookupTag classifies an element name as it appears in the page (any
// ASCII case); key is tagKey(name). It returns the name's slot (with its
// lower-case name), or noTag.
//
// Names longer than eight bytes also compare their first len-8 bytes, one
// or two as maxTagName is 10, as tagHead (so that lookupTag is small enough
// to be inlined).
func lookupTag(name string, key uint64) *tagSlot {
	return lookupTagAt(name, 0, len(name), key)
}

// lookupTagAt is lookupTag for the name s[ns:ns+l], which it reads only
// when the name is longer than eight bytes (the reader's hot path then
// builds no string for the name).
func lookupTagAt(s string, ns, l int, key uint64) *tagSlot {
	e := &tagHash[(key*tagHashMul)>>(64-tagHashBits)]
	if e.key == key && int(e.n) == l && (l <= 8 || e.head == uint16(lowerByte[s[ns]])<<8|uint16(lowerByte[s[ns+l-9]])) {
		return e
	}
	return &noTag
}

// longNameHead packs, lower-cased, the first byte of a name of nine or ten
// bytes and its byte len-9 (the same first byte for nine bytes, the second
// for ten): with the tagKey of the last eight bytes, that is the whole name.
func longNameHead(name string) uint16 {
	return uint16(lowerByte[name[0]])<<8 | uint16(lowerByte[name[len(name)-9]])
}

// asciiEqualFold reports whether s equals lower (all lower case) when
// ASCII capitals in s are lower-cased, as scanTag lower-cases names.
func asciiEqualFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerByte[s[i]] != lower[i] {
			return false
		}
	}
	return true
}

// sameTagName reports whether two raw names are the same element name
// once ASCII capitals are lower-cased.
func sameTagName(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		c, d := a[i], b[i]
		if c != d {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if 'A' <= d && d <= 'Z' {
				d += 'a' - 'A'
			}
			if c != d {
				return false
			}
		}
	}
	return true
}

// fastElem is an open element on the fast reader's stack.
type fastElem struct {
	// nameOff and nameLen place the element's name in the page; the
	// element holds no pointer, so pushing it needs no write barrier.
	// Offsets are int32 (parseFast reads pages of at most maxFastPage
	// bytes), so that an element fills 32 bytes.
	key              uint64 // tagKey(name)
	nameOff, nameLen int32
	start            int32 // text offset where a captured field began
	flags            uint16
	id               uint8
	zone             uint8
	skip             bool
	field            uint8
}

// maxFastPage is the longest page parseFast reads (x/net/html reads
// longer ones): its text, at most a few times the page, fits an int32.
const maxFastPage = 1 << 28

// fieldSpan is a field element's text, recorded when the element closes
// and turned into document fields once the text is a string.
type fieldSpan struct {
	field      uint8
	start, end int
	// clean: the text was built by clean writes alone (textBuf.dirty),
	// so collapseClean may read it
	clean bool
}

// attrSpan places an attribute value in the page: s[start:end] (int32:
// parseFast reads pages of at most maxFastPage bytes, and tagAttrs is
// zeroed for every start tag with attributes, so it is kept small).
type attrSpan struct{ start, end int32 }

// tagAttrs holds the attributes parseStreamWith reads (the last of each
// name wins, as there), as places in the page: it holds no pointer, so
// filling it needs no write barriers.
type tagAttrs struct {
	cls, id, role, alt, title, typ, value, itemprop, metaName, content attrSpan
}

// set records attribute k=v when it is one of the attributes read.
func (a *tagAttrs) set(k string, v attrSpan) {
	switch len(k) {
	case 2:
		if asciiEqualFold(k, "id") {
			a.id = v
		}
	case 3:
		if asciiEqualFold(k, "alt") {
			a.alt = v
		}
	case 4:
		switch {
		case asciiEqualFold(k, "role"):
			a.role = v
		case asciiEqualFold(k, "type"):
			a.typ = v
		case asciiEqualFold(k, "name"):
			a.metaName = v
		}
	case 5:
		switch {
		case asciiEqualFold(k, "class"):
			a.cls = v
		case asciiEqualFold(k, "title"):
			a.title = v
		case asciiEqualFold(k, "value"):
			a.value = v
		}
	case 7:
		if asciiEqualFold(k, "content") {
			a.content = v
		}
	case 8:
		if asciiEqualFold(k, "itemprop") {
			a.itemprop = v
		}
	}
}

// fastParser is the pooled state of one page read.
type fastParser struct {
	s       string // the page being read
	tb      textBuf
	stack   []fastElem
	fields  []fieldSpan
	attrs   []rawAttr
	scratch []byte // unescaped text tokens
	// tagAttrs holds the attributes of the start tag being read (in the
	// pooled parser, so that a tag without attributes costs no zeroing).
	tagAttrs tagAttrs
	segs     []segment // the segments under construction
	// out holds the page texts handed to documents (outchunk.go).
	out textChunk
	// masks caches class, id and itemprop values' masks: the Detector's,
	// set by Detect for the one page (nil: none).
	masks *maskCache
}

var fastParserPool = sync.Pool{New: func() any {
	p := &fastParser{}
	p.init()
	return p
}}

// init sizes a new parser's lists.
func (p *fastParser) init() {
	p.stack, p.fields, p.attrs = make([]fastElem, 0, 32), make([]fieldSpan, 0, 16), make([]rawAttr, 0, 8)
}

// maxPooledText bounds the text buffer a pooled parser keeps, and
// maxPooledItems its element, field and segment lists (a hostile page of
// nested tags must not leave a huge stack in the pool).
const (
	maxPooledText  = 1 << 20
	maxPooledItems = 1 << 12
)

// parseFast zones page s in one pass; ok is false when it meets a construct
// byteScanner would bail on, or s is longer than maxFastPage (the caller
// then reads s with x/net/html).
func parseFast(s string) (doc *document, ok bool) {
	p := fastParserPool.Get().(*fastParser)
	doc, ok = parseFastWith(p, nil, s)
	fastParserPool.Put(p)
	return doc, ok
}

// parseFastWith is parseFast with the parser p, reading into doc (zero) or,
// when doc is nil, into a document from docPool.
func parseFastWith(p *fastParser, doc *document, s string) (*document, bool) {
	if len(s) > maxFastPage {
		return nil, false
	}
	if strings.IndexByte(s, 0) >= 0 {
		return nil, false // NUL handling differs between raw text and text
	}
	p.tb.reset(p.segs[:0])
	p.stack = p.stack[:0]
	p.fields = p.fields[:0]
	ok := p.run(s)
	if !ok {
		doc = nil
	} else {
		p.tb.closeSeg()
		if doc == nil {
			doc = docPool.Get().(*document) // zero: new, or zeroed by release
		}
		doc.text = p.out.copyString(p.tb.b)
		if segs := p.tb.segs; len(segs) <= len(doc.segArr) {
			doc.segs = doc.segArr[:len(segs):len(segs)]
			copy(doc.segs, segs)
		} else {
			doc.segs, doc.segBuf = pooledSegs(segs)
		}
		for _, f := range p.fields {
			doc.setFieldText(f.field, doc.text[f.start:f.end], f.clean)
		}
	}
	p.segs = p.tb.segs[:0]
	p.tb.segs = nil
	if cap(p.tb.b) > maxPooledText {
		p.tb.b = nil
	}
	if cap(p.scratch) > maxPooledText {
		p.scratch = nil
	}
	if cap(p.stack) > maxPooledItems {
		p.stack = nil
	}
	if cap(p.fields) > maxPooledItems {
		p.fields = nil
	}
	if cap(p.segs) > maxPooledItems {
		p.segs = nil
	}
	return doc, ok
}

// pooledSegs copies segs into a list from segPool (document.release hands
// it back), or into a new one of the right size when the pool has none
// large enough.
func pooledSegs(segs []segment) ([]segment, *[]segment) {
	sb, _ := segPool.Get().(*[]segment)
	if sb == nil || cap(*sb) < len(segs) {
		if sb != nil {
			segPool.Put(sb)
		}
		sb = new([]segment)
		*sb = make([]segment, 0, len(segs))
	}
	*sb = append((*sb)[:0], segs...)
	return *sb, sb
}

// cur returns the zone and skip state of the innermost open element.
func (p *fastParser) cur() (uint8, bool) {
	if len(p.stack) == 0 {
		return zoneBody, false
	}
	t := &p.stack[len(p.stack)-1]
	return t.zone, t.skip
}

// Kinds of markup by the byte after "<" (markupOpen).
const (
	openText  uint8 = iota // the "<" opens nothing: it is text
	openTag                // an ASCII letter: a start tag
	openEnd                // "/": an end tag
	openBang               // "!": a comment, doctype or bogus comment
	openQuery              // "?": a bogus comment
)

// markupOpen classifies the byte after "<".
var markupOpen = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = openTag, openTag
	}
	t['/'], t['!'], t['?'] = openEnd, openBang, openQuery
	return t
}()

// run reads s to the end; false when it bails.
func (p *fastParser) run(s string) bool {
	p.s = s
	defer func() { p.s = "" }()
	pos := 0
	n := len(s)
	for uint(pos) < uint(n) { // unsigned: s[i] (i = pos) needs no bounds check
		// text up to the next "<" that opens markup (markup often
		// follows markup at once)
		i := pos
		var open uint8
		if s[i] == '<' && i+1 < n {
			open = markupOpen[s[i+1]]
		}
		if open == openText {
			// The run's end, the kind of markup there and whether the
			// run is plain, eight bytes at a time: the loop parse_run.go
			// describes (textRun in parse_text_test.go), written out.
			end, o, bad, prev := n, openText, uint64(0), uint64(0)
		scan:
			for k := pos; k < n; k += 8 {
				var w uint64
				if k+8 <= n {
					w = load8(s, k)
				} else {
					w = loadTail(s, k)
				}
				t := w ^ (ones * '<')
				lt := (t - ones) &^ t & hi1
				a := w ^ (ones * '&')
				sp := w ^ (ones * ' ')
				sp = (sp - ones) &^ sp & hi1
				f := (w-ones*0x20)&^w | (a-ones)&^a | sp&(sp<<8|prev)
				for lt != 0 {
					b := bits.TrailingZeros64(lt) >> 3
					if j := k + b; uint(j) < uint(n) && s[j] == '<' {
						if j+1 >= n {
							return false // "<" at the very end
						}
						if o2 := markupOpen[s[j+1]]; o2 != openText {
							bad |= f & (uint64(1)<<(8*uint(b)) - 1)
							end, o = j, o2
							break scan
						}
					}
					lt &= lt - 1
				}
				bad |= f
				prev = sp >> 56
			}
			plain := bad&hi1 == 0
			i, open = end, o
			if plain {
				// A run textRun found plain: at most one space at
				// either end (white space textBuf.text trims into
				// pendingSpace), and a middle copied as it is, here
				// rather than in a call (see the start tags below).
				if zone, skip := p.cur(); !skip {
					tb := &p.tb
					st, en := pos, i // the run is s[st:en]
					if s[st] == ' ' {
						st++
						tb.pendingSpace = true
					}
					if st < en {
						// 0 <= st < en <= n: the run's last byte and the
						// run itself are read through the page's pointer,
						// without bounds checks (en-- below leaves en >= st)
						base := unsafe.Pointer(unsafe.StringData(s))
						trailing := *(*byte)(unsafe.Add(base, en-1)) == ' '
						if trailing {
							en--
						}
						run := *(*string)(unsafe.Pointer(&strHdr{unsafe.Add(base, st), en - st}))
						tb.startZone(zone)
						b := tb.b
						if tb.pendingSpace {
							if m := len(b); m > 0 && b[m-1] != '\n' && b[m-1] != ' ' {
								b = append(b, ' ')
							}
						}
						if en-st <= 16 && st+16 <= n && cap(b)-len(b) >= 16 {
							b = copyShort(b, run)
						} else {
							b = append(b, run...)
						}
						tb.b = b
						tb.pendingSpace = trailing
					}
				}
			} else {
				p.textToken(s[pos:i])
			}
			pos = i
			if i >= n {
				break
			}
		}
		switch {
		case open == openTag:
			// A start tag. The commonest, one without attributes of an
			// element without tfZoned flags, is pushed here (as pushPlain
			// does), without a call: a call makes run spill and reload
			// what it holds, as Go keeps no register across a call.
			// startTagRest reads the others.
			ns := i + 1
			j, key := tagName(s, ns)
			if uint(j) < uint(n) && s[j] == '>' {
				if info := lookupTagAt(s, ns, j-ns, key).info; info.flags&tfZoned == 0 {
					zone, skip := p.cur()
					e := fastElem{key: key, nameOff: int32(ns), nameLen: int32(j - ns), flags: info.flags, id: info.id, zone: zone, skip: skip}
					if !skip {
						if info.flags&tfBlock != 0 {
							p.tb.newline()
						} else if info.flags&tfCell != 0 {
							p.tb.pendingSpace = true
						}
						e.start = int32(len(p.tb.b))
					}
					p.stack = append(p.stack, e)
					pos = j + 1
					continue
				}
			}
			end, ok := p.startTagRest(s, i, j, key)
			if !ok {
				return false
			}
			pos = end
		case open == openEnd:
			ns := i + 2
			if k := len(p.stack) - 1; k >= 0 && ns+8 <= n {
				// Most end tags close the innermost element and are
				// spelt as its start tag was: then the name is
				// compared as one masked word and the element popped
				// here (as pop would). (The start tag's name lies
				// before ns, so ns+8 <= n also bounds the load at off;
				// and it starts with a letter, so an end tag that
				// matches it is no bogus comment.)
				e := &p.stack[k]
				l, off := int(e.nameLen), int(e.nameOff)
				if uint(l) <= 8 && uint(ns+l) < uint(n) && s[ns+l] == '>' &&
					(load8(s, ns)^load8(s, off))&keyMask[l] == 0 {
					if e.field != fieldNone {
						p.addField(e)
					}
					if e.flags&tfLine != 0 {
						p.tb.newline()
					}
					p.stack = p.stack[:k]
					pos = ns + l + 1
					continue
				}
			}
			if ns >= n || markupOpen[s[ns]] != openTag {
				// "</>" and "</ bogus>": comments (nothing to read)
				k := strings.IndexByte(s[ns:], '>')
				if k < 0 {
					return false
				}
				pos = ns + k + 1
				continue
			}
			j, key := tagName(s, ns)
			name := s[ns:j]
			if j < n && s[j] == '>' {
				pos = j + 1
			} else {
				end, _, ok := tagEnd(s, ns)
				if !ok {
					return false
				}
				pos = end
			}
			p.endTag(name, key)
		case open == openBang && strings.HasPrefix(s[i:], "<!--"):
			// The first "-->" after "<!" also ends "<!-->" and "<!--->".
			k := strings.Index(s[i+2:], "-->")
			if k < 0 || strings.Contains(s[i+2:i+2+k], "--!") {
				return false
			}
			pos = i + 2 + k + 3
		default: // "<!DOCTYPE …>", "<!bogus>", "<?xml …?>"
			if i+3 >= n {
				return false
			}
			k := strings.IndexByte(s[i+2:], '>')
			if k < 0 {
				return false
			}
			pos = i + 2 + k + 1
		}
	}
	return true
}

// textToken handles one text token's raw bytes.
//
// Only a token with a character reference is unescaped: the other part of
// unescapeText, CR LF and lone CR made LF, changes nothing textBuf.text
// builds, as it treats CR and LF alike as white space (and collapses a run
// of it into one space).
func (p *fastParser) textToken(raw string) {
	zone, skip := p.cur()
	if skip {
		return
	}
	// White space alone (often the line breaks and indentation between
	// tags) only leaves a space due, as textBuf.text would find, without
	// the search for "&".
	i := 0
	for i < len(raw) && byteClass[raw[i]]&bSpace != 0 {
		i++
	}
	if i == len(raw) {
		if i > 0 {
			p.tb.pendingSpace = true
		}
		return
	}
	if strings.IndexByte(raw[i:], '&') >= 0 {
		if u, ok := unescapeCommon(p.scratch[:0], raw); ok {
			p.scratch = u
			raw = unsafe.String(unsafe.SliceData(u), len(u))
		} else {
			raw = unescapeText(unsafe.Slice(unsafe.StringData(raw), len(raw)))
		}
	}
	p.tb.text(zone, raw)
}

// commonEntityNames lists the character references most pages use
// (without "&" and ";"), none longer than eight bytes.
var commonEntityNames = []string{"amp", "lt", "gt", "quot", "apos", "nbsp", "middot", "copy", "reg", "trade",
	"hellip", "mdash", "ndash", "laquo", "raquo", "euro", "pound", "yen", "times", "bull", "rsquo", "lsquo",
	"rdquo", "ldquo", "deg", "micro", "plusmn", "rarr", "larr", "check", "star", "hearts", "shy", "zwj", "zwnj"}

// entitySlot is one slot of entityHash: a reference name's bytes packed
// into a word (first byte highest; names are letters and digits, so no
// two names pack alike) and its text, taken from html.UnescapeString
// itself.
type entitySlot struct {
	key  uint64
	text string
	// packed holds text's bytes (at most four, first byte lowest) and
	// size its length, for unescapeCommon's four-byte store.
	packed uint32
	size   uint8
}

// entityHashBits sizes entityHash (1<<entityHashBits slots).
const entityHashBits = 7

// entityHash holds commonEntityNames in a collision-free table indexed by
// (key*entityHashMul)>>(64-entityHashBits), entityHashMul found when the
// package loads as tagHashMul is (a map lookup costs several times more).
var entityHash, entityHashMul = func() (*[1 << entityHashBits]entitySlot, uint64) {
	mul := uint64(0x9E3779B97F4A7C15)
	for try := 0; try < 1<<16; try++ {
		t := new([1 << entityHashBits]entitySlot)
		ok := true
		for _, name := range commonEntityNames {
			if len(name) > 8 {
				panic("detect: common entity name longer than eight bytes: " + name)
			}
			k := entityKey(name)
			h := (k * mul) >> (64 - entityHashBits)
			if t[h].key != 0 {
				ok = false
				break
			}
			text := html.UnescapeString("&" + name + ";")
			if len(text) > 4 || len(text) > len(name)+2 {
				panic("detect: common entity text longer than four bytes or than its reference: " + name)
			}
			var packed uint32
			for i := len(text) - 1; i >= 0; i-- {
				packed = packed<<8 | uint32(text[i])
			}
			t[h] = entitySlot{key: k, text: text, packed: packed, size: uint8(len(text))}
		}
		if ok {
			return t, mul
		}
		mul = mul*6364136223846793005 + 1442695040888963407 | 1
	}
	panic("detect: no collision-free multiplier for entityHash")
}()

// entityKey packs a reference name of at most eight bytes into a word.
func entityKey(name string) uint64 {
	var k uint64
	for i := 0; i < len(name); i++ {
		k = k<<8 | uint64(name[i])
	}
	return k
}

// commonEntity returns the text of the reference name (without "&" and
// ";", letters and digits) when it is one of commonEntityNames.
func commonEntity(name string) (string, bool) {
	if uint(len(name)-1) > 7 { // empty (its key, 0, marks empty slots) or over eight bytes
		return "", false
	}
	k := entityKey(name)
	if e := &entityHash[(k*entityHashMul)>>(64-entityHashBits)]; e.key == k {
		return e.text, true
	}
	return "", false
}

// unescapeCommon appends to dst what unescapeText makes of raw (CR LF and
// lone CR as LF, character references decoded) when every "&" in raw
// either starts no reference (followed by neither a letter, a digit nor
// "#"), starts a reference in commonEntityNames closed by ";", or starts a
// numeric reference numericRef decodes. ok is false for any other
// reference; the caller then uses unescapeText (which allocates).
//
// The text is never longer than raw (no reference is shorter than its
// text: numericRef's need at least four bytes for a rune of one, and five
// (hex) or six for longer ones; entityHash checks its names when it is
// built; CR LF only shrinks), so dst is grown once, by
// len(raw) and eight bytes more; the bytes between references are then
// copied eight at a time, and a reference's text as one four-byte store,
// each store landing within that room (what lies past the text's end is
// overwritten or left past the returned length).
func unescapeCommon(dst []byte, raw string) (out []byte, ok bool) {
	n := len(raw)
	if cap(dst)-len(dst) < n+8 {
		dst = slices.Grow(dst, n+8)
	}
	d := len(dst) // the text's end; d <= len(dst)+i throughout
	b := dst[:cap(dst)]
	base := unsafe.Pointer(unsafe.SliceData(b))
	for i := 0; i < n; {
		// up to the next "&" or CR, eight bytes a step (the store lies
		// within b: d+8 <= len(dst)+i+8 <= len(dst)+n)
		for i+8 <= n {
			w := load8(raw, i)
			binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(base, d))[:], w)
			if m := bytesEqual(w, '&') | bytesEqual(w, '\r'); m != 0 {
				k := bits.TrailingZeros64(m) >> 3
				d += k
				i += k
				break
			}
			d += 8
			i += 8
		}
		for uint(i) < uint(n) && raw[i] != '&' && raw[i] != '\r' { // unsigned: no bounds check on raw[i]
			b[d] = raw[i]
			d++
			i++
		}
		if i >= n {
			break
		}
		if raw[i] == '\r' {
			b[d] = '\n'
			d++
			i++
			if i < n && raw[i] == '\n' {
				i++
			}
			continue
		}
		// "&": the name's bytes, packed as entityKey packs them
		j := i + 1
		var key uint64
		for j < n && isASCIIAlnum(raw[j]) {
			key = key<<8 | uint64(raw[j])
			j++
		}
		if j == i+1 {
			if j < n && raw[j] == '#' {
				r, l, ok := numericRef(raw[j+1:])
				if !ok {
					return dst, false
				}
				d += utf8.EncodeRune(b[d:], r)
				i = j + 1 + l
				continue
			}
			b[d] = '&' // "&" that starts no reference
			d++
			i++
			continue
		}
		if j >= n || raw[j] != ';' || j-i-1 > 8 {
			return dst, false
		}
		e := &entityHash[(key*entityHashMul)>>(64-entityHashBits)]
		if e.key != key {
			return dst, false
		}
		// the text's four bytes (zero-padded) land within b: the
		// reference, at least four bytes, lies within raw
		binary.LittleEndian.PutUint32((*[4]byte)(unsafe.Add(base, d))[:], e.packed)
		d += int(e.size)
		i = j + 1
	}
	return b[:d], true
}

// numericRef decodes the numeric character reference whose "&#" precedes
// s: "x" or "X" and 1–7 hex digits, or 1–7 decimal digits, then ";" (seven
// digits cannot overflow r; longer runs are left to the fallback). n is
// the length read from s, ";" included. ok is false for every other form
// and for code points html.UnescapeString maps to something else (0,
// 0x80–0x9F, surrogates, beyond 0x10FFFF): the caller then falls back to
// unescapeText, so only references it decodes verbatim are decoded here.
func numericRef(s string) (r rune, n int, ok bool) {
	hex := len(s) > 0 && (s[0] == 'x' || s[0] == 'X')
	if hex {
		n = 1
	}
	d0 := n
	for ; n < len(s) && n-d0 < 8; n++ {
		c := s[n]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case hex && 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case hex && 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			goto end
		}
		if hex {
			r = r<<4 | rune(c)
		} else {
			r = r*10 + rune(c)
		}
	}
end:
	if n == d0 || n-d0 > 7 || n >= len(s) || s[n] != ';' {
		return 0, 0, false
	}
	if r == 0 || 0x80 <= r && r <= 0x9F || 0xD800 <= r && r <= 0xDFFF || r > utf8.MaxRune {
		return 0, 0, false
	}
	return r, n + 1, true
}

// isASCIIAlnum reports whether c is an ASCII letter or digit.
func isASCIIAlnum(c byte) bool { return isASCIILetter(c) || '0' <= c && c <= '9' }

// noAttrs is the (never written) attribute set of a start tag without
// attributes.
var noAttrs tagAttrs

// startTagRest reads the start tag at s[i] ("<" followed by a letter)
// whose name s[i+1:j] (key its tagKey) run has read, and handles it; it
// returns the index after the tag (after the raw text of raw-text
// elements) and ok=false when the reader must bail. It zones the element
// as parseStreamWith does. run handles the commonest tag itself, one
// without attributes of an element without tfZoned flags.
func (p *fastParser) startTagRest(s string, i, j int, key uint64) (int, bool) {
	ns := i + 1
	ok := true
	l := j - ns // the name is s[ns:j]
	var end int
	var selfClosing bool
	a := &noAttrs
	if uint(j) < uint(len(s)) && s[j] == '>' { // unsigned: no bounds check on s[j]
		end = j + 1
	} else {
		a = &p.tagAttrs
		// The attributes, into a (from empty), as tagEnd and scanTag
		// together would read them, for the common shapes: end is set
		// after ">" and selfClosing whether the tag closes itself, or
		// ok is false when the tag has a shape left to them (or the
		// input ends inside it). (Written out here rather than in a
		// function of its own: the call made startTagRest spill and
		// reload its values on every tag with attributes.)
		{
			i := j // the name's end
			*a = tagAttrs{}
			n := len(s)
		attrs:
			for {
				// (unsigned compares: s[i] needs no bounds check)
				for uint(i) < uint(n) && byteClass[s[i]]&bSpace != 0 {
					i++
				}
				if uint(i) >= uint(n) {
					ok = false
					break attrs
				}
				switch s[i] {
				case '>':
					// i > j > 0 (s[j] is no ">" here, and the name lies
					// before j): s[i-1] read through the page's pointer,
					// without a bounds check
					end, selfClosing = i+1, *(*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i-1)) == '/'
					break attrs
				case '/':
					i++
					continue
				case '=':
					ok = false
					break attrs // tagEnd and scanTag read this differently
				}
				if i+8 <= n {
					// name="value" or name='value', the name of one to six
					// lower-case letters: what the loop below reads, without
					// its byte loops. quotedAttrName (parse_swar_test.go) and
					// indexQuote, written out: a call costs this loop a spill
					// and reload of its values per attribute.
					w := load8(s, i)
					if eq := bytesEqual(w, '='); eq != 0 {
						k := bits.TrailingZeros64(eq) >> 3 // the first "=": the name's end
						t := w & lo7
						letter := (t + ones*(0x80-'a')) &^ (t + ones*(0x80-'z'-1)) &^ w & hi1 // exact per byte
						q := byte(w >> (8 * uint(k+1)))
						if uint(k-1) < 6 && ^letter&keyMask[k]&hi1 == 0 && (q == '"' || q == '\'') {
							j := i + k + 2 // the value's start
							e := j
							for qs := ones * uint64(q); ; e += 8 {
								if e+8 > n {
									if x := strings.IndexByte(s[e:], q); x >= 0 {
										e += x
										break
									}
									ok = false
									break attrs
								}
								t := load8(s, e) ^ qs
								if m := (t - ones) &^ t & hi1; m != 0 {
									e += bits.TrailingZeros64(m) >> 3
									break
								}
							}
							a.setKey(bits.ReverseBytes64(w&keyMask[k])>>(64-8*uint(k)), attrSpan{int32(j), int32(e)})
							i = e + 1
							continue
						}
					}
				}
				ks := i
				var kkey uint64
				i, kkey = attrName(s, i)
				if i >= n {
					ok = false
					break attrs
				}
				if s[i] == '/' && (i+1 >= n || s[i+1] != '>') {
					ok = false
					break attrs // scanTag keeps "/" inside the name
				}
				short := i-ks <= 8 // every attribute tagAttrs keeps is this short
				j := i
				for j < n && byteClass[s[j]]&bSpace != 0 {
					j++
				}
				if j >= n {
					ok = false
					break attrs
				}
				var v attrSpan
				if s[j] != '=' {
					i = j
				} else {
					j++
					for j < n && byteClass[s[j]]&bSpace != 0 {
						j++
					}
					if j >= n {
						ok = false
						break attrs
					}
					switch q := s[j]; q {
					case '>':
						ok = false
						break attrs
					case '"', '\'':
						e := indexQuote(s, j+1, q)
						if e < 0 {
							ok = false
							break attrs
						}
						v = attrSpan{int32(j + 1), int32(e)}
						i = e + 1
					default:
						vs := j
						for j < n && byteClass[s[j]]&bSpace == 0 && s[j] != '>' {
							j++
						}
						if j >= n || s[j] == '>' && s[j-1] == '/' {
							ok = false
							break attrs // "<a href=x/>": tagEnd decides
						}
						v = attrSpan{int32(vs), int32(j)}
						i = j
					}
				}
				if short {
					a.setKey(kkey, v)
				}
			}
		}
		if !ok {
			end, selfClosing, ok = tagEnd(s, ns)
			if !ok {
				return 0, false
			}
			*a = tagAttrs{}
			_, p.attrs = scanTag(unsafe.Slice(unsafe.StringData(s[i:end]), end-i), nil, p.attrs)
			for _, at := range p.attrs {
				var v attrSpan
				if len(at.val) > 0 { // a slice of s[i:end]: place it in s
					v.start = int32(uintptr(unsafe.Pointer(unsafe.SliceData(at.val))) - uintptr(unsafe.Pointer(unsafe.StringData(s))))
					v.end = v.start + int32(len(at.val))
				}
				a.set(unsafe.String(unsafe.SliceData(at.key), len(at.key)), v)
			}
		}
	}
	slot := lookupTagAt(s, ns, l, key)
	info := slot.info
	if info.flags&tfZoned == 0 && a.cls.end|a.id.end|a.role.end|a.itemprop.end == 0 {
		// no attribute the zoning below reads (an attribute the tag
		// has ends past 0): as pushPlain, or nothing for a tag that
		// closes itself
		if !selfClosing {
			p.pushPlain(ns, l, key, info)
		}
		return end, true
	}
	if info.flags&tfRaw != 0 && (selfClosing || info.flags&tfRawBail != 0) {
		return 0, false
	}
	// the element's zone, as parseStreamWith finds it (written out here
	// rather than in a function of its own: the call cost startTagRest a
	// spill and reload of its values on every tag it zones)
	{
		tb := &p.tb
		val := func(v attrSpan) string { return p.attr(v) }
		parentZone, parentSkip := p.cur()
		if parentSkip {
			if info.flags&tfVoid == 0 && !selfClosing {
				p.stack = append(p.stack, fastElem{nameOff: int32(ns), nameLen: int32(l), key: key, id: info.id, flags: info.flags, zone: parentZone, skip: true})
			}
			goto zoned
		}
		switch {
		case info.id == tagMeta:
			if asciiEqualFold(val(a.metaName), "description") {
				tb.newline()
				tb.text(zoneBody, attrTextString(val(a.content)))
				tb.newline()
			}
			goto zoned
		case info.flags&tfAltText != 0:
			az := zoneAlt
			if parentZone == zoneNav {
				az = zoneNav
			}
			if a.alt.end > a.alt.start {
				tb.newline()
				tb.text(az, attrTextString(val(a.alt)))
				tb.newline()
			}
			if a.title.end > a.title.start {
				tb.newline()
				tb.text(az, attrTextString(val(a.title)))
				tb.newline()
			}
			if info.id == tagInput && (val(a.typ) == "submit" || val(a.typ) == "button") {
				tb.text(parentZone, attrTextString(val(a.value)))
			}
			goto zoned
		case info.flags&tfBreak != 0:
			tb.newline()
			goto zoned
		}
		if info.flags&tfVoid != 0 || selfClosing {
			goto zoned
		}
		e := fastElem{nameOff: int32(ns), nameLen: int32(l), key: key, id: info.id, flags: info.flags, zone: parentZone}
		e.skip = info.flags&tfSkip != 0
		if info.id == tagTitle {
			e.zone = zoneTitle
			e.field = fieldTitle
		}
		var cm, im attrMasks
		// zoneAttrs: the tag has a class, id, role or itemprop (an attribute
		// the tag has ends past 0; one it lacks is {0, 0})
		zoneAttrs := a.cls.end|a.id.end|a.role.end|a.itemprop.end != 0
		if !e.skip && e.zone != zoneNav && info.id != tagTitle {
			if zoneAttrs {
				if a.cls.end > a.cls.start {
					cm = p.masks.page(p.s, int(a.cls.start), int(a.cls.end))
				}
				if a.id.end > a.id.start {
					im = p.masks.page(p.s, int(a.id.start), int(a.id.end))
				}
				switch {
				case info.flags&tfNav != 0 || isNavRole(val(a.role)) || (cm|im)&maskNav != 0:
					e.zone = zoneNav
				case parentZone == zoneBody && (info.flags&tfMain != 0 || val(a.role) == "main" || (cm|im)&maskMain != 0):
					e.zone = zoneMain
				}
			} else { // the same decisions without class, id or role
				switch {
				case info.flags&tfNav != 0:
					e.zone = zoneNav
				case parentZone == zoneBody && info.flags&tfMain != 0:
					e.zone = zoneMain
				}
			}
			switch {
			case info.id == tagH1:
				if e.zone != zoneNav {
					e.zone = zoneTitle
					e.field = fieldH1
				}
			case info.id >= tagH2 && info.id <= tagH6:
				if e.zone != zoneNav {
					e.zone = zoneHeading
				}
			}
		}
		if e.field == fieldNone && e.zone != zoneNav && zoneAttrs {
			if e.skip && a.cls.end > a.cls.start {
				cm = p.masks.page(p.s, int(a.cls.start), int(a.cls.end)) // not read above
			}
			var pm attrMasks
			if a.itemprop.end > a.itemprop.start {
				pm = p.masks.page(p.s, int(a.itemprop.start), int(a.itemprop.end))
			}
			if (cm|pm)&fieldMasks != 0 {
				e.field = fieldFromMasks(cm, pm)
			}
		}
		if info.flags&tfLine != 0 {
			tb.newline()
		} else if info.flags&tfCell != 0 {
			tb.pendingSpace = true
		}
		e.start = int32(len(tb.b))
		p.stack = append(p.stack, e)
	}
zoned:
	if info.flags&tfRaw == 0 {
		return end, true
	}
	// raw text or RCDATA up to the matching end tag
	rend, ok := rawTextEnd(s, end, slot.name)
	if !ok {
		return 0, false
	}
	if info.id == tagScript && strings.Contains(s[end:rend], "<!--") {
		return 0, false // script data escape states
	}
	if rend > end {
		p.textToken(s[end:rend])
	}
	return rend, true
}

// pushPlain is startTagRest's zoning for a start tag without attributes
// of an element without tfZoned flags: it opens the element in its
// parent's zone (and skip state), ending the line before a block and
// leaving a space due before a cell's text. (run does the same for the tags it handles
// itself; keep the two alike.)
func (p *fastParser) pushPlain(nameOff, nameLen int, key uint64, info tagInfo) {
	zone, skip := p.cur()
	e := fastElem{key: key, nameOff: int32(nameOff), nameLen: int32(nameLen), flags: info.flags, id: info.id, zone: zone, skip: skip}
	if !skip {
		if info.flags&tfBlock != 0 {
			p.tb.newline()
		} else if info.flags&tfCell != 0 {
			p.tb.pendingSpace = true
		}
		e.start = int32(len(p.tb.b))
	}
	p.stack = append(p.stack, e)
}

// attr returns the attribute value at v, a place in the page read (the
// slice is made without bounds checks: startTagRest only records
// places inside p.s).
func (p *fastParser) attr(v attrSpan) string {
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(p.s)), v.start)), int(v.end-v.start))
}

// isNavRole: role values that make an element navigation (isNavAttr).
func isNavRole(role string) bool {
	switch role {
	case "navigation", "banner", "contentinfo", "complementary":
		return true
	}
	return false
}

// attrMaskString is attrMask for a string.
func attrMaskString(v string) attrMasks {
	if v == "" {
		return 0
	}
	return attrMask(unsafe.Slice(unsafe.StringData(v), len(v)))
}

// attrTextString is attrText for a string, except that v itself is returned
// when it holds no reference: the callers only append the text to the page
// text, so it need not be a copy.
func attrTextString(v string) string {
	if strings.IndexByte(v, '&') < 0 {
		return v
	}
	return attrText(unsafe.Slice(unsafe.StringData(v), len(v)))
}

// endTag closes the most recent open element named name (key is its
// tagKey), if any, and every element opened inside it.
func (p *fastParser) endTag(name string, key uint64) {
	k := len(p.stack) - 1
	for ; k >= 0; k-- {
		e := &p.stack[k]
		if e.key == key && int(e.nameLen) == len(name) && (len(name) <= 8 || sameTagName(p.s[e.nameOff:int(e.nameOff)+len(name)-8], name[:len(name)-8])) {
			break
		}
	}
	if k < 0 {
		return
	}
	p.pop(k)
}

// addField records the text of field element e, which closes now.
func (p *fastParser) addField(e *fastElem) {
	p.fields = append(p.fields, fieldSpan{e.field, int(e.start), len(p.tb.b), p.tb.dirty <= int(e.start)})
}

// pop closes the elements from p.stack[k] up: it records their fields and
// ends the line after block elements, innermost first.
func (p *fastParser) pop(k int) {
	for j := len(p.stack) - 1; j >= k; j-- {
		e := &p.stack[j]
		if e.field != fieldNone {
			p.fields = append(p.fields, fieldSpan{e.field, int(e.start), len(p.tb.b), p.tb.dirty <= int(e.start)})
		}
		if e.flags&tfLine != 0 {
			p.tb.newline()
		}
	}
	p.stack = p.stack[:k]
}

// textBuf is textBuilder over a reusable byte slice: the same text and
// segments, built without a strings.Builder so the buffer can be pooled.
type textBuf struct {
	b    []byte
	segs []segment
	// open is 1 + the zone of the open segment, 0 when none is open (one
	// byte, so that startZone tests it with one compare)
	open uint8
	// pendingSpace: a space is due before the next text.
	pendingSpace bool
	// dirty is len(b) after the last write that was not clean. A clean
	// write appends text of no byte below 0x20 and no two spaces in a
	// row, which starts with no space, after at most one space (and only
	// when b ends neither in a space nor a newline): the plain runs run
	// copies and the text textBuf.text copies whole. newline and
	// textSlow write dirty. So b[k:] with k >= dirty holds words of no
	// byte below 0x20 separated by single spaces, with at most a space
	// before them and none after (collapseClean).
	dirty int
}

// reset empties the buffer for a new page, keeping its memory.
func (tb *textBuf) reset(segs []segment) {
	tb.b = tb.b[:0]
	tb.dirty = 0
	tb.segs = segs
	tb.open, tb.pendingSpace = 0, false
}

// startZone is textBuilder.startZone.
func (tb *textBuf) startZone(z uint8) {
	if tb.open == z+1 {
		return
	}
	tb.closeSeg()
	tb.open = z + 1
	tb.segs = append(tb.segs, segment{zone: z, start: len(tb.b)})
}

// closeSeg is textBuilder.closeSeg.
func (tb *textBuf) closeSeg() {
	if tb.open != 0 {
		last := &tb.segs[len(tb.segs)-1]
		last.end = len(tb.b)
		if last.end == last.start {
			tb.segs = tb.segs[:len(tb.segs)-1]
		}
		tb.open = 0
	}
}

// newline is textBuilder.newline.
func (tb *textBuf) newline() {
	n := len(tb.b)
	if n == 0 || tb.b[n-1] == '\n' {
		return
	}
	tb.b = append(tb.b, '\n')
	tb.dirty = n + 1
	tb.pendingSpace = false
}

// textSlow is textBuilder.text: s appended with whitespace collapsed. The
// buffer is grown in a local slice and stored back once (one pointer write
// per call, not one per run). text uses it for the text it does not copy
// whole.
func (tb *textBuf) textSlow(z uint8, s string) {
	started := false
	b := tb.b
	for i := 0; i < len(s); {
		if byteClass[s[i]]&bSpace != 0 {
			tb.pendingSpace = true
			i++
			continue
		}
		if !started {
			tb.startZone(z) // reads len(tb.b), which is still len(b)
			started = true
		}
		if tb.pendingSpace {
			if n := len(b); n > 0 {
				if last := b[n-1]; last != '\n' && last != ' ' {
					b = append(b, ' ')
				}
			}
			tb.pendingSpace = false
		}
		// a run of words already separated by single spaces is written at once
		j := plainRun(s, i+1)
		for j < len(s) {
			c := s[j]
			if byteClass[c]&bSpace == 0 {
				j++
				continue
			}
			if c == ' ' && j+1 < len(s) && byteClass[s[j+1]]&bSpace == 0 {
				j += 2
				continue
			}
			break
		}
		b = append(b, s[i:j]...)
		i = j
	}
	if started {
		tb.b = b
		tb.dirty = len(b)
	}
}
