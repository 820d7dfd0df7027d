package store

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// maxTextBytes caps the text kept per page for full-text search.
const maxTextBytes = 256 << 10

// pageText returns the visible text of an HTML (or plain-text) body: text
// nodes outside script, style, noscript and template, with runs of white space
// collapsed, capped at maxTextBytes. Malformed HTML is tolerated.
func pageText(body []byte, contentType string) string {
	if strings.HasPrefix(strings.ToLower(contentType), "text/plain") {
		return capText(strings.Join(strings.Fields(string(body)), " "))
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	var b strings.Builder
	skip := 0
loop:
	for b.Len() < maxTextBytes {
		switch z.Next() {
		case html.ErrorToken:
			break loop
		case html.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				skip++
			case "br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "title":
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				if skip > 0 {
					skip--
				}
			default:
				b.WriteByte(' ')
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			for _, f := range strings.Fields(string(z.Text())) {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(f)
			}
		}
	}
	return capText(strings.Join(strings.Fields(b.String()), " "))
}

func capText(s string) string { return cutUTF8(s, maxTextBytes) }

// cutUTF8 returns s cut to at most n bytes, never in the middle of a UTF-8
// sequence (a trailing partial sequence is dropped whole).
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] >= 0xC0 {
		s = s[:len(s)-1]
	}
	return s
}

var (
	outOfStockRE = regexp.MustCompile(`\b(out of stock|sold out|not in stock|no stock|currently unavailable|stock:?\s*0\b|0 (?:left|in stock|available)|ausverkauft|agotado|épuisé|rupture de stock|nicht (?:auf lager|vorrätig))`)
	inStockRE    = regexp.MustCompile(`\b(in stock|available now|stock:?\s*[1-9]\d*|[1-9]\d* (?:left|in stock|available)|auf lager|vorrätig|en stock|disponible)\b`)
)

// stockState reads the stock state from a page's text: 1 in stock, 0 out of
// stock, -1 when the page does not say. The detector's Extracted has no stock
// field, so the store derives it here.
func stockState(text string) int {
	t := strings.ToLower(text)
	if outOfStockRE.MatchString(t) {
		return 0
	}
	if inStockRE.MatchString(t) {
		return 1
	}
	return -1
}
