// Package detect turns a fetched page into a verdict: is it a sale listing
// for fentanyl, an analogue, a nitazene or other novel synthetic opioid, a
// fentanyl precursor or counterfeit M30-type pills? It decodes the page,
// reduces it to zoned text, normalises it against evasion (confusables,
// leetspeak, split words, misspellings), matches a compiled rule set, weighs
// substance evidence against the sale frame and the decoy frame, and pulls
// out the listing's fields and identifiers.
//
// detect is pure: no I/O, no clocks, no randomness. A Detector is immutable
// after New and safe for concurrent use.
package detect

import (
	"fmt"
	"maps"
	"math/bits"
	"path"
	"slices"
	"strings"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/rules"
)

type kind uint8

const (
	kSub kind = iota
	kSale
	kDecoy
	kCtx
)

type form uint8

const (
	fAlias form = iota
	fBrand
	fAbbrev
	fCAS
	fAmbig
)

// entry is one compiled term.
type entry struct {
	toks   []string
	kind   kind
	idx    int // substance or frame index
	form   form
	lang   string
	term   string
	joined string
	// langIdx is lang's index in langCodes, -1 for "any" or none.
	langIdx int
}

type subInfo struct {
	name      string
	rule      string // "substance:" + name, the evidence rule id
	class     string
	sev       fentinel.Severity
	weight    float64
	secondary bool
	ctx       []int // context frame indices
}

type frameInfo struct {
	id      string
	weight  float64
	builtin string
	before  int
	after   int
	damp    float64
	product bool
	title   bool
	classes map[string]bool
	page    bool
}

// byteSet is a set of byte values.
type byteSet [4]uint64

func (s *byteSet) set(c byte)      { s[c>>6] |= 1 << (c & 63) }
func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

type fuzzyEntry struct {
	key   string
	mask  uint32
	k     int
	e     int32
	ascii bool // key is ASCII (osaBits reads it)
}

type profile struct {
	hosts                                          []string
	title, price, vendor, shipsFrom, shipsTo, main string
}

// Detector is a compiled rule set. Create it with New.
type Detector struct {
	version  string
	sc       rules.Scoring
	zoneW    [numZones]float64
	entries  []entry
	first    map[string][]int32
	joined   map[string][]int32
	prefixes map[string]struct{}
	// terms holds the keys of first, joined and prefixes: the matcher
	// looks words up there (the maps are kept as the reference).
	terms   *termTable
	fuzzy   []fuzzyEntry
	fuzzyBy [256][]int // fuzzy entries by first byte
	// fuzzyBk, by first byte: bitsets over fuzzyBy's entries that let
	// fuzzyMatches skip every entry a word cannot be close to (nil when
	// no entry starts with the byte).
	fuzzyBk  [256]*fuzzyBucket
	suffixes []string
	suffixBy [256][]string // suffixes by last byte
	sufLast  byteSet       // last bytes of suffixes
	subs     []subInfo
	sale     []frameInfo
	decoys   []frameInfo
	ctxs     []frameInfo
	builtins map[string]int // builtin name → sale frame index
	profiles []profile
	// plain caches words that match nothing on their own (see wordCache);
	// shared by concurrent Detect calls, bounded in size.
	plain *wordCache
	// masks caches attribute values' masks (see maskCache); shared and
	// bounded like plain.
	masks *maskCache
	// fuzzyGate answers fuzzyMay (the first test of fuzzy matching) from
	// a few kilobytes rather than fuzzyBk's bitsets
	fuzzyGate fuzzyGate
	// facts holds, per entry, what the judge reads of it and of its frame
	// (see entryFacts), filled once the entries and frames are final.
	facts []entryFacts
	// bi holds the builtin sale frames the judge asks for on every page,
	// looked up in builtins once.
	bi builtinFrames
	// evKeys numbers the sale and decoy frames' rule ids for the judge's
	// evidence records (evidenceKeys).
	evKeys []int32
}

// builtinFrames are the sale frame indices of the builtin frames the judge
// uses, -1 for a builtin the rule set lacks.
type builtinFrames struct{ price, crypto, qty, vendor int }

// builtinIndex is builtins[name], -1 when absent.
func (d *Detector) builtinIndex(name string) int {
	if i, ok := d.builtins[name]; ok {
		return i
	}
	return -1
}

// New compiles a rule set into a detector.
func New(rs *rules.Set) (*Detector, error) {
	if rs == nil {
		return nil, fmt.Errorf("detect: new: nil rule set")
	}
	d := &Detector{
		version:  rs.Version(),
		sc:       rs.Scoring,
		first:    map[string][]int32{},
		joined:   map[string][]int32{},
		prefixes: map[string]struct{}{},
		builtins: map[string]int{},
		plain:    new(wordCache),
		masks:    new(maskCache),
	}
	for i, z := range zoneNames {
		w, ok := rs.Scoring.Zones[z]
		if !ok {
			w = 1
		}
		d.zoneW[i] = w
	}
	for _, s := range rs.Scoring.Suffixes {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			d.suffixes = append(d.suffixes, s)
			d.suffixBy[s[len(s)-1]] = append(d.suffixBy[s[len(s)-1]], s)
			d.sufLast.set(s[len(s)-1])
		}
	}
	secondary := map[string]bool{}
	for _, c := range rs.Scoring.Secondary {
		secondary[c] = true
	}
	ctxIndex := map[string]int{}
	for i, f := range rs.Contexts {
		ctxIndex[f.ID] = i
		d.ctxs = append(d.ctxs, frameInfo{id: f.ID})
		d.addTerms(f.Terms, kCtx, i)
	}
	for i, f := range rs.Sale {
		d.sale = append(d.sale, frameInfo{id: f.ID, weight: f.Weight, builtin: f.Builtin})
		if f.Builtin != "" {
			d.builtins[f.Builtin] = i
		}
		d.addTerms(f.Terms, kSale, i)
	}
	for i, f := range rs.Decoys {
		fi := frameInfo{id: f.ID, weight: f.Weight, before: f.Before, after: f.After, damp: f.Damp, product: f.Product, page: f.Page, title: f.Title}
		if fi.damp == 0 {
			fi.damp = rs.Scoring.Damp
		}
		if len(f.Classes) > 0 {
			fi.classes = map[string]bool{}
			for _, c := range f.Classes {
				fi.classes[c] = true
			}
		}
		d.decoys = append(d.decoys, fi)
		d.addTerms(f.Terms, kDecoy, i)
	}
	for i, s := range rs.Substances {
		si := subInfo{name: s.Name, rule: "substance:" + s.Name, class: s.Class, sev: s.Sev, weight: s.Weight, secondary: secondary[s.Class]}
		ctx := s.Context
		if len(ctx) == 0 {
			ctx = []string{"opioid"}
		}
		for _, c := range ctx {
			if ci, ok := ctxIndex[c]; ok {
				si.ctx = append(si.ctx, ci)
			}
		}
		d.subs = append(d.subs, si)
		// languages in a fixed order: entry indices break ties in resolve
		// and the language guess, so they must not follow map order
		for _, lang := range slices.Sorted(maps.Keys(s.Aliases)) {
			for _, t := range s.Aliases[lang] {
				d.addSub(t, i, fAlias, lang, s.Fuzzy)
			}
		}
		for _, t := range s.Brands {
			d.addSub(t, i, fBrand, "any", s.Fuzzy)
		}
		for _, t := range s.Abbreviations {
			d.addSub(t, i, fAbbrev, "any", false)
		}
		for _, t := range s.CAS {
			d.addSub(t, i, fCAS, "any", false)
		}
		for _, lang := range slices.Sorted(maps.Keys(s.Ambiguous)) {
			for _, t := range s.Ambiguous[lang] {
				d.addSub(t, i, fAmbig, lang, false)
			}
		}
	}
	d.terms = newTermTable(d.entries, d.first, d.joined, d.prefixes)
	for i, f := range d.fuzzy {
		d.fuzzyBy[f.key[0]] = append(d.fuzzyBy[f.key[0]], i)
	}
	for b, idx := range d.fuzzyBy {
		if len(idx) > 0 {
			d.fuzzyBk[b] = newFuzzyBucket(d.fuzzy, idx)
		}
	}
	d.fuzzyGate = *newFuzzyGate(&d.fuzzyBk)
	d.plainKeyFacts()
	for _, p := range rs.Profiles {
		d.profiles = append(d.profiles, profile{hosts: p.Hosts, title: p.Title, price: p.Price, vendor: p.Vendor,
			shipsFrom: p.ShipsFrom, shipsTo: p.ShipsTo, main: p.Main})
	}
	d.bi = builtinFrames{price: d.builtinIndex("price"), crypto: d.builtinIndex("crypto-price"),
		qty: d.builtinIndex("quantity"), vendor: d.builtinIndex("vendor")}
	d.evKeys = evidenceKeys(d.sale, d.decoys)
	d.facts = make([]entryFacts, len(d.entries))
	for i := range d.entries {
		d.facts[i] = d.entryFactsOf(&d.entries[i])
	}
	return d, nil
}

// entryFacts is an entry packed into eight pointer-free bytes with the
// facts of its decoy frame the judge needs per match, so that splitting a
// page's matches reads one small record instead of the entry and its frame.
type entryFacts struct {
	idx   int32 // substance or frame index (entry.idx)
	kind  kind
	form  form
	lang  int8 // entry.langIdx: langCodes index, -1 for none
	flags uint8
}

// entryFacts flags, all facts of a decoy entry's frame.
const (
	efWindow      = 1 << iota // the frame has a window or title scope
	efNegation                // the frame negates (isNegation)
	efTitleScope              // the frame's title scope (frameInfo.title)
	efClasses                 // the frame applies to some classes only
	efProduct                 // a product frame (frameInfo.product)
	efPageClasses             // a class-scoped page decoy (page, with classes)
)

// entryFactsOf packs e's facts.
func (d *Detector) entryFactsOf(e *entry) entryFacts {
	ef := entryFacts{idx: int32(e.idx), kind: e.kind, form: e.form, lang: int8(e.langIdx)}
	if e.kind != kDecoy {
		return ef
	}
	f := &d.decoys[e.idx]
	if f.before > 0 || f.after > 0 || f.title {
		ef.flags |= efWindow
		if isNegation(f) {
			ef.flags |= efNegation
		}
	}
	if f.title {
		ef.flags |= efTitleScope
	}
	if f.classes != nil {
		ef.flags |= efClasses
	}
	if f.product {
		ef.flags |= efProduct
	}
	if f.page && len(f.classes) > 0 {
		ef.flags |= efPageClasses
	}
	return ef
}

// Version returns the rule set version the detector was compiled from.
func (d *Detector) Version() string { return d.version }

func (d *Detector) addTerms(t rules.Terms, k kind, idx int) {
	for _, lang := range slices.Sorted(maps.Keys(t)) { // fixed order, as for aliases
		for _, term := range t[lang] {
			d.add(entry{kind: k, idx: idx, lang: lang, term: term})
		}
	}
}

func (d *Detector) addSub(term string, idx int, f form, lang string, fuzzy bool) {
	e := entry{kind: kSub, idx: idx, form: f, lang: lang, term: term}
	ei := d.add(e)
	if ei < 0 {
		return
	}
	en := &d.entries[ei]
	han := false
	for _, t := range en.toks {
		if t != "" && isHan([]rune(t)[0]) {
			han = true
		}
	}
	if han {
		return
	}
	en.joined = strings.Join(en.toks, "")
	if len(en.joined) >= 3 {
		d.joined[en.joined] = append(d.joined[en.joined], int32(ei))
		for n := 1; n < len(en.joined); n++ {
			d.prefixes[en.joined[:n]] = struct{}{}
		}
	}
	if fuzzy && (f == fAlias || f == fBrand) && len(en.toks) == 1 && len([]rune(en.joined)) >= 6 && isLetters(en.joined) {
		k := 1
		if len([]rune(en.joined)) >= 8 {
			k = 2
		}
		d.fuzzy = append(d.fuzzy, fuzzyEntry{key: en.joined, mask: letterMask(en.joined), k: k, e: int32(ei), ascii: isASCII(en.joined)})
	}
}

func (d *Detector) add(e entry) int {
	e.toks = normalizeTerm(e.term)
	if len(e.toks) == 0 {
		return -1
	}
	var lc langCounts
	e.langIdx = lc.idx(e.lang)
	d.entries = append(d.entries, e)
	ei := len(d.entries) - 1
	d.first[e.toks[0]] = append(d.first[e.toks[0]], int32(ei))
	return ei
}

// isLetters reports whether every rune of s is a lower-case Latin,
// Latin-extended or Cyrillic-range letter (the words fuzzy matching reads).
// ASCII bytes are checked without decoding.
func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return isLettersRunes(s[i:])
		}
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// isLettersRunes is isLetters decoding every rune.
func isLettersRunes(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z') && !(r >= 0x400 && r < 0x530) && !(r >= 0xe0 && r < 0x250) {
			return false
		}
	}
	return true
}

// letterMask is a 32-bit set of the letters in s (folded into 32 buckets).
// ASCII bytes are read without decoding (a byte's rune is the byte).
func letterMask(s string) uint32 {
	var m uint32
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return m | letterMaskRunes(s[i:])
		}
		m |= 1 << (c % 32)
	}
	return m
}

// lettersMask is letterMask(s), isLetters(s) and isASCII(s) in one pass
// (the mask is only meaningful when s is letters). ASCII bytes are read
// without decoding; from the first byte above ASCII on, lettersMaskRunes
// reads the rest.
func lettersMask(s string) (mask uint32, letters, ascii bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			m, ok := lettersMaskRunes(s[i:])
			if !ok {
				return 0, false, false
			}
			return mask | m, true, false
		}
		if c < 'a' || c > 'z' {
			return 0, false, true
		}
		mask |= 1 << (c % 32)
	}
	return mask, true, true
}

// lettersMaskRunes is letterMaskRunes(s) and isLettersRunes(s) in one
// pass. Every rune isLetters accepts above ASCII (U+00E0 to U+024F, U+0400
// to U+052F) is two bytes long, so those are decoded inline; any longer or
// invalid sequence is no letter.
func lettersMaskRunes(s string) (uint32, bool) {
	var m uint32
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			if c < 'a' || c > 'z' {
				return 0, false
			}
			m |= 1 << (c % 32)
			continue
		}
		if c < 0xC2 || c > 0xDF || i+1 >= len(s) || s[i+1]&0xC0 != 0x80 {
			return 0, false
		}
		r := uint32(c&0x1F)<<6 | uint32(s[i+1]&0x3F)
		if !(r >= 0x400 && r < 0x530) && !(r >= 0xe0 && r < 0x250) {
			return 0, false
		}
		m |= 1 << (r % 32)
		i++
	}
	return m, true
}

// letterMaskRunes is letterMask decoding every rune.
func letterMaskRunes(s string) uint32 {
	var m uint32
	for _, r := range s {
		m |= 1 << (uint32(r) % 32)
	}
	return m
}

func maskDiff(a, b uint32) int { return bits.OnesCount32(a ^ b) }

func (d *Detector) profileFor(host string) *profile {
	if host == "" || len(d.profiles) == 0 {
		return nil
	}
	for i := range d.profiles {
		for _, h := range d.profiles[i].hosts {
			if ok, _ := path.Match(h, host); ok {
				return &d.profiles[i]
			}
		}
	}
	return nil
}
