package detect

import (
	"math/rand"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// scanEdgeCases are markup shapes where a byte scanner could disagree with
// x/net/html: either both readers must zone them alike, or the scanner
// must bail.
var scanEdgeCases = []string{
	"<p>plain</p>",
	"<p>a &amp; b &lt;fent&gt; &#x66;entanyl</p>",
	"<p>line\r\nbreak\rlone</p>",
	"<title>Fentanyl &amp; more</title><h1>x</h1>",
	"<textarea>a &amp; b</textarea>",
	"<div class='a>b' id=\"c>d\">quoted gt</div>",
	"<div class=main>unquoted</div>",
	"<br/>x<br />y<img src=a.png/>z<img src=\"a\"/>w",
	"<a href=/x/>self or not</a>",
	"<a x=1 x=2/>dup</a>",
	"<p =a b = c d=>e</p>",
	"<script>var a = '</scr' + 'ipt>'; if (a<b) {}</script><p>after</p>",
	"<script><!-- document.write('<script></script>') --></script><p>after</p>",
	"<SCRIPT>x</SCRIPT ><p>after</p>",
	"<style>p > a { }</style><p>after</p>",
	"<script/>text after self-closed script",
	"<xmp><b>raw</b></xmp>",
	"<plaintext><b>raw",
	"<noscript><p>hidden</p></noscript><p>seen</p>",
	"<!-- comment --><p>a</p><!----><!--><p>b</p><!---><p>c</p>",
	"<!-- a --!> b -->",
	"<!DOCTYPE html><!doctype x><!bogus><?xml version='1.0'?><p>x</p>",
	"</>text</ bogus>more</p",
	"a < b and c<3 <<p>x",
	"<p>unterminated <b",
	"<p>trailing <",
	"<div class=\"unclosed>text",
	"<title></title><p>empty title</p>",
	"<iframe src=x></iframe><p>after iframe</p>",
	"<td>a<td>b<th>c",
	"<meta name=description content=\"Fent &amp; co\"><img alt='M30 blues' title=\"pressed\">",
	"<p>nul\x00byte</p>",
	"<div><span class=vendor>Vendor: x</span><span class=price>$40</span></div>",
	"<p>é<b>ü</b>\xff\xfe</p>",
}

func sameDocument(t *testing.T, name, s string) (bailed bool) {
	t.Helper()
	want, _ := parseStreamWith(s, false)
	got, ok := parseStreamWith(s, true)
	if !ok {
		return true
	}
	if got.text != want.text || !reflect.DeepEqual(got.segs, want.segs) ||
		got.title != want.title || got.h1 != want.h1 || got.vendor != want.vendor ||
		got.price != want.price || got.shipsFrom != want.shipsFrom || got.shipsTo != want.shipsTo {
		t.Errorf("%s: byte scanner and x/net/html disagree\nscanner: %q %v\nx/net:   %q %v", name, got.text, got.segs, want.text, want.segs)
	}
	return false
}

// TestByteScannerAgrees: the byte scanner zones every corpus page and every
// edge case exactly as the x/net/html tokenizer does, or bails.
func TestByteScannerAgrees(t *testing.T) {
	for _, s := range scanEdgeCases {
		sameDocument(t, s, s)
	}
	bailed := 0
	samples := loadCorpus(t)
	for _, smp := range samples {
		if sameDocument(t, smp.Name, decodeBody(smp.Page.Body, "text/html")) {
			bailed++
		}
	}
	// The fast path must carry the corpus, not fall back on most of it.
	if bailed*10 > len(samples) {
		t.Errorf("byte scanner bailed on %d of %d corpus pages", bailed, len(samples))
	}
	t.Logf("byte scanner bailed on %d of %d corpus pages", bailed, len(samples))
}

// FuzzByteScanner: on any input the byte scanner agrees with x/net/html or
// bails.
func FuzzByteScanner(f *testing.F) {
	for _, s := range scanEdgeCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameDocument(t, "fuzz", s)
	})
}

var collapseCases = []string{
	"", " ", "a", " a ", "a b", "a  b", "a\tb", "a\nb", " a b c ", "a \n b", "\u00a0a\u3000b\u2003",
	"fent anyl", "x\xffy z", "é ü", "a\u0085b", "  ", "a\v\fb\r",
	"eight ch  x", "eightchr  x", "eightch  x", "abcdefg\u00a0h", "abcdefgh\u3000", "Товар за  деньги", "a\x01b c",
	" Buy now - best price | market ", "x \t", "abcdefghijklmnop q", "abcdefg hijklmnop", "abcdefg\x7fhijklmno",
}

// TestCollapseMatchesFields: collapse equals strings.Fields joined by spaces.
func TestCollapseMatchesFields(t *testing.T) {
	for _, s := range collapseCases {
		if got, want := collapse(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapse(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestCollapseRandom: collapse equals strings.Fields joined by spaces on
// random strings of words, single and double spaces and other white space.
func TestCollapseRandom(t *testing.T) {
	pieces := []string{" ", " ", "a", "bc", "defghij", "Товар", "\t", "\n", "\v", "\x01", "\u00a0", "\u3000", "\xe2", "\xc2", "\xff"}
	rng := rand.New(rand.NewSource(9))
	for k := 0; k < 100000; k++ {
		var s string
		for n := rng.Intn(40); len(s) < n; {
			s += pieces[rng.Intn(len(pieces))]
		}
		if got, want := collapse(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("collapse(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzCollapse: collapse equals strings.Fields joined by spaces.
func FuzzCollapse(f *testing.F) {
	for _, s := range collapseCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapse(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapse(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestAttrMaskMatchesAttrWord: the one-pass mask agrees with attrWord on
// every word list, for class and id values from the corpus and edge cases.
func TestAttrMaskMatchesAttrWord(t *testing.T) {
	vals := []string{"", "nav", "NAV", "Side-Bar", "product-card", "card-vendor", "top-sellers", "VENDOR-NAME", "ships_from",
		"ships-to destination", "pricetag", "x", "navnav", "main-content", "Entry", "headerfooter",
		"coo\u212Aie", "COO\u212Aie", "\u0130tem-detail", "ITEM-DETA\u0130L", strings.Repeat("A", 130) + "nav", strings.Repeat("a", 130) + "NAV"}
	re := regexp.MustCompile(`(?:class|id|itemprop)="([^"]*)"`)
	for _, s := range loadCorpus(t) {
		for _, m := range re.FindAllSubmatch(s.Page.Body, -1) {
			vals = append(vals, string(m[1]))
		}
	}
	lists := []struct {
		words []string
		m     attrMasks
	}{{navWords, maskNav}, {mainWords, maskMain}, {shipsFromClassWords, maskShipsFrom}, {shipsToClassWords, maskShipsTo},
		{vendorListClassWords, maskVendorList}, {vendorClassWords, maskVendor}, {priceClassWords, maskPrice}}
	for _, v := range vals {
		got := attrMask([]byte(v))
		for _, l := range lists {
			if want := attrWord([]byte(v), l.words); (got&l.m != 0) != want {
				t.Errorf("attrMask(%q) bit %d = %v, attrWord says %v", v, l.m, got&l.m != 0, want)
			}
		}
	}
}

// TestAttrMaskFast: attrMaskFast, wherever it answers, agrees with
// attrMaskLower, on random values made of word pieces, capitals and other
// bytes, of every length up to past maxFastMask.
func TestAttrMaskFast(t *testing.T) {
	var pieces []string
	for _, ws := range maskWords {
		for _, w := range ws {
			pieces = append(pieces, w.w, w.w[:len(w.w)-1], w.w[1:], w.w[:3])
		}
	}
	pieces = append(pieces, "-", "_", " ", "a", "Z", "\x00", "\xff", "é", "nav", "NAV")
	rng := rand.New(rand.NewSource(3))
	answered := 0
	for k := 0; k < 100000; k++ {
		var v []byte
		for want := rng.Intn(maxFastMask + 20); len(v) < want; {
			v = append(v, pieces[rng.Intn(len(pieces))]...)
		}
		checkAttrMaskFast(t, v, &answered)
	}
	if answered < 10000 {
		t.Errorf("attrMaskFast answered only %d values", answered)
	}
}

// checkAttrMaskFast compares attrMaskFast with attrMaskLower on v.
func checkAttrMaskFast(t *testing.T, v []byte, answered *int) {
	t.Helper()
	got, ok := attrMaskFast(v)
	if !ok {
		return
	}
	*answered++
	if want, wok := attrMaskLower(v); !wok || got != want {
		t.Fatalf("attrMaskFast(%q) = %b, attrMaskLower says %b, %v", v, got, want, wok)
	}
}

// FuzzAttrMaskFast: attrMaskFast agrees with attrMaskLower on any input.
func FuzzAttrMaskFast(f *testing.F) {
	f.Add([]byte("nav-main product-card ships_from"))
	f.Fuzz(func(t *testing.T, v []byte) {
		var n int
		checkAttrMaskFast(t, v, &n)
	})
}

// rawTextEndRef is rawTextEnd with strings.EqualFold, as it was.
func rawTextEndRef(s string, i int, tag string) (int, bool) {
	for {
		k := strings.Index(s[i:], "</")
		if k < 0 {
			return 0, false
		}
		i += k
		j := i + 2
		if j+len(tag) < len(s) && strings.EqualFold(s[j:j+len(tag)], tag) {
			switch s[j+len(tag)] {
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				return i, true
			}
		}
		i += 2
	}
}

// TestRawTextEndMatchesRef: rawTextEnd's ASCII name comparison finds the
// end tags strings.EqualFold finds, on random texts of end-tag pieces in
// random case with runes that fold to ASCII letters (ſ, K) or are invalid.
func TestRawTextEndMatchesRef(t *testing.T) {
	tags := []string{"script", "style", "textarea", "title", "xmp", "plaintext", "iframe", "noembed", "noframes", "noscript"}
	pieces := []string{"</", "<", "/", ">", " ", "\n", "x", "ſ", "\u212a", "\xff", "é", "SCRIPT", "Script", "sCrIpT", "STYLE", "title", "TiTlE", "xmp", "ſcript", "ſtyle"}
	pieces = append(pieces, tags...)
	r := rand.New(rand.NewSource(12))
	for k := 0; k < 100000; k++ {
		var b strings.Builder
		for n := r.Intn(12); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		tag := tags[r.Intn(len(tags))]
		for i := 0; i <= len(s); i += 1 + r.Intn(4) {
			gi, gok := rawTextEnd(s, i, tag)
			wi, wok := rawTextEndRef(s, i, tag)
			if gi != wi || gok != wok {
				t.Fatalf("rawTextEnd(%q, %d, %q) = %d, %v; want %d, %v", s, i, tag, gi, gok, wi, wok)
			}
		}
	}
}
