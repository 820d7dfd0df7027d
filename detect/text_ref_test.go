package detect

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// decodeBodyRef is decodeBody as it was before validUTF8 and the ASCII
// case folding (utf8.Valid, strings.ToLower, bytes.TrimLeft and
// bytes.EqualFold), kept to test decodeBody against.
func decodeBodyRef(body []byte, contentType string) string {
	if utf8.Valid(body) && !strings.Contains(strings.ToLower(contentType), "charset") {
		head := body
		if len(head) > 1024 {
			head = head[:1024]
		}
		i := bytes.Index(head, []byte("charset="))
		if i < 0 {
			i = bytes.Index(head, []byte("CHARSET="))
		}
		if i < 0 {
			return string(body)
		}
		v := bytes.TrimLeft(head[i+len("charset="):], "\"' ")
		if len(v) >= 5 && (bytes.EqualFold(v[:5], []byte("utf-8")) || bytes.EqualFold(v[:4], []byte("utf8"))) {
			return string(body)
		}
	}
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if enc == nil || name == "utf-8" {
		return strings.ToValidUTF8(string(body), "\uFFFD")
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return strings.ToValidUTF8(string(body), "\uFFFD")
	}
	return string(out)
}

// TestDecodeBodyAgrees: decodeBody decodes what decodeBodyRef decodes, for
// the corpus under several content types, and for bodies built from valid
// and invalid UTF-8, windows-1251 and GBK bytes, BOMs and meta charset
// declarations of every spelling, under content types with and without a
// charset (in any case, and with runes that case-fold oddly).
func TestDecodeBodyAgrees(t *testing.T) {
	cts := []string{"", "text/html", "TEXT/HTML", "text/html; charset=utf-8", "text/html; CHARSET=windows-1251",
		"text/html; Charset=GBK", "text/html; charset=\"utf-8\"", "text/html; \u212aharset=x", "text/html; \u0130", "text/plain; charset=iso-8859-1",
		"application/xhtml+xml", "text/html;charset=utf8", "text/html; chars\xffet=x"}
	cts = append(cts, utf8HeaderSpellings...)
	cts = append(cts, notUTF8HeaderSpellings...)
	check := func(body []byte, ct string) {
		t.Helper()
		if got, want := decodeBody(body, ct), decodeBodyRef(body, ct); got != want {
			t.Fatalf("decodeBody(%q, %q) = %q, decodeBodyRef says %q", body, ct, got, want)
		}
	}
	for _, smp := range loadCorpus(t) {
		for _, ct := range cts[:4] {
			check(smp.Page.Body, ct)
		}
		for _, ct := range utf8HeaderSpellings {
			check(smp.Page.Body, ct)
		}
	}
	heads := []string{"", "<meta charset=utf-8>", "<meta charset=\"UTF-8\">", "<meta charset='utf8'>", "<meta CHARSET=Utf-8>",
		"<meta charset=windows-1251>", "<meta charset=\"gbk\">", "<meta http-equiv=content-type content=\"text/html; charset=koi8-r\">",
		"<meta charset=utf>", "<meta charset=\"  utf-8\">", "<meta charset=", "<meta charset=\"u\xfetf-8\">", "<meta charset=\u017ftf-8>",
		"\xef\xbb\xbf", "\xff\xfe", "\xfe\xff", "\xef\xbb\xbf<meta charset=windows-1251>"}
	texts := []string{"plain ascii text", "Привет мир", "\xcf\xf0\xe8\xe2\xe5\xf2 (windows-1251)", "\xc4\xe3\xba\xc3 (gbk)",
		"fentanyl 汉字", "bad \xff\xfe byte", "cut \xe2\x82", "\xed\xa0\x80 surrogate", "\xc0\xaf overlong", "😀 emoji"}
	for _, h := range heads {
		for _, x := range texts {
			for _, ct := range cts {
				check([]byte(h+"<html><body><p>"+x+"</p></body></html>"), ct)
				check([]byte(h+strings.Repeat(" ", 1030)+"<p>"+x), ct) // longer than the 1024 bytes peeked at
			}
		}
	}
	rng := rand.New(rand.NewSource(8))
	for n := 0; n < 20000; n++ {
		var b []byte
		for k := rng.Intn(8); k >= 0; k-- {
			switch rng.Intn(3) {
			case 0:
				b = append(b, heads[rng.Intn(len(heads))]...)
			default:
				b = append(b, texts[rng.Intn(len(texts))]...)
			}
		}
		check(b, cts[rng.Intn(len(cts))])
	}
}

// utf8HeaderSpellings are Content-Types whose charset parameter names
// UTF-8 in a form headerCharsetUTF8 reads (decodeBody's no-copy path).
var utf8HeaderSpellings = []string{
	"text/html; charset=utf-8", "text/html; charset=UTF-8", "text/html;charset=utf8", "text/html; charset=\"utf-8\"",
	"text/html; charset= utf-8", "text/html ; charset = Unicode-1-1-UTF-8 ;", "text/html; charset=\" utf-8\t\"",
	"text/html; charset=x-unicode20utf8", "text/html; charset=unicode11utf8", "text/html; charset=UNICODE20UTF8",
	"text/html; charset=utf-8;", "text/html; charset=utf-8 ;  ", "text/html; charset\t=\tutf-8", "\ttext/html\t;charset=utf-8",
	"TEXT/HTML; CHARSET=UTF-8", "application/xhtml+xml; Charset=\"Utf8\"", "text/plain; charset=utf-8", "x/y; charset=utf-8 ",
}

// notUTF8HeaderSpellings are Content-Types with a charset that
// headerCharsetUTF8 leaves to charset.DetermineEncoding: other encodings,
// other parameters, and malformed or unusual forms (some of which
// mime.ParseMediaType rejects, some of which it reads as UTF-8).
var notUTF8HeaderSpellings = []string{
	"text/html; charset=utf-8; foo=bar", "text/html; foo=bar; charset=utf-8", "text/html; charset=utf-8,", "text/html; charset=\"utf-8",
	"text/html; charset=\"utf\\-8\"", "text/html; charset=utf-8; charset=utf-8", "text/html; charset=utf-8; charset=latin1",
	"text/html; charset=\"\"", "text/html; charset=", "text; charset=utf-8", "/html; charset=utf-8", "text/; charset=utf-8",
	"text/html; charset=utf-8\r\n", "text/html;\u00a0charset=utf-8", "text/html; charsetx=utf-8", "text/html; x-charset=utf-8",
	"text/html; charset*=utf-8''utf-8", "text/html; \u212aharset=utf-8", "text/html; charset=utf-16", "text/html; charset=\"utf-8\v\"",
	"text/html; charset=utf-8 x", "te\u00e9xt/html; charset=utf-8", "text/html; charset=utf-8\x00", "text/html; charset=utf-9",
	"text/html; charset=\u212atf-8", "text/html; charset=windows-1251", "text/html;; charset=utf-8", "text/html; charset=utf-8;;",
	"text/html; charset=\"utf-8\"x", "text/html charset=utf-8", "text/html; charset=utf-8\u0085", "text/html; charset=\"\u00a0utf-8\"",
	"text/html; charset=unicode-1-1-utf-16",
}

// TestHeaderCharsetUTF8: the spellings decodeBody reads without
// charset.DetermineEncoding are the ones meant (TestDecodeBodyAgrees
// checks that every one decodes as before).
func TestHeaderCharsetUTF8(t *testing.T) {
	for _, ct := range utf8HeaderSpellings {
		if !headerCharsetUTF8(ct) {
			t.Errorf("headerCharsetUTF8(%q) = false, want true", ct)
		}
	}
	for _, ct := range notUTF8HeaderSpellings {
		if headerCharsetUTF8(ct) {
			t.Errorf("headerCharsetUTF8(%q) = true, want false", ct)
		}
	}
}

// FuzzDecodeBodyAgrees: on any body and Content-Type, decodeBody decodes
// what decodeBodyRef decodes (the header is untrusted input).
func FuzzDecodeBodyAgrees(f *testing.F) {
	for _, ct := range append(append([]string{"", "text/html"}, utf8HeaderSpellings...), notUTF8HeaderSpellings...) {
		f.Add([]byte("<meta charset=windows-1251><p>\xcf\xf0\xe8"), ct)
		f.Add([]byte("<p>plain \xe2\x82\xac"), ct)
	}
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		if got, want := decodeBody(body, ct), decodeBodyRef(body, ct); got != want {
			t.Fatalf("decodeBody(%q, %q) = %q, decodeBodyRef says %q", body, ct, got, want)
		}
		if got, want := looksLikeHTML(string(body), ct), looksLikeHTMLRef(string(body), ct); got != want {
			t.Fatalf("looksLikeHTML(%q, %q) = %v, looksLikeHTMLRef says %v", body, ct, got, want)
		}
	})
}

// looksLikeHTMLRef is looksLikeHTML as it was before the ASCII case
// folding (strings.ToLower of the content type).
func looksLikeHTMLRef(s string, contentType string) bool {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "text/plain") {
		return false
	}
	if strings.Contains(ct, "html") {
		return true
	}
	t := strings.TrimLeft(s, " \t\r\n\uFEFF")
	return strings.HasPrefix(t, "<")
}

// TestLooksLikeHTMLAgrees: looksLikeHTML answers as looksLikeHTMLRef for
// content types of every case, with runes that lower-case oddly, and
// random ones.
func TestLooksLikeHTMLAgrees(t *testing.T) {
	cts := []string{"", "text/html", "TEXT/HTML", "text/plain", "Text/Plain; charset=utf-8", "text/pla\u0130n", "TEXT/PLA\u0130N",
		"text/plai", "text/pla", "text/pl", "application/xhtml+xml", "application/XHTML+xml", "text/\u212atml", "h\u0130tml", "htm",
		"text/plain+html", "text/x-html", "\xfftext/plain", "text/plain\xff", "image/png", "text/h\u0074ml", "text/HtMl"}
	cts = append(cts, utf8HeaderSpellings...)
	cts = append(cts, notUTF8HeaderSpellings...)
	bodies := []string{"", "<p>x", "  \n<p>", "\ufeff<html>", "plain text", " x<", "\xff<p>"}
	check := func(s, ct string) {
		t.Helper()
		if got, want := looksLikeHTML(s, ct), looksLikeHTMLRef(s, ct); got != want {
			t.Fatalf("looksLikeHTML(%q, %q) = %v, looksLikeHTMLRef says %v", s, ct, got, want)
		}
	}
	for _, ct := range cts {
		for _, b := range bodies {
			check(b, ct)
		}
	}
	rng := rand.New(rand.NewSource(9))
	pieces := []string{"text", "/", "plain", "pla", "\u0130", "n", "html", "HT", "ml", "\u212a", "X", ";", " ", "\xff", "i"}
	for n := 0; n < 20000; n++ {
		var ct string
		for k := rng.Intn(6); k >= 0; k-- {
			ct += pieces[rng.Intn(len(pieces))]
		}
		check(bodies[rng.Intn(len(bodies))], ct)
	}
}

// TestContainsFoldASCII: the word-at-a-time containsFoldASCII agrees with
// a byte-by-byte ASCII case-folding search.
func TestContainsFoldASCII(t *testing.T) {
	ref := func(s, lower string) bool {
		for i := 0; i+len(lower) <= len(s); i++ {
			if asciiEqualFold(s[i:i+len(lower)], lower) {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewSource(10))
	pieces := []string{"h", "H", "t", "T", "m", "M", "l", "L", "c", "C", "a", "r", "s", "S", "e", "E", "html", "HTML", "charset", "CharSet",
		"chars", "et", "\x08", "\x48", "\x68", "\xc8", "\xe8", "@", "`", ";", " ", "=", "\u212a", "\u0130"}
	for n := 0; n < 200000; n++ {
		var s string
		for k := rng.Intn(10); k >= 0; k-- {
			s += pieces[rng.Intn(len(pieces))]
		}
		for _, w := range []string{"html", "charset", "text", "plain"} {
			if got, want := containsFoldASCII(s, w), ref(s, w); got != want {
				t.Fatalf("containsFoldASCII(%q, %q) = %v, want %v", s, w, got, want)
			}
		}
	}
}
