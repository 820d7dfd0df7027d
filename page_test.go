package fentinel

import (
	"net/http"
	"testing"
)

// TestPageContentType: ContentType agrees with Header.Get for every shape
// of header map, including keys that are not in canonical form.
func TestPageContentType(t *testing.T) {
	for _, h := range []http.Header{nil, {}, {"Content-Type": nil}, {"Content-Type": {}}, {"Content-Type": {"text/html", "x"}},
		{"content-type": {"text/plain"}}, {"Content-type": {"a"}}, {"Content-Type": {""}}} {
		p := Page{Header: h}
		if got, want := p.ContentType(), h.Get("Content-Type"); got != want {
			t.Fatalf("ContentType of %v = %q, want %q", h, got, want)
		}
	}
}
