package detect

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/fentinel/fentinel"
)

// Wrappers and slow references that only tests and benchmarks call: the
// detector itself uses the classified forms (classifyTokens' candidate
// lists) and the table-driven lookups.

// findEntities extracts validated identifiers: Bitcoin (base58check,
// bech32, bech32m), Monero, Ethereum (EIP-55), v3 onions, PGP v4
// fingerprints from armored public keys, e-mail addresses and contact
// handles. text is the extracted page text, raw the decoded body.
func findEntities(text, raw string, toks []token, nb *normBase) []fentinel.Entity {
	var c tokClasses
	classifyTokens(toks, nb, &c)
	return findEntitiesAt(text, raw, toks, nb, c.ents, c.contact)
}

// scanNumbersInto is scanNumbers appending to prices[:0] and qtys[:0].
func scanNumbersInto(prices []priceHit, qtys []qtyHit, text string, toks []token, nb *normBase) ([]priceHit, []qtyHit) {
	var c tokClasses
	classifyTokens(toks, nb, &c)
	return scanNumbersAt(prices, qtys, text, toks, nb, c.nums)
}

// labelValue finds the first label and returns the text after it (up to
// the end of the line, a separator, or max bytes).
func labelValue(text string, toks []token, nb *normBase, labels [][]string, max int, oneWord bool) string {
	return labelValueAt(text, toks, nb, labelStarts(toks, nb, nil), labels, max, oneWord)
}

// lookupTagSlow is lookupTag by a scan of tagNames (the reference for
// TestTagTable).
func lookupTagSlow(name string) (string, bool) {
	for _, n := range tagNames {
		if asciiEqualFold(name, n.name) {
			return n.name, true
		}
	}
	return "", false
}

// attrWord reports whether v, lower-cased, contains one of words (the
// reference for attrMask).
func attrWord(v []byte, words []string) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if c >= 'A' && c <= 'Z' {
			v = bytes.ToLower(v)
			break
		}
	}
	for _, w := range words {
		if containsWord(v, w) {
			return true
		}
	}
	return false
}

func newKeyFilter[V any](m map[string]V) *keyFilter {
	f := new(keyFilter)
	for k := range m {
		f.add(k)
	}
	return f
}

// foldUpper lower-cases the ASCII capitals in w (as lowerByte does).
func foldUpper(w uint64) uint64 {
	ge := (w&lo7 + ones*uint64(0x80-'A')) & hi1   // byte >= 'A' (ignoring the high bit)
	gt := (w&lo7 + ones*uint64(0x80-'Z'-1)) & hi1 // byte > 'Z'
	return w | (ge&^gt&^w&hi1)>>2
}

// firstOf returns the entries whose first token is k's string.
func (tt *termTable) firstOf(k *termKey) []termEnt { return tt.first[k.first.lo:k.first.hi] }

// str returns k's string.
func (tt *termTable) str(k *termKey) string { return tt.text[k.off : k.off+uint32(k.n)] }

// containsWord reports whether w occurs in v, without converting either.
func containsWord(v []byte, w string) bool {
	for i := 0; i+len(w) <= len(v); {
		k := bytes.IndexByte(v[i:len(v)-len(w)+1], w[0])
		if k < 0 {
			return false
		}
		i += k
		if string(v[i:i+len(w)]) == w {
			return true
		}
		i++
	}
	return false
}

// labelStarts appends to out the indexes of the tokens that may begin a
// label (the first word of some vendor or shipping label).
func labelStarts(toks []token, nb *normBase, out []int32) []int32 {
	var c tokClasses
	classifyTokens(toks, nb, &c)
	return labelStartsAt(toks, nb, c.labels, out)
}

// guessLanguage is the verdict's language guess on its own: classifyTokens'
// script and stopword counts plus termLangWeight for every matched term with
// a language, as judge counts them.
func guessLanguage(toks []token, nb *normBase, ms []match, d *Detector) string {
	var c tokClasses
	classifyTokens(toks, nb, &c)
	for _, m := range ms {
		d.countLang(&c.lang, m)
	}
	return c.lang.best()
}

// countLang counts the language of m's term, if it has one, in counts.
func (d *Detector) countLang(counts *langCounts, m match) {
	if li := d.facts[m.e].lang; li >= 0 {
		counts[li] += termLangWeight
	}
}

// refToken is a token with its norm as a string, as the token was before
// norms became offsets (normBase): the form reference copies of earlier
// code read, and the form tests build tokens in.
type refToken struct {
	token
	norm string
}

// withNorms returns toks with their norms read through nb.
func withNorms(toks []token, nb normBase) []refToken {
	out := make([]refToken, len(toks))
	for i := range toks {
		out[i] = refToken{token: toks[i], norm: nb.norm(&toks[i])}
	}
	return out
}

// mkOf is what token.mk holds for t, a token of text: its leet and han
// flags and whether a masking character follows it.
func mkOf(t *token, text string) uint8 {
	var mk uint8
	if t.leet {
		mk |= mkLeet
	}
	if t.han {
		mk |= mkHan
	}
	return mk | uint8(maskAfter(text, t.end))
}

// mkDiff describes the first token of toks (of text) whose mk is not
// mkOf's, or returns "".
func mkDiff(toks []token, text string) string {
	for i := range toks {
		if got, want := toks[i].mk, mkOf(&toks[i], text); got != want {
			return fmt.Sprintf("token %d (%d:%d): mk %#x, want %#x", i, toks[i].start, toks[i].end, got, want)
		}
	}
	return ""
}

// tokensOf returns the tokens rs and their base: the norms are copied to
// an arena, the spans kept (they are offsets in text).
func tokensOf(text string, rs []refToken) ([]token, normBase) {
	var arena []byte
	toks := make([]token, len(rs))
	for i, r := range rs {
		toks[i] = r.token
		toks[i].mk = mkOf(&toks[i], text)
		toks[i].nOff, toks[i].nLen = uint32(len(arena)), uint32(len(r.norm))
		arena = append(arena, r.norm...)
	}
	return toks, newNormBase(arena)
}

// The label readers without first-word indexes (looked up), as the
// equivalence tests call them.

// labelStartsAt appends to out the indexes of the tokens that begin a label
// (the first word of some vendor or shipping label), looked for among the
// tokens classifyTokens found shaped like one.
func labelStartsAt(toks []token, nb *normBase, shaped []int32, out []int32) []int32 {
	out, _ = labelStartsFirstAt(toks, nb, shaped, out, nil)
	return out
}

// labelValueAt finds the first label among starts (labelStartsAt) and
// returns the text after it (up to the end of the line, a separator, or max
// bytes).
func labelValueAt(text string, toks []token, nb *normBase, starts []int32, labels [][]string, max int, oneWord bool) string {
	return labelValueFirstAt(text, toks, nb, starts, nil, labels, max, oneWord)
}

// vendorByLabel reads the vendor after a label ("Vendor: X", "sold by X").
// When the labels on a page name different vendors (an index or category
// page) it returns "" rather than guess.
func vendorByLabel(text string, toks []token, nb *normBase, starts []int32) string {
	return vendorByLabelFirst(text, toks, nb, starts, nil)
}

// findMatches runs the compiled dictionary over the tokens (made from
// text, their norms read through nb).
func (d *Detector) findMatches(text string, toks []token, nb *normBase) []match {
	return d.findMatchesInto(nil, text, toks, nb)
}

// findMatchesInto is findMatches appending to out[:0].
func (d *Detector) findMatchesInto(out []match, text string, toks []token, nb *normBase) []match {
	ms := matchStatePool.Get().(*matchState)
	out = d.findMatchesWith(ms, out, text, toks, nb)
	matchStatePool.Put(ms)
	return out
}

// matchStatePool holds findMatchesInto's working states.
var matchStatePool = sync.Pool{New: func() any { return new(matchState) }}
