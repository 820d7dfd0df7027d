package detect

import (
	"math"
	"strings"
	"unicode/utf8"
)

// The judge's neutraliser before cueKinds, kept as the reference that
// judge_test.go checks neutraliserOf against.

// neutraliser reports the index of the decoy frame whose window covers m (same sentence,
// within the frame's before/after word counts), if any. class limits frames
// that only apply to some classes; "" means m is a cue, not a substance.
func (d *Detector) neutraliserRef(toks []token, windows []match, m match, class string) (int, bool) {
	best := -1
	bestDamp := 2.0
	for _, w := range windows {
		if w.i == m.i && w.j == m.j {
			continue
		}
		fi := d.entries[w.e].idx
		f := &d.decoys[fi]
		if f.classes != nil && (class == "" || !f.classes[class]) {
			continue
		}
		if class == "" && !isNegation(f) {
			// Cues are only cancelled by negations ("no fent", "not pressed").
			continue
		}
		hit := false
		if f.title && class != "" && toks[w.i].zone == zoneTitle && toks[m.i].zone == zoneTitle && absDiff(w.i, m.i) < 40 {
			hit = true
		}
		if !hit && toks[w.i].sent != toks[m.i].sent && toks[w.j-1].sent != toks[m.j-1].sent {
			continue
		}
		if f.before > 0 && w.j <= m.i && int(m.i-w.j) < f.before {
			hit = true
		}
		if f.after > 0 && w.i >= m.j && int(w.i-m.j) < f.after {
			hit = true
		}
		if hit && f.damp < bestDamp {
			best, bestDamp = fi, f.damp
		}
	}
	return best, best >= 0
}

// The token walks classifyTokens replaced, kept as the references that
// judge_test.go checks it against.

// nextEntityToken returns the index of the first token at or after i that
// may be an address (letters and digits, or 56 bytes for an onion label;
// not a CJK character), or len(toks). On the way it sets *named when it
// passes a token naming a contact network (contactToken), so one walk over
// the tokens serves both.
func nextEntityToken(toks []refToken, i int, named *bool) int {
	nm := *named
	for ; i < len(toks); i++ {
		t := &toks[i]
		w := t.norm
		if !nm && contactTokShape.has(w) {
			nm = contactToken(w)
		}
		if (t.digits || len(w) == 56) && t.letters && !t.han {
			*named = nm
			return i
		}
	}
	*named = nm
	return len(toks)
}

// nextShape returns the index of the first token at or after i whose word
// has a shape in shape, or len(toks). The loop makes no call, so nothing is
// spilled per token.
func nextShape(toks []refToken, i int, shape *shapeSet) int {
	for ; i < len(toks); i++ {
		if shape.has(toks[i].norm) {
			return i
		}
	}
	return len(toks)
}

// snippetRef is snippet before its newline searches were reworked, the
// reference TestSnippetMatchesRef checks it against.
func snippetRef(text string, start, end int) string {
	a := start - snippetRadius
	if a < 0 {
		a = 0
	}
	b := end + snippetRadius
	if b > len(text) {
		b = len(text)
	}
	if nl := strings.LastIndexByte(text[a:start], '\n'); nl >= 0 {
		a += nl + 1
	}
	if nl := strings.IndexByte(text[end:b], '\n'); nl >= 0 {
		b = end + nl
	}
	for a > 0 && a < len(text) && !utf8.RuneStart(text[a]) {
		a++
	}
	for b < len(text) && !utf8.RuneStart(text[b]) {
		b--
	}
	s := text[a:b]
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.TrimSpace(s)
	var pre, post string
	if a > 0 && text[a-1] != '\n' {
		pre = "…"
	}
	if b < len(text) && text[b] != '\n' {
		post = "…"
	}
	return pre + s + post // one allocation at most
}

// refEvRec is the part of an evidence record the reference keeps.
type refEvRec struct {
	rule string
	w    float64
}

// appendEvidenceRef is the judge's former record keeping: add e, or
// replace the record of the same rule id if e weighs more.
func appendEvidenceRef(ev []refEvRec, e refEvRec) []refEvRec {
	for i := range ev {
		if ev[i].rule == e.rule {
			if math.Abs(e.w) > math.Abs(ev[i].w) {
				ev[i] = e
			}
			return ev
		}
	}
	return append(ev, e)
}

// snippet is the snippet quoteEvidence builds from cutSnippet.
func snippet(text string, start, end int) string {
	c := cutSnippet(text, start, end)
	switch {
	case c.pre && c.post:
		return ellipsis + c.s + ellipsis
	case c.pre:
		return ellipsis + c.s
	case c.post:
		return c.s + ellipsis
	}
	return c.s
}

// trimSpace is strings.TrimSpace as cutSnippet computes it (printableEnds
// first), for TestTrimSpace.
func trimSpace(s string) string {
	if printableEnds(s) {
		return s
	}
	return strings.TrimSpace(s)
}
