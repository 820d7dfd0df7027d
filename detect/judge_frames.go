package detect

import (
	"cmp"
	"slices"
)

// window is a decoy match whose frame neutralises nearby mentions, with the
// token facts neutraliser compares read once per page.
type window struct {
	i, j         int32 // token span
	sentI, sentJ int32 // sentences of the first and last token
	fi           int32 // decoy frame index
	title        bool  // the first token is in the title zone
}

// cueKinds is a page's matches split by kind, in page order.
type cueKinds struct {
	sales, ctxs, decoys []match
	windows             []window // decoy matches whose frame has a window or title scope
	negs                []window // the windows of negation frames (isNegation)
}

// split sorts ms into subs and k by kind, and counts the languages of their
// terms in lang (as guessLanguage does). Sale, context and decoy matches
// keep their page order within each kind, which is all the judge's loops
// over one kind depend on.
func (d *Detector) split(toks []token, ms []match, subs []mention, k *cueKinds, lang *langCounts) []mention {
	for _, m := range ms {
		e := &d.entries[m.e]
		if li := e.langIdx; li >= 0 {
			lang[li] += 3 // as countLang
		}
		switch e.kind {
		case kSub:
			subs = append(subs, mention{m: m, sub: e.idx, ambiguous: e.form == fAmbig})
		case kSale:
			k.sales = append(k.sales, m)
		case kCtx:
			k.ctxs = append(k.ctxs, m)
		case kDecoy:
			k.decoys = append(k.decoys, m)
			if f := &d.decoys[e.idx]; f.before > 0 || f.after > 0 || f.title {
				w := window{i: m.i, j: m.j, sentI: toks[m.i].sent, sentJ: toks[m.j-1].sent, fi: int32(e.idx), title: toks[m.i].zone == zoneTitle}
				k.windows = append(k.windows, w)
				if isNegation(f) {
					k.negs = append(k.negs, w)
				}
			}
		}
	}
	return subs
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
	best := -1
	bestDamp := 2.0
	mSentI, mSentJ := toks[m.i].sent, toks[m.j-1].sent
	mTitle := toks[m.i].zone == zoneTitle
	for k := range windows {
		w := &windows[k]
		if w.i == m.i && w.j == m.j {
			continue
		}
		f := &d.decoys[w.fi]
		if f.classes != nil && (class == "" || !f.classes[class]) {
			continue
		}
		if class == "" && !isNegation(f) {
			continue
		}
		hit := f.title && class != "" && w.title && mTitle && absDiff(w.i, m.i) < 40
		if !hit && w.sentI != mSentI && w.sentJ != mSentJ {
			continue
		}
		if f.before > 0 && w.j <= m.i && int(m.i-w.j) < f.before {
			hit = true
		}
		if f.after > 0 && w.i >= m.j && int(w.i-m.j) < f.after {
			hit = true
		}
		if hit && f.damp < bestDamp {
			best, bestDamp = int(w.fi), f.damp
		}
	}
	return best, best >= 0
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
