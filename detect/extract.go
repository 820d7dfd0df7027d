package detect

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// priceHit is a number with a currency next to it.
type priceHit struct {
	value    float64
	currency currencyCode
	crypto   bool
	tok      int // token index of the number
	start    int // byte span of the whole price in document text
	end      int
}

// qtyHit is a number with a unit.
type qtyHit struct {
	value float64
	unit  unitCode
	tok   int
	start int
	end   int
}

var currencyWords = map[string]string{
	"usd": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD", "dolares": "USD", "dolares.": "USD",
	"eur": "EUR", "euro": "EUR", "euros": "EUR", "gbp": "GBP", "pounds": "GBP", "mxn": "MXN", "pesos": "MXN",
	"brl": "BRL", "reais": "BRL", "rub": "RUB", "руб": "RUB", "рублей": "RUB", "рубля": "RUB", "р": "RUB",
	"cny": "CNY", "rmb": "CNY", "yuan": "CNY", "元": "CNY", "cad": "CAD", "aud": "AUD", "chf": "CHF",
	"btc": "BTC", "bitcoin": "BTC", "xbt": "BTC", "mbtc": "mBTC", "sats": "sats", "sat": "sats",
	"xmr": "XMR", "monero": "XMR", "ltc": "LTC", "eth": "ETH", "usdt": "USDT",
}

var cryptoCodes = map[string]bool{"BTC": true, "XMR": true, "LTC": true, "ETH": true, "USDT": true, "mBTC": true, "sats": true}

var currencySymbols = map[rune]string{'$': "USD", '€': "EUR", '£': "GBP", '₽': "RUB", '¥': "CNY", '₿': "BTC", '￥': "CNY"}

var unitWords = map[string]string{
	"mg": "mg", "g": "g", "gr": "g", "gram": "g", "grams": "g", "gramos": "g", "gramas": "g", "gramm": "g", "grammes": "g",
	"kg": "kg", "kilo": "kg", "kilos": "kg", "oz": "oz", "mcg": "mcg", "μg": "mcg", "ug": "mcg", "ml": "ml",
	"pcs": "pcs", "pc": "pcs", "pills": "pills", "pill": "pills", "tabs": "pills", "tablets": "pills", "tab": "pills",
	"patches": "patches", "patch": "patches", "pastillas": "pills", "comprimidos": "pills", "pilules": "pills", "pillen": "pills",
	"г": "g", "гр": "g", "кг": "kg", "мг": "mg", "мкг": "mcg", "шт": "pcs", "克": "g", "公斤": "kg", "毫克": "mg", "粒": "pills", "片": "pills",
	"x": "x", "caps": "pills", "capsules": "pills", "blotters": "pcs", "strips": "pcs",
}

// normalizeSeparators rewrites a number's thousands and decimal separators
// for strconv.ParseFloat.
func normalizeSeparators(s string) string {
	lastDot := strings.LastIndexByte(s, '.')
	lastComma := strings.LastIndexByte(s, ',')
	switch {
	case lastDot >= 0 && lastComma >= 0:
		if lastDot > lastComma {
			s = strings.ReplaceAll(s, ",", "")
		} else {
			s = strings.ReplaceAll(s, ".", "")
			s = strings.Replace(s, ",", ".", 1)
		}
	case lastComma >= 0:
		// "1,250" thousands vs "12,5" decimal
		if len(s)-lastComma-1 == 3 && strings.Count(s, ",") >= 1 {
			s = strings.ReplaceAll(s, ",", "")
		} else {
			s = strings.Replace(s, ",", ".", 1)
		}
	case lastDot >= 0 && strings.Count(s, ".") > 1:
		s = strings.ReplaceAll(s, ".", "")
	}
	return s
}

// splitNumUnit splits "30mg" into "30", "mg".
func splitNumUnit(s string) (num, rest string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
		i++
	}
	return s[:i], s[i:]
}

// runeBefore returns the last non-space rune before byte offset i (skipping
// at most one space) and its offset.
func runeBefore(text string, i int) (rune, int) {
	j := i
	if j > 0 && text[j-1] == ' ' {
		j--
	}
	if j == 0 {
		return 0, i
	}
	if c := text[j-1]; c < utf8.RuneSelf {
		return rune(c), j - 1 // ASCII: what DecodeLastRuneInString gives, without the call
	}
	r, size := utf8.DecodeLastRuneInString(text[:j])
	return r, j - size
}

func runeAfter(text string, i int) (rune, int) {
	j := i
	if j < len(text) && text[j] == ' ' {
		j++
	}
	if j >= len(text) {
		return 0, i
	}
	r, size := utf8.DecodeRuneInString(text[j:])
	return r, j + size
}

// scanNumbers finds prices and quantities (in a few tokens: the candidate
// list stays on the stack).
func scanNumbers(text string, toks []token, nb *normBase) (prices []priceHit, qtys []qtyHit) {
	var buf [16]int32
	return scanNumbersAt(nil, nil, text, toks, nb, numberTokens(toks, buf[:0]))
}

// priceOfField is the value and currency of the first price scanNumbers
// finds in a page's price field (a few tokens; the hit's other fields are
// not set): read directly for the commonest shapes (priceFieldFast), else
// by the tokenizer, with tokens, candidates and hits on the stack and the
// tokens' arena in *arena when arena is not nil (reused across pages).
func priceOfField(text string, arena *[]byte) (priceHit, bool) {
	if v, cur, ok := priceFieldFast(text); ok {
		return priceHit{value: v, currency: cur}, true
	}
	return priceOfFieldTok(text, arena)
}

// priceOfFieldTok is priceOfField by the tokenizer: any field.
func priceOfFieldTok(text string, arena *[]byte) (priceHit, bool) {
	var buf []byte
	if arena != nil {
		buf = *arena
	}
	var tokBuf [16]token
	var numBuf [16]int32
	var priceBuf [4]priceHit
	var qtyBuf [4]qtyHit
	seg := [1]segment{{zone: zoneMain, start: 0, end: len(text)}}
	toks, buf := tokenizeInto(tokBuf[:0], buf, text, seg[:])
	if arena != nil {
		*arena = buf[:0] // the hits keep no norm: reused by the next page
	}
	nb := newNormBase(buf)
	ph, _ := scanNumbersAt(priceBuf[:0], qtyBuf[:0], text, toks, &nb, numberTokens(toks, numBuf[:0]))
	if len(ph) == 0 {
		return priceHit{}, false
	}
	return ph[0], true
}

// numberTokens appends to out the indexes of the tokens with a digit that
// are not CJK characters: classifyTokens' number candidates.
func numberTokens(toks []token, out []int32) []int32 {
	for i := 0; i < len(toks); i++ {
		if i = nextNumberToken(toks, i); i == len(toks) {
			break
		}
		out = append(out, int32(i))
	}
	return out
}

// scanNumbersAt is scanNumbersInto over the number candidates nums
// (classifyTokens), in order; nb is the tokens' normBase.
func scanNumbersAt(prices []priceHit, qtys []qtyHit, text string, toks []token, nb *normBase, nums []int32) ([]priceHit, []qtyHit) {
	prices, qtys = prices[:0], qtys[:0]
	for _, i32 := range nums {
		i := int(i32)
		t := &toks[i]
		norm := nb.norm(t)
		num, rest := splitNumUnit(norm)
		if num == "" {
			// "x100", "m30": "x" prefix quantity
			if strings.HasPrefix(norm, "x") {
				if v, ok := parseNumber(norm[1:]); ok && v > 0 {
					qtys = append(qtys, qtyHit{value: v, unit: unitX, tok: i, start: t.start, end: t.end})
				}
			}
			continue
		}
		// Find what the number is first; parse it only then (most numbers
		// on a page are neither prices nor quantities).
		h := numberHit{start: t.start, end: t.end}
		switch {
		case rest != "":
			if c, crypto, ok := currencyWord(rest); ok {
				h.kind, h.currency, h.crypto = hitPrice, c, crypto
			} else if u, ok := unitWord(rest); ok {
				h.kind, h.unit = hitQty, u
			}
		default:
			numberContext(text, toks, nb, i, &h)
		}
		if h.kind == hitNone {
			continue
		}
		v, ok := parseNumber(trimSeparatorsRight(num))
		if !ok {
			continue
		}
		if h.kind == hitPrice {
			prices = append(prices, priceHit{value: v, currency: h.currency, crypto: h.crypto, tok: i, start: h.start, end: h.end})
		} else {
			qtys = append(qtys, qtyHit{value: v, unit: h.unit, tok: i, start: h.start, end: h.end})
		}
	}
	return prices, qtys
}

// nextNumberToken returns the index of the first token at or after i with
// a digit that is not a CJK character, or len(toks); a call-free loop.
func nextNumberToken(toks []token, i int) int {
	for ; i < len(toks); i++ {
		if t := &toks[i]; t.digits && !t.han {
			return i
		}
	}
	return len(toks)
}

// trimSeparatorsRight is strings.TrimRight(num, ".,").
func trimSeparatorsRight(num string) string {
	for len(num) > 0 && (num[len(num)-1] == '.' || num[len(num)-1] == ',') {
		num = num[:len(num)-1]
	}
	return num
}

// Kinds of numberHit.
const (
	hitNone = iota
	hitPrice
	hitQty
)

// numberHit is what the context of a number token makes of it.
type numberHit struct {
	kind       int
	currency   currencyCode
	unit       unitCode
	crypto     bool
	start, end int
}

// numberContext reads what surrounds the bare number toks[i]: a currency
// symbol before or after it, a currency or unit word after it, a currency
// word or "x" before it. *h holds the token's span on entry and is filled
// in place (no copy of the hit in and out).
func numberContext(text string, toks []token, nb *normBase, i int, h *numberHit) {
	t := &toks[i]
	// The only ASCII currency symbol is '$': an ASCII byte before or
	// after the number (past one space) that is not one is no symbol, and
	// the rune reads are skipped.
	if j := t.start - spaceBefore(text, t.start); j > 0 && (text[j-1] == '$' || text[j-1] >= utf8.RuneSelf) {
		numberSymbolBefore(text, t.start, h)
		if h.kind != hitNone {
			return
		}
	}
	if j := t.end + spaceAt(text, t.end); j < len(text) && (text[j] == '$' || text[j] >= utf8.RuneSelf) {
		if r, end := runeAfter(text, t.end); r != 0 {
			if c, ok := currencySymbol(r); ok {
				h.kind, h.currency, h.crypto, h.end = hitPrice, c, c == curBTC, end
				return
			}
		}
	}
	if i+1 < len(toks) && t.gap <= gapSpace {
		n := &toks[i+1]
		nn := nb.norm(n)
		if c, crypto, ok := currencyWord(nn); ok {
			h.kind, h.currency, h.crypto, h.end = hitPrice, c, crypto, n.end
			return
		}
		if u, ok := unitWord(nn); ok {
			h.kind, h.unit, h.end = hitQty, u, n.end
			return
		}
	}
	if i > 0 && toks[i-1].gap <= gapSpace {
		p := &toks[i-1]
		pn := nb.norm(p)
		if c, crypto, ok := currencyWord(pn); ok && pn != "р" {
			h.kind, h.currency, h.crypto, h.start = hitPrice, c, crypto, p.start
			return
		}
		if pn == "x" {
			h.kind, h.unit, h.start = hitQty, unitX, p.start
		}
	}
}

// numberSymbolBefore fills *h as a price when a currency symbol stands
// before the number at text[start:] (past one space): the symbol's
// currency, "$" read as BRL, CAD or AUD after R, C or A (R$, C$, A$; US$
// and MX$ stay USD).
func numberSymbolBefore(text string, start int, h *numberHit) {
	r, at := runeBefore(text, start)
	if r == 0 {
		return
	}
	c, ok := currencySymbol(r)
	if !ok {
		return
	}
	if c == curUSD && at > 0 {
		p, _ := utf8.DecodeLastRuneInString(text[:at])
		switch p {
		case 'R':
			c = curBRL
		case 'C':
			c = curCAD
		case 'A':
			c = curAUD
		}
	}
	h.kind, h.currency, h.crypto, h.start = hitPrice, c, c == curBTC, at
}

// spaceBefore is 1 when text[i-1] is a space (runeBefore skips it), else 0.
func spaceBefore(text string, i int) int {
	if i > 0 && text[i-1] == ' ' {
		return 1
	}
	return 0
}

// spaceAt is 1 when text[i] is a space (runeAfter skips it), else 0.
func spaceAt(text string, i int) int {
	if i < len(text) && text[i] == ' ' {
		return 1
	}
	return 0
}

// Field labels: the tokens that introduce a vendor name or a shipping place.
var vendorLabels = [][]string{
	{"vendor"}, {"seller"}, {"sold", "by"}, {"vendedor"}, {"verkaufer"}, {"vendeur"}, {"продавец"}, {"卖", "家"},
	{"供", "应", "商"}, {"supplier"}, {"fornecedor"}, {"proveedor"}, {"anbieter"}, {"поставщик"},
	{"shop"}, {"store"}, {"магазин"}, {"tienda"}, {"loja"},
}

var shipsFromLabels = [][]string{
	{"ships", "from"}, {"ship", "from"}, {"shipped", "from"}, {"shipping", "from"}, {"origin"}, {"envio", "desde"},
	{"enviado", "desde"}, {"envia", "desde"}, {"enviado", "de"}, {"versand", "aus"}, {"versand", "von"}, {"expedie", "de"},
	{"expedition", "depuis"}, {"отправка", "из"}, {"доставка", "из"}, {"发", "货", "地"},
}

var shipsToLabels = [][]string{
	{"ships", "to"}, {"ship", "to"}, {"shipping", "to"}, {"destination"}, {"envio", "a"}, {"envios", "a"},
	{"envio", "para"}, {"versand", "nach"}, {"livraison"}, {"доставка", "в"}, {"доставка", "по"}, {"配", "送"},
}

// labelFirst holds the first word of every label, for a fast skip.
var labelFirst = func() map[string]bool {
	m := map[string]bool{}
	for _, ls := range [][][]string{vendorLabels, shipsFromLabels, shipsToLabels} {
		for _, l := range ls {
			m[l[0]] = true
		}
	}
	return m
}()

// labelFirstIndex finds the label first words.
var labelFirstIndex, _ = wordIndexOf(labelFirst)

// Per label first word (by its index in labelFirstIndex), the indexes of
// the labels of each set that begin with it, in the set's order.
var (
	vendorByFirst    = labelsByFirst(vendorLabels)
	shipsFromByFirst = labelsByFirst(shipsFromLabels)
	shipsToByFirst   = labelsByFirst(shipsToLabels)
)

func labelsByFirst(set [][]string) [][]int {
	lists := make([][]int, len(labelFirstIndex.words))
	for li, l := range set {
		fi := labelFirstIndex.find(l[0])
		lists[fi] = append(lists[fi], li)
	}
	return lists
}

// labelCandidatesOf returns the indexes of the labels in set that begin
// with the word of index fi in labelFirstIndex (a label start; -1 for
// none), in the set's order; ok is false when set is not one of the three
// label sets.
func labelCandidatesOf(set [][]string, fi int) (idx []int, ok bool) {
	var by [][]int
	switch {
	case len(set) == 0:
		return nil, false
	case &set[0] == &vendorLabels[0]:
		by = vendorByFirst
	case &set[0] == &shipsFromLabels[0]:
		by = shipsFromByFirst
	case &set[0] == &shipsToLabels[0]:
		by = shipsToByFirst
	default:
		return nil, false
	}
	if fi >= 0 {
		return by[fi], true
	}
	return nil, true
}

// labelAt reports whether label l begins at token i.
func labelAt(toks []token, nb *normBase, i int, l []string) bool {
	if i+len(l) > len(toks) {
		return false
	}
	for k, w := range l {
		if nb.norm(&toks[i+k]) != w {
			return false
		}
	}
	return true
}

// labelStartsFirstAt appends to out the indexes of the tokens that begin a
// label (the first word of some vendor or shipping label), looked for among
// the tokens classifyTokens found shaped like one, and to firsts, for each
// start, the index of its word in labelFirstIndex, which labelValueFirstAt
// and vendorByLabelFirst would otherwise look up again (once per label set).
func labelStartsFirstAt(toks []token, nb *normBase, shaped []int32, out []int32, firsts []uint8) ([]int32, []uint8) {
	x := labelFirstIndex
	for _, i := range shaped {
		if fi := x.probe(nb.norm(&toks[i])); fi >= 0 {
			out = append(out, i)
			firsts = append(firsts, uint8(fi))
		}
	}
	return out, firsts
}

// labelFirstOf returns the index in labelFirstIndex of the word of start k
// of starts: firsts[k] when firsts is given (labelStartsFirstAt), else
// looked up.
func labelFirstOf(toks []token, nb *normBase, starts []int32, firsts []uint8, k int) int {
	if firsts != nil {
		return int(firsts[k])
	}
	return labelFirstIndex.find(nb.norm(&toks[starts[k]]))
}

// The label first words' indexes fit the bytes of labelStartsFirstAt.
func init() {
	if len(labelFirstIndex.words) > 256 {
		panic("detect: more than 256 label first words")
	}
}

// labelValueFirstAt finds the first label among starts (labelStartsFirstAt,
// with their first-word indexes firsts; nil: looked up) and returns the text
// after it (up to the end of the line, a separator, or max bytes).
func labelValueFirstAt(text string, toks []token, nb *normBase, starts []int32, firsts []uint8, labels [][]string, max int, oneWord bool) string {
	for k, i32 := range starts {
		i := int(i32)
		cands, indexed := labelCandidatesOf(labels, labelFirstOf(toks, nb, starts, firsts, k))
		n := len(cands)
		if !indexed {
			n = len(labels)
		}
		for c := 0; c < n; c++ {
			l := labels[c]
			if indexed {
				l = labels[cands[c]]
			}
			if !labelAt(toks, nb, i, l) {
				continue
			}
			end := toks[i+len(l)-1].end
			v := valueAfter(text, end, max, oneWord)
			if v != "" {
				return v
			}
		}
	}
	return ""
}

// valueEnd marks the bytes that end a label's value (valueEndAny) and the
// space that ends a one-word value (valueEndWord).
var valueEnd = func() (t [256]uint8) {
	for _, c := range []byte{'\n', '|', ';', ',', '(', '['} {
		t[c] = valueEndAny
	}
	t[' '] = valueEndWord
	return t
}()

const (
	valueEndAny = 1 << iota
	valueEndWord
)

func valueAfter(text string, i, max int, oneWord bool) string {
	// skip ": " or " - " or spaces
	for i < len(text) && (text[i] == ':' || text[i] == ' ' || text[i] == '-' || text[i] == '=' || text[i] == '\t') {
		i++
	}
	if i < len(text) && strings.HasPrefix(text[i:], "：") {
		i += len("：")
	}
	// The value ends at a byte of valueEnd (a space too for one word):
	// one table load per byte.
	var stop uint8 = valueEndAny
	if oneWord {
		stop |= valueEndWord
	}
	j := i
	for end := min(len(text), i+max); j < end && valueEnd[text[j]]&stop == 0; j++ {
	}
	for j > i && j < len(text) && !utf8.RuneStart(text[j]) {
		j--
	}
	v := text[i:j]
	if !printableEnds(v) {
		v = strings.TrimSpace(v)
	}
	// strings.TrimRight(v, ".:") without building its cut set
	for len(v) > 0 && (v[len(v)-1] == '.' || v[len(v)-1] == ':') {
		v = v[:len(v)-1]
	}
	return v
}

// vendorLead holds the words that introduce a vendor name without being one
// ("by NitroSynth", "sold by", "vendido por", "von", "от", "продавец:"),
// lower-cased and without a trailing colon. A value made only of these is
// no vendor.
var vendorLead = map[string]bool{
	"by": true, "sold": true, "vendor": true, "seller": true, "supplier": true, "from": true,
	"de": true, "da": true, "do": true, "del": true, "por": true, "vendido": true, "vendida": true,
	"vendedor": true, "vendedora": true, "proveedor": true, "fornecedor": true,
	"von": true, "vom": true, "verkauft": true, "verkäufer": true, "verkaufer": true, "anbieter": true,
	"par": true, "vendu": true, "vendue": true, "vendeur": true, "vendeuse": true,
	"от": true, "продавец": true, "продавца": true, "поставщик": true, "продано": true, "продаёт": true, "продает": true,
	"卖家": true, "供应商": true, "商家": true, "由": true,
	"since": true, "desde": true, "depuis": true, "seit": true, "с": true,
	// articles and determiners ("sold by the vendor", "vendido por el")
	"the": true, "a": true, "an": true, "this": true, "our": true, "el": true, "la": true, "los": true,
	"las": true, "le": true, "les": true, "der": true, "die": true, "das": true, "dem": true, "o": true,
	"os": true, "un": true, "una": true, "une": true, "um": true, "ein": true, "einem": true, "этот": true,
}

// vendorLeadCJK holds lead words written without a following space.
var vendorLeadCJK = []string{"卖家", "供应商", "商家", "由"}

// cleanVendor returns the vendor name in a field's text: leading labels and
// connective words ("by", "sold by", "Vendor:", "vendido por", "von",
// "продавец:", "卖家：") are dropped and the first remaining word is the name.
// It returns "" when nothing but such words is left.
func cleanVendor(s string) string {
	if !printableEnds(s) {
		s = strings.TrimSpace(s)
	}
	for s != "" {
		s = trimVendorLeft(s)
		if t := strings.TrimPrefix(s, fullColon); t != s {
			s = t
			continue
		}
		cut := false
		for k := 0; len(s) > 0 && s[0] >= 0x80 && k < len(vendorLeadCJK); k++ { // all non-ASCII
			if p := vendorLeadCJK[k]; strings.HasPrefix(s, p) {
				s, cut = s[len(p):], true
				break
			}
		}
		if cut {
			continue
		}
		w := s
		if i := indexSpace(s); i >= 0 {
			w = s[:i]
		}
		var buf [32]byte
		lw := trimColonsRight(w)
		if k := indexColon(lw); k > 0 && isVendorLead(lw[:k], &buf) {
			// "vendor:NitroSynth"
			s = s[k:]
			continue
		}
		if !isVendorLead(lw, &buf) {
			// The first word left is the name, without its trailing
			// punctuation, unless that makes it a lead word. v and lw
			// are both prefixes of w: when they are equal, lw was just
			// found to be none.
			v := trimVendorRight(w)
			if len(v) != len(lw) && isVendorLead(v, &buf) {
				return ""
			}
			return v
		}
		s = s[len(w):]
	}
	return "" // nothing but lead words
}

// isVendorLead reports whether w, lower-cased, is in vendorLead; short
// ASCII words are lower-cased in buf instead of allocating. Most words
// (vendor names) have no lead word's shape: the shape of the lower-cased
// word is tested from its folded first and last bytes before the word is
// lower-cased (an ASCII word of another shape is no lead word; a word with
// a non-ASCII byte goes to the map, as strings.ToLower may change its
// length).
func isVendorLead(w string, buf *[32]byte) bool {
	n := len(w)
	if n == 0 {
		return false
	}
	if n > len(buf) || w[0] >= 0x80 || w[n-1] >= 0x80 {
		return vendorLead[strings.ToLower(w)]
	}
	if !vendorLeadIndex.shape.hasEnds(lowerASCII(w[0]), lowerASCII(w[n-1]), n) {
		if !isASCIIWord(w) {
			return vendorLead[strings.ToLower(w)]
		}
		return false
	}
	for i := 0; i < n; i++ {
		c := w[i]
		if c >= 0x80 {
			return vendorLead[strings.ToLower(w)]
		}
		buf[i] = lowerASCII(c)
	}
	// The lower-cased copy is read in place (unsafe.String: buf is not
	// written while the index reads it).
	return vendorLeadIndex.probe(unsafe.String(&buf[0], n)) >= 0
}

// lowerASCII is the ASCII byte c lower-cased.
func lowerASCII(c byte) byte {
	if c-'A' < 26 {
		c += 'a' - 'A'
	}
	return c
}

// isASCIIWord reports whether the short word w (up to 32 bytes) is ASCII,
// testing overlapping four- or eight-byte words.
func isASCIIWord(w string) bool {
	const hi = 0x8080808080808080
	switch n := len(w); {
	case n < 4:
		for i := 0; i < n; i++ {
			if w[i] >= 0x80 {
				return false
			}
		}
		return true
	case n < 8:
		return (le32(w, 0)|le32(w, n-4))&0x80808080 == 0
	default:
		x := le64(w, n-8)
		for i := 0; i+8 <= n; i += 8 {
			x |= le64(w, i)
		}
		return x&hi == 0
	}
}

// vendorLeadIndex finds the vendorLead words (all true).
var vendorLeadIndex, _ = wordIndexOf(vendorLead)

// vendorByLabelFirst reads the vendor after a label ("Vendor: X", "sold by
// X") among starts (labelStartsFirstAt, with their first-word indexes
// firsts; nil: looked up). When the labels on a page name different vendors
// (an index or category page) it returns "" rather than guess.
func vendorByLabelFirst(text string, toks []token, nb *normBase, starts []int32, firsts []uint8) string {
	name := ""
	for k, i32 := range starts {
		i := int(i32)
		cands, _ := labelCandidatesOf(vendorLabels, labelFirstOf(toks, nb, starts, firsts, k))
		for _, li := range cands {
			l := vendorLabels[li]
			if !labelAt(toks, nb, i, l) {
				continue
			}
			v := cleanVendor(valueAfter(text, toks[i+len(l)-1].end, 40, true))
			if v == "" {
				continue
			}
			if name == "" {
				name = v
			} else if v != name {
				return ""
			}
			break
		}
	}
	return name
}
