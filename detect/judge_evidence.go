package detect

import (
	"math"
	"strings"

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
func (d *Detector) appendRule(b *strings.Builder, r *evRec) {
	b.WriteString(d.subs[r.idx].rule)
	if r.how != howExact {
		b.WriteByte('#')
		b.WriteString(howNames[r.how])
	}
	if r.question {
		b.WriteString("?question")
	}
	if r.neut != 0 {
		b.WriteByte('!')
		b.WriteString(d.decoys[r.neut-1].id)
	}
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
// zeroed elements of the verdict's slice, filled in place) until dst is
// full. The composite rule ids are written into one string, which the
// records share: one allocation per verdict instead of one per id.
func (d *Detector) quoteEvidence(dst []fentinel.Evidence, text string, subEv, ev []evRec) {
	// Only substance records are composite, and they come first.
	subEv = subEv[:min(len(subEv), len(dst))]
	ev = ev[:len(dst)-len(subEv)]
	total := 0
	for i := range subEv {
		if subEv[i].composite() {
			total += d.compositeLen(&subEv[i])
		}
	}
	var ids string
	if total > 0 {
		var b strings.Builder
		b.Grow(total)
		for i := range subEv {
			if subEv[i].composite() {
				d.appendRule(&b, &subEv[i])
			}
		}
		ids = b.String()
	}
	for i := range subEv {
		r := &subEv[i]
		rule := d.subs[r.idx].rule
		if r.composite() {
			l := d.compositeLen(r)
			rule, ids = ids[:l], ids[l:]
		}
		r.quote(&dst[i], rule, text)
	}
	dst = dst[len(subEv):]
	for i := range ev {
		ev[i].quote(&dst[i], d.rule(&ev[i]), text)
	}
}

// quote turns r, of the given rule id, into Evidence over text, written
// to *e.
func (r *evRec) quote(e *fentinel.Evidence, rule, text string) {
	// Every value first, then the stores in a row: the compiler checks
	// for a write barrier once for a run of pointer stores that no call
	// interrupts.
	snip := snippet(text, int(r.start), int(r.end))
	kind, term, zone := evKindNames[r.kind], text[r.start:r.end], zoneNames[r.zone]
	e.Rule, e.Kind, e.Term, e.Snippet, e.Zone = rule, kind, term, snip, zone
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
