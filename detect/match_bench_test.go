package detect

import (
	"testing"

	"github.com/fentinel/fentinel"
)

// matchDoc is one page read and tokenized as Detect does it, kept for the
// matching benchmark and tests.
type matchDoc struct {
	text string
	toks []token // pristine tokens: no leetspeak fold cached yet
	nb   normBase
}

// matchDocs reads and tokenizes pages the way Detect does (decoding,
// profile choice, zoning, tokenizing), without matching them.
func matchDocs(d *Detector, pages []fentinel.Page) []matchDoc {
	var out []matchDoc
	for _, p := range pages {
		ct := p.ContentType()
		s := decodeBody(p.Body, ct)
		var prof *profile
		if len(d.profiles) > 0 {
			prof = d.profileFor(pageHost(p))
		}
		doc := d.parse(s, looksLikeHTML(s, ct), prof)
		toks, arena := tokenizeInto(nil, nil, doc.text, doc.segs)
		out = append(out, matchDoc{text: doc.text, toks: toks, nb: newNormBase(arena)})
	}
	return out
}

// BenchmarkMatch measures term matching alone (findMatchesInto) over the
// corpus; pages are read and tokenized once outside the timer. Tokens
// cache their leetspeak folds, so every iteration starts from a fresh copy
// of the pristine tokens (copied with the timer stopped) and an empty
// word cache. MB/s counts document text bytes.
func BenchmarkMatch(b *testing.B) {
	d := defaultDetector(b)
	var pages []fentinel.Page
	for _, s := range loadCorpus(b) {
		pages = append(pages, s.Page)
	}
	docs := matchDocs(d, pages)
	work := make([][]token, len(docs))
	var total int64
	for k, doc := range docs {
		total += int64(len(doc.text))
		work[k] = make([]token, len(doc.toks))
	}
	var ms []match
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for k, doc := range docs {
			copy(work[k], doc.toks)
		}
		d.resetCaches() // each pass counts only repetition within itself
		b.StartTimer()
		for k := range docs {
			ms = d.findMatchesInto(ms, docs[k].text, work[k], &docs[k].nb)
		}
	}
}
