package detect

import "testing"

// BenchmarkParseHTMLByteScanner is BenchmarkParseHTML through the byte
// scanner path that parseFast replaced (oldParseStream), for before/after
// comparisons taken in the same run.
func BenchmarkParseHTMLByteScanner(b *testing.B) {
	samples := loadCorpus(b)
	var total int64
	for _, s := range samples {
		total += int64(len(s.Page.Body))
	}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range samples {
			_ = oldParseStream(decodeBody(s.Page.Body, "text/html"))
		}
	}
}
