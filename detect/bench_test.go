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
