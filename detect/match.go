package detect

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"unsafe"
)

// How a term was found.
const (
	howExact uint8 = iota
	howLeet
	howSplit
	howFuzzy
)

var howNames = []string{"", "leetspeak", "split", "fuzzy"}

// match is one term found in the token stream: tokens [i, j).
type match struct {
	e    int32
	i, j int32
	how  uint8
}

// variants returns the forms a token may take when looked up: as written,
// leet-folded, with "ph" read as "f", and without an inflection suffix.
// ph tells whether the token's norm contains "ph" (hasPH).
func (d *Detector) variants(toks []token, nb *normBase, i int, lc *leetCache, ph bool, vs *[8]string, hs *[8]uint8) int {
	t := &toks[i]
	norm := nb.norm(t)
	vs[0], hs[0] = norm, howExact
	n := 1
	if t.han {
		return n
	}
	if t.leet && !isAmount(norm) {
		if v, ok := lc.folded(toks, nb, i); ok {
			vs[n], hs[n] = v, howLeet
			n++
			if l := lc.foldedL(toks, nb, i); l != v {
				vs[n], hs[n] = l, howLeet
				n++
			}
		}
	}
	if ph {
		vs[n], hs[n] = strings.ReplaceAll(norm, "ph", "f"), howLeet
		n++
	}
	base := n
	for k := 0; k < base && n < len(vs); k++ {
		v := vs[k]
		if len(v) < 4 {
			continue
		}
		for _, suf := range d.suffixBy[v[len(v)-1]] {
			if len(v) > len(suf)+2 && strings.HasSuffix(v, suf) && n < len(vs) {
				vs[n], hs[n] = v[:len(v)-len(suf)], hs[k]
				n++
			}
		}
	}
	return n
}

// hasPH reports whether s contains "ph". It is asked of most words, so
// it reads every other byte: each pair of adjacent bytes has one at an odd
// index, which is its 'h' or its 'p'.
func hasPH(s string) bool {
	for i := 1; i < len(s); i += 2 {
		switch s[i] {
		case 'h':
			if s[i-1] == 'p' {
				return true
			}
		case 'p':
			if i+1 < len(s) && s[i+1] == 'h' {
				return true
			}
		}
	}
	return false
}

// isAmount reports number-then-unit words ("30mg", "1g", "0.5g", "100x"):
// leetspeak puts digits inside words, not in front of them.
func isAmount(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
		i++
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return false
		}
	}
	return true
}

// tokEq compares page token j with a term token, allowing the same
// variants as the first token. The tests that settle most comparisons
// (equal, or a first byte or length that rules out every variant but the
// leet folds) are here; tokEqSlow does the rest.
func (d *Detector) tokEq(toks []token, nb *normBase, j int, lc *leetCache, want string) (bool, uint8) {
	t := &toks[j]
	norm := nb.norm(t)
	if len(norm) == len(want) && (len(want) <= 16 && eqNormRest(norm, want) || len(want) > 16 && norm == want) {
		return true, howExact
	}
	if t.han || !t.leet && (len(norm) <= len(want) || len(want) > 0 && norm[0] != want[0]) {
		// neither a leet fold nor want plus a suffix
		return false, 0
	}
	return d.tokEqSlow(toks, nb, j, lc, want)
}

// tokEqSlow is tokEq after the exact comparison, for a token that is not
// Han and is leet or longer than want.
func (d *Detector) tokEqSlow(toks []token, nb *normBase, j int, lc *leetCache, want string) (bool, uint8) {
	t := &toks[j]
	if t.leet {
		if v, ok := lc.folded(toks, nb, j); ok && (v == want || lc.foldedL(toks, nb, j) == want) {
			return true, howLeet
		}
	}
	if norm := nb.norm(t); len(norm) > len(want) && strings.HasPrefix(norm, want) {
		rest := norm[len(want):]
		for _, suf := range d.suffixes {
			if rest == suf {
				return true, howExact
			}
		}
	}
	return false, 0
}

// findMatchesWith runs the compiled dictionary over the tokens (made from
// text, their norms read through nb), appending the matches to out[:0],
// with the working state ms (empty, as it leaves it).
//
// A word the key filter passes is looked up once in the term table
// (lookupKey), which answers for the first tokens of terms and for the
// prefixes of split-word terms at the same time; a key that is a plain
// token takes what else it matches from the key (matchKey). The other
// variants of a word (leet folds, "ph" as "f", inflection suffixes)
// are built and looked up only when the word has them, and fuzzy matching
// runs only when an entry of the word's first byte can be near it.
//
// The loop here is the path of a word the key filter rejects (most
// words): a few tests decide whether anything but an exact key can start
// there. A plain key goes to matchKey, a plain word the filter passes but
// the table does not hold to matchPlain, every other word to matchWord.
func (d *Detector) findMatchesWith(ms *matchState, out []match, text string, toks []token, nb *normBase) []match {
	ms.text, ms.toks, ms.nb, ms.out = text, toks, *nb, out[:0]
	tt := d.terms
	for i := range toks {
		t := &toks[i]
		norm := nb.norm(t)
		if tt.filter.mayHave(norm) {
			k := tt.lookupNorm(norm)
			if t.mk&(mkLeet|mkMask) == 0 { // not leet, no masking character after it
				if k != nil {
					if k.solo && (k.multi == k.first.hi || t.gap == gapBreak || i+1 == len(toks) || !k.longerMay(&toks[i+1], nb)) {
						// matchKey when only the key's single-token
						// entries and its fuzzy match can start here
						// (many keys), without the call
						if k.multi == k.first.lo+1 {
							ms.out = append(ms.out, match{e: k.e1, i: int32(i), j: int32(i + 1), how: howExact})
						} else {
							ents := tt.first[k.first.lo:k.multi]
							for x := range ents {
								ms.out = append(ms.out, match{e: ents[x].e, i: int32(i), j: int32(i + 1), how: howExact})
							}
						}
						if k.soloE >= 0 && !t.han {
							ms.out = append(ms.out, match{e: k.soloE, i: int32(i), j: int32(i + 1), how: howFuzzy})
						}
						continue
					}
					d.matchKey(ms, i, k) // most words that match
					continue
				}
				if !t.han {
					d.matchPlain(ms, i, norm) // a false positive of the filter
					continue
				}
			}
			d.matchWord(ms, i, norm, k, hasPH(norm))
			continue
		}
		// Not a key: only its variants (leet folds, inflection
		// suffixes, "ph"), a split word starting with a leet fold,
		// masked letters or a misspelling can start here.
		if t.mk != 0 {
			if t.mk&mkHan == 0 { // leet or masked
				d.matchWord(ms, i, norm, nil, hasPH(norm))
			}
			continue
		}
		// A plain word: what it matches depends on norm alone.
		// ("ph" is rare and costs a read of the word: tested last)
		n := len(norm)
		if n >= 4 && d.sufLast.has(norm[n-1]) || d.fuzzyMay(norm) || hasPH(norm) {
			d.matchPlain(ms, i, norm)
		}
	}
	if tt.long {
		out = resolve(ms.out)
	} else {
		// The matches are in start order (token by token) and, with no
		// term longer than resolveWindow tokens, none is long (split
		// and masked words span fewer): resolve's own tests are known.
		out = dropCoveredRuns(ms.out)
	}
	ms.reset()
	return out
}

// matchState is the working state of one findMatchesInto call, pooled:
// it is a few kilobytes that would otherwise be zeroed on every call.
type matchState struct {
	text string
	toks []token
	nb   normBase // the tokens' norms
	out  []match
	lc   leetCache
	vs   [8]string
	hs   [8]uint8
	peq  [256]uint64 // fuzzyMatches' scratch, all zero between calls
	// keyed is set by matchWord when a variant of the word is a key with
	// terms (whose matches may depend on the following tokens)
	keyed bool
}

// reset empties the leet cache for the next call. peq is already all
// zero. text, toks, nb, out and vs keep the call's references: the next
// call sets the first four before reading them and writes each variant
// before reading it, so they are never read stale. (Clearing them would
// cost a write barrier per pointer while the GC marks, to free at most one
// page's text and scratch per pooled state a little earlier.)
func (ms *matchState) reset() {
	ms.lc.reset()
}

// matchPlain is matchWord for a plain token i (not leet, not han, not
// followed by a masking character, no term-table key). Its matches then
// come only from variants of its norm that are keys and from fuzzy
// matching, so a word without such keys and without matches matches
// nothing wherever it appears: d.plain remembers it and later calls return
// at once. norm is the token's norm (read by the caller).
func (d *Detector) matchPlain(ms *matchState, i int, norm string) {
	p, ok := wordKey(norm)
	if ok && d.plain.has(&p) {
		return
	}
	n0 := len(ms.out)
	ms.keyed = false
	d.matchWord(ms, i, norm, nil, hasPH(norm))
	if ok && !ms.keyed && len(ms.out) == n0 {
		d.plain.add(&p)
	}
}

// matchWord appends the matches that start at token i, whose norm is norm
// (read by the caller), whose term-table key is k (nil if none) and which
// contains "ph" when ph is set.
func (d *Detector) matchWord(ms *matchState, i int, norm string, k *termKey, ph bool) {
	tt := d.terms
	toks, text, out, nb := ms.toks, ms.text, ms.out, &ms.nb
	t := &toks[i]
	subFound := false
	if k != nil && k.first.hi > k.first.lo {
		if k.multi == k.first.hi {
			// single-token entries only (most keys): matchFirst's
			// first loop, found as written
			for x := k.first.lo; x < k.first.hi; x++ {
				e := &tt.first[x]
				out = append(out, match{e: e.e, i: int32(i), j: int32(i + 1), how: howExact})
				subFound = subFound || e.sub
			}
		} else {
			out, subFound = d.matchFirst(toks, nb, i, &ms.lc, k, howExact, out)
		}
	}
	if t.han {
		ms.out = out
		return // CJK characters match as written, one at a time
	}
	nv := 1 // variants in ms.vs; ms.vs[0] is set when fuzzy matching needs it
	if t.leet || ph || len(norm) >= 4 && d.sufLast.has(norm[len(norm)-1]) {
		nv = d.variants(toks, nb, i, &ms.lc, ph, &ms.vs, &ms.hs)
		for vi := 1; vi < nv; vi++ {
			v := ms.vs[vi]
			if !tt.filter.mayHave(v) {
				continue
			}
			kv := tt.lookupKey(v)
			if kv == nil || kv.first.hi == kv.first.lo {
				continue
			}
			ms.keyed = true
			var found bool
			out, found = d.matchFirst(toks, nb, i, &ms.lc, kv, ms.hs[vi], out)
			subFound = subFound || found
		}
	}
	// Split words: "f.e.n.t.a.n.y.l", "fenta*nyl", "Carfentani l".
	if t.gap != gapBreak && (t.leet || k != nil && k.prefix && d.splitMay(toks, nb, i)) {
		out = d.splitMatches(toks, nb, i, &ms.lc, k, out)
	}
	// Masked letters: "f*nt*nyl", "FENT___NYL".
	if t.mk&mkMask != 0 && t.letters && i+1 < len(toks) {
		out = d.maskedMatches(text, toks, nb, i, &ms.lc, out)
	}
	if !subFound && len(norm) >= 5 {
		ms.vs[0] = norm
		for vi := 0; vi < nv; vi++ {
			if d.fuzzyMay(ms.vs[vi]) {
				out = d.fuzzyMatches(t, i, ms.vs[:nv], &ms.peq, out)
				break
			}
		}
	}
	ms.out = out
}

// matchKey is matchWord for a token i whose norm is the key k and which
// is not leet and not followed by a masking character. What such a token
// matches beyond k's entries and split words, its variants' entries and
// its fuzzy match, depends on the key string alone and was found when the
// table was built (termKey.vars, termKey.fuzzyE).
func (d *Detector) matchKey(ms *matchState, i int, k *termKey) {
	toks, out, nb := ms.toks, ms.out, &ms.nb
	subFound := false
	// matchFirst, found as written; the longer terms first, so that the
	// matches come out in resolve's order (longer first, then by entry)
	// when there are no others
	t := &toks[i]
	if k.multi < k.first.hi && i+1 < len(toks) && t.gap != gapBreak && k.longerMay(&toks[i+1], nb) {
		out, subFound = d.matchLonger(toks, nb, i, &ms.lc, k, howExact, out)
	}
	for x := k.first.lo; x < k.multi; x++ {
		e := &d.terms.first[x]
		out = append(out, match{e: e.e, i: int32(i), j: int32(i + 1), how: howExact})
		subFound = subFound || e.sub
	}
	if t.han {
		ms.out = out
		return // CJK characters match as written, one at a time
	}
	if k.vars.hi > k.vars.lo {
		for _, kv := range d.terms.vars[k.vars.lo:k.vars.hi] {
			var found bool
			out, found = d.matchFirst(toks, nb, i, &ms.lc, kv.k, kv.how, out)
			subFound = subFound || found
		}
	}
	if k.prefix && t.gap != gapBreak && d.splitMay(toks, nb, i) {
		out = d.splitMatches(toks, nb, i, &ms.lc, k, out)
	}
	if !subFound && k.fuzzyE >= 0 {
		out = append(out, match{e: k.fuzzyE, i: int32(i), j: int32(i + 1), how: howFuzzy})
	}
	ms.out = out
}

// matchFirst appends the terms whose first token is k (token i, found
// as how0) and whose remaining tokens follow token i, and reports whether
// one of them is a substance. The term table lists k's single-token
// entries first (up to k.multi), then the longer ones grouped by their
// second token (one shared string per group, its size on its first entry),
// so the second token is compared with token i+1 once per group and a group
// whose second token differs is skipped whole.
func (d *Detector) matchFirst(toks []token, nb *normBase, i int, lc *leetCache, k *termKey, how0 uint8, out []match) ([]match, bool) {
	tt := d.terms
	subFound := false
	for x := k.first.lo; x < k.multi; x++ {
		e := &tt.first[x]
		if !e.sub && how0 != howExact {
			continue // cues are matched as written (modulo inflection)
		}
		out = append(out, match{e: e.e, i: int32(i), j: int32(i + 1), how: how0})
		subFound = subFound || e.sub
	}
	if k.multi == k.first.hi || i+1 >= len(toks) || toks[i].gap == gapBreak || !k.longerMay(&toks[i+1], nb) {
		return out, subFound // no longer term can follow
	}
	out, found := d.matchLonger(toks, nb, i, lc, k, how0, out)
	return out, subFound || found
}

// matchLonger is matchFirst's second half: it appends the terms of two
// or more tokens whose first token is k (token i, found as how0), for a
// token i followed by another and no break.
func (d *Detector) matchLonger(toks []token, nb *normBase, i int, lc *leetCache, k *termKey, how0 uint8, out []match) ([]match, bool) {
	tt := d.terms
	subFound := false
	ents := tt.first[k.multi:k.first.hi]
	// tokEq's own first test, written out for token i+1: unless it is
	// leet, it can only equal a second token w (or w plus a suffix) when
	// it is at least as long and starts with the same byte. The groups
	// are in the order of their second tokens, so once their first byte
	// is past the token's, none can.
	next := nb.norm(&toks[i+1])
	quick := !toks[i+1].leet
	// The test reads the group's first byte from the entry (termEnt.w0,
	// w[0] when nonzero), so that a group whose second token starts
	// with another byte is skipped without loading the token (the
	// slice's string header, then its bytes: two dependent loads).
	fast := quick && len(next) > 0
	var n0 byte
	if fast {
		n0 = next[0]
	}
	for x := 0; x < len(ents); {
		end := x + int(ents[x].group)
		if c := ents[x].w0; fast && c != 0 {
			if c != n0 {
				if c > n0 {
					break
				}
				x = end
				continue
			}
			if len(next) < len(ents[x].rest[0]) {
				x = end
				continue
			}
		}
		// (the other groups, rare: an empty second token or one starting
		// with a NUL byte, a leet or empty token i+1, go to tokEq, which
		// makes the same first test)
		// tokEq, with the common outcomes for a token that is not leet
		// written out: equal, or as long and different (not w plus a
		// suffix either)
		w := ents[x].rest[0]
		secondEq, secondHow := true, howExact
		if !quick || len(next) != len(w) {
			secondEq, secondHow = d.tokEq(toks, nb, i+1, lc, w)
		} else if len(w) <= 16 && !eqNormRest(next, w) || len(w) > 16 && next != w {
			secondEq = false
		}
		if !secondEq {
			x = end
			continue
		}
		for ; x < end; x++ {
			e := &ents[x]
			how := max(how0, secondHow)
			j := i + 2
			ok := true
			for _, want := range e.rest[1:] {
				if j >= len(toks) || toks[j-1].gap == gapBreak {
					ok = false
					break
				}
				eq, h := d.tokEq(toks, nb, j, lc, want)
				if !eq {
					ok = false
					break
				}
				if h > how {
					how = h
				}
				j++
			}
			if !ok {
				continue
			}
			if !e.sub && how != howExact {
				continue // cues are matched as written (modulo inflection)
			}
			out = append(out, match{e: e.e, i: int32(i), j: int32(j), how: how})
			subFound = subFound || e.sub
		}
	}
	return out, subFound
}

// splitMatches appends the substance terms spelled across tokens i, i+1,
// ... ("f.e.n.t.a.n.y.l"): the pieces are joined while the joined string is
// a prefix of some term's joined form. kNorm is token i's term-table key
// (nil if none).
func (d *Detector) splitMatches(toks []token, nb *normBase, i int, lc *leetCache, kNorm *termKey, out []match) []match {
	t := &toks[i]
	norm := nb.norm(t)
	tt := d.terms
	var sbuf [64]byte
	for c := 0; c < 2; c++ {
		start, k := norm, kNorm
		if c == 1 {
			// the leet-folded token as a second start
			if !t.leet {
				break
			}
			v, ok := lc.folded(toks, nb, i)
			if !ok {
				break
			}
			start, k = v, nil
			if tt.filter.mayHave(v) {
				k = tt.lookupKey(v)
			}
		}
		if k == nil || !k.prefix {
			continue
		}
		s := append(sbuf[:0], start...)
		allShort := len(norm) <= 2
		spaced := false
		for j := i + 1; j < len(toks) && j < i+24; j++ {
			prev := &toks[j-1]
			if prev.gap == gapBreak || prev.gap == gapNone && toks[j].han {
				break
			}
			if prev.gap == gapSpace {
				spaced = true
			}
			nt := &toks[j]
			if nt.han {
				break
			}
			piece := nb.norm(nt)
			if len(piece) > 2 {
				allShort = false
			}
			if nt.leet {
				if v, ok := lc.folded(toks, nb, j); ok {
					piece = v
				}
			}
			s = append(s, piece...)
			ks := tt.findBytes(s)
			if ks == nil {
				break // neither a term nor a prefix of one
			}
			if ks.joined.hi > ks.joined.lo && (!spaced || allShort || len(s) >= 6) {
				for _, ei := range tt.joinedOf(ks) {
					out = append(out, match{e: ei, i: int32(i), j: int32(j + 1), how: howSplit})
				}
			}
			if !ks.prefix {
				break
			}
		}
	}
	return out
}

// splitMay reports whether splitMatches may find a term starting at
// token i, which is not leet (so its norm is the only start) and not
// followed by a break: splitMatches first looks up the norm joined with the
// next token's piece, and stops when that is not in the table. When the
// next token is not leet (its piece is its norm) the key filter answers
// for the joined string without building it.
func (d *Detector) splitMay(toks []token, nb *normBase, i int) bool {
	if i+1 >= len(toks) {
		return false
	}
	nt := &toks[i+1]
	if nt.han {
		return false // splitMatches stops at a Han token
	}
	return nt.leet || d.terms.filter.mayHaveJoin(nb.norm(&toks[i]), nb.norm(nt))
}

// fuzzyMatches appends the fuzzy-matchable name closest (by edit distance,
// within its bound, not equal) to one of the token's variants vs, if any;
// ties go to the earlier variant, then the earlier entry. The bitsets of
// fuzzyBk leave only the entries that share the first byte, pass the
// second/third-byte gate and have a key length within the bound; the
// letter-set mask and then the edit distance decide. peq is all zero on
// entry and on return (scratch for osaBits). A variant near no entry is
// remembered in d.plain and skipped when it comes again.
func (d *Detector) fuzzyMatches(t *token, i int, vs []string, peq *[256]uint64, out []match) []match {
	best := -1
	bestDist := 99
	for _, v := range vs {
		if len(v) < 6 || len(v) > fuzzyMaxLen {
			continue
		}
		b := d.fuzzyBk[v[0]]
		if b == nil {
			continue
		}
		p, cache := wordKey(v)
		if cache {
			p.fuzzyMiss()
			if d.plain.has(&p) {
				continue
			}
		}
		cands := d.fuzzyBy[v[0]]
		var m uint32
		read, letters, ascii, peqSet := false, false, false, false
		near := false // an entry is within its bound of v
		for w := 0; w < b.nw; w++ {
			for set := b.candidates(v, w); set != 0; set &= set - 1 {
				if !read { // the word's letters, once it has a candidate
					m, letters, ascii = lettersMask(v)
					read = true
				}
				if !letters {
					break
				}
				ci := w*64 + bits.TrailingZeros64(set)
				if bits.OnesCount32(m^b.mask[ci]) > int(b.k2[ci]) {
					continue // maskDiff(m, f.mask) > 2*f.k
				}
				fi := cands[ci]
				f := &d.fuzzy[fi]
				var dist int
				if ascii && f.ascii {
					if !peqSet {
						setPeq(peq, v)
						peqSet = true
					}
					dist = osaBits(peq, len(v), f.key)
				} else {
					dist = osaDistance(v, f.key, f.k)
				}
				if dist <= f.k && dist > 0 {
					near = true
					if dist < bestDist {
						best, bestDist = fi, dist
					}
				}
			}
		}
		if peqSet {
			clearPeq(peq, v)
		}
		if cache && !near {
			d.plain.add(&p)
		}
	}
	if best >= 0 {
		out = append(out, match{e: d.fuzzy[best].e, i: int32(i), j: int32(i + 1), how: howFuzzy})
	}
	return out
}

// fuzzyMay reports whether fuzzyMatches could find an entry near the
// word v: its length is in range and some entry passes the gate.
func (d *Detector) fuzzyMay(v string) bool {
	if len(v) < 6 || len(v) > fuzzyMaxLen {
		return false
	}
	return d.fuzzyGate.may(v) // b != nil && (b.nw > 1 || b.candidates(v, 0) != 0)
}

// setPeq sets, for each byte c of a (at most 64 bytes), the bits of the
// positions of c in a in peq[c].
func setPeq(peq *[256]uint64, a string) {
	for i := 0; i < len(a); i++ {
		peq[a[i]] |= 1 << i
	}
}

// clearPeq undoes setPeq(peq, a).
func clearPeq(peq *[256]uint64, a string) {
	for i := 0; i < len(a); i++ {
		peq[a[i]] = 0
	}
}

// osaBits is the optimal-string-alignment distance between a byte string
// a of length m (1 to 64, given by peq as setPeq leaves it) and b,
// computed a column at a time on bit vectors (Hyyrö's extension of Myers'
// bit-parallel edit distance to transpositions): VP/VN hold the vertical
// +1/-1 differences of the current column, D0 the diagonal zero
// differences, TR the transpositions. It equals osaDist's exact distance.
func osaBits(peq *[256]uint64, m int, b string) int {
	vp, vn := ^uint64(0), uint64(0)
	d0, pmOld := uint64(0), uint64(0)
	last := uint64(1) << (m - 1)
	dist := m
	for j := 0; j < len(b); j++ {
		pm := peq[b[j]]
		tr := ((^d0 & pm) << 1) & pmOld
		d0 = (((pm & vp) + vp) ^ vp) | pm | vn | tr
		hp := vn | ^(d0 | vp)
		hn := d0 & vp
		if hp&last != 0 {
			dist++
		}
		if hn&last != 0 {
			dist--
		}
		hp = hp<<1 | 1
		hn <<= 1
		vp = hn | ^(d0 | hp)
		vn = hp & d0
		pmOld = pm
	}
	return dist
}

// osaDistance is the optimal-string-alignment (restricted Damerau)
// distance between a and b, giving up above max. ASCII strings are compared
// as bytes, others as runes (the same distance for ASCII).
func osaDistance(a, b string, max int) int {
	if isASCII(a) && isASCII(b) {
		return osaDist(unsafe.Slice(unsafe.StringData(a), len(a)), unsafe.Slice(unsafe.StringData(b), len(b)), max)
	}
	var raBuf, rbBuf [48]rune
	return osaDist(appendRunes(raBuf[:0], a), appendRunes(rbBuf[:0], b), max)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// osaDist is osaDistance over letters (bytes or runes); ra and rb are only
// read. It returns the distance when it is at most max, else a value above
// max. Only the diagonal band |i-j| <= max of the matrix is computed: every
// cell outside it is at least max+1 and is read as max+1, which leaves
// min(cell, max+1) of every cell in the band as in the full matrix.
func osaDist[T byte | rune](ra, rb []T, max int) int {
	n, m := len(ra), len(rb)
	if n-m > max || m-n > max {
		return max + 1
	}
	big := max + 1
	var rows [3][49]int
	var prev2, prev, cur []int
	if m < 49 {
		prev2, prev, cur = rows[0][:m+1], rows[1][:m+1], rows[2][:m+1]
	} else {
		prev2, prev, cur = make([]int, m+1), make([]int, m+1), make([]int, m+1)
	}
	for j := 0; j <= m; j++ {
		prev[j] = j
		if j > big {
			prev[j] = big
		}
	}
	for i := 1; i <= n; i++ {
		lo, hi := i-max, i+max
		if lo < 1 {
			lo = 1
		}
		if hi > m {
			hi = m
		}
		cur[0] = i
		if i > big {
			cur[0] = big
		}
		if lo > 1 {
			cur[lo-1] = big // left of the band
		}
		rowMin := big
		if lo == 1 {
			rowMin = cur[0]
		}
		for j := lo; j <= hi; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := prev[j] + 1
			if c := cur[j-1] + 1; c < v {
				v = c
			}
			if c := prev[j-1] + cost; c < v {
				v = c
			}
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				if c := prev2[j-2] + 1; c < v {
					v = c
				}
			}
			cur[j] = v
			if v < rowMin {
				rowMin = v
			}
		}
		if hi < m {
			cur[hi+1] = big // right of the band: the next row reads it
		}
		if rowMin > max {
			return big
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

// compareMatch orders matches by start token, longer first, then entry and
// how they were found.
func compareMatch(a, b match) int {
	if a.i != b.i {
		return cmp.Compare(a.i, b.i)
	}
	if la, lb := a.j-a.i, b.j-b.i; la != lb {
		return cmp.Compare(lb, la)
	}
	if a.e != b.e {
		return cmp.Compare(a.e, b.e)
	}
	return cmp.Compare(a.how, b.how)
}

// resolve drops duplicate matches and matches strictly inside a longer one
// ("fentanyl" inside "despropionyl fentanyl", "free" inside "free shipping").
//
// The order compares every field, so any correct sort gives the same
// slice. findMatches emits matches by start token: then only the runs that
// share a start need sorting, and dropCoveredRuns orders what it keeps of
// each run as it reaches it, in the same pass that drops.
func resolve(ms []match) []match {
	if len(ms) < 2 {
		return ms
	}
	byStart, long := true, false
	prev := ms[0].i
	for k := range ms {
		m := &ms[k]
		if m.i < prev {
			byStart = false
		}
		prev = m.i
		if m.j-m.i > resolveWindow {
			long = true
		}
	}
	if !byStart {
		slices.SortFunc(ms, compareMatch)
	}
	if long {
		if byStart {
			for a := 0; a < len(ms); {
				b := runEnd(ms, a)
				sortRun(ms[a:b])
				a = b
			}
		}
		return dropCoveredWindowed(ms)
	}
	return dropCoveredRuns(ms)
}

// resolveWindow is how far back (in start tokens) resolve looks for a
// match that covers another.
const resolveWindow = 32

// runEnd returns the end of the run of matches that share ms[a]'s start.
func runEnd(ms []match, a int) int {
	b := a + 1
	for b < len(ms) && ms[b].i == ms[a].i {
		b++
	}
	return b
}

// sortRun sorts a run of matches that share a start by compareMatch.
// Runs are short (the entries of a word, its variants and longer terms):
// an insertion sort with the comparison written out (runLess) beats a
// general sort calling compareMatch through a function value.
func sortRun(run []match) {
	if len(run) > 16 {
		slices.SortFunc(run, compareMatch)
		return
	}
	for x := 1; x < len(run); x++ {
		m := run[x]
		y := x
		for ; y > 0 && runLess(m, run[y-1]); y-- {
			run[y] = run[y-1]
		}
		run[y] = m
	}
}

// runLess is compareMatch(a, b) < 0 for matches with the same start:
// longer first, then by entry, then by how they were found.
func runLess(a, b match) bool {
	if a.j != b.j {
		return a.j > b.j
	}
	if a.e != b.e {
		return a.e < b.e
	}
	return a.how < b.how
}

// dropCoveredRuns drops, from matches ordered by start (each run of equal
// starts in any order), the duplicates and the matches inside a
// longer kept match, in one pass. In compareMatch's order (longer first)
// a run keeps only its longest matches: a shorter one lies inside the
// first, which is kept unless a kept match with an earlier start ends at
// or after it (prevMax), and then every match of the run lies inside that
// one. So each run is read once for its end and its longest end J, and
// the matches that end at J, when J > prevMax, are kept, in order of entry
// and "how", the first of each entry (the duplicates). When no match spans
// more than resolveWindow tokens this is what dropCoveredWindowed does
// after a full sort (a match whose start is further back cannot reach),
// without its look-back. The kept matches are written over ms, never past
// the run being read.
func dropCoveredRuns(ms []match) []match {
	const none = -1 << 31
	prevMax := int32(none)
	w := 0 // ms[:w] holds the kept matches
	for a := 0; a < len(ms); {
		m := ms[a]
		if a+1 == len(ms) || ms[a+1].i != m.i {
			// a run of one (most runs): it duplicates no kept match
			// (they start earlier) and is kept unless one reaches its end
			if prevMax < m.j {
				ms[w] = m
				w++
				prevMax = m.j
			}
			a++
			continue
		}
		// the run's end and its longest end
		b, J := a+1, m.j
		for ; b < len(ms) && ms[b].i == m.i; b++ {
			J = max(J, ms[b].j)
		}
		if J <= prevMax {
			a = b // all inside a kept match
			continue
		}
		// its longest matches, by entry and "how" (w <= a: no match of
		// the run is overwritten before it is read)
		w0, sorted := w, true
		for k := a; k < b; k++ {
			if c := ms[k]; c.j == J {
				if w > w0 {
					p := &ms[w-1]
					sorted = sorted && (p.e < c.e || p.e == c.e && p.how <= c.how)
				}
				ms[w] = c
				w++
			}
		}
		if w-w0 > 1 {
			if !sorted {
				sortRun(ms[w0:w]) // all end at J: by entry, then "how"
			}
			// the first of each entry
			n := w0 + 1
			for k := w0 + 1; k < w; k++ {
				if ms[k].e != ms[n-1].e {
					ms[n] = ms[k]
					n++
				}
			}
			w = n
		}
		prevMax = J
		a = b
	}
	return ms[:w]
}

// dropCoveredWindowed is dropCovered for lists with matches longer than
// resolveWindow tokens: each match is compared with the kept matches that
// start at most resolveWindow tokens before it.
func dropCoveredWindowed(ms []match) []match {
	out := ms[:0]
	for _, m := range ms {
		drop := false
		for k := len(out) - 1; k >= 0; k-- {
			o := out[k]
			if o.i+resolveWindow < m.i {
				break
			}
			if o.e == m.e && o.i == m.i && o.j == m.j {
				drop = true // duplicate; the first kept has the better "how"
				break
			}
			if o.i <= m.i && m.j <= o.j && (o.j-o.i) > (m.j-m.i) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, m)
		}
	}
	return out
}

// isMask reports characters used to hide letters.
func isMask(c byte) bool { return maskBytes[c] }

// maskBytes marks '*', '_', '#' and '?'.
var maskBytes = [256]bool{'*': true, '_': true, '#': true, '?': true}

// maskedMatches reads runs of mask characters between word pieces as
// missing letters and compares the pattern with the fuzzy-matchable names.
func (d *Detector) maskedMatches(text string, toks []token, nb *normBase, i int, lc *leetCache, out []match) []match {
	var patBuf [64]byte
	pat := patBuf[:0]
	masked := false
	for j := i; j < len(toks) && j < i+8; j++ {
		t := &toks[j]
		if t.han {
			break
		}
		piece := nb.norm(t)
		if t.leet {
			if v, ok := lc.folded(toks, nb, j); ok {
				piece = v
			}
		}
		pat = append(pat, piece...)
		if masked && len(pat) >= 6 {
			// the first entry (in order) with the pattern's first byte
			ps := unsafe.String(&pat[0], len(pat)) // maskMatch keeps no reference
			// maskMatch's own first tests written out: the key's length
			// is within what pat can stand for, and unless the pattern's
			// second byte is masked, the key's equals it (keys of fuzzy
			// entries have at least six bytes)
			c1, minLen := pat[1], maskMinLen(pat)
			for _, fi := range d.fuzzyBy[pat[0]] {
				f := &d.fuzzy[fi]
				if len(f.key) > len(pat) || len(f.key) < minLen || c1 != '?' && f.key[1] != c1 {
					continue
				}
				if len(pat) >= len(f.key)-4 && maskMatch(ps, f.key) {
					return append(out, match{e: f.e, i: int32(i), j: int32(j + 1), how: howSplit})
				}
			}
		}
		if j+1 >= len(toks) {
			break
		}
		sep := text[t.end:toks[j+1].start]
		if len(sep) == 0 || len(sep) > 3 {
			break
		}
		for k := 0; k < len(sep); k++ {
			if !isMask(sep[k]) {
				return out
			}
		}
		for k := 0; k < len(sep); k++ {
			pat = append(pat, '?')
		}
		masked = true
	}
	return out
}

// maskMinLen is the length of the shortest key maskMatch can match pat
// with: a byte per byte of pat that is not '?', and one per run of '?'.
func maskMinLen(pat []byte) int {
	n := 0
	for k, c := range pat {
		if c != '?' || k == 0 || pat[k-1] != '?' {
			n++
		}
	}
	return n
}

// maskMatch matches a pattern where each run of n '?' stands for 1..n
// letters of key.
func maskMatch(pat, key string) bool {
	if pat == "" {
		return key == ""
	}
	if pat[0] != '?' {
		return key != "" && key[0] == pat[0] && maskMatch(pat[1:], key[1:])
	}
	n := 0
	for n < len(pat) && pat[n] == '?' {
		n++
	}
	for k := 1; k <= n && k <= len(key); k++ {
		if maskMatch(pat[n:], key[k:]) {
			return true
		}
	}
	return false
}

// leetCache keeps leetFold and leetFoldL of the norms of the tokens one
// findMatchesInto call reads, computed on first use: matching asks for them
// several times per token (variants, tokEq, split and masked words). It is
// direct-mapped by token index: the matcher reads tokens at most a few
// dozen places after the current one (split words span at most 24), and a
// token whose slot was taken is simply folded again (the folds are pure).
// Kept here rather than in the token so tokens hold a single pointer. The
// folds are views of buf (leetFoldInto), which only grows during a call.
type leetCache struct {
	slot [leetSlots]leetSlot
	buf  []byte
	used bool // a slot was taken since the last reset
}

// leetSlots is the size of leetCache (a power of two above 24).
const leetSlots = 32

// leetSlot is one token's folds.
type leetSlot struct {
	tok   int32 // token index + 1; 0 for an empty slot
	state uint8 // 0 not computed, 1 folded, 2 nothing to fold
	lDone bool
	lf    string
	lfl   string
}

// reset empties every slot and buf (no fold of the call is in use); most
// pages fold nothing, and then there is nothing to clear. A slot is empty
// when its tok is 0 (at rewrites the whole slot before use), so only tok
// is cleared: the stale folds stay, never read, and the reset writes no
// pointers (each would cost a write barrier while the GC marks).
func (c *leetCache) reset() {
	if c.used {
		for i := range c.slot {
			c.slot[i].tok = 0
		}
		c.used = false
	}
	c.buf = c.buf[:0]
}

// at returns token i's slot, emptied if it held another token.
func (c *leetCache) at(i int) *leetSlot {
	sl := &c.slot[i&(leetSlots-1)]
	if sl.tok != int32(i+1) {
		*sl = leetSlot{tok: int32(i + 1)}
		c.used = true
	}
	return sl
}

// folded is leetFold(nb.norm(&toks[i])).
func (c *leetCache) folded(toks []token, nb *normBase, i int) (string, bool) {
	sl := c.at(i)
	if sl.state == 0 {
		var ok bool
		c.buf, sl.lf, ok = leetFoldInto(c.buf, nb.norm(&toks[i]), &leetByte)
		sl.state = 2
		if ok {
			sl.state = 1
		}
	}
	return sl.lf, sl.state == 1
}

// foldedL is leetFoldL(nb.norm(&toks[i])).
func (c *leetCache) foldedL(toks []token, nb *normBase, i int) string {
	sl := c.at(i)
	if !sl.lDone {
		c.buf, sl.lfl, _ = leetFoldInto(c.buf, nb.norm(&toks[i]), &leetByteL)
		sl.lDone = true
	}
	return sl.lfl
}
