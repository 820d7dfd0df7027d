package detect

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fentinel/fentinel"
)

// FuzzTokenize: normalisation never panics, spans stay inside the text and
// on rune boundaries, and norms are valid UTF-8.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"", "fentanyl", "F.E.N.T.A.N.Y.L", "fe\u200bnta\u00adnyl", "ＦＥＮＴ", "фентаnил", "芬太尼 4-哌啶酮", "$1,250.00 0.0117 BTC",
		"f*nt*nyl FENT___NYL", "ß ﬁ 𝐟𝐞𝐧𝐭 ƒ ꜰᴇɴᴛ", "\xff\xfe broken \xc3", "@@@ $$$ !!! |||", "a\u0301\u0302\u0303",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks, nb := tokenize(s, []segment{{zone: zoneBody, start: 0, end: len(s)}})
		prev := 0
		for _, tk := range withNorms(toks, nb) {
			if tk.start < prev || tk.end < tk.start || tk.end > len(s) {
				t.Fatalf("bad span %d:%d (prev end %d, len %d)", tk.start, tk.end, prev, len(s))
			}
			if tk.start < len(s) && !utf8.RuneStart(s[tk.start]) {
				t.Fatalf("span starts inside a rune at %d", tk.start)
			}
			if !utf8.ValidString(tk.norm) && utf8.ValidString(s) {
				t.Fatalf("invalid norm %q", tk.norm)
			}
			prev = tk.end
		}
		_ = normalizeTerm(s)
	})
}

// FuzzDetect: any body (HTML or not, any bytes) yields a sane verdict.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"<h1>Fentanyl 1g</h1><p>$100 add to cart</p>",
		"<html><head><meta charset=windows-1251></head><body>\xd4\xe5\xed\xf2\xe0\xed\xe8\xeb</body></html>",
		"<div class=price>0.004 BTC</div><div class=vendor>x</div>",
		"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----",
		"<pre>-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxsBNBF\n-----END PGP PUBLIC KEY BLOCK-----",
		"wickr: a telegram @bbbbb t.me/ccccc session id: 05 threema: ",
		"<scr<script>ipt>f</script>e<!-- -->n<b>t</b>", "1" + strings.Repeat("1", 40), "bc1" + strings.Repeat("q", 60),
		"0x" + strings.Repeat("A", 40), strings.Repeat("a", 56) + ".onion",
	} {
		f.Add([]byte(s), "text/html")
	}
	f.Add([]byte("plain text listing\nfentanyl $20"), "text/plain")
	d := defaultDetector(f)
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		h := map[string][]string{"Content-Type": {ct}}
		v := d.Detect(fentinel.Page{Body: body, Header: h, URL: "http://x.onion/"})
		if v.Score < 0 || v.Score > 1 {
			t.Fatalf("score %v out of range", v.Score)
		}
		if v.Flagged && v.Severity == fentinel.SeverityNone {
			t.Fatal("flagged without severity")
		}
		for _, e := range v.Evidence {
			if e.Offset < 0 {
				t.Fatalf("negative offset %+v", e)
			}
		}
	})
}

// FuzzExtractNumbers: price and quantity parsing never panics and never
// reports a negative amount.
func FuzzExtractNumbers(f *testing.F) {
	for _, s := range []string{"$1,250.00", "1.250,00 €", "0.0117 BTC", "R$ 600", "5000 руб", "100x", "x100", "30mg", "1,2,3.4.5", "₿0.1", "9999999999999999999999 usd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks, nb := tokenize(s, []segment{{zone: zoneMain, start: 0, end: len(s)}})
		ps, qs := scanNumbers(s, toks, &nb)
		for _, p := range ps {
			if p.value < 0 || p.start < 0 || p.end > len(s) || p.start > p.end {
				t.Fatalf("bad price %+v", p)
			}
		}
		for _, q := range qs {
			if q.value < 0 || q.start < 0 || q.end > len(s) {
				t.Fatalf("bad quantity %+v", q)
			}
		}
		_ = labelValue(s, toks, &nb, vendorLabels, 40, true)
		_ = findEntities(s, s, toks, &nb)
	})
}
