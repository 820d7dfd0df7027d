package detect

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// unescapeCommonRef is unescapeCommon as it was before it copied eight
// bytes a step (kept to test unescapeCommon against). It appends to dst what unescapeText makes of raw (CR LF and
// lone CR as LF, character references decoded) when every "&" in raw
// either starts no reference (followed by neither a letter, a digit nor
// "#"), starts a reference in commonEntityNames closed by ";", or starts a
// numeric reference numericRef decodes. ok is false for any other
// reference; the caller then uses unescapeText (which allocates).
func unescapeCommonRef(dst []byte, raw string) (out []byte, ok bool) {
	cr := strings.IndexByte(raw, '\r') >= 0
	for i := 0; i < len(raw); {
		switch raw[i] {
		case '\r':
			dst = append(dst, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case '&':
			j := i + 1
			for j < len(raw) && isASCIIAlnum(raw[j]) {
				j++
			}
			if j == i+1 {
				if j < len(raw) && raw[j] == '#' {
					r, n, ok := numericRef(raw[j+1:])
					if !ok {
						return dst, false
					}
					dst = utf8.AppendRune(dst, r)
					i = j + 1 + n
					continue
				}
				dst = append(dst, '&') // "&" that starts no reference
				i++
				continue
			}
			if j >= len(raw) || raw[j] != ';' {
				return dst, false
			}
			rep, known := commonEntity(raw[i+1 : j])
			if !known {
				return dst, false
			}
			dst = append(dst, rep...)
			i = j + 1
		default:
			// up to the next "&" or CR
			j := len(raw)
			if k := strings.IndexByte(raw[i+1:], '&'); k >= 0 {
				j = i + 1 + k
			}
			if cr {
				if k := strings.IndexByte(raw[i+1:j], '\r'); k >= 0 {
					j = i + 1 + k
				}
			}
			dst = append(dst, raw[i:j]...)
			i = j
		}
	}
	return dst, true
}

// TestUnescapeCommonAgreesRef: unescapeCommon decodes exactly the tokens
// unescapeCommonRef decoded, to the same text, appending to an empty or a
// non-empty buffer: edge cases, every common entity, the corpus's text
// between tags, and random strings long enough for the eight-byte steps.
func TestUnescapeCommonAgreesRef(t *testing.T) {
	check := func(raw string) {
		t.Helper()
		for _, pre := range []string{"", "prefix text "} {
			want, wok := unescapeCommonRef([]byte(pre), raw)
			got, gok := unescapeCommon([]byte(pre), raw)
			if gok != wok || gok && string(got) != string(want) {
				t.Fatalf("unescapeCommon(%q, %q) = %q, %v; before: %q, %v", pre, raw, got, gok, want, wok)
			}
		}
	}
	cases := []string{"", "a", "&", "&amp;", "12345678&amp;", "1234567&amp;", "123456789&lt;x", "\r\n12345678\r",
		"abcdefgh\rijklmnop\r\n", "&#x1F600;&#x1F600;", "&#65;&#65;&#65;&#65;", "&abcdefghi;", "&abcdefgh;",
		"&hellipx;", "&helli;", "x&#;y", "é&nbsp;ü&middot;ñ&hellip;", strings.Repeat("&gt;", 40), strings.Repeat("ab &lt; cd\r\n", 9)}
	for _, name := range commonEntityNames {
		for _, c := range []string{"&" + name + ";", "abcdefghijk&" + name + ";z", "&" + name, "&" + name + "x;", "&" + strings.ToUpper(name) + ";", "xx&" + name + ";&" + name + ";"} {
			cases = append(cases, c)
		}
	}
	for _, c := range cases {
		check(c)
	}
	for _, smp := range loadCorpus(t) {
		s := decodeBody(smp.Page.Body, "text/html")
		for _, part := range strings.Split(s, "<") {
			if k := strings.IndexByte(part, '>'); k >= 0 {
				check(part[k+1:])
			}
		}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	pieces := []string{"&", "#", ";", "x", "X", "a", "m", "p", "l", "t", "g", "0", "6", "5", "\r", "\n", " ", "é", "中",
		"&amp;", "&nbsp;", "&middot;", "&#65;", "&#x1F600;", "&hellip;", "&zwj;", "abcdefgh", "\x00", "\xff"}
	for range 200000 {
		var b []byte
		for k := rng.IntN(24); k > 0; k-- {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		check(string(b))
	}
}

// FuzzUnescapeCommonAgreesRef: unescapeCommon and unescapeCommonRef agree
// on any token.
func FuzzUnescapeCommonAgreesRef(f *testing.F) {
	for _, s := range []string{"a &amp; b", "&#65;", "abcdefgh&#x1F600;ijkl", "\r\n&lt;12345678", "&nbsp;&nbsp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		want, wok := unescapeCommonRef(nil, raw)
		got, gok := unescapeCommon(nil, raw)
		if gok != wok || gok && string(got) != string(want) {
			t.Errorf("unescapeCommon(%q) = %q, %v; before: %q, %v", raw, got, gok, want, wok)
		}
	})
}
