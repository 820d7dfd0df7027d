package detect

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// corpusDocs parses every corpus page once for the tokenizer benchmarks and
// returns the documents and their total text length.
func corpusDocs(b *testing.B) ([]*document, int64) {
	var docs []*document
	var total int64
	for _, s := range loadCorpus(b) {
		doc := parseDocument(decodeBody(s.Page.Body, "text/html"), true, "")
		docs = append(docs, doc)
		total += int64(len(doc.text))
	}
	return docs, total
}

// BenchmarkNormalizeRef is BenchmarkNormalize with the previous tokenizer
// (refTokenize), for before/after comparisons taken in the same run.
func BenchmarkNormalizeRef(b *testing.B) {
	docs, total := corpusDocs(b)
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, doc := range docs {
			_ = refTokenize(doc.text, doc.segs)
		}
	}
}

// BenchmarkTokenizeReuse measures tokenizeInto as Detect calls it: token
// and arena buffers reused from one document to the next, so the figure is
// the tokenizer's own work without allocation.
func BenchmarkTokenizeReuse(b *testing.B) {
	docs, total := corpusDocs(b)
	b.SetBytes(total)
	var toks []token
	var arena []byte
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, doc := range docs {
			toks, arena = tokenizeInto(toks, arena, doc.text, doc.segs)
		}
	}
}

// BenchmarkTokenizeReuseRef is BenchmarkTokenizeReuse with the previous
// tokenizer.
func BenchmarkTokenizeReuseRef(b *testing.B) {
	docs, total := corpusDocs(b)
	b.SetBytes(total)
	var toks []refToken
	var arena []byte
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, doc := range docs {
			toks, arena = refTokenizeInto(toks, arena, doc.text, doc.segs)
		}
	}
}

// TestTokenizeCPUTime (run with TOK_CPU=1 and -cpu 1) reports process CPU
// time per pass over the corpus texts for the tokenizer and its reference,
// in interleaved rounds: on a shared machine CPU time varies much less
// than the wall time benchmarks report.
func TestTokenizeCPUTime(t *testing.T) {
	if os.Getenv("TOK_CPU") == "" {
		t.Skip("set TOK_CPU=1")
	}
	var docs []*document
	var total int64
	for _, s := range loadCorpus(t) {
		doc := parseDocument(decodeBody(s.Page.Body, "text/html"), true, "")
		docs = append(docs, doc)
		total += int64(len(doc.text))
	}
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var toks []token
	var rtoks []refToken
	var arena []byte
	variants := []struct {
		name string
		run  func(*document)
	}{
		{"tokenize", func(d *document) { _, _ = tokenize(d.text, d.segs) }},
		{"refTokenize", func(d *document) { _ = refTokenize(d.text, d.segs) }},
		{"tokenizeInto reuse", func(d *document) { toks, arena = tokenizeInto(toks, arena, d.text, d.segs) }},
		{"refTokenizeInto reuse", func(d *document) { rtoks, arena = refTokenizeInto(rtoks, arena, d.text, d.segs) }},
	}
	const passes = 40
	best := make([]time.Duration, len(variants))
	for round := 0; round < 5; round++ {
		for k, v := range variants {
			runtime.GC()
			c0 := cpu()
			for p := 0; p < passes; p++ {
				for _, d := range docs {
					v.run(d)
				}
			}
			per := (cpu() - c0) / passes
			if best[k] == 0 || per < best[k] {
				best[k] = per
			}
		}
	}
	for k, v := range variants {
		t.Logf("%-24s best CPU %8.3f ms/pass  %6.1f MB/s", v.name, float64(best[k])/1e6, float64(total)/best[k].Seconds()/1e6)
	}
}
