package detect

import (
	"bytes"
	"testing"

	"github.com/fentinel/fentinel"
	"golang.org/x/net/html"
)

// BenchmarkDetectCorpus measures raw HTML → verdict over the whole labelled
// corpus; MB/s is per core (run with -cpu 1). MB/cpu-s divides the bytes by
// the CPU time the process used meanwhile (user + system, all threads, the
// garbage collector's included), which a busy machine inflates far less
// than wall time: on a quiet machine with -cpu 1 the two agree.
func BenchmarkDetectCorpus(b *testing.B) {
	d := defaultDetector(b)
	samples := loadCorpus(b)
	total := corpusBytes(samples)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		d.resetCaches()
		for _, s := range samples {
			_ = d.Detect(s.Page)
		}
	}
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(total)*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

// BenchmarkDetectParallel runs the same work on every core (Detect is safe
// for concurrent use).
func BenchmarkDetectParallel(b *testing.B) {
	d := defaultDetector(b)
	samples := loadCorpus(b)
	b.SetBytes(corpusBytes(samples))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			for _, s := range samples {
				_ = d.Detect(s.Page)
			}
		}
	})
}

// BenchmarkNormalize measures tokenisation and normalisation alone.
func BenchmarkNormalize(b *testing.B) {
	samples := loadCorpus(b)
	var docs []*document
	var total int64
	for _, s := range samples {
		doc := parseDocument(decodeBody(s.Page.Body, "text/html"), true, "")
		docs = append(docs, doc)
		total += int64(len(doc.text))
	}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, doc := range docs {
			_, _ = tokenize(doc.text, doc.segs)
		}
	}
}

// BenchmarkParseHTML measures decoding and zoning alone.
func BenchmarkParseHTML(b *testing.B) {
	samples := loadCorpus(b)
	b.SetBytes(corpusBytes(samples))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range samples {
			_ = parseDocument(decodeBody(s.Page.Body, "text/html"), true, "")
		}
	}
}

var _ = fentinel.Page{}

// BenchmarkBaselineHTMLTokenizer is the floor under BenchmarkDetectCorpus:
// x/net/html's tokenizer alone over the same bytes. On a shared machine
// compare the two MB/s figures rather than reading either in isolation.
func BenchmarkBaselineHTMLTokenizer(b *testing.B) {
	samples := loadCorpus(b)
	b.SetBytes(corpusBytes(samples))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range samples {
			z := html.NewTokenizer(bytes.NewReader(s.Page.Body))
			for z.Next() != html.ErrorToken {
			}
		}
	}
}

// corpusBytes is the raw HTML size of samples, the unit of the page-level
// benchmarks' MB/s.
func corpusBytes(samples []Sample) int64 {
	var n int64
	for _, s := range samples {
		n += int64(len(s.Page.Body))
	}
	return n
}

// smallPages are pages with nothing to find, for BenchmarkDetectSmallPage:
// the lead's trivial page, and a realistic small page (doctype, meta
// charset, navigation, a heading and a paragraph or two).
var smallPages = []struct{ name, body string }{
	{"trivial", `<html><head><title>Shop</title></head><body><p>hello world</p></body></html>`},
	{"small", `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Garden notes - Spring planting</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<nav class="menu"><a href="/">Home</a> | <a href="/archive">Archive</a> | <a href="/about">About</a></nav>
<div class="main">
<h1>Spring planting</h1>
<p>The tomatoes went in on Saturday, two weeks later than last year. We put the
seedlings about half a metre apart and watered them well.</p>
<p>Next week: beans, peas and a second row of lettuce.</p>
</div>
<footer>Posted by Anna &middot; 12 comments</footer>
</body>
</html>
`},
}

// BenchmarkDetectSmallPage measures the detector's per-page fixed cost:
// Detect on small pages with nothing to find, served as text/html with and
// without a UTF-8 charset parameter (what most servers send).
func BenchmarkDetectSmallPage(b *testing.B) {
	d := defaultDetector(b)
	for _, pg := range smallPages {
		for _, ct := range []string{"text/html", "text/html; charset=utf-8"} {
			b.Run(pg.name+"/"+ct, func(b *testing.B) {
				p := fentinel.Page{URL: "http://example.onion/item/1", Header: map[string][]string{"Content-Type": {ct}}, Body: []byte(pg.body)}
				b.SetBytes(int64(len(p.Body)))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					_ = d.Detect(p)
				}
			})
		}
	}
}
