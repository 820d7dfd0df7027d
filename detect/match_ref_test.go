package detect

import (
	"strings"
	"unsafe"
)

// This file keeps the matcher as it was before the term table and the
// fuzzy gate bitsets (the previous findMatchesInto, variants, splitMatches,
// fuzzyMatches and maskedMatches), written against the plain maps of the
// Detector without any prefilter. TestFindMatchesEqualsReference compares
// the production matcher with it.

// refFindMatches is the reference matcher.
func (d *Detector) refFindMatches(text string, toks []refToken) []match {
	var out []match
	var vsArr [8]string
	var hsArr [8]uint8
	for i := range toks {
		t := &toks[i]
		nv := d.refVariants(t, &vsArr, &hsArr)
		vs, hows := vsArr[:nv], hsArr[:nv]
		subFound := false
		for vi, v := range vs {
			for _, ei := range d.first[v] {
				e := &d.entries[ei]
				how := hows[vi]
				j := i + 1
				ok := true
				for k := 1; k < len(e.toks); k++ {
					if j >= len(toks) || toks[j-1].gap == gapBreak {
						ok = false
						break
					}
					eq, h := d.refTokEq(&toks[j], e.toks[k])
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
				if e.kind != kSub && how != howExact {
					continue
				}
				out = append(out, match{e: ei, i: int32(i), j: int32(j), how: how})
				if e.kind == kSub {
					subFound = true
				}
			}
		}
		if !t.han && t.gap != gapBreak {
			out = d.refSplitMatches(toks, i, out)
		}
		if !t.han && t.letters && i+1 < len(toks) && t.end < len(text) && isMask(text[t.end]) {
			out = d.refMaskedMatches(text, toks, i, out)
		}
		if !subFound && !t.han && len(t.norm) >= 5 {
			out = d.refFuzzyMatches(t, i, vs, out)
		}
	}
	return resolve(out)
}

// refVariants is the previous variants.
func (d *Detector) refVariants(t *refToken, vs *[8]string, hs *[8]uint8) int {
	vs[0], hs[0] = t.norm, howExact
	n := 1
	if t.han {
		return n
	}
	if t.leet && !isAmount(t.norm) {
		if v, ok := refLeetFold(t.norm); ok {
			vs[n], hs[n] = v, howLeet
			n++
			if l := refLeetFoldL(t.norm); l != v {
				vs[n], hs[n] = l, howLeet
				n++
			}
		}
	}
	if strings.Contains(t.norm, "ph") {
		vs[n], hs[n] = strings.ReplaceAll(t.norm, "ph", "f"), howLeet
		n++
	}
	base := n
	for k := 0; k < base && n < len(vs); k++ {
		v := vs[k]
		if len(v) < 4 {
			continue
		}
		for _, suf := range d.suffixes {
			if len(v) > len(suf)+2 && strings.HasSuffix(v, suf) && n < len(vs) {
				vs[n], hs[n] = v[:len(v)-len(suf)], hs[k]
				n++
			}
		}
	}
	return n
}

// refTokEq is the previous tokEq.
func (d *Detector) refTokEq(t *refToken, want string) (bool, uint8) {
	if t.norm == want {
		return true, howExact
	}
	if t.han {
		return false, 0
	}
	if t.leet {
		if v, ok := refLeetFold(t.norm); ok && (v == want || refLeetFoldL(t.norm) == want) {
			return true, howLeet
		}
	}
	if len(t.norm) > len(want) && strings.HasPrefix(t.norm, want) {
		rest := t.norm[len(want):]
		for _, suf := range d.suffixes {
			if rest == suf {
				return true, howExact
			}
		}
	}
	return false, 0
}

// refSplitMatches is the previous splitMatches without prefilters.
func (d *Detector) refSplitMatches(toks []refToken, i int, out []match) []match {
	t := &toks[i]
	cand := []string{t.norm}
	if t.leet {
		if v, ok := refLeetFold(t.norm); ok {
			cand = append(cand, v)
		}
	}
	for _, start := range cand {
		if _, ok := d.prefixes[start]; !ok {
			continue
		}
		s := start
		allShort := len(t.norm) <= 2
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
			piece := nt.norm
			if nt.leet {
				if v, ok := refLeetFold(nt.norm); ok {
					piece = v
				}
			}
			if len(nt.norm) > 2 {
				allShort = false
			}
			s += piece
			if ees, ok := d.joined[s]; ok && (!spaced || allShort || len(s) >= 6) {
				for _, ei := range ees {
					out = append(out, match{e: ei, i: int32(i), j: int32(j + 1), how: howSplit})
				}
			}
			if _, ok := d.prefixes[s]; !ok {
				break
			}
		}
	}
	return out
}

// refFuzzyMatches is the previous fuzzyMatches without prefilters other
// than the per-entry gate and byte-length bound.
func (d *Detector) refFuzzyMatches(t *refToken, i int, vs []string, out []match) []match {
	best := -1
	bestDist := 99
	for _, v := range vs {
		if len(v) < 6 || len(v) > 40 || !isLetters(v) {
			continue
		}
		for fi := range d.fuzzy {
			f := &d.fuzzy[fi]
			if f.key[0] != v[0] {
				continue
			}
			if v[1] != f.key[1] && v[1] != f.key[2] && v[2] != f.key[1] {
				continue
			}
			// lengths in bytes, as before (not a mere prefilter when
			// either word is not ASCII: the distance counts runes)
			if len(f.key)-len(v) > f.k || len(v)-len(f.key) > f.k {
				continue
			}
			if dist := osaDistance(v, f.key, f.k); dist <= f.k && dist > 0 && dist < bestDist {
				best, bestDist = fi, dist
			}
		}
	}
	if best >= 0 {
		out = append(out, match{e: d.fuzzy[best].e, i: int32(i), j: int32(i + 1), how: howFuzzy})
	}
	return out
}

// refMaskedMatches is the previous maskedMatches.
func (d *Detector) refMaskedMatches(text string, toks []refToken, i int, out []match) []match {
	var pat []byte
	masked := false
	for j := i; j < len(toks) && j < i+8; j++ {
		t := &toks[j]
		if t.han {
			break
		}
		piece := t.norm
		if t.leet {
			if v, ok := refLeetFold(t.norm); ok {
				piece = v
			}
		}
		pat = append(pat, piece...)
		if masked && len(pat) >= 6 {
			for fi := range d.fuzzy {
				f := &d.fuzzy[fi]
				if f.key[0] == pat[0] && len(pat) >= len(f.key)-4 && maskMatch(string(pat), f.key) {
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

// refLeetFold is the previous leetFold (a switch per byte and
// strings.ContainsAny for the currency signs).
func refLeetFold(s string) (string, bool) {
	changed := false
	b := []byte(nil)
	for i := 0; i < len(s); i++ {
		c := s[i]
		var m byte
		switch c {
		case '0':
			m = 'o'
		case '1', '!', '|':
			m = 'i'
		case '3':
			m = 'e'
		case '4', '@':
			m = 'a'
		case '5', '$':
			m = 's'
		case '7':
			m = 't'
		case '8':
			m = 'b'
		}
		if m != 0 {
			if b == nil {
				b = []byte(s)
			}
			b[i] = m
			changed = true
		}
	}
	if !changed {
		// € (3 bytes) → e, £ → l, ¢ → c
		if strings.ContainsAny(s, "€£¢") {
			return currencyLeet.Replace(s), true
		}
		return s, false
	}
	// b is this call's own copy and is not written again: share its bytes
	// (one allocation per folded word instead of two).
	out := unsafe.String(unsafe.SliceData(b), len(b))
	if strings.ContainsAny(out, "€£¢") {
		out = currencyLeet.Replace(out)
	}
	return out, true
}

// refLeetFoldL is the previous leetFoldL.
func refLeetFoldL(s string) string {
	if !strings.ContainsAny(s, "1|") {
		r, _ := refLeetFold(s)
		return r
	}
	r, _ := refLeetFold(oneAsL.Replace(s))
	return r
}

// refDropCoveredRuns is dropCoveredRuns before it kept only each run's
// longest matches (the reference for TestDropCoveredRunsEqualsPrevious).
// It drops, from matches ordered by start (each run of equal
// starts sorted by compareMatch first when sortRuns is set and the run is
// out of order, else already sorted), the duplicates and the matches
// inside a longer kept match, in one pass: a match is inside a longer one when a kept match with an
// earlier start ends at or after it (prevMax), or a kept match with the
// same start ends after it (runMax); duplicates are next to each other in
// the sorted order. When no match spans more than resolveWindow tokens this
// is what dropCoveredWindowed does (a match whose start is further back
// cannot reach), without its look-back. The kept matches are written over
// ms, never past the run being read.
func refDropCoveredRuns(ms []match, sortRuns bool) []match {
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
		// the run's end, and whether it is out of order
		b, sorted := a+1, true
		for ; b < len(ms) && ms[b].i == m.i; b++ {
			sorted = sorted && !runLess(ms[b], ms[b-1])
		}
		if sortRuns && !sorted {
			sortRun(ms[a:b])
		}
		runMax := int32(none)
		for k := a; k < b; k++ {
			m := ms[k]
			if prevMax >= m.j || runMax > m.j {
				continue // strictly inside a longer kept match
			}
			if w > 0 {
				if o := &ms[w-1]; o.e == m.e && o.i == m.i && o.j == m.j {
					continue // duplicate; the first kept has the better "how"
				}
			}
			ms[w] = m
			w++
			if m.j > runMax {
				runMax = m.j
			}
		}
		if runMax > prevMax {
			prevMax = runMax
		}
		a = b
	}
	return ms[:w]
}
