package detect

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Gap kinds: what separates a token from the next one.
const (
	gapNone  uint8 = iota // adjacent (CJK characters, script change)
	gapJoin               // a short run of in-word separators: . - _ * · / '
	gapSpace              // one space
	gapBreak              // anything else (punctuation, several spaces)
)

// token is one normalised word of the document text, with its span in the
// original (extracted) text so evidence can quote the page as written.
//
// A token holds no pointer: its norm is an offset and a length into the
// tokenizer's arena, read through the page's normBase.
// The garbage collector then neither scans token slices nor makes every
// token written while it marks pay a write barrier; for the same reason
// what the matcher derives from a token (its leetspeak folds) is kept by
// the matcher, not here.
// The fields from sent to mk are written together, as two eight-byte
// words, by putToken: keep them in this order (tok_class.go checks their
// offsets at compile time).
type token struct {
	// the norm (NFKC, case-folded, marks and format characters removed,
	// confusables folded): nLen bytes at nOff in the arena (normBase.norm)
	nOff, nLen uint32
	start, end int   // byte span in document.text
	sent       int32 // sentence number
	zone       uint8
	gap        uint8 // gap to the next token
	han        bool  // a single CJK character
	digits     bool  // contains a digit
	letters    bool  // contains a letter
	leet       bool  // contains a leetspeak symbol or digit among letters
	mixed      bool  // mixed-script word folded to one script
	question   bool  // the token's sentence ends with a question mark
	cls        uint8 // class bits for classifyTokens (cls* constants, tokenClass)
	// mk has the matcher's first tests of a token in one byte: mkLeet
	// (leet), mkHan (han) and mkMask (a masking character follows the
	// token in the text)
	mk uint8
}

// Bits of token.mk.
const (
	mkLeet = 1 << iota // the token is leet
	mkHan              // the token is han
	mkMask             // a masking character (isMask) follows the token in the text
)

// maskAfter is mkMask when text[end] is a masking character, else 0.
func maskAfter(text string, end int) uint64 {
	if end < len(text) && isMask(text[end]) {
		return mkMask
	}
	return 0
}

// normBase is what token norms are read from: the arena tokenizeInto
// returned with the tokens, as a string (it is not written while the
// tokens are in use). The arena begins with a copy of the text, so a norm
// that equals its source bytes is found at the token's own offset, and the
// norms that differ follow: one string for all norms, and no test of where
// a norm lies. Made only by newNormBase (norm relies on what it ensures).
type normBase struct {
	s string
}

// normSlack is how many bytes of its allocation newNormBase leaves past a
// base's end: a norm's first eight or sixteen bytes can then be read as
// one or two words whatever its length (normWord, eqNormRest).
const normSlack = 16

// newNormBase returns the base of tokens made with arena. It leaves at
// least normSlack bytes of capacity past the base's end (copying arena if
// it has fewer), so that s+len(s) still points into its allocation (see
// norm) and normSlack bytes from any offset up to len(s) lie in it (see
// normWord).
func newNormBase(arena []byte) normBase {
	if cap(arena)-len(arena) < normSlack {
		arena = append(arena, make([]byte, normSlack)...)[:len(arena)]
	}
	return normBase{s: unsafe.String(unsafe.SliceData(arena), len(arena))}
}

// strHdr is a string's representation: *(*string)(unsafe.Pointer(&h))
// is the string of n bytes at p.
type strHdr struct {
	p unsafe.Pointer
	n int
}

// norm returns the normalised form of t, a token read through b.
//
// Norms are read on every use, several times per token, so the string is
// made from its pointer and length rather than by b.s[o:o+n], which checks
// two bounds and masks the pointer (so that an empty result does not point
// past its allocation). Sound: b.s[:o+n] checks o+n <= len(b.s) (o and n
// are uint32s widened to uint: the sum cannot wrap), so the n bytes at
// b.s+o lie in b.s, and b.s+o, even for o = len(b.s), points into the
// allocation, which newNormBase ends at least a byte past b.s.
func (b *normBase) norm(t *token) string {
	o, n := uint(t.nOff), uint(t.nLen)
	_ = b.s[:o+n]
	return *(*string)(unsafe.Pointer(&strHdr{unsafe.Add(unsafe.Pointer(unsafe.StringData(b.s)), o), int(n)}))
}

// markQuestion flags every token of sentence sent (the last ones in toks).
func markQuestion(toks []token, sent int32) {
	for k := len(toks) - 1; k >= 0 && toks[k].sent == sent; k-- {
		toks[k].question = true
	}
}

// tableSize divides the runes whose fold computeFold gives (below it) from
// those foldSlow gives (at or above it).
const tableSize = 0x3000

// foldData holds the fold of every BMP rune, concatenated; foldIdx[r] packs
// the offset (high 24 bits) and the length (low 8 bits) of fold(r) in it.
// One string and an integer table rather than a []string: the garbage
// collector, which scans global tables in every cycle, then follows one
// pointer instead of one per rune.
var (
	foldOnce sync.Once
	foldData string
	foldIdx  []uint32
)

// bmpSize bounds the tables: the fold and the class (runeHan, runeLetter,
// runeDigit) of every rune in the Basic Multilingual Plane, so Cyrillic,
// Greek and CJK text needs no map lookups, Unicode range searches or
// per-rune string allocations.
const bmpSize = 0x10000

// Rune classes in runeClass.
const (
	runeHan uint8 = 1 << iota
	runeLetter
	runeDigit
	// runeLowerKeeps: a non-ASCII rune whose unicode.ToLower is non-ASCII
	// and of the same UTF-8 length (see lowerASCIIPositions)
	runeLowerKeeps
)

var runeClass []uint8 // class bits of every r < bmpSize

// buildFoldTable builds runeClass, foldData and foldIdx.
func buildFoldTable() {
	runeClass = make([]uint8, bmpSize)
	for r := rune(0); r < bmpSize; r++ {
		var c uint8
		if isHanSlow(r) {
			c |= runeHan
		}
		if unicode.IsLetter(r) {
			c |= runeLetter
		}
		if unicode.IsDigit(r) {
			c |= runeDigit
		}
		if l := unicode.ToLower(r); r >= 0x80 && l >= 0x80 && utf8.RuneLen(l) == utf8.RuneLen(r) && utf8.RuneLen(r) > 0 {
			c |= runeLowerKeeps
		}
		runeClass[r] = c
	}
	var data strings.Builder
	foldIdx = make([]uint32, bmpSize)
	for r := rune(0); r < bmpSize; r++ {
		var f string
		if r < tableSize {
			f = computeFold(r)
		} else {
			f = foldSlow(r)
		}
		if len(f) > 0xFF || data.Len() >= 1<<24 {
			panic("detect: fold table entry does not fit")
		}
		foldIdx[r] = uint32(data.Len())<<8 | uint32(len(f))
		data.WriteString(f)
	}
	foldData = data.String()
}

// computeFold returns the normalised form of one rune: NFKD, combining marks
// dropped, lower case (ß → ss). Format characters fold to "".
func computeFold(r rune) string {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return string(r + 32)
		}
		return string(r)
	}
	if unicode.Is(unicode.Cf, r) || r == 0x00AD || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) {
		return ""
	}
	if r == 'ß' || r == 'ẞ' {
		return "ss"
	}
	if l, ok := latinLookalikes[r]; ok {
		return l
	}
	d := norm.NFKD.String(string(r))
	var b strings.Builder
	for _, c := range d {
		if unicode.Is(unicode.Mn, c) {
			continue
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// fold normalises one rune.
func fold(r rune) string {
	if r < bmpSize && r >= 0 {
		foldOnce.Do(buildFoldTable)
		x := foldIdx[r]
		return foldData[x>>8 : x>>8+x&0xFF]
	}
	return foldSlow(r)
}

// foldSlow is fold for runes at or above tableSize, without the table.
func foldSlow(r rune) string {
	if l, ok := latinLookalikes[r]; ok {
		return l
	}
	if r >= 0xFF00 && r <= 0xFFEF || r >= 0x1D400 && r <= 0x1D7FF || r >= 0x1F100 && r <= 0x1F1FF {
		return computeFold(r)
	}
	if unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r) || r == 0xFE0F || r == 0xFE0E {
		return ""
	}
	return string(r)
}

func isHan(r rune) bool {
	if r >= 0 && r < bmpSize {
		foldOnce.Do(buildFoldTable)
		return runeClass[r]&runeHan != 0
	}
	return isHanSlow(r)
}

func isHanSlow(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r))
}

// leetChars are symbols that stand for letters inside a word.
func isLeetSymbol(r rune) bool {
	switch r {
	case '@', '$', '€', '|', '!', '£', '¢':
		return true
	}
	return false
}

func isJoinSep(r rune) bool {
	switch r {
	case '.', '-', '_', '*', '·', '•', '/', '\'', '’', '~', '+', '=', '‐', '‑', '–', '—', '|', ':', '^', '`', '´', '#':
		return true
	}
	return false
}

// isWordRune reports runes that belong inside a word after folding.
func isWordRune(r rune) bool {
	if r >= 0 && r < bmpSize {
		foldOnce.Do(buildFoldTable)
		return runeClass[r]&(runeLetter|runeDigit) != 0
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isDigitRune is unicode.IsDigit through the class table.
func isDigitRune(r rune) bool {
	if r >= 0 && r < bmpSize {
		foldOnce.Do(buildFoldTable)
		return runeClass[r]&runeDigit != 0
	}
	return unicode.IsDigit(r)
}

// isLetterRune is unicode.IsLetter through the class table.
func isLetterRune(r rune) bool {
	if r >= 0 && r < bmpSize {
		foldOnce.Do(buildFoldTable)
		return runeClass[r]&runeLetter != 0
	}
	return unicode.IsLetter(r)
}

// tokenize splits the document text into normalised tokens. Separators,
// zero-width and format characters, soft hyphens and combining marks are
// handled here; leetspeak and split words are handled at match time.
//
// The tokens are built in a pooled slice and copied to one of the exact
// length: a page's token count is not known in advance, and a slice sized
// by guess is either too large or grown (copied) several times.
func tokenize(text string, segs []segment) ([]token, normBase) {
	p := tokenPool.Get().(*[]token)
	toks, arena := tokenizeInto(*p, nil, text, segs)
	out := make([]token, len(toks))
	copy(out, toks)
	*p = toks[:0]
	tokenPool.Put(p)
	return out, newNormBase(arena)
}

// tokenPool recycles tokenize's working token slices.
var tokenPool = sync.Pool{New: func() any { return new([]token) }}

// tokenizeInto is tokenize reusing toks and arena (both reset) when they
// are large enough. It returns the tokens and the arena holding their
// norms; their base is newNormBase(arena), and the caller must not reuse
// arena while the tokens are in use.
//
// Runs of ASCII letters and digits are read through a byte-class table
// without rune decoding; only leet symbols and bytes >= 0x80 go through the
// rune path (fold tables, Han and mixed-script handling). A token whose
// normalised form equals its source bytes (lower-case ASCII words, most
// Cyrillic and accented words) is not copied: it is read at its offset in
// the arena's copy of text.
func tokenizeInto(toks []token, arena []byte, text string, segs []segment) ([]token, []byte) {
	if cap(toks) < len(text)/6+8 {
		toks = make([]token, 0, len(text)/6+8)
	}
	// arena holds a copy of text, then the normalised text of the tokens
	// that differ from their source bytes; every norm is a substring of it
	// (one allocation instead of one per token). Room for the copy and
	// as much again: appends past that grow it (norms are offsets).
	if cap(arena) < 2*len(text)+16 {
		arena = make([]byte, 0, 2*len(text)+16)
	}
	tokOnce.Do(buildTokRuneClass)
	z := tokenizer{arena: append(arena[:0], text...), text: text}
	toks = toks[:0]
	for _, sg := range segs {
		toks = z.segment(toks, sg)
	}
	if len(toks) > 0 {
		toks[len(toks)-1].gap = gapBreak
	}
	return toks, z.arena
}

// tokenizer is the state of one tokenizeInto call. The token slice is
// passed to and returned by its methods rather than kept here: stored
// through a pointer it would escape, and callers that tokenize into a
// stack array (a price field's few tokens) would allocate it.
type tokenizer struct {
	// arena holds a copy of text, then the norms that differ from their
	// source bytes; the open token's, once it is no longer verbatim, is
	// arena[mark:]
	arena []byte
	mark  int
	text  string
	s     string // the current segment's text
	base  int    // offset of s in text
	zone  uint8
	sent  int32 // current sentence number
	// the open token, appended to toks when it closes
	open     bool
	tokStart int  // offset in s of its first byte
	verbatim bool // its norm so far is s[tokStart:i], not in arena
	// Which scripts its norm may hold, for foldMixedScript, which changes
	// only a word with a Latin letter (an ASCII letter or a rune below
	// U+0250: lead bytes 0xC2 to 0xC9) and a Greek or Cyrillic one (U+0340
	// to U+052F: lead bytes 0xCD to 0xD4). Set from every piece added to
	// the norm, so they may say yes wrongly but never no wrongly.
	latin, greekCyr bool
	digits          bool
	letters         bool
	leet            bool
	// the separators read since the last token (gs* state)
	gst uint8
}

// segment tokenizes one segment. A segment boundary is a sentence boundary.
//
// Whole ASCII words (the common tokens) are appended by asciiWords, Han
// characters by hanRun; the rest goes byte by byte here and rune by rune
// in runePath, with the open token's state in the tokenizer.
func (z *tokenizer) segment(toks []token, sg segment) []token {
	s := z.text[sg.start:sg.end]
	z.s, z.base, z.zone = s, sg.start, sg.zone
	z.sent++
	z.gst = gsBreak
	for i := 0; uint(i) < uint(len(s)); { // unsigned: s[i] needs no bounds check
		c := s[i]
		cl := tokByteClass[c]
		switch {
		case cl&tbWord != 0:
			// a run of ASCII letters and digits: the common case
			if !z.open {
				// whole words, at once
				i0 := i
				if toks, i = z.asciiWords(toks, i); i != i0 {
					continue
				}
			}
			j, acc := wordEnd(s, i)
			if !z.open && (j == len(s) || tokByteClass[s[j]]&tbSep != 0 && (acc&(tbLower|tbUpper) != 0 || !z.decimalPoint(j, acc))) {
				// a whole word that asciiWords declined
				toks = z.emitASCIISlow(toks, i, j, acc)
				i = j
				if i < len(s) && s[i] == ' ' {
					// the space after a word, the commonest separator:
					// what the separator case below does for it
					z.gst = gsSpace
					i++
				}
				continue
			}
			z.openAt(i)
			if acc&tbDigit != 0 {
				z.digits = true
			}
			if acc&(tbLower|tbUpper) != 0 {
				z.letters, z.latin = true, true
			}
			if acc&tbUpper != 0 {
				z.materialize(i)
				z.appendLower(i, j)
			} else if !z.verbatim {
				z.arena = append(z.arena, s[i:j]...)
			}
			i = j
		case cl&tbSep != 0:
			if z.open {
				if z.digits && !z.letters && z.decimalPoint(i, tbDigit) {
					// decimal point inside a number
					if !z.verbatim {
						z.arena = append(z.arena, c)
					}
					i++
					continue
				}
				toks = z.closeTok(toks, i)
				toks[len(toks)-1].mk |= maskMk[c] // closeTok's mkMask
			}
			z.gst = gsNext[(z.gst<<1|cl>>tbJoinShift&1)&15]
			if cl&(tbStop|tbDot) != 0 {
				if c == '\n' || c == ';' {
					// what stop does for them
					z.sent++
					z.gst = gsBreak
				} else {
					toks = z.stop(toks, i, cl)
				}
			}
			i++
		default:
			toks, i = z.runePath(toks, i)
		}
	}
	if z.open {
		toks = z.closeTok(toks, len(s))
		toks[len(toks)-1].mk |= uint8(maskAfter(z.text, z.base+len(s))) // closeTok's mkMask
	}
	z.sent++
	return toks
}

// growTokens returns toks with room for one more token.
//
//go:noinline
func growTokens(toks []token) []token {
	return append(toks, token{})[:len(toks)]
}

// lowerWord returns s[i:j], ASCII letters and digits with no token open,
// lower-cased at the end of arena, and its nOff.
func (z *tokenizer) lowerWord(i, j int) (string, uint32) {
	n := len(z.arena)
	z.appendLower(i, j)
	return unsafe.String(&z.arena[n], j-i), uint32(n)
}

// toArena appends s, a norm that is not already in the arena (a fold
// table's string, a mixed-script fold), to the arena and returns its nOff.
// No open token's norm may be in the arena's end (it would no longer be
// at its end): called with none open or while closing one.
func (z *tokenizer) toArena(s string) uint32 {
	n := len(z.arena)
	z.arena = append(z.arena, s...)
	return uint32(n)
}

// stop handles s[i], a separator that may end a sentence (class bits cl):
// '?' marks the sentence as a question, and a newline, ';', '?' or a '.'
// before a space, a newline or the end ends it.
func (z *tokenizer) stop(toks []token, i int, cl uint8) []token {
	s := z.s
	if s[i] == '?' && len(toks) > 0 && toks[len(toks)-1].sent == z.sent {
		markQuestion(toks, z.sent)
	}
	if cl&tbStop != 0 || i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n' {
		z.sent++
		z.gst = gsBreak
	}
	return toks
}

// decimalPoint reports whether s[i] is a '.' or ',' between digits that
// continues a number, given the class bits acc of the token so far: a
// token of digits only, followed by a digit.
func (z *tokenizer) decimalPoint(i int, acc uint8) bool {
	s := z.s
	return (s[i] == '.' || s[i] == ',') && acc&(tbLower|tbUpper) == 0 && acc&tbDigit != 0 &&
		i+1 < len(s) && tokByteClass[s[i+1]]&tbDigit != 0
}

// runePath reads the rune at s[i] (a leet symbol or a byte >= 0x80) and
// returns the offset after it. The non-ASCII word runes that follow a word
// rune (the rest of a Cyrillic or accented word) are read in the same call.
func (z *tokenizer) runePath(toks []token, i int) ([]token, int) {
	s := z.s
	var r rune
	var size int
	if c := s[i]; c-0xC2 <= 0xDF-0xC2 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		r, size = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2 // decodeRuneAt's two-byte case
	} else {
		r, size = decodeRuneAt(s, i)
	}
	info := tokRune(r)
	switch {
	case info&trEmpty != 0:
		// format character, soft hyphen, combining mark: invisible, but
		// the open token no longer equals its source bytes
		if z.open {
			z.materialize(i)
		}
	case info&trHan != 0:
		if z.open {
			toks = z.closeTok(toks, i)
		}
		return z.hanRun(toks, i, r, size, info)
	case info&(trDigit|trLetter) != 0 || (info&trLeet != 0 && z.open && nextIsWord(s, i+size)):
		z.openAt(i)
		for {
			// a two-byte letter that folds to itself is left to the
			// loop over a run of them below (twoByteLetter has it)
			if size != 2 || info&(trSame|trLetter|trDigit) != trSame|trLetter {
				if info&trDigit != 0 {
					z.digits = true
				} else if info&trLetter != 0 {
					z.letters = true
				} else {
					z.leet = true
				}
				if size == 2 && info&trSame != 0 {
					// a two-byte digit that folds to itself:
					// appendRune inline
					z.noteScripts(s[i])
					if !z.verbatim {
						z.arena = append(z.arena, s[i], s[i+1])
					}
				} else {
					z.appendRune(i, r, size, info)
				}
				i += size
			}
			// the rest of a run of two-byte letters that fold to
			// themselves (Cyrillic and Greek lower case): only their
			// class is looked up, and they are copied (when the norm is
			// no longer verbatim) once, after the run
			i0, sc := i, uint8(0)
			for uint(i+1) < uint(len(s)) {
				// 0 <= i and i+1 < len(s): pair2 reads s[i] and s[i+1]
				// without bounds checks
				c, c2 := pair2(s, i)[0], pair2(s, i)[1]
				if c-0xC2 > 0xDF-0xC2 || c2&0xC0 != 0x80 {
					break
				}
				e := twoByteLetter[uint(c&0x1F)<<6|uint(c2&0x3F)]
				if e&tlSame == 0 {
					break
				}
				sc |= e
				i += 2
			}
			if i > i0 {
				z.letters = true
				z.latin = z.latin || sc&scriptLatin != 0
				z.greekCyr = z.greekCyr || sc&scriptGreekCyr != 0
				if !z.verbatim {
					z.arena = append(z.arena, s[i0:i]...)
				}
			}
			if uint(i) >= uint(len(s)) || s[i] < utf8.RuneSelf { // unsigned: no bounds check on s[i]
				return toks, i
			}
			if c := s[i]; c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
				r, size = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2 // decodeRuneAt's two-byte case
			} else {
				r, size = decodeRuneAt(s, i)
			}
			if info = tokRune(r); info&(trDigit|trLetter) == 0 || info&(trHan|trEmpty) != 0 {
				return toks, i // the main loop reads it
			}
		}
	case info&trLeet != 0 && !z.open && nextIsLetter(s, i+size):
		// word-initial leet symbol: "@cetyl", "$ufentanil"
		z.openAt(i)
		z.leet = true
		z.appendRune(i, r, size, info)
	default:
		if z.open {
			toks = z.closeTok(toks, i)
		}
		z.gst = gsNext[(z.gst<<1|info>>trJoinShift&1)&15]
		if info&trStop != 0 {
			fr, _ := utf8.DecodeRuneInString(fold(r))
			if fr == '？' && len(toks) > 0 && toks[len(toks)-1].sent == z.sent {
				markQuestion(toks, z.sent)
			}
			z.sent++
			z.gst = gsBreak
		}
	}
	return toks, i + size
}

// decodeRuneAt is utf8.DecodeRuneInString(s[i:]) with two-byte sequences
// (Cyrillic, Greek, accented Latin) and most three-byte ones (CJK) decoded
// inline.
func decodeRuneAt(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	if c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	}
	if c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
		// three bytes with a lead that rules out overlong and surrogate
		// forms: U+1000 to U+CFFF and U+E000 to U+FFFF (CJK, Hangul,
		// general punctuation, fullwidth forms)
		return rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
	}
	return utf8.DecodeRuneInString(s[i:])
}

// appendRune adds the fold of the rune r = s[i:i+size] (tr* class info) to
// the open token.
func (z *tokenizer) appendRune(i int, r rune, size int, info uint8) {
	if info&trSame != 0 && (r != utf8.RuneError || size > 1) {
		// the fold is the source bytes
		z.noteScripts(z.s[i])
		if !z.verbatim {
			for k := i; k < i+size; k++ {
				z.arena = append(z.arena, z.s[k])
			}
		}
		return
	}
	if e := twoByteFold[r&0x7FF]; size == 2 && e != 0 {
		// a two-byte rune whose fold is one or two other bytes (an
		// upper-case Cyrillic or Greek letter, an accented Latin one)
		z.latin = z.latin || e&(scriptLatin<<24) != 0
		z.greekCyr = z.greekCyr || e&(scriptGreekCyr<<24) != 0
		z.materialize(i)
		if e>>16&3 == 1 {
			z.arena = append(z.arena, byte(e))
		} else {
			z.arena = append(z.arena, byte(e), byte(e>>8))
		}
		return
	}
	f := fold(r)
	for k := 0; k < len(f); k++ {
		z.noteScripts(f[k])
	}
	z.materialize(i)
	z.arena = append(z.arena, f...)
}

// Script bits of leadScript and twoByteLetter.
const (
	scriptLatin    = 1
	scriptGreekCyr = 2
)

// leadScript[c&0x1F] is noteScripts' finding for the lead byte c of a
// two-byte rune (0xC2 to 0xDF).
var leadScript = func() (t [32]uint8) {
	for c := 0xC2; c <= 0xDF; c++ {
		var z tokenizer
		z.noteScripts(byte(c))
		if z.latin {
			t[c&0x1F] |= scriptLatin
		}
		if z.greekCyr {
			t[c&0x1F] |= scriptGreekCyr
		}
	}
	return t
}()

// noteScripts records the script a byte added to the open token's norm
// may belong to (see tokenizer.latin).
func (z *tokenizer) noteScripts(c byte) {
	switch {
	case c|0x20 >= 'a' && c|0x20 <= 'z', c >= 0xC2 && c <= 0xC9:
		z.latin = true
	case c >= 0xCD && c <= 0xD4:
		z.greekCyr = true
	}
}

// openAt opens a token at s[i] unless one is open.
func (z *tokenizer) openAt(i int) {
	if z.open {
		return
	}
	z.open, z.tokStart, z.verbatim = true, i, true
	z.latin, z.greekCyr = false, false
	z.digits, z.letters, z.leet = false, false, false
}

// materialize copies the open token's verbatim bytes s[tokStart:i] to the
// end of arena before something other than the source bytes is added to it.
func (z *tokenizer) materialize(i int) {
	if !z.verbatim {
		return
	}
	z.mark = len(z.arena)
	if i > z.tokStart {
		z.arena = append(z.arena, z.s[z.tokStart:i]...)
	}
	z.verbatim = false
}

// appendLower adds s[i:j], ASCII letters and digits, lower-cased, to the
// open token's norm in arena.
func (z *tokenizer) appendLower(i, j int) {
	n := len(z.arena)
	if j-i <= 8 && i+8 <= len(z.s) && cap(z.arena)-n >= 8 {
		// a short word: one eight-byte step; the bytes written past the
		// word's end are past len(arena), where no norm points
		lowerAlnum8(z.arena[n:n+8], z.s[i:i+8])
		z.arena = z.arena[:n+j-i]
		return
	}
	w := z.s[i:j]
	if cap(z.arena)-n < len(w) {
		z.arena = append(z.arena, w...) // grow; overwritten below
	} else {
		z.arena = z.arena[:n+len(w)]
	}
	lowerAlnum(z.arena[n:n+len(w)], w)
}

// closeTok appends the open token, which ends at s[end]. The caller sets
// its mkMask: only an ASCII separator or the text after the segment can be
// a masking character (runePath's runes are not).
func (z *tokenizer) closeTok(toks []token, end int) []token {
	var n string
	var off uint32
	if z.verbatim {
		n, off = z.s[z.tokStart:end], uint32(z.base+z.tokStart)
	} else if len(z.arena) > z.mark {
		// the arena's bytes after mark are never written again
		n, off = unsafe.String(&z.arena[z.mark], len(z.arena)-z.mark), uint32(z.mark)
	}
	mixed := false
	if z.latin && z.greekCyr && z.letters {
		var f string
		if f, mixed = foldMixedScript(n); mixed {
			// a new string: copied after the token's own bytes,
			// which are left unused
			n, off = f, z.toArena(f)
		}
	}
	// tokenClass(n, false, z.digits, z.letters, mixed), inline
	k := shapeBits(n)
	if z.digits {
		k |= clsNum
		if z.letters {
			k |= clsEnt
		}
	} else if len(n) == 56 && z.letters {
		k |= clsEnt
	}
	if len(n) > 0 && n[0] >= 0x80 {
		k &^= clsStop
		if n[0]-0xD0 <= 0xD4-0xD0 && z.letters && !mixed {
			k |= clsCyr
		}
	}
	// pushToken, inline. The gap of the token before, set here, is the
	// one openAt would have set: no separator is read while a token is
	// open.
	i := len(toks)
	if i == cap(toks) {
		toks = growTokens(toks)
	}
	if i > 0 {
		toks[i-1].gap = z.gst & gapMask
	}
	z.gst = gsNone
	toks = toks[:i+1]
	leet := b2u(z.leet || z.letters && z.digits)
	putToken(&toks[i], off, uint32(len(n)), z.base+z.tokStart, z.base+end,
		tokWordA(z.sent, z.zone)|b2u(z.digits)<<tokDigitsShift,
		b2u(z.letters)<<tokLettersShift|leet<<tokLeetShift|leet*mkLeet<<tokMkShift|
			b2u(mixed)<<tokMixedShift|uint64(k)<<tokClsShift)
	z.open = false
	return toks
}

func nextIsWord(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r) || isLeetSymbol(r)
}

func nextIsLetter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isLetterRune(r)
}

// latinLookalikes are Latin letters that NFKD leaves alone but readers see
// as plain ASCII: hooked, small-capital and dotless forms.
var latinLookalikes = map[rune]string{
	'ƒ': "f", 'ꜰ': "f", 'ɑ': "a", 'ɐ': "a", 'ı': "i", 'ȷ': "j", 'ɡ': "g", 'ʏ': "y", 'ᴀ': "a", 'ʙ': "b", 'ᴄ': "c",
	'ᴅ': "d", 'ᴇ': "e", 'ɢ': "g", 'ʜ': "h", 'ɪ': "i", 'ᴊ': "j", 'ᴋ': "k", 'ʟ': "l", 'ᴍ': "m", 'ɴ': "n", 'ᴏ': "o",
	'ᴘ': "p", 'ʀ': "r", 'ꜱ': "s", 'ᴛ': "t", 'ᴜ': "u", 'ᴠ': "v", 'ᴡ': "w", 'ᴢ': "z", 'ł': "l", 'đ': "d", 'ø': "o",
	'ŧ': "t", 'ɫ': "l", 'ɲ': "n", 'ƞ': "n", 'ʋ': "v", 'ɣ': "y",
}

// Confusable letters between Latin and Cyrillic/Greek (lower case).
var toLatin = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's',
	'к': 'k', 'м': 'm', 'т': 't', 'н': 'h', 'в': 'b', 'ԁ': 'd', 'ӏ': 'l', 'ԛ': 'q', 'ԝ': 'w', 'ё': 'e', 'ї': 'i', 'г': 'r',
	'ο': 'o', 'ν': 'v', 'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x',
	'η': 'n', 'μ': 'u', 'ω': 'w', 'β': 'b', 'γ': 'y', 'ς': 'c', 'λ': 'l',
}

var toCyrillic = map[rune]rune{
	'a': 'а', 'e': 'е', 'o': 'о', 'p': 'р', 'c': 'с', 'y': 'у', 'x': 'х', 'k': 'к', 'm': 'м', 't': 'т',
	'h': 'н', 'b': 'в', 'i': 'і', 'n': 'п', 'r': 'г', 'u': 'и',
}

// foldMixedScript folds a word that mixes Latin with Cyrillic or Greek
// letters to its majority script (the UTS #39 mixed-script case), so
// "fеntаnyl" with Cyrillic е and а becomes "fentanyl".
func foldMixedScript(s string) (string, bool) {
	var latin, cyr, greek int
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s, false
	}
	for _, r := range s {
		switch {
		case r < 0x250 && unicode.IsLetter(r):
			latin++
		case r >= 0x400 && r < 0x530:
			cyr++
		case r >= 0x370 && r < 0x400:
			greek++
		}
	}
	if latin == 0 || (cyr == 0 && greek == 0) {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	if latin >= cyr+greek {
		for _, r := range s {
			if l, ok := toLatin[r]; ok {
				b.WriteRune(l)
			} else {
				b.WriteRune(r)
			}
		}
	} else {
		for _, r := range s {
			if c, ok := toCyrillic[r]; ok {
				b.WriteRune(c)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String(), true
}

// leetFold maps leetspeak digits and symbols to letters; ok is false when
// nothing changed.
func leetFold(s string) (string, bool) {
	var b []byte
	hi := false // s has a byte >= 0x80: it may hold € £ ¢
	for i := 0; i < len(s); i++ {
		c := s[i]
		if m := leetByte[c]; m != 0 {
			if b == nil {
				b = []byte(s)
			}
			b[i] = m
		} else if c >= 0x80 {
			hi = true
		}
	}
	if b == nil {
		// € (3 bytes) → e, £ → l, ¢ → c
		if hi && strings.ContainsAny(s, "€£¢") {
			return currencyLeet.Replace(s), true
		}
		return s, false
	}
	// b is this call's own copy and is not written again: share its bytes
	// (one allocation per folded word instead of two).
	out := unsafe.String(unsafe.SliceData(b), len(b))
	if hi && strings.ContainsAny(out, "€£¢") {
		out = currencyLeet.Replace(out)
	}
	return out, true
}

// leetByte maps the ASCII leetspeak digits and symbols to the letters
// they stand for (0 for every other byte); leetByteL reads 1 and | as "l"
// (leetFoldL).
var (
	leetByte  = [256]byte{'0': 'o', '1': 'i', '!': 'i', '|': 'i', '3': 'e', '4': 'a', '@': 'a', '5': 's', '$': 's', '7': 't', '8': 'b'}
	leetByteL = [256]byte{'0': 'o', '1': 'l', '!': 'i', '|': 'l', '3': 'e', '4': 'a', '@': 'a', '5': 's', '$': 's', '7': 't', '8': 'b'}
)

// leetFoldInto is leetFold(s) (table &leetByte) or leetFoldL(s) (table
// &leetByteL; ok is then meaningless) without allocating: a changed fold is
// appended to buf and returned as a view of those bytes, valid while they
// are not overwritten (buf is append-only for as long as the folds are in
// use). A word with a currency sign (rare) takes leetFold's path.
func leetFoldInto(buf []byte, s string, table *[256]byte) ([]byte, string, bool) {
	changed, hi := false, false
	for i := 0; i < len(s); i++ {
		if c := s[i]; table[c] != 0 {
			changed = true
		} else if c >= 0x80 {
			hi = true
		}
	}
	if hi && strings.ContainsAny(s, "€£¢") {
		if table == &leetByteL {
			return buf, leetFoldL(s), true
		}
		v, ok := leetFold(s)
		return buf, v, ok
	}
	if !changed {
		return buf, s, false
	}
	n := len(buf)
	buf = append(buf, s...)
	b := buf[n:]
	for i, c := range b {
		if m := table[c]; m != 0 {
			b[i] = m
		}
	}
	return buf, unsafe.String(&b[0], len(b)), true
}

var (
	currencyLeet = strings.NewReplacer("€", "e", "£", "l", "¢", "c")
	oneAsL       = strings.NewReplacer("1", "l", "|", "l")
)

// leetFoldL is leetFold with 1 and | read as "l" instead of "i".
func leetFoldL(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '1' || s[i] == '|' {
			r, _ := leetFold(oneAsL.Replace(s))
			return r
		}
	}
	r, _ := leetFold(s)
	return r
}

// normalizeTerm turns a rule term into the token sequence the matcher
// compares with page tokens.
func normalizeTerm(term string) []string {
	toks, nb := tokenize(term, []segment{{zone: zoneBody, start: 0, end: len(term)}})
	out := make([]string, 0, len(toks))
	for i := range toks {
		out = append(out, nb.norm(&toks[i]))
	}
	return out
}

// asciiFolded is a text searched for lower-case ASCII words as if it had
// been through strings.ToLower: offsets are those of strings.ToLower(s).
// When every non-ASCII rune of s lower-cases to a non-ASCII rune of the same
// length (so lower-casing can neither shift offsets nor produce an ASCII
// byte), s is searched in place with ASCII case folding; otherwise in
// strings.ToLower(s).
type asciiFolded struct {
	s    string
	fold bool // search s folding ASCII case; else s is already lower-cased
}

func newASCIIFolded(s string) asciiFolded {
	foldOnce.Do(buildFoldTable)
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r >= bmpSize || runeClass[r]&runeLowerKeeps == 0 {
			return asciiFolded{s: strings.ToLower(s)}
		}
		i += size
	}
	return asciiFolded{s: s, fold: true}
}

// at reports whether the lower-case ASCII word w occurs at offset i.
func (a asciiFolded) at(i int, w string) bool {
	if i < 0 || i+len(w) > len(a.s) {
		return false
	}
	if !a.fold {
		return a.s[i:i+len(w)] == w
	}
	for k := 0; k < len(w); k++ {
		c := a.s[i+k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[k] {
			return false
		}
	}
	return true
}

// index is strings.Index(lower[from:], w) + from, or -1.
func (a asciiFolded) index(from int, w string) int {
	if !a.fold {
		if j := strings.Index(a.s[from:], w); j >= 0 {
			return from + j
		}
		return -1
	}
	c0, c1 := w[0], w[0]
	if c0 >= 'a' && c0 <= 'z' {
		c1 = c0 - ('a' - 'A')
	}
	for i := from; i+len(w) <= len(a.s); i++ {
		if c := a.s[i]; (c == c0 || c == c1) && a.at(i, w) {
			return i
		}
	}
	return -1
}

// lastIndexIn is strings.LastIndex(lower[lo:hi], w), relative to lo, or -1.
func (a asciiFolded) lastIndexIn(lo, hi int, w string) int {
	if !a.fold {
		return strings.LastIndex(a.s[lo:hi], w)
	}
	for i := hi - len(w); i >= lo; i-- {
		if a.at(i, w) && i+len(w) <= hi {
			return i - lo
		}
	}
	return -1
}
