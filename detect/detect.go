package detect

import (
	"math"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/fentinel/fentinel"
)

const (
	snippetRadius   = 60
	maxEvidence     = 40
	maxPerRule      = 3
	ambiguousMinF   = 0.3
	titleStrong     = 0.5
	titleDecoyVeto  = 0.85
	bodyDecoyFactor = 0.6
	genreSaturation = 4   // zone-weighted distinct cue terms at which a genre frame is at full strength
	saleShield      = 0.6 // how much of a genre decoy a full sale frame cancels
	questionDamp    = 0.4 // factor for a substance mention inside a question
)

// MaxInput is the number of body bytes Detect reads; the rest of a larger
// page is ignored (the crawler caps bodies too).
const MaxInput = 4 << 20

// scratch is per-call working memory reused across Detect calls (in a
// pageState). Nothing in a Verdict points into it (evidence quotes the
// document text).
type scratch struct {
	toks  []token
	arena []byte
	// fieldArena is priceOfField's arena (the page's tokens use arena)
	fieldArena []byte
	ms         []match
	subs       []mention
	kinds      cueKinds
	cls        tokClasses
	// seenDecoys lists the decoy frames with a match on the page.
	seenDecoys []int32
	floats     []float64
	ints       []int
	aggs       []subAgg
	touched    []int
	prices     []priceHit
	qtys       []qtyHit
	// termW holds, per rule entry, the best zone weight a decoy term has
	// counted with on this page (0 = not yet counted); termTouched lists the
	// entries to reset.
	termW       []float64
	termTouched []int32
	ev, subEv   []evRec
	// evPos holds, per evidence key (Detector.evKeys), 1 + the index of
	// its record in ev, 0 for none.
	evPos      []int32
	ctxPresent []bool
	names      []string
	evKeys     []evKey
	strs       []string
	// The verdict's own memory (outchunk.go): Evidence slices, the
	// Substances and Classes lists, composed rule ids and snippets.
	outEv   chunk[fentinel.Evidence]
	outStrs chunk[string]
	outText textChunk
}

// evKey marks a substance mention already quoted as evidence (substance
// index, token index).
type evKey struct{ sub, tok int32 }

// subAgg is one substance's two best mention values and its score.
type subAgg struct {
	best, second, score float64
	on                  bool
}

// init sizes a new scratch's buffers.
func (scr *scratch) init() { scr.arena = make([]byte, 0, 8192) }

// mention is one substance match with its weight after context.
type mention struct {
	m         match
	sub       int
	value     float64 // contribution after zone, form and neutralisers
	neut      int32   // 1 + the decoy frame that neutralised it, 0 for none
	ambiguous bool
}

// Detect judges one page. It never fails: an unparsable page yields an
// unflagged verdict. Safe for concurrent use.
func (d *Detector) Detect(p fentinel.Page) fentinel.Verdict {
	ct := p.ContentType()
	body := p.Body
	if len(body) > MaxInput {
		body = body[:MaxInput] // listings sit at the top; bound time and memory
		for j := len(body) - 1; j >= 0 && j >= len(body)-4; j-- {
			if utf8.RuneStart(body[j]) {
				if !utf8.FullRune(body[j:]) {
					body = body[:j] // do not cut a UTF-8 sequence in half
				}
				break
			}
		}
	}
	s := decodeBody(body, ct)
	var prof *profile
	if len(d.profiles) > 0 {
		prof = d.profileFor(pageHost(p))
	}
	ps := pageStatePool.Get().(*pageState)
	var doc *document
	if isHTML := looksLikeHTML(s, ct); isHTML && prof == nil {
		ps.fp.masks = d.masks
		doc = parseStreamWithState(ps, s)
		ps.fp.masks = nil // the pooled state keeps no Detector alive
	} else {
		doc = d.parse(s, isHTML, prof)
	}
	var v fentinel.Verdict
	d.judgeWith(&v, doc, s, prof, &ps.scr, &ps.ms)
	v.PageKind = pageKind(pageURL(p), doc)
	if doc == &ps.doc {
		doc.clear()
	} else {
		doc.release()
	}
	pageStatePool.Put(ps)
	return v
}

// DetectText judges plain text (or HTML if it starts with "<"), for rule
// tests and tools.
func (d *Detector) DetectText(text string) fentinel.Verdict {
	return d.Detect(fentinel.Page{Body: []byte(text)})
}

// parse zones the page: the streaming tokenizer by default, the goquery
// tree when a market profile's selectors apply.
func (d *Detector) parse(s string, isHTML bool, prof *profile) *document {
	if !isHTML {
		return plainDocument(s)
	}
	if prof == nil {
		return parseStream(s)
	}
	return parseTree(s, prof.main)
}

// pageURL is the address the page was read from: after redirects when the
// crawler recorded them.
func pageURL(p fentinel.Page) string {
	if p.FinalURL != "" {
		return p.FinalURL
	}
	return p.URL
}

func pageHost(p fentinel.Page) string {
	u := pageURL(p)
	if u == "" {
		return ""
	}
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return pu.Hostname()
}

// judgeWith fills the zero verdict *v for the page doc (PageKind aside),
// with the working memory scr and ms (both left ready for the next page).
func (d *Detector) judgeWith(v *fentinel.Verdict, doc *document, raw string, prof *profile, scr *scratch, mst *matchState) {
	toks, arena := tokenizeInto(scr.toks, scr.arena, doc.text, doc.segs)
	scr.toks, scr.arena = toks[:0], arena[:0]
	nb := newNormBase(arena) // the tokens' norms
	ms := d.findMatchesWith(mst, scr.ms, doc.text, toks, &nb)
	scr.ms = ms[:0]
	cls := &scr.cls
	classifyTokens(toks, &nb, cls)
	prices, qtys := scanNumbersAt(scr.prices, scr.qtys, doc.text, toks, &nb, cls.nums)
	scr.prices, scr.qtys = prices[:0], qtys[:0]
	ex := &v.Extracted
	d.extractInto(ex, doc, raw, toks, &nb, cls, prices, qtys, prof, &scr.fieldArena)

	lang := cls.lang
	kc := &scr.kinds
	// The scratch buffers this page fills, handed back emptied (and the
	// slots they mark cleared) by one deferred call: one closure rather
	// than one per buffer, each of which cost a call and code lines of
	// its own on every page.
	var (
		subs           []mention
		subEv          []evRec
		termTouched    []int32
		seen           []int32
		touched        []int
		classes, names []string
		keys           []evKey
	)
	defer func() {
		scr.subs = subs[:0]
		kc.cues[kSale], kc.cues[kDecoy], kc.cues[kCtx] = kc.cues[kSale][:0], kc.cues[kDecoy][:0], kc.cues[kCtx][:0]
		kc.windows, kc.negs = kc.windows[:0], kc.negs[:0]
		clear(scr.evPos)
		scr.ev = scr.ev[:0]
		for _, e := range termTouched {
			scr.termW[e] = 0
		}
		scr.termTouched = termTouched[:0]
		scr.seenDecoys = seen[:0]
		for _, si := range touched {
			scr.aggs[si] = subAgg{}
		}
		scr.touched = touched[:0]
		scr.strs, scr.names = classes[:0], names[:0]
		scr.subEv, scr.evKeys = subEv[:0], keys[:0]
	}()
	subs = d.split(toks, ms, scr.subs[:0], kc, &lang)
	// per-frame working arrays, zeroed: one slot per sale frame, then one
	// per decoy frame
	nf := len(d.sale) + len(d.decoys)
	if cap(scr.floats) < nf {
		scr.floats = make([]float64, nf)
		scr.ints = make([]int, nf)
	}
	floats, ints := scr.floats[:nf], scr.ints[:nf]
	clear(floats)
	clear(ints)

	// Sale frame. saleFirst holds, per frame, 1 + the index in kc.cues[kSale] of
	// its strongest cue (the first of equals), 0 for none.
	scr.ev = scr.ev[:0] // sale and decoy evidence (addEvidenceAt)
	if len(scr.evPos) < len(d.evKeys) {
		scr.evPos = make([]int32, len(d.evKeys))
	}
	saleStrength := floats[:len(d.sale)]
	saleFirst := ints[:len(d.sale)]
	// The loops over matches read the detector's tables through locals:
	// the stores into the per-frame arrays would otherwise make the
	// compiler load them again on every iteration.
	facts, sale, zoneW := d.facts, d.sale, &d.zoneW
	for ci, m := range kc.cues[kSale] {
		if d.negated(toks, kc.negs, m) {
			continue
		}
		idx := facts[m.e].idx
		w := sale[idx].weight * zoneW[toks[m.i].zone]
		if w > saleStrength[idx] {
			saleStrength[idx] = w
			saleFirst[idx] = ci + 1
		}
	}
	// The builtin frames (indices found at New): each price or quantity
	// raises its frame's strength, with evidence, when its zone weighs more.
	for _, ph := range prices {
		idx := d.bi.price
		if ph.crypto {
			idx = d.bi.crypto
		}
		if idx < 0 {
			continue
		}
		z := toks[ph.tok].zone
		if w := d.sale[idx].weight * d.zoneW[z]; w > saleStrength[idx] {
			saleStrength[idx] = w
			scr.addEvidenceAt(d.evKeys[idx], evSale, int32(idx), ph.start, ph.end, z, w)
		}
	}
	if idx := d.bi.qty; idx >= 0 {
		for _, q := range qtys {
			z := toks[q.tok].zone
			if w := d.sale[idx].weight * d.zoneW[z]; w > saleStrength[idx] {
				saleStrength[idx] = w
				scr.addEvidenceAt(d.evKeys[idx], evSale, int32(idx), q.start, q.end, z, w)
			}
		}
	}
	if ex.Vendor != "" {
		if idx := d.bi.vendor; idx >= 0 {
			saleStrength[idx] = d.sale[idx].weight
		}
	}
	// F is the noisy-or of the frames' strengths; each frame's strongest
	// cue is evidence, in frame order (one pass over the frames does
	// both: a page has few cues, and the frames are read once).
	rest := 1.0
	for idx, s := range saleStrength {
		if s != 0 {
			rest *= 1 - s // (a factor 1 - 0 changes nothing)
		}
		if c1 := saleFirst[idx]; c1 > 0 {
			m := kc.cues[kSale][c1-1]
			scr.addEvidenceAt(d.evKeys[idx], evSale, int32(idx),
				toks[m.i].start, toks[m.j-1].end, toks[m.i].zone, s)
		}
	}
	F := 1 - rest

	// Page-level decoys: genre frames (news, rules, pharmacology…) and
	// product frames (test strips, naloxone…), and class-scoped page decoys.
	genreSum := floats[len(d.sale) : len(d.sale)+len(d.decoys)]
	if len(scr.termW) < len(d.entries) {
		scr.termW = make([]float64, len(d.entries))
	}
	termW := scr.termW
	termTouched = scr.termTouched[:0]
	titleDecoy := false
	var classDecoy []classDecoyHit                              // class → decoy frame index, last one wins
	decoyFirst := ints[len(d.sale) : len(d.sale)+len(d.decoys)] // 1 + index in kc.cues[kDecoy], 0 for none
	seen = scr.seenDecoys[:0]                                   // the frames with an entry in decoyFirst
	for ci, m := range kc.cues[kDecoy] {
		ef := facts[m.e]
		fi := int(ef.idx)
		z := toks[m.i].zone
		zw := zoneW[z]
		if ef.flags&efProduct != 0 && z == zoneTitle {
			if !d.negated(toks, kc.negs, m) {
				titleDecoy = true
			}
		}
		if ef.flags&efPageClasses != 0 && !d.negated(toks, kc.negs, m) {
			for c := range d.decoys[fi].classes {
				classDecoy = setClassDecoy(classDecoy, c, fi)
			}
		}
		// Zone weights are positive, so 0 means "not counted yet".
		if prev := termW[m.e]; zw > prev {
			if prev == 0 {
				termTouched = append(termTouched, m.e)
			}
			genreSum[fi] += zw - prev
			termW[m.e] = zw
		}
		if decoyFirst[fi] == 0 {
			decoyFirst[fi] = ci + 1
			seen = append(seen, int32(fi))
		}
	}
	// Only the frames seen on the page can weigh: visit them in frame
	// order, as the products below and the evidence order depend on it.
	sortInt32s(seen)
	genre, product := 1.0, 1.0
	for _, i32 := range seen {
		i := int(i32)
		f := &d.decoys[i]
		if f.weight == 0 || genreSum[i] == 0 {
			continue
		}
		st := f.weight * min(1, genreSum[i]/genreSaturation) // (the builtin: math.Min's NaN and zero rules, inline)
		if f.product {
			product *= 1 - st
		} else {
			genre *= 1 - st
		}
		if c1 := decoyFirst[i]; c1 > 0 {
			m := kc.cues[kDecoy][c1-1]
			scr.addEvidenceAt(d.evKeys[len(d.sale)+i], evDecoy, int32(i),
				toks[m.i].start, toks[m.j-1].end, toks[m.i].zone, -st)
		}
	}
	Dg, Dp := 1-genre, 1-product

	// Substance mentions.
	sc := &d.sc
	strongPrimary := false
	for k := range subs {
		mn := &subs[k]
		si := &d.subs[mn.sub]
		v := si.weight * d.zoneW[toks[mn.m.i].zone]
		switch d.facts[mn.m.e].form {
		case fBrand, fAbbrev:
			v *= sc.AbbrevWeight
		case fAmbig:
			v *= sc.AmbiguousWeight
		}
		switch mn.m.how {
		case howLeet, howSplit:
			v *= sc.EvasionWeight
		case howFuzzy:
			v *= sc.FuzzyWeight
		}
		if toks[mn.m.i].question {
			// a question is not an offer: "where can I find fent?"
			v *= questionDamp
		}
		if fi, ok := d.neutraliserOf(toks, kc.windows, mn.m, si.class); ok {
			v *= d.decoys[fi].damp
			mn.neut = int32(fi) + 1
		}
		{
			if fi, ok := lookupClassDecoy(classDecoy, si.class); ok {
				v *= d.decoys[fi].damp
				mn.neut = int32(fi) + 1
			}
		}
		mn.value = v
		if !mn.ambiguous && !si.secondary && v >= titleStrong {
			strongPrimary = true
		}
	}
	// Ambiguous terms need a sale frame and a context cue (or a strong,
	// unambiguous substance mention elsewhere on the page). The context
	// cues are read only when a mention needs them.
	var ctxPresent []bool
	for k := range subs {
		mn := &subs[k]
		if !mn.ambiguous {
			continue
		}
		ok := F >= ambiguousMinF && strongPrimary
		if !ok && F >= ambiguousMinF {
			if ctxPresent == nil {
				ctxPresent = d.contextCues(scr, toks, kc)
			}
			for _, ci := range d.subs[mn.sub].ctx {
				if ctxPresent[ci] {
					ok = true
					break
				}
			}
		}
		if !ok {
			mn.value = 0
		}
	}

	// Per-substance evidence: noisy-or of the two best mentions. aggs is
	// indexed by substance; touched lists the substances seen, in order.
	if len(scr.aggs) < len(d.subs) {
		scr.aggs = make([]subAgg, len(d.subs))
	}
	aggs := scr.aggs
	touched = scr.touched[:0]
	titleSub, strongStandalone := false, false
	for _, mn := range subs {
		if mn.value <= 0 {
			continue
		}
		a := &aggs[mn.sub]
		if !a.on {
			a.on = true
			touched = append(touched, mn.sub)
		}
		if mn.value > a.best {
			a.second, a.best = a.best, mn.value
		} else if mn.value > a.second {
			a.second = mn.value
		}
		if !d.subs[mn.sub].secondary && mn.neut == 0 && mn.value >= titleStrong {
			switch toks[mn.m.i].zone {
			case zoneTitle:
				titleSub = true
				strongStandalone = true
			case zoneHeading, zoneMain:
				strongStandalone = true
			}
		}
	}
	E := 0.0
	for _, si := range touched {
		a := &aggs[si]
		v := 1 - (1-a.best)*(1-a.second)
		a.score = v
		if !d.subs[si].secondary && v > E {
			E = v
		}
	}

	score := E * (sc.SaleFloor + (1-sc.SaleFloor)*F)
	// A strong sale frame shields a listing that pastes news or
	// pharmacology text, but only partly.
	score *= 1 - Dg*(1-saleShield*F*F)
	switch {
	case titleDecoy && !titleSub:
		score *= 1 - titleDecoyVeto
	case !titleSub && !strongStandalone:
		score *= 1 - Dp*bodyDecoyFactor
	default:
		score *= 1 - Dp*0.15
	}
	score = max(0, min(1, score)) // (the builtins: math.Max and math.Min's rules, inline)
	score = math.Round(score*1000) / 1000
	flagged := score >= sc.Threshold

	v.Flagged, v.Score = flagged, score
	v.Language, v.RulesVersion = lang.best(), d.version
	v.Substances, v.Classes = []string{}, []string{}
	classes, names = scr.strs[:0], scr.names[:0]
	for _, si := range touched {
		val := aggs[si].score
		info := &d.subs[si]
		if val < 0.2 {
			continue
		}
		if info.secondary && E < 0.2 {
			continue
		}
		names = append(names, info.name)
		if !slices.Contains(classes, info.class) {
			classes = append(classes, info.class)
		}
		if flagged && info.sev > v.Severity && !info.secondary {
			v.Severity = info.sev
		}
	}
	if flagged && v.Severity == fentinel.SeverityNone {
		v.Severity = fentinel.SeverityHigh
	}
	if n := len(names) + len(classes); n > 0 {
		// Both lists in one piece of outStrs; each slice's capacity ends
		// at its length, so an append to one cannot write into the other.
		buf := scr.outStrs.take(n)
		if len(names) > 0 {
			v.Substances = buf[:len(names):len(names)]
			putSorted(v.Substances, names)
		}
		if len(classes) > 0 {
			v.Classes = buf[len(names):]
			putSorted(v.Classes, classes)
		}
	}

	// Substance evidence first, strongest first.
	sortMentions(subs)
	// At most maxPerRule quotes per substance (one rule id per substance:
	// names are unique), one per token. A key refused by the cap needs no
	// record: its substance stays at the cap.
	subEv, keys = scr.subEv[:0], scr.evKeys[:0]
	for _, mn := range subs {
		if mn.value <= 0 && mn.neut == 0 {
			continue
		}
		k := evKey{int32(mn.sub), mn.m.i}
		perSub := 0
		dup := false
		for _, q := range keys {
			if q.sub == k.sub {
				perSub++
				if q.tok == k.tok {
					dup = true
					break
				}
			}
		}
		if dup || perSub >= maxPerRule {
			continue
		}
		keys = append(keys, k)
		r := evidenceAt(evSubstance, int32(mn.sub), toks[mn.m.i].start, toks[mn.m.j-1].end, toks[mn.m.i].zone, mn.value)
		r.how, r.question, r.neut = mn.m.how, toks[mn.m.i].question, mn.neut
		subEv = append(subEv, r)
	}
	n := min(len(subEv)+len(scr.ev), maxEvidence)
	v.Evidence = scr.outEv.take(n)
	d.quoteEvidence(v.Evidence, doc.text, subEv, scr.ev, &scr.outText)
}

// putSorted stores src into dst (of the same length) in increasing
// order, as copy and sort.Strings would: by insertion, without their
// calls, for the few names of a verdict's lists (a sort's result is
// unique up to equal strings, which are indistinguishable).
func putSorted(dst, src []string) {
	if len(src) > 16 {
		copy(dst, src)
		slices.Sort(dst)
		return
	}
	for i, s := range src {
		j := i
		for ; j > 0 && dst[j-1] > s; j-- {
			dst[j] = dst[j-1]
		}
		dst[j] = s
	}
}

// sortInt32s is slices.Sort(a) by insertion, without the call, for the
// few decoy frames a page has matches of.
func sortInt32s(a []int32) {
	if len(a) > 16 {
		slices.Sort(a)
		return
	}
	for i := 1; i < len(a); i++ {
		x := a[i]
		j := i
		for ; j > 0 && a[j-1] > x; j-- {
			a[j] = a[j-1]
		}
		a[j] = x
	}
}

// classDecoyHit is a class-scoped page decoy seen on the page.
type classDecoyHit struct {
	class string
	frame int
}

func setClassDecoy(hs []classDecoyHit, class string, frame int) []classDecoyHit {
	for i := range hs {
		if hs[i].class == class {
			hs[i].frame = frame
			return hs
		}
	}
	return append(hs, classDecoyHit{class, frame})
}

func lookupClassDecoy(hs []classDecoyHit, class string) (int, bool) {
	for _, h := range hs {
		if h.class == class {
			return h.frame, true
		}
	}
	return 0, false
}

func absDiff(a, b int32) int32 {
	if a > b {
		return a - b
	}
	return b - a
}

// isNegation: decoy frames that negate rather than reframe (no page weight,
// window before or after).
func isNegation(f *frameInfo) bool {
	return f.weight <= 0.1 && !f.product && f.classes == nil && (f.before > 0 || f.after > 0) && f.damp < 0.1
}

// printableEnds reports whether s starts and ends with printable ASCII,
// so that strings.TrimSpace(s) is s (every space TrimSpace removes is
// ASCII white space, at most ' ', or starts with a byte from 0x80 up):
// callers test it inline before calling TrimSpace.
func printableEnds(s string) bool {
	n := len(s)
	return n > 0 && s[0]-'!' < 0x7f-'!' && s[n-1]-'!' < 0x7f-'!'
}

// extractInto fills the structured fields of the zero *ex.
// fieldArena, if not nil, is reused for the tokens of a price field.
func (d *Detector) extractInto(ex *fentinel.Extracted, doc *document, raw string, toks []token, nb *normBase, cls *tokClasses, prices []priceHit, qtys []qtyHit, prof *profile, fieldArena *[]byte) {
	// label starts, found once for the vendor and shipping labels
	var startBuf [64]int32
	var firstBuf [64]uint8
	var starts []int32
	var firsts []uint8
	labelAt := func() []int32 {
		if starts == nil {
			starts, firsts = labelStartsFirstAt(toks, nb, cls.labels, startBuf[:0], firstBuf[:0])
		}
		return starts
	}
	sel := func(q string) string {
		if q == "" || doc.dom == nil {
			return ""
		}
		s := doc.dom.Find(q)
		if s.Length() == 0 {
			return ""
		}
		return collapse(s.First().Text())
	}
	if prof != nil {
		ex.Title = sel(prof.title)
		ex.Vendor = sel(prof.vendor)
		ex.ShipsFrom = stripLabel(sel(prof.shipsFrom))
		ex.ShipsTo = stripLabel(sel(prof.shipsTo))
		if pt := sel(prof.price); pt != "" {
			ptoks, pnb := tokenize(pt, []segment{{zone: zoneMain, start: 0, end: len(pt)}})
			if ph, _ := scanNumbers(pt, ptoks, &pnb); len(ph) > 0 {
				ex.Price, ex.Currency = ph[0].value, ph[0].currency.String()
			}
		}
	}
	if ex.Title == "" {
		ex.Title = doc.h1
	}
	if ex.Title == "" {
		ex.Title = doc.title
	}
	if len(ex.Title) > 300 {
		ex.Title = ex.Title[:300]
		for len(ex.Title) > 0 && !utf8.ValidString(ex.Title) {
			ex.Title = ex.Title[:len(ex.Title)-1]
		}
	}
	if ex.Currency == "" && doc.price != "" {
		if ph, ok := priceOfField(doc.price, fieldArena); ok {
			ex.Price, ex.Currency = ph.value, ph.currency.String()
		}
	}
	if ex.Currency == "" {
		if ph := bestPrice(prices, toks); ph != nil {
			ex.Price, ex.Currency = ph.value, ph.currency.String()
		}
	}
	if q := bestQty(qtys, toks); q != nil {
		ex.Quantity, ex.Unit = q.value, q.unit.String()
	}
	if ex.Vendor == "" {
		st := labelAt() // (before firsts is read: it sets it)
		ex.Vendor = vendorByLabelFirst(doc.text, toks, nb, st, firsts)
		if ex.Vendor == "" && doc.dom != nil {
			ex.Vendor = vendorFromDOM(doc.dom)
		}
		if ex.Vendor == "" && doc.vendor != "" && !doc.vendorMulti {
			ex.Vendor = cleanVendor(doc.vendor)
		}
	}
	if ex.ShipsFrom == "" && doc.shipsFrom != "" {
		ex.ShipsFrom = stripLabel(doc.shipsFrom)
	}
	if ex.ShipsFrom == "" {
		st := labelAt()
		ex.ShipsFrom = labelValueFirstAt(doc.text, toks, nb, st, firsts, shipsFromLabels, 40, false)
	}
	if ex.ShipsTo == "" && doc.shipsTo != "" {
		ex.ShipsTo = stripLabel(doc.shipsTo)
	}
	if ex.ShipsTo == "" {
		st := labelAt()
		ex.ShipsTo = labelValueFirstAt(doc.text, toks, nb, st, firsts, shipsToLabels, 40, false)
	}
	ex.Entities = findEntitiesAt(doc.text, raw, toks, nb, cls.ents, cls.contact)
}

func stripLabel(s string) string {
	if i := indexColon(s); i >= 0 && i < 30 {
		return strings.TrimSpace(s[i+1:])
	}
	return s
}

// vendorFromDOM reads the vendor from the first element whose class names
// a vendor or seller; when such elements name different vendors (an index
// or category page) it returns "".
func vendorFromDOM(dom *goquery.Document) string {
	var name string
	multi := false
	dom.Find(".vendor, .seller, [class*=vendor-name], [itemprop=seller], [class*=card-vendor]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		v := cleanVendor(s.Text())
		if name == "" {
			name = v
		} else if v != name {
			multi = true
			return false
		}
		return true
	})
	if multi {
		return ""
	}
	return name
}

func bestPrice(ps []priceHit, toks []token) *priceHit {
	var best *priceHit
	rank := func(z uint8) int {
		switch z {
		case zoneTitle:
			return 0
		case zoneMain, zoneHeading:
			return 1
		case zoneBody:
			return 2
		case zoneAlt:
			return 3
		}
		return 4
	}
	for i := range ps {
		p := &ps[i]
		if best == nil || rank(toks[p.tok].zone) < rank(toks[best.tok].zone) {
			best = p
		}
	}
	return best
}

func bestQty(qs []qtyHit, toks []token) *qtyHit {
	var best *qtyHit
	for i := range qs {
		q := &qs[i]
		if toks[q.tok].zone == zoneNav {
			continue
		}
		if best == nil || toks[q.tok].zone == zoneTitle && toks[best.tok].zone != zoneTitle {
			best = q
		}
	}
	return best
}
