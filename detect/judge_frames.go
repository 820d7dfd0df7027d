package detect

import (
	"cmp"
	"math"
	"slices"
)

// window is a decoy match whose frame neutralises nearby mentions, with the
// token facts neutraliser compares read once per page.
type window struct {
	i, j          int32 // token span
	sentI, sentJ  int32 // sentences of the first and last token
	fi            int32 // decoy frame index
	before, after int32 // the frame's word counts (frameInfo.before, after)
	title         bool  // the first token is in the title zone
	flags         uint8 // the frame's entryFacts flags
}

// cueKinds is a page's matches split by kind, in page order.
type cueKinds struct {
	// cues holds the sale, decoy and context matches, indexed by kind
	// (kSale, kDecoy, kCtx; kSub's slot stays empty).
	cues    [4][]match
	windows []window // decoy matches whose frame has a window or title scope
	negs    []window // the windows of negation frames (isNegation)
}

// split sorts ms into subs and k by kind, and counts the languages of their
// terms in lang (termLangWeight each). Sale, context and decoy matches
// keep their page order within each kind, which is all the judge's loops
// over one kind depend on.
func (d *Detector) split(toks []token, ms []match, subs []mention, k *cueKinds, lang *langCounts) []mention {
	facts := d.facts
	for x := range ms {
		m := &ms[x] // a pointer: the loop's appends spill less than a copy
		e := facts[m.e]
		if e.lang >= 0 {
			lang[e.lang] += termLangWeight
		}
		if e.kind == kSub {
			// fields set in place: no mention is built and then copied
			// (a copy of a struct holding a string goes through wbMove)
			if len(subs) < cap(subs) {
				subs = subs[:len(subs)+1]
			} else {
				subs = append(subs, mention{})
			}
			mn := &subs[len(subs)-1]
			mn.m, mn.sub, mn.value, mn.neut, mn.ambiguous = *m, int(e.idx), 0, 0, e.form == fAmbig
			continue
		}
		// A cue is appended to the list its kind indexes, instead of a
		// switch on the kind, whose branches mispredict in a page's mix
		// of kinds.
		c := &k.cues[e.kind&3]
		*c = append(*c, *m)
		if e.flags&efWindow != 0 { // (only decoy entries have flags)
			f := &d.decoys[e.idx]
			w := window{i: m.i, j: m.j, sentI: toks[m.i].sent, sentJ: toks[m.j-1].sent, fi: e.idx,
				before: clampInt32(f.before), after: clampInt32(f.after), title: toks[m.i].zone == zoneTitle, flags: e.flags}
			k.windows = append(k.windows, w)
			if e.flags&efNegation != 0 {
				k.negs = append(k.negs, w)
			}
		}
	}
	return subs
}

// contextCues marks, per context frame, whether a cue of it is on the page
// outside the navigation and not negated (in scr's buffer).
func (d *Detector) contextCues(scr *scratch, toks []token, kc *cueKinds) []bool {
	if cap(scr.ctxPresent) < len(d.ctxs) {
		scr.ctxPresent = make([]bool, len(d.ctxs))
	}
	present := scr.ctxPresent[:len(d.ctxs)]
	clear(present)
	for _, m := range kc.cues[kCtx] {
		if toks[m.i].zone != zoneNav && !d.negated(toks, kc.negs, m) {
			present[d.facts[m.e].idx] = true
		}
	}
	return present
}

// negated reports whether a negation window covers the cue m ("no fent",
// "not pressed"): neutraliser(toks, windows, m, "") over the negation
// windows, which are the only ones that can cancel a cue.
func (d *Detector) negated(toks []token, negs []window, m match) bool {
	if len(negs) == 0 {
		return false
	}
	_, ok := d.neutraliserOf(toks, negs, m, "")
	return ok
}

// neutraliserOf reports the index of the decoy frame whose window covers m
// (same sentence, within the frame's before/after word counts), if any; of
// several, the one that damps most, the first on a tie. class limits
// frames that only apply to some classes; "" means m is a cue, not a
// substance, which only negation frames cancel.
func (d *Detector) neutraliserOf(toks []token, windows []window, m match, class string) (int, bool) {
	if len(windows) == 0 {
		return -1, false // most pages: no token of m needs reading
	}
	best := -1
	bestDamp := 2.0
	mSentI, mSentJ := toks[m.i].sent, toks[m.j-1].sent
	mTitle := toks[m.i].zone == zoneTitle
	for k := range windows {
		w := &windows[k]
		if w.i == m.i && w.j == m.j {
			continue
		}
		if class == "" && w.flags&efNegation == 0 {
			continue
		}
		hit := w.flags&efTitleScope != 0 && class != "" && w.title && mTitle && absDiff(w.i, m.i) < 40
		if !hit && w.sentI != mSentI && w.sentJ != mSentJ {
			continue
		}
		if w.before > 0 && w.j <= m.i && m.i-w.j < w.before {
			hit = true
		}
		if w.after > 0 && w.i >= m.j && w.i-m.j < w.after {
			hit = true
		}
		// The class filter, a map lookup, only for a window that covers m.
		if !hit || w.flags&efClasses != 0 && (class == "" || !d.decoys[w.fi].classes[class]) {
			continue
		}
		if damp := d.decoys[w.fi].damp; damp < bestDamp {
			best, bestDamp = int(w.fi), damp
		}
	}
	return best, best >= 0
}

// clampInt32 is n limited to the int32 range: a window's word count
// compares with token distances, which are int32 and never negative.
func clampInt32(n int) int32 {
	return int32(max(math.MinInt32, min(n, math.MaxInt32)))
}

// byValueDesc orders mentions by value, highest first (NaN last), as the
// evidence lists them.
func byValueDesc(a, b mention) int { return cmp.Compare(b.value, a.value) }

// sortMentions sorts subs stably by byValueDesc: by insertion, without a
// call per comparison, when there are few (a stable sort's result is
// unique, so both ways agree).
func sortMentions(subs []mention) {
	if len(subs) > 24 {
		slices.SortStableFunc(subs, byValueDesc)
		return
	}
	for i := 1; i < len(subs); i++ {
		for j := i; j > 0 && cmp.Compare(subs[j-1].value, subs[j].value) < 0; j-- {
			subs[j], subs[j-1] = subs[j-1], subs[j]
		}
	}
}
