package detect

import (
	"testing"

	"github.com/fentinel/fentinel"
)

// extractInput is one corpus page prepared up to the extraction stage.
type extractInput struct {
	name string
	doc  *document
	raw  string
	url  string
	toks []token
	nb   normBase
	ms   []match
}

// extractInputs decodes, parses, tokenises and matches every corpus page
// once, as Detect does, for the extraction benchmark and the equivalence
// tests of the extraction stage.
func extractInputs(tb testing.TB, d *Detector) ([]extractInput, int64) {
	var ins []extractInput
	var total int64
	for _, s := range loadCorpus(tb) {
		ct := s.Page.ContentType()
		raw := decodeBody(s.Page.Body, ct)
		doc := d.parse(raw, looksLikeHTML(raw, ct), nil)
		toks, nb := tokenize(doc.text, doc.segs)
		ms := d.findMatchesInto(nil, doc.text, toks, &nb)
		ins = append(ins, extractInput{name: s.Name, doc: doc, raw: raw, url: pageURL(s.Page), toks: toks, nb: nb, ms: ms})
		total += int64(len(s.Page.Body))
	}
	return ins, total
}

// BenchmarkExtract measures the extraction stage as judge runs it: numbers,
// structured fields and entities, language and page kind, over the corpus
// pages tokenised and matched once outside the timer.
func BenchmarkExtract(b *testing.B) {
	d := defaultDetector(b)
	ins, total := extractInputs(b, d)
	b.SetBytes(total)
	b.ReportAllocs()
	var prices []priceHit
	var qtys []qtyHit
	var cls tokClasses
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range ins {
			in := &ins[k]
			classifyTokens(in.toks, &in.nb, &cls)
			prices, qtys = scanNumbersAt(prices, qtys, in.doc.text, in.toks, &in.nb, cls.nums)
			var ex fentinel.Extracted
			d.extractInto(&ex, in.doc, in.raw, in.toks, &in.nb, &cls, prices, qtys, nil, nil)
			lang := cls.lang
			for _, m := range in.ms {
				d.countLang(&lang, m)
			}
			_ = lang.best()
			_ = pageKind(in.url, in.doc)
		}
	}
}
