package detect

import "testing"

// BenchmarkParseHTMLByteScanner is BenchmarkParseHTML through the byte
// scanner path that parseFast replaced (oldParseStream), for before/after
// comparisons taken in the same run.
func BenchmarkParseHTMLByteScanner(b *testing.B) {
	samples := loadCorpus(b)
	b.SetBytes(corpusBytes(samples))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range samples {
			_ = oldParseStream(decodeBody(s.Page.Body, "text/html"))
		}
	}
}
