package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzPageText feeds hostile HTML to the text extractor used for search and
// stock detection: it must not panic, must stay within its cap, and must
// not return markup from script or style elements.
func FuzzPageText(f *testing.F) {
	for _, s := range []string{
		"<html><body><p>Fentanyl 10g</p></body></html>",
		"<script>var a='<p>x</p>'</script><p>ok</p>",
		"<p>unclosed <b>tags <i>everywhere",
		"<style>p{}</style><noscript>n</noscript><template><p>t</p></template>",
		"\xff\xfe<p>\x00bad bytes</p>",
		strings.Repeat("<div>", 5000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got := pageText(body, "text/html")
		if len(got) > maxTextBytes {
			t.Fatalf("text of %d bytes exceeds the cap", len(got))
		}
		if utf8.Valid(body) && !utf8.ValidString(got) {
			t.Fatalf("valid UTF-8 input gave invalid output %q", got)
		}
		_ = stockState(got)
	})
}
