package detect

import (
	"cmp"
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
func (d *Detector) variants(t *token, vs *[8]string, hs *[8]uint8) int {
	vs[0], hs[0] = t.norm, howExact
	n := 1
	if t.han {
		return n
	}
	if t.leet && !isAmount(t.norm) {
		if v, ok := t.leetFolded(); ok {
			vs[n], hs[n] = v, howLeet
			n++
			if l := t.leetFoldedL(); l != v {
				vs[n], hs[n] = l, howLeet
				n++
			}
		}
	}
	if hasPH(t.norm) {
		vs[n], hs[n] = strings.ReplaceAll(t.norm, "ph", "f"), howLeet
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

// hasPH reports whether s contains "ph".
func hasPH(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == 'p' && s[i+1] == 'h' {
			return true
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

// tokEq compares a page token with a term token, allowing the same
// variants as the first token.
func (d *Detector) tokEq(t *token, want string) (bool, uint8) {
	if t.norm == want {
		return true, howExact
	}
	if t.han {
		return false, 0
	}
	if t.leet {
		if v, ok := t.leetFolded(); ok && (v == want || t.leetFoldedL() == want) {
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

// findMatches runs the compiled dictionary over the tokens.
func (d *Detector) findMatches(text string, toks []token) []match {
	return d.findMatchesInto(nil, text, toks)
}

// findMatchesInto is findMatches appending to out[:0].
func (d *Detector) findMatchesInto(out []match, text string, toks []token) []match {
	out = out[:0]
	var vsArr [8]string
	var hsArr [8]uint8
	for i := range toks {
		t := &toks[i]
		nv := d.variants(t, &vsArr, &hsArr)
		vs, hows := vsArr[:nv], hsArr[:nv]
		subFound := false
		for vi, v := range vs {
			if !d.firstF.mayHave(v) {
				continue
			}
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
					eq, h := d.tokEq(&toks[j], e.toks[k])
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
					continue // cues are matched as written (modulo inflection)
				}
				out = append(out, match{e: ei, i: int32(i), j: int32(j), how: how})
				if e.kind == kSub {
					subFound = true
				}
			}
		}
		// Split words: "f.e.n.t.a.n.y.l", "fenta*nyl", "Carfentani l".
		if !t.han && t.gap != gapBreak {
			out = d.splitMatches(toks, i, out)
		}
		// Masked letters: "f*nt*nyl", "FENT___NYL".
		if !t.han && t.letters && i+1 < len(toks) && t.end < len(text) && isMask(text[t.end]) {
			out = d.maskedMatches(text, toks, i, out)
		}
		if !subFound && !t.han && len(t.norm) >= 5 {
			out = d.fuzzyMatches(t, i, vs, out)
		}
	}
	return resolve(out)
}

func (d *Detector) splitMatches(toks []token, i int, out []match) []match {
	t := &toks[i]
	var candArr [2]string
	cand := candArr[:1]
	cand[0] = t.norm
	if t.leet {
		if v, ok := t.leetFolded(); ok {
			cand = append(cand, v)
		}
	}
	var sbuf [64]byte
	for _, start := range cand {
		if !d.mayPrefix(start) || !d.prefixF.mayHave(start) {
			continue
		}
		if _, ok := d.prefixes[start]; !ok {
			continue
		}
		s := append(sbuf[:0], start...)
		short := len(t.norm) <= 2
		allShort := short
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
				if v, ok := nt.leetFolded(); ok {
					piece = v
				}
			}
			if len(nt.norm) > 2 {
				allShort = false
			}
			s = append(s, piece...)
			if !d.joinedF.mayHave(string(s)) {
				// not a whole term; may still be a prefix
			} else if ees, ok := d.joined[string(s)]; ok {
				if !spaced || allShort || len(s) >= 6 {
					for _, ei := range ees {
						out = append(out, match{e: ei, i: int32(i), j: int32(j + 1), how: howSplit})
					}
				}
			}
			if !d.prefixF.mayHave(string(s)) {
				break
			}
			if _, ok := d.prefixes[string(s)]; !ok {
				break
			}
		}
	}
	return out
}

func (d *Detector) fuzzyMatches(t *token, i int, vs []string, out []match) []match {
	best := -1
	bestDist := 99
	for _, v := range vs {
		if len(v) < 6 || len(v) > 40 {
			continue
		}
		// no entry of this first byte can pass the gate below
		if g := &d.fuzzyGate[v[0]]; !g.second.has(v[1]) && !g.third.has(v[2]) {
			continue
		}
		cands := d.fuzzyBy[v[0]]
		if len(cands) == 0 || !isLetters(v) {
			continue
		}
		m := letterMask(v)
		k12 := d.fuzzyK12[v[0]]
		for ci, fi := range cands {
			// cheap gate: second letter equal, or shifted by one edit
			// (key bytes 1 and 2 kept beside the list, no pointer chase)
			if k := k12[ci]; v[1] != k[0] && v[1] != k[1] && v[2] != k[0] {
				continue
			}
			f := &d.fuzzy[fi]
			fl := len(f.key)
			if fl-len(v) > f.k || len(v)-fl > f.k {
				continue
			}
			if maskDiff(m, f.mask) > 2*f.k {
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

// osaDist is osaDistance over letters (bytes or runes); ra and rb are only read.
func osaDist[T byte | rune](ra, rb []T, max int) int {
	n, m := len(ra), len(rb)
	if n-m > max || m-n > max {
		return max + 1
	}
	var rows [3][49]int
	var prev2, prev, cur []int
	if m < 49 {
		prev2, prev, cur = rows[0][:m+1], rows[1][:m+1], rows[2][:m+1]
	} else {
		prev2, prev, cur = make([]int, m+1), make([]int, m+1), make([]int, m+1)
	}
	for j := 0; j <= m; j++ {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= m; j++ {
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
		if rowMin > max {
			return max + 1
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
func resolve(ms []match) []match {
	if len(ms) < 2 {
		return ms
	}
	// The order compares every field, so any correct sort gives the same
	// slice. findMatches emits matches by start token: then only the runs
	// that share a start need sorting.
	byStart := true
	for k := 1; k < len(ms); k++ {
		if ms[k].i < ms[k-1].i {
			byStart = false
			break
		}
	}
	if !byStart {
		slices.SortFunc(ms, compareMatch)
	} else {
		for a := 0; a < len(ms); {
			b := a + 1
			for b < len(ms) && ms[b].i == ms[a].i {
				b++
			}
			if b-a > 1 {
				slices.SortFunc(ms[a:b], compareMatch)
			}
			a = b
		}
	}
	out := ms[:0]
	for _, m := range ms {
		drop := false
		for k := len(out) - 1; k >= 0; k-- {
			o := out[k]
			if o.i+32 < m.i {
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
func isMask(c byte) bool { return c == '*' || c == '_' || c == '#' || c == '?' }

// maskedMatches reads runs of mask characters between word pieces as
// missing letters and compares the pattern with the fuzzy-matchable names.
func (d *Detector) maskedMatches(text string, toks []token, i int, out []match) []match {
	var pat []byte
	masked := false
	for j := i; j < len(toks) && j < i+8; j++ {
		t := &toks[j]
		if t.han {
			break
		}
		piece := t.norm
		if t.leet {
			if v, ok := t.leetFolded(); ok {
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
