package detect

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseEdgeCases add to scanEdgeCases the tag and attribute shapes the
// fused attribute reader handles itself or hands to tagEnd and scanTag.
var parseEdgeCases = []string{
	// field text with white space collapse must undo (textBuf.dirty)
	"<title>a&nbsp;b \u2003 c\u00a0</title><h1> x\u00a0y </h1><p>z</p>",
	"<h1>a<br>b</h1><div class=vendor>A <b>B</b>\u2003C</div><div class=vendor>A B C</div>",
	"<h1>x&#32;&#32;y</h1><h1>q</h1><span class=price> 12 &euro;\u205f</span><span class=price>9</span>",
	"<h1>a\x0bb\x01c</h1><div itemprop=seller>\u3000V\u3000</div><div class=ships-from><p>DE</p> NL</div>",
	"<title>\u2014 \u00b7 \u20ac \u30a2</title><h1><img alt=\"a\u00a0b\">t</h1><div class=vendor><input type=submit value=\"v\u2028w\"></div>",
	"<DIV CLASS=NAV>upper</DIV><p>after</p>",
	"<div class=main><SPAN class=vendor>Vendor: V</span></DIV>",
	"<div a/class=nav>slash in name</div><p>x</p>",
	"<div =class=nav>eq first</div><p>x</p>",
	"<div class = nav >spaced eq</div>",
	"<div class=>empty value</div>",
	"<div class= >empty value space</div>",
	"<div class>no value</div><div class id=nav>x</div>",
	"<div class=\"nav\" class=\"main\">dup last wins</div>",
	"<div class='price'id=x>glued</div>",
	"<div class=x/ >slash value space</div>",
	"<p class=x/>slash value</p>",
	"<img alt=x/>",
	"<img alt=\"M30\"/><img alt='blues' />",
	"<img/alt=x>",
	"<input type=submit value=\"Buy now\"><input TYPE=button value=Add><input type=SUBMIT value=No>",
	"<meta NAME=Description content=\"fent &amp; co\"><meta name=description>",
	"<area alt=a title=b><img title=t>",
	"<nav><img alt=navalt></nav>",
	"<foo-bar class=vendor>Custom</FOO-BAR><p>x</p>",
	"<x-a><x-b>nested</x-a>after</x-b>",
	"<![CDATA[ cdata ]]><p>x</p>",
	"<svg><title>svg title</title><text>t</text></svg><p>x</p>",
	"<title>a</title><title>b</title><h1>c</h1><h1>d</h1>",
	"<h1 class=nav>nav h1</h1><h2 id=sidebar>nav h2</h2><h3>h3</h3>",
	"<div role=navigation>r</div><div role=main>m</div><div role=banner><p>b</p></div>",
	"<span itemprop=price>$1</span><span itemprop=\"seller\">S</span>",
	"<div class=vendor>A</div><div class=vendor>B</div>",
	"<div class=vendor>A</div><div class=vendor> A </div>",
	"<div class=vendors><span class=vendor>x</span></div>",
	"<td class=ships-from>NL</td><td class=ships-to>WW</td>",
	"<textarea/>x",
	"<title/>x",
	"<TITLE>Upper</TITLE>",
	"<ScRiPt>x</sCrIpT><p>y</p>",
	"<script>a</script ><style>b</style\t><p>c</p>",
	"<iframe>raw <b>x</b></iframe><p>y</p>",
	"<noscript><p>n</p></noscript >z",
	"<p>a<br>b<br/>c<hr>d</p>",
	"<table><tr><td>a</td><td>b</td></tr></table>",
	"<p>text &nbsp;&amp;&#65;&#x42; &notanentity; &amp</p>",
	"<p>\r\n\r x \t\f y</p>",
	"<p>a&amp;\r\nb\rc &amp\r&#13;\r\n</p><title>x\r\ny\r</title><div class=vendor>\rV\r\n W\r</div>",
	"<p>\r</p>\r\n<p>\r\r&nbsp;\r</p><textarea>a\r\nb</textarea>",
	"<p>" + strings.Repeat("word ", 200) + "</p>",
	"<div class=\"" + strings.Repeat("a", 5000) + " nav\">huge attribute</div><p>x</p>",
	"<div class=" + strings.Repeat("b", 5000) + "main>huge unquoted</div>",
	"<div class=\"unterminated>text</div>",
	"<div class='x' y",
	"<div",
	"<div class=x",
	"</div",
	"</div x",
	"</div class=x>after",
	"<a href='x'/>after",
	"<a href=x/>after",
	"<p>é<b>ü</b></p><p>\xff\xfe\xc3</p>",
	"<p\xff class=x>bad name</p\xff>",
	"<über>u</über>",
	"<body><div class=content><p>main text</p></div></body>",
	"<head><title>t</title><meta name=description content=d></head><body>b</body>",
	"<html><head><script>if (a < b) {}</script></head></html>",
	"plain text only",
	"",
	"<",
	"a<",
	"<>",
	"< p>",
	"<!---->",
	"<?php echo 1 ?>",
	"<!DOCTYPE html>",
}

// oldParseStream is parseStream before the fused reader: the byte scanner,
// then x/net/html when it bails.
func oldParseStream(s string) *document {
	if d, ok := parseStreamWith(s, true); ok {
		return d
	}
	d, _ := parseStreamWith(s, false)
	return d
}

// sameDoc reports the first difference between two documents' fields.
func sameDoc(got, want *document) string {
	switch {
	case got.text != want.text:
		return "text"
	case !reflect.DeepEqual(append([]segment{}, got.segs...), append([]segment{}, want.segs...)):
		return "segs"
	case got.title != want.title:
		return "title"
	case got.h1 != want.h1:
		return "h1"
	case got.vendor != want.vendor:
		return "vendor"
	case got.vendorMulti != want.vendorMulti:
		return "vendorMulti"
	case got.vendorName != want.vendorName:
		return "vendorName"
	case got.price != want.price:
		return "price"
	case got.shipsFrom != want.shipsFrom:
		return "shipsFrom"
	case got.shipsTo != want.shipsTo:
		return "shipsTo"
	}
	return ""
}

// checkSameParse compares parseStream with oldParseStream on s.
func checkSameParse(t *testing.T, name, s string) {
	t.Helper()
	want := oldParseStream(s)
	got := parseStream(s)
	if diff := sameDoc(got, want); diff != "" {
		t.Errorf("%s: %s differs\nnew: %q %v title=%q h1=%q vendor=%q/%q/%v price=%q from=%q to=%q\nold: %q %v title=%q h1=%q vendor=%q/%q/%v price=%q from=%q to=%q",
			name, diff,
			got.text, got.segs, got.title, got.h1, got.vendor, got.vendorName, got.vendorMulti, got.price, got.shipsFrom, got.shipsTo,
			want.text, want.segs, want.title, want.h1, want.vendor, want.vendorName, want.vendorMulti, want.price, want.shipsFrom, want.shipsTo)
	}
	_, newOK := parseFast(s)
	_, oldOK := parseStreamWith(s, true)
	if newOK != oldOK {
		t.Errorf("%s: fast reader ok=%v, byte scanner ok=%v", name, newOK, oldOK)
	}
	got.release()
}

// TestFastParserAgrees: the single-pass reader yields the same document as
// the byte scanner path (and bails exactly when it does) over the corpus,
// the scanner's edge cases and hostile tag shapes.
func TestFastParserAgrees(t *testing.T) {
	for _, s := range scanEdgeCases {
		checkSameParse(t, s, s)
	}
	for _, s := range parseEdgeCases {
		checkSameParse(t, s, s)
	}
	for _, smp := range loadCorpus(t) {
		checkSameParse(t, smp.Name, decodeBody(smp.Page.Body, "text/html"))
	}
}

// TestTagTable: lookupTag knows every element name parseStreamWith treats
// specially, with the same void, block and skip decisions, and no name
// twice.
func TestTagTable(t *testing.T) {
	seen := map[string]bool{}
	ids := map[uint8]string{}
	for _, n := range tagNames {
		if seen[n.name] {
			t.Errorf("%s listed twice", n.name)
		}
		seen[n.name] = true
		up := strings.ToUpper(n.name)
		slot := lookupTag(up, tagKey(up))
		info := slot.info
		if slot.name != n.name {
			t.Errorf("lookupTag(%q) = %q", up, slot.name)
		}
		if info.id == 0 {
			t.Errorf("%s: no id", n.name)
		}
		if other, dup := ids[info.id]; dup {
			t.Errorf("%s and %s share id %d", n.name, other, info.id)
		}
		ids[info.id] = n.name
	}
	// every atom: an Atom is an offset into atom's name table << 8 | length
	for off := 0; off < 1<<14; off++ {
		for l := 1; l < 32; l++ {
			a := atom.Atom(off<<8 | l)
			name := a.String()
			if name == "" || atom.Lookup([]byte(name)) != a {
				continue
			}
			checkTagFlags(t, a, name)
		}
	}
	for _, s := range []string{"", "x", "divv", "abcdefghijkl", "h7", "@", "[p", "blockquotx", "blockquote2", "h\x11", "plaintexT", "DIV\x00"} {
		if want, ok := lookupTagSlow(s); ok {
			if got := lookupTag(s, tagKey(s)); got.name != want {
				t.Errorf("lookupTag(%q) = %q, want %q", s, got.name, want)
			}
			continue
		}
		if info := lookupTag(s, tagKey(s)).info; info.id != 0 {
			t.Errorf("lookupTag(%q) = %v, want none", s, info)
		}
	}
}

// checkTagFlags compares lookupTag's flags for atom a with isVoid, isBlock
// and rawTextTag.
func checkTagFlags(t *testing.T, a atom.Atom, name string) {
	t.Helper()
	{
		slot := lookupTag(name, tagKey(name))
		info := slot.info
		if want, ok := lookupTagSlow(name); ok != (info.id != 0) || ok && slot.name != want {
			t.Errorf("lookupTag(%q) = %q, %v; lookupTagSlow says %q, %v", name, slot.name, info.id != 0, want, ok)
		}
		if got, want := info.flags&tfVoid != 0, isVoid(a); got != want {
			t.Errorf("%s: void %v, isVoid %v", name, got, want)
		}
		if got, want := info.flags&tfBlock != 0, isBlock(a); got != want {
			t.Errorf("%s: block %v, isBlock %v", name, got, want)
		}
		if got, want := info.flags&tfRaw != 0, rawTextTag(name) != ""; got != want {
			t.Errorf("%s: raw %v, rawTextTag %v", name, got, want)
		}
		if got, want := info.flags&tfLine != 0, isBlock(a) || a == atom.Title; got != want {
			t.Errorf("%s: line %v, isBlock or title %v", name, got, want)
		}
	}
}

// FuzzFastParser: on any input the single-pass reader agrees with the byte
// scanner path.
func FuzzFastParser(f *testing.F) {
	for _, s := range scanEdgeCases {
		f.Add(s)
	}
	for _, s := range parseEdgeCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSameParse(t, "fuzz", s)
	})
}

// TestSpaceLeadBytes: every non-ASCII rune unicode.IsSpace accepts starts
// with a lead byte collapse decodes (0xC2, 0xE1, 0xE2, 0xE3).
func TestSpaceLeadBytes(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !unicode.IsSpace(r) {
			continue
		}
		switch b := string(r)[0]; b {
		case 0xC2, 0xE1, 0xE2, 0xE3:
		default:
			t.Errorf("space %U starts with %#x", r, b)
		}
	}
	for _, s := range []string{"\xe5\xe2\x80\x80x", "a\xc2\xa0b", "a\xc2b", "\xe3\x80\x80a\u3000", "汉 字\u2003x\u205f", "\xe2\x80", "a\u1680b"} {
		if got, want := collapse(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapse(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestUnescapeCommon: whenever unescapeCommon decodes a text token it
// agrees with unescapeText, over edge cases, every common entity in
// several contexts, and every corpus text token holding "&" or CR.
func TestUnescapeCommon(t *testing.T) {
	cases := []string{"a &amp; b", "&amp", "&ampx;", "&AMP;", "&#65;", "&#x66;", "& b", "&", "x&", "&;", "&&amp;",
		"&nbsp;&nbsp;x", "\r\n&lt;\r", "\r\r\n\n\r", "&notin;", "&not;", "&notit;", "&zwj;&shy;", "a&b", "a&1;", "&amp;amp;",
		"é&middot;ü", "&unknown;", "&gt", "&gt;&gt;;", "&#;", "&x;",
		// numeric references
		"&#x;", "&#X41;", "&#x1F600;", "&#x1f600;", "&#128512;", "&#0;", "&#00065;", "&#0000065;", "&#x0041;",
		"&#x00041;", "&#x000041;", "&#128;", "&#159;", "&#160;", "&#127;", "&#xD800;", "&#xDFFF;", "&#xE000;",
		"&#x10FFFF;", "&#x110000;", "&#1114111;", "&#1114112;", "&#9999999;", "&#65", "&#65 ", "&#x41", "&#xg;",
		"&#-1;", "&#+1;", "&# 65;", "a&#65;b&amp;c&#x42;", "&#65;&#66;", "&#", "&#x", "&#X", "&#65;;", "&#12a;"}
	for _, name := range commonEntityNames {
		cases = append(cases, "&"+name+";", "x&"+name+";y", "&"+name, "&"+name+"x;", "&"+strings.ToUpper(name)+";")
	}
	decoded := 0
	check := func(raw string) {
		got, ok := unescapeCommon(nil, raw)
		if !ok {
			return
		}
		decoded++
		if want := unescapeText([]byte(raw)); string(got) != want {
			t.Errorf("unescapeCommon(%q) = %q, unescapeText says %q", raw, got, want)
		}
	}
	for _, c := range cases {
		check(c)
	}
	for _, smp := range loadCorpus(t) {
		s := decodeBody(smp.Page.Body, "text/html")
		for _, part := range strings.Split(s, "<") {
			if k := strings.IndexByte(part, '>'); k >= 0 && strings.ContainsAny(part[k:], "&\r") {
				check(part[k+1:])
			}
		}
	}
	for _, raw := range []string{"&#65;", "&#x1F600;", "&#X41;", "a&#160;b", "&#1114111;"} {
		if _, ok := unescapeCommon(nil, raw); !ok {
			t.Errorf("unescapeCommon(%q) declined a numeric reference it should decode", raw)
		}
	}
	// random strings over the bytes that matter
	rng := rand.New(rand.NewPCG(7, 7))
	const alpha = "&#;xXaAfFgG0123456789\r\n é"
	for range 100000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		check(string(b))
	}
	if decoded < 100 {
		t.Errorf("unescapeCommon decoded only %d tokens", decoded)
	}
}

// TestFastParserDeepPage: a page of many nested and unclosed elements reads
// like the byte scanner path, and the pooled parser does not keep the
// large stack it needed.
func TestFastParserDeepPage(t *testing.T) {
	s := strings.Repeat("<div class=vendor><span>", 5000) + "x" + strings.Repeat("</span></div>", 4000)
	checkSameParse(t, "deep", s)
	p := fastParserPool.Get().(*fastParser)
	if cap(p.stack) > maxPooledItems || cap(p.fields) > maxPooledItems {
		t.Errorf("pooled parser kept stack cap %d, fields cap %d", cap(p.stack), cap(p.fields))
	}
	fastParserPool.Put(p)
}

// TestCommonEntity: commonEntity knows each of commonEntityNames with
// html.UnescapeString's text, and no other name.
func TestCommonEntity(t *testing.T) {
	known := map[string]bool{}
	for _, name := range commonEntityNames {
		known[name] = true
		if got, ok := commonEntity(name); !ok || got != html.UnescapeString("&"+name+";") {
			t.Errorf("commonEntity(%q) = %q, %v", name, got, ok)
		}
	}
	for _, name := range []string{"", "a", "AMP", "ampx", "am", "nbsp1", "notin", "hellipx", "zwnjzwnj", "longername", "0", "gt2"} {
		if _, ok := commonEntity(name); ok != known[name] {
			t.Errorf("commonEntity(%q) ok = %v", name, ok)
		}
	}
}

// FuzzUnescapeCommon: whenever unescapeCommon decodes a text token it
// agrees with unescapeText.
func FuzzUnescapeCommon(f *testing.F) {
	for _, s := range []string{"a &amp; b", "&#65;", "&#x1F600;", "&#128;", "&#xD800;", "\r\n&lt;", "&#1114112;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if got, ok := unescapeCommon(nil, raw); ok {
			if want := unescapeText([]byte(raw)); string(got) != want {
				t.Errorf("unescapeCommon(%q) = %q, unescapeText says %q", raw, got, want)
			}
		}
	})
}
