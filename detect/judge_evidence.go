package detect

import (
	"math"
	"unsafe"

	"github.com/fentinel/fentinel"
)

// Kinds of evidence records (evRec.kind), named by evKindNames.
const (
	evSale uint8 = iota
	evDecoy
	evSubstance
)

// evKindNames are the Evidence.Kind strings of the evRec kinds.
var evKindNames = [...]string{evSale: fentinel.EvidenceSale, evDecoy: fentinel.EvidenceDecoy, evSubstance: fentinel.EvidenceSubstance}

// evRec is evidence not yet quoted: the snippet is cut, and the rule id
// looked up or composed, only for the records the verdict keeps (at most
// maxEvidence). It holds no pointer, so filling and copying records needs
// no write barrier and the scratch slice needs no clearing.
type evRec struct {
	start, end int32   // the quoted term, text[start:end]
	w          float64 // rounded as Evidence.Weight is
	idx        int32   // sale or decoy frame index, or substance index (by kind)
	neut       int32   // substance evidence: 1 + the decoy frame that damped it, 0 for none
	kind, zone uint8
	how        uint8 // substance evidence: how the term matched
	question   bool  // substance evidence: the sentence asks
}

// evidenceAt records evidence of the given kind and frame or substance
// index for text[start:end], weight rounded to three decimals.
func evidenceAt(kind uint8, idx int32, start, end int, zone uint8, w float64) evRec {
	return evRec{kind: kind, idx: idx, start: int32(start), end: int32(end), zone: zone, w: math.Round(w*1000) / 1000}
}

// composite reports whether a record's rule id has parts after the
// substance's rule: rule#how?question!neutraliser.
func (r *evRec) composite() bool {
	return r.kind == evSubstance && (r.how != howExact || r.question || r.neut != 0)
}

// rule is the rule id of a record that is not composite.
func (d *Detector) rule(r *evRec) string {
	switch r.kind {
	case evSale:
		return d.sale[r.idx].id
	case evDecoy:
		return d.decoys[r.idx].id
	}
	return d.subs[r.idx].rule
}

// appendRule appends the composite rule id of r to b.
func (d *Detector) appendRule(b []byte, r *evRec) []byte {
	b = append(b, d.subs[r.idx].rule...)
	if r.how != howExact {
		b = append(b, '#')
		b = append(b, howNames[r.how]...)
	}
	if r.question {
		b = append(b, "?question"...)
	}
	if r.neut != 0 {
		b = append(b, '!')
		b = append(b, d.decoys[r.neut-1].id...)
	}
	return b
}

// compositeLen is the length of the composite rule id of r.
func (d *Detector) compositeLen(r *evRec) int {
	n := len(d.subs[r.idx].rule)
	if r.how != howExact {
		n += 1 + len(howNames[r.how])
	}
	if r.question {
		n += len("?question")
	}
	if r.neut != 0 {
		n += 1 + len(d.decoys[r.neut-1].id)
	}
	return n
}

// quoteEvidence quotes the records of subEv, then of ev, into dst (fresh,
// zeroed elements of the verdict's slice, at most maxEvidence, filled in
// place) until dst is full. The strings the records compose (composite
// rule ids, snippets with ellipses) are then written into one piece of out
// that they share.
func (d *Detector) quoteEvidence(dst []fentinel.Evidence, text string, subEv, ev []evRec, out *textChunk) {
	subEv = subEv[:min(len(subEv), len(dst))] // only substance records are composite
	ev = ev[:len(dst)-len(subEv)]
	// pre and post mark, by index in dst (maxEvidence <= 64), the snippets
	// that take an ellipsis before and after; total is the length of all
	// the composed strings.
	var pre, post uint64
	total := 0
	cut := func(k int, r *evRec) string {
		c := cutSnippet(text, int(r.start), int(r.end))
		if c.pre || c.post {
			total += c.len()
			if c.pre {
				pre |= 1 << k
			}
			if c.post {
				post |= 1 << k
			}
		}
		return c.s
	}
	for i := range subEv {
		r, e := &subEv[i], &dst[i]
		if r.composite() {
			total += d.compositeLen(r)
		} else {
			e.Rule = d.subs[r.idx].rule
		}
		r.quote(e, cut(i, r), text)
	}
	for i := range ev {
		r, e := &ev[i], &dst[len(subEv)+i]
		e.Rule = d.rule(r)
		r.quote(e, cut(len(subEv)+i, r), text)
	}
	if total == 0 {
		return
	}
	// buf is a fresh piece of out with room for exactly total bytes: the
	// appends below fill it in place.
	buf := out.take(total)[:0]
	for i := range subEv {
		if subEv[i].composite() {
			buf = d.appendRule(buf, &subEv[i])
		}
	}
	for k := 0; pre|post != 0 && k < len(dst); k++ {
		if (pre|post)&(1<<k) != 0 {
			if pre&(1<<k) != 0 {
				buf = append(buf, ellipsis...)
			}
			buf = append(buf, dst[k].Snippet...)
			if post&(1<<k) != 0 {
				buf = append(buf, ellipsis...)
			}
		}
	}
	// Take the composed strings off the front, in the order written (buf
	// is never written again: out handed it out for good).
	composed := unsafe.String(unsafe.SliceData(buf), len(buf))
	for i := range subEv {
		if r := &subEv[i]; r.composite() {
			l := d.compositeLen(r)
			dst[i].Rule, composed = composed[:l], composed[l:]
		}
	}
	for k := 0; pre|post != 0 && k < len(dst); k++ {
		if (pre|post)&(1<<k) != 0 {
			l := len(dst[k].Snippet)
			if pre&(1<<k) != 0 {
				l += len(ellipsis)
			}
			if post&(1<<k) != 0 {
				l += len(ellipsis)
			}
			dst[k].Snippet, composed = composed[:l], composed[l:]
		}
	}
}

// quoteEvidence marks records in 64-bit sets.
var _ [64 - maxEvidence]struct{}

// quote fills *e (but its Rule) with r quoted over text with the given
// snippet.
func (r *evRec) quote(e *fentinel.Evidence, snip, text string) {
	kind, term, zone := evKindNames[r.kind], text[r.start:r.end], zoneNames[r.zone]
	e.Kind, e.Term, e.Snippet, e.Zone = kind, term, snip, zone
	e.Weight = r.w
	e.Offset = int(r.start)
}

// addEvidence adds e under the rule key key (evKeyOf), or replaces the
// record of the same key if e weighs more: what appending with a search
// for a record of the same rule id did, with the position of each key's
// record kept in pos (1 + its index in ev, 0 for none).
func addEvidence(ev []evRec, pos []int32, key int32, e evRec) []evRec {
	if p := pos[key]; p > 0 {
		if math.Abs(e.w) > math.Abs(ev[p-1].w) {
			ev[p-1] = e
		}
		return ev
	}
	pos[key] = int32(len(ev)) + 1
	return append(ev, e)
}

// addEvidenceAt adds the record evidenceAt(kind, idx, start, end, zone, w)
// to scr.ev under the rule key key, as addEvidence does (scr.evPos holds
// the keys' positions). It is kept out of line: judgeWith adds sale and
// decoy evidence at four places, and a written-out copy of the record and
// its rounding at each put some 2 KB of judgeWith's code, most of it run
// on every page, into the instruction cache.
//
//go:noinline
func (scr *scratch) addEvidenceAt(key int32, kind uint8, idx int32, start, end int, zone uint8, w float64) {
	scr.ev = addEvidence(scr.ev, scr.evPos, key, evidenceAt(kind, idx, start, end, zone, w))
}

// evidenceKeys numbers the rule ids of the sale frames, then the decoy
// frames, by the first frame in that order with the same id: sale frame i
// has key keys[i], decoy frame i keys[len(sale)+i]. Frames of equal ids
// share a key (the rule loader refuses them, but New takes any set), so
// their evidence shares one record as it did when records were matched by
// id.
func evidenceKeys(sale, decoys []frameInfo) []int32 {
	keys := make([]int32, len(sale)+len(decoys))
	first := map[string]int32{}
	for i := range keys {
		id := ""
		if i < len(sale) {
			id = sale[i].id
		} else {
			id = decoys[i-len(sale)].id
		}
		k, ok := first[id]
		if !ok {
			k = int32(i)
			first[id] = k
		}
		keys[i] = k
	}
	return keys
}
