package detect

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fentinel/fentinel"
)

// extractEdgeTexts are hostile and edge-case inputs for the extraction
// equivalence tests: case-changing runes (Kelvin sign, dotted capital I),
// invalid UTF-8, labels at the very end of the text, addresses with typos.
var extractEdgeTexts = []string{
	"", " ", "@", "a@b", "@@@@", "x@y.z", "me", "wickr", "WICKR: bob", "wickr:", "session id: 05" + strings.Repeat("ab", 32),
	"Session ID 05" + strings.Repeat("AB", 32) + " threema: ABCD1234", "threema:abcd1234.", "signal: +1555", "telegram @SimPlug",
	"Telegram: @Sim_Plug", "ТЕЛЕГРАМ: @SimPlug Wickr: ABC", "微信 Telegram @abc", "\u212Aelvin WIC\u212AR wickr: kelvin",
	"\u0130STANBUL signal SIGNAL: who", "bad \xff utf8 SESSION", "ΣΊΓΜΑ Σ threema", "U+FFFD \uFFFD JABBER: a@b.cc",
	"ǅemal ǈ ǋ T.ME/abcd", "ẞ STRASSE Telegram", "TgTG: tg: TG tg ", "t.me/", "t.me/abc", "T.ME/abcdefg t.me/t.me/efgh",
	"jabber: bob@jabber.ccc xmpp bob@x.org", "mail me: Bob.Smith+x@Example.COM.", "wire: @abcdef", "element @matrixuser",
	"vendor: NitroSynth", "Vendor:NitroSynth | ships from: Netherlands; ships to: Worldwide", "sold by the vendor NitroSynth",
	"sold by", "vendor", "vendor: by", "продавец: Иван", "卖家：张三 发货地：中国 配送：全国", "供应商 老王", "shop shop store: Xy",
	"Ships From: Germany (DE)", "ships to", "envio desde: España, envío a: todo", "versand aus: DE", "отправка из: РФ",
	"vendor：ＡＢＣ", "vendor:\u212A", "seller: İSTANBUL", "seller: \xffbad", "store - Name. x", "origin: " + strings.Repeat("x", 80),
	synthBTC, flip(synthBTC, 10), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
	"bC1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", synthXMR, flip(synthXMR, 40), synthETH, strings.ToLower(synthETH),
	"0x26471b47be6163baBaa416e4CC244C23622f2931", synthOnion + ".onion", synthOnion + " onion", flip(synthOnion, 5) + ".onion",
	"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "1111111111111111111114oLvT2", "11111111111111111111111111111111111",
	"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "4" + strings.Repeat("z", 94), "8" + strings.Repeat("1", 105), "0x" + strings.Repeat("g", 40),
	"the and with el los der die das le les o os y para com 中文 Русский язык и", "$1,250.00", "1.250,00 €", "0.0117 BTC",
	"R$ 600", "US$ 5", "C$7 A$8", "5000 руб", "x100", "30mg 1e309 usd 12.. usd .5 usd ,5 eur 1,2,3 g 1.2.3 g 007 g",
	"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n-----END PGP PUBLIC KEY BLOCK-----",
}

// extractPieces build random texts for the equivalence tests and fuzzing.
var extractPieces = []string{
	" ", " ", "\n", ":", ": ", "@", ".", "-", "/", "|", ",", "：", "\xff", "\u212A", "\u0130", "ẞ", "é", "Σ",
	"wickr", "Wickr", "WIC", "KR", "session", "Session id", "threema", "signal", "telegram", "Telegram", "tg", "jabber", "xmpp",
	"t.me/", "T.ME/", "me", "id", "element", "matrix", "whatsapp", "wire", "vendor", "Vendor", "seller", "sold", "by", "the",
	"ships", "from", "to", "ship", "origin", "destination", "shop", "store", "продавец", "卖", "家", "发货地", "配送", "envio",
	"desde", "a", "bob", "Nitro", "abcd1234", "05", "ab", "AB", "example.com", "x", "$", "€", "₿", "R$", "12", "1,250.00",
	"0.5", "usd", "btc", "mg", "g", "руб", "р", "el", "der", "и", "язык", "中", synthBTC, synthXMR[:50], synthXMR[50:], synthETH,
	synthOnion, ".onion", "bc1q", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
}

// randomExtractText joins n random pieces.
func randomExtractText(r *rand.Rand, n int) string {
	var b strings.Builder
	for k := 0; k < n; k++ {
		b.WriteString(extractPieces[r.Intn(len(extractPieces))])
	}
	return b.String()
}

// compareExtractWithPrev checks every reworked extraction function against
// its reference copy on one text (toks its tokens, nb their base; the
// reference copies read the tokens with their norms, rt).
func compareExtractWithPrev(t *testing.T, d *Detector, name, text string, toks []token, nb normBase) {
	t.Helper()
	rt := withNorms(toks, nb)
	if got, want := findEntities(text, text, toks, &nb), prevFindEntities(text, text, rt); !slices.Equal(got, want) {
		t.Fatalf("%s: entities\n%+v\nwant\n%+v", name, got, want)
	}
	if lower := newASCIIFolded(text); !slices.Equal(findLabels(lower, nil), prevFindLabels(lower, nil)) {
		t.Fatalf("%s: contact labels %v, want %v", name, findLabels(lower, nil), prevFindLabels(lower, nil))
	}
	starts, wantStarts := labelStarts(toks, &nb, nil), prevLabelStarts(rt, nil)
	if !slices.Equal(starts, wantStarts) {
		t.Fatalf("%s: label starts %v, want %v", name, starts, wantStarts)
	}
	if got, want := vendorByLabel(text, toks, &nb, starts), prevVendorByLabel(text, rt, starts); got != want {
		t.Fatalf("%s: vendor %q, want %q", name, got, want)
	}
	for _, ls := range [][][]string{shipsFromLabels, shipsToLabels, vendorLabels} {
		for _, one := range []bool{false, true} {
			if got, want := labelValueAt(text, toks, &nb, starts, ls, 40, one), prevLabelValueAt(text, rt, starts, ls, 40, one); got != want {
				t.Fatalf("%s: label value %q, want %q", name, got, want)
			}
		}
	}
	// the same with the starts' first-word indexes found with them
	var c tokClasses
	classifyTokens(toks, &nb, &c)
	st, firsts := labelStartsFirstAt(toks, &nb, c.labels, nil, make([]uint8, 0, 1))
	if !slices.Equal(st, starts) || len(firsts) != len(st) {
		t.Fatalf("%s: label starts %v (firsts %v), want %v", name, st, firsts, starts)
	}
	if got, want := vendorByLabelFirst(text, toks, &nb, st, firsts), prevVendorByLabel(text, rt, starts); got != want {
		t.Fatalf("%s: vendor (firsts) %q, want %q", name, got, want)
	}
	for _, ls := range [][][]string{shipsFromLabels, shipsToLabels, vendorLabels} {
		for _, one := range []bool{false, true} {
			if got, want := labelValueFirstAt(text, toks, &nb, st, firsts, ls, 40, one), prevLabelValueAt(text, rt, starts, ls, 40, one); got != want {
				t.Fatalf("%s: label value (firsts) %q, want %q", name, got, want)
			}
		}
	}
	if got, want := cleanVendor(text), prevCleanVendor(text); got != want {
		t.Fatalf("%s: cleanVendor %q, want %q", name, got, want)
	}
	if d != nil {
		ms := d.findMatchesInto(nil, text, toks, &nb)
		if got, want := guessLanguage(toks, &nb, ms, d), prevGuessLanguage(rt, ms, d); got != want {
			t.Fatalf("%s: language %q, want %q", name, got, want)
		}
	}
	for i := range toks {
		w := rt[i].norm
		for _, s := range []string{w, strings.TrimRight(w, ".,abcdefghijklmnopqrstuvwxyz")} {
			gv, gok := parseNumber(s)
			wv, wok := prevParseNumber(s)
			if gok != wok || gv != wv && !(gv != gv && wv != wv) {
				t.Fatalf("%s: parseNumber(%q) = %v, %v; want %v, %v", name, s, gv, gok, wv, wok)
			}
		}
		if got, want := cleanVendor(text[toks[i].start:]), prevCleanVendor(text[toks[i].start:]); got != want {
			t.Fatalf("%s: cleanVendor %q, want %q", name, got, want)
		}
	}
	gp, gq := scanNumbersInto(nil, nil, text, toks, &nb)
	wp, wq := refScanNumbersInto(nil, nil, text, rt)
	if !slices.Equal(gp, wp) || !slices.Equal(gq, wq) {
		t.Fatalf("%s: numbers %+v %+v, want %+v %+v", name, gp, gq, wp, wq)
	}
}

// TestExtractEqualsPrev compares the extraction stage with the reference
// copies on the corpus pages (as Detect zones them), edge cases and random
// texts.
func TestExtractEqualsPrev(t *testing.T) {
	d := defaultDetectorOnce(t)
	ins, _ := extractInputs(t, d)
	for _, in := range ins {
		compareExtractWithPrev(t, d, in.name, in.doc.text, in.toks, in.nb)
		if got, want := findEntities(in.doc.text, in.raw, in.toks, &in.nb), prevFindEntities(in.doc.text, in.raw, withNorms(in.toks, in.nb)); !slices.Equal(got, want) {
			t.Fatalf("%s: entities with raw body differ", in.name)
		}
	}
	texts := slices.Clone(extractEdgeTexts)
	r := rand.New(rand.NewSource(1))
	for k := 0; k < 3000; k++ {
		texts = append(texts, randomExtractText(r, 1+r.Intn(40)))
	}
	for i, text := range texts {
		// Detect's texts are valid UTF-8 (decodeBody); the reference
		// contact scan can panic on invalid bytes.
		text = strings.ToValidUTF8(text, "\uFFFD")
		toks, nb := tokenize(text, []segment{{zone: zoneMain, start: 0, end: len(text)}})
		compareExtractWithPrev(t, d, fmt.Sprintf("text %d %.60q", i, text), text, toks, nb)
	}
}

// FuzzExtractEqualsPrev: on any text the extraction stage gives what the
// reference copies give.
func FuzzExtractEqualsPrev(f *testing.F) {
	for _, s := range extractEdgeTexts {
		f.Add(s)
	}
	d := defaultDetector(f)
	f.Fuzz(func(t *testing.T, s string) {
		doc := plainDocument(strings.ToValidUTF8(s, "\uFFFD"))
		toks, nb := tokenize(doc.text, doc.segs)
		compareExtractWithPrev(t, d, fmt.Sprintf("%q", s), doc.text, toks, nb)
	})
}

// TestStartsCyrillic compares startsCyrillic with decoding the first rune,
// on every one- to three-byte prefix shape.
func TestStartsCyrillic(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := -1; b < 256; b++ {
			w := string([]byte{byte(a)})
			if b >= 0 {
				w += string([]byte{byte(b), 'x'})
			}
			r, _ := utf8.DecodeRuneInString(w)
			if got, want := startsCyrillic(w), r >= 0x400 && r < 0x530; got != want {
				t.Fatalf("startsCyrillic(%q) = %v, want %v", w, got, want)
			}
		}
	}
}

// TestWordIndex: every indexed word is found at its index; other words,
// including near misses, are not.
func TestWordIndex(t *testing.T) {
	for _, m := range []map[string]string{stopwords, currencyWords, unitWords} {
		x, vals := wordIndexOf(m)
		for i, w := range x.words {
			if x.find(w) != i || vals[i] != m[w] {
				t.Fatalf("%q: index %d, want %d", w, x.find(w), i)
			}
			for _, miss := range []string{w + "s", w[:len(w)-1], "x" + w, strings.ToUpper(w)} {
				if _, in := m[miss]; !in && x.find(miss) >= 0 {
					t.Fatalf("%q found", miss)
				}
			}
		}
		if x.find("") >= 0 {
			t.Fatal("empty word found")
		}
	}
}

// compareTrimHelpers checks the byte-level trims against the strings
// functions they replace, on any string (valid UTF-8 or not).
func compareTrimHelpers(t *testing.T, s string) {
	t.Helper()
	if got, want := indexSpace(s), strings.IndexAny(s, " \t\n"); got != want {
		t.Fatalf("indexSpace(%q) = %d, want %d", s, got, want)
	}
	if got, want := indexColon(s), strings.IndexAny(s, ":："); got != want {
		t.Fatalf("indexColon(%q) = %d, want %d", s, got, want)
	}
	if got, want := trimVendorLeft(s), strings.TrimLeft(s, " \t\n:-–—|·="); got != want {
		t.Fatalf("trimVendorLeft(%q) = %q, want %q", s, got, want)
	}
	if got, want := trimColonsRight(s), strings.TrimRight(s, ":："); got != want {
		t.Fatalf("trimColonsRight(%q) = %q, want %q", s, got, want)
	}
	if got, want := trimSeparatorsRight(s), strings.TrimRight(s, ".,"); got != want {
		t.Fatalf("trimSeparatorsRight(%q) = %q, want %q", s, got, want)
	}
	if got, want := trimVendorRight(s), strings.TrimRight(s, ".,;:：!?)"); got != want {
		t.Fatalf("trimVendorRight(%q) = %q, want %q", s, got, want)
	}
}

// TestTrimHelpers compares the byte-level trims with the strings functions
// on random strings of their cut sets' runes, their encodings' bytes and
// invalid UTF-8.
func TestTrimHelpers(t *testing.T) {
	pieces := []string{" ", "\t", "\n", ":", "：", "-", "–", "—", "|", "·", "=", ".", ",", ";", "!", "?", ")", "a", "é",
		"\xef", "\xbc", "\x9a", "\xe2", "\x80", "\x93", "\x94", "\xc2", "\xb7", "\xff", "\uFFFD", "Ｚ"}
	r := rand.New(rand.NewSource(2))
	for k := 0; k < 200000; k++ {
		var b strings.Builder
		for n := r.Intn(8 + k%3*12); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		compareTrimHelpers(t, b.String())
	}
}

// FuzzTrimHelpers: the byte-level trims equal the strings functions.
func FuzzTrimHelpers(f *testing.F) {
	for _, s := range []string{"", "a: b", "：x：", "–—·", "\xef\xbc", "x\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(compareTrimHelpers)
}

// TestIndexPGPBegin compares indexPGPBegin with strings.Index on markers
// cut, repeated and overlapping.
func TestIndexPGPBegin(t *testing.T) {
	const m = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
	texts := []string{"", m, "x" + m, m[1:], m[:len(m)-1], "------BEGIN PGP PUBLIC KEY BLOCK-----", "BEGIN PGP PUBLIC KEY BLOCK-----" + m,
		"PGP PUBLIC KEY BLOCK-----" + m, m[:20] + m, "-----BEGIN PGP PUBLIC KEY BLOCK----" + m + m}
	r := rand.New(rand.NewSource(3))
	for k := 0; k < 20000; k++ {
		var b strings.Builder
		for n := r.Intn(6); n > 0; n-- {
			a := r.Intn(len(m))
			b.WriteString(m[a : a+r.Intn(len(m)-a+1)])
			if r.Intn(3) == 0 {
				b.WriteString("-")
			}
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		if got, want := indexPGPBegin(s), strings.Index(s, m); got != want {
			t.Fatalf("indexPGPBegin(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestCurrencyAndUnitCodes: every currency and unit of the tables has a
// code whose name is its own, and the codes' names are distinct.
func TestCurrencyAndUnitCodes(t *testing.T) {
	for _, c := range currencySymbols {
		if currencyCodeOf(c).String() != c {
			t.Errorf("currency %q has no code", c)
		}
	}
	for _, c := range currencyWords {
		if currencyCodeOf(c).String() != c {
			t.Errorf("currency %q has no code", c)
		}
	}
	for c := range cryptoCodes {
		if currencyCodeOf(c).String() != c {
			t.Errorf("crypto currency %q has no code", c)
		}
	}
	for _, u := range unitWords {
		if unitCodeOf(u).String() != u {
			t.Errorf("unit %q has no code", u)
		}
	}
	for c := range numCurrencies {
		if c != curNone && currencyCodeOf(c.String()) != c {
			t.Errorf("currency code %d: name %q not distinct", c, c.String())
		}
	}
	for u := range numUnits {
		if u != unitNone && unitCodeOf(u.String()) != u {
			t.Errorf("unit code %d: name %q not distinct", u, u.String())
		}
	}
}

// TestCurrencySymbol: the switch agrees with the currencySymbols map on
// every rune of the Basic Multilingual Plane and beyond.
func TestCurrencySymbol(t *testing.T) {
	for r := rune(0); r < 0x11000; r++ {
		c, ok := currencySymbol(r)
		wc, wok := currencySymbols[r]
		if c.String() != wc || ok != wok {
			t.Fatalf("currencySymbol(%q) = %q, %v; want %q, %v", r, c.String(), ok, wc, wok)
		}
	}
	for w := range currencyWords {
		c, crypto, ok := currencyWord(w)
		if !ok || c.String() != currencyWords[w] || crypto != cryptoCodes[c.String()] {
			t.Fatalf("currencyWord(%q) = %q, %v, %v", w, c.String(), crypto, ok)
		}
	}
	for w := range unitWords {
		if u, ok := unitWord(w); !ok || u.String() != unitWords[w] {
			t.Fatalf("unitWord(%q) = %q, %v", w, u.String(), ok)
		}
	}
}

// compareParseNumber checks parseNumber against the reference copy.
func compareParseNumber(t *testing.T, s string) {
	t.Helper()
	gv, gok := parseNumber(s)
	wv, wok := prevParseNumber(s)
	if gok != wok || math.Float64bits(gv) != math.Float64bits(wv) && !(gv != gv && wv != wv) {
		t.Fatalf("parseNumber(%q) = %v, %v; want %v, %v", s, gv, gok, wv, wok)
	}
}

// TestParseNumberEqualsPrev compares parseNumber with the reference on
// random digit strings with separators, long ones and odd ones.
func TestParseNumberEqualsPrev(t *testing.T) {
	for _, s := range []string{"", ".", ",", "..", "0", "00", "0.", ".0", "999999999999999", "9999999999999999", "123456789012345.6",
		"0.000000000000001", "0.0000000000000001", "9007199254740993", "1e5", "inf", "NaN", "0x10", "1_000", "+1", "-1", " 1"} {
		compareParseNumber(t, s)
	}
	r := rand.New(rand.NewSource(4))
	const alpha = "0123456789012345678901234567890123456789.,"
	for k := 0; k < 300000; k++ {
		b := make([]byte, r.Intn(22))
		for i := range b {
			b[i] = alpha[r.Intn(len(alpha))]
		}
		compareParseNumber(t, string(b))
	}
}

// FuzzParseNumberEqualsPrev: parseNumber equals the reference copy.
func FuzzParseNumberEqualsPrev(f *testing.F) {
	for _, s := range []string{"1,250.00", "1.250,00", "0.0117", "80", ".5", "12."} {
		f.Add(s)
	}
	f.Fuzz(compareParseNumber)
}

// TestBase58EqualsPrev compares the address validators with the math/big
// reference copies on valid addresses, every one-character change of them,
// runs of '1' and 'z' and random base58 strings of every candidate length.
func TestBase58EqualsPrev(t *testing.T) {
	const alpha = base58Alphabet + "0OIl+"
	inputs := []string{synthBTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "1111111111111111111114oLvT2", "", "1", "z"}
	for _, a := range []string{synthBTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"} {
		for i := 0; i < len(a); i++ {
			for k := 0; k < len(alpha); k++ {
				inputs = append(inputs, a[:i]+alpha[k:k+1]+a[i+1:])
			}
		}
	}
	for n := 20; n <= 40; n++ {
		for ones := 0; ones <= n; ones += 3 {
			inputs = append(inputs, strings.Repeat("1", ones)+strings.Repeat("z", n-ones), strings.Repeat("1", ones)+strings.Repeat("2", n-ones))
		}
	}
	r := rand.New(rand.NewSource(5))
	for k := 0; k < 100000; k++ {
		b := make([]byte, 20+r.Intn(20))
		for i := range b {
			b[i] = base58Alphabet[r.Intn(len(base58Alphabet))]
			if i < 3 && r.Intn(2) == 0 {
				b[i] = '1'
			}
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		if got, want := ValidBase58Check(s), prevValidBase58Check(s); got != want {
			t.Fatalf("ValidBase58Check(%q) = %v, want %v", s, got, want)
		}
		want, wok := prevBase58Decode(s)
		got, ok := base58Decode25(s)
		if wok && len(want) == 25 {
			if !ok || string(got[:]) != string(want) {
				t.Fatalf("base58Decode25(%q) = %x, %v; want %x", s, got, ok, want)
			}
		} else if ok {
			t.Fatalf("base58Decode25(%q) = %x, want no 25-byte decoding", s, got)
		}
	}
	for _, s := range []string{synthXMR, flip(synthXMR, 40), "4" + strings.Repeat("z", 94), "8" + strings.Repeat("1", 105)} {
		if got, want := ValidMonero(s), prevValidMonero(s); got != want {
			t.Fatalf("ValidMonero(%q) = %v, want %v", s, got, want)
		}
	}
	for k := 0; k < 20000; k++ {
		a, b := r.Uint64(), r.Uint64()>>(r.Intn(64))
		h, l := mul64(a, b)
		wh, wl := prevMul64(a, b)
		if h != wh || l != wl {
			t.Fatalf("mul64(%d, %d) = %d, %d; want %d, %d", a, b, h, l, wh, wl)
		}
	}
}

// TestContactFoldCheck: the fold check of scanContactWords accepts exactly
// the texts newASCIIFolded searches in place: every rune alone and after
// ASCII, invalid and truncated sequences, and the corpus texts.
func TestContactFoldCheck(t *testing.T) {
	texts := []string{"", "abc", "\xff", "a\xc3", "\xe4\xb8", "\xed\xa0\x80", "\xf0\x9f\x98\x80", "\xef\xbf\xbd", "Kelvin \u212a"}
	for r := rune(0x80); r < 0x11000; r++ {
		texts = append(texts, string(r), "ab"+string(r)+"cd")
	}
	for _, s := range loadCorpus(t) {
		texts = append(texts, string(s.Page.Body))
	}
	for _, s := range texts {
		if ok, want := foldableInPlace(s), newASCIIFolded(s).fold; ok != want {
			t.Fatalf("fold check of %q = %v, want %v", s, ok, want)
		}
	}
}

// urlEdgeCases are odd URL shapes for the page-kind equivalence tests.
var urlEdgeCases = []string{
	"", "http://", "http://host", "http://host/", "http://host/?q=x", "http://host/#frag", "http://host?x", "host/listing/1",
	"http://host/listing/12", "http://h/shop/item/12", "http://h/forum/news/thread/5", "http://h/LISTING.HTML", "http://h/viewtopic.php?t=1",
	"http://h/%6Cisting/1", "http://h/%zz/listing", "http://h/%D1%82%D0%BE%D0%B2%D0%B0%D1%80/1", "http://h/товар/1", "http://h/商品",
	"http://h/a/b/c?search=x#q=y", "http://h/x?a=1&query=2", "http://h/x#?q=1", "http://h//listing//", "http://h/.listing", "http://h/listing.",
	"HTTP://H/Vendor/x", "http://h/a?q", "http://h/a?&q=", "http://h/\xff/listing", "http://h/İtem", "http://h/\u212Aatalog",
	"mailto:x@y", "ftp://h/news/1", "http://h/p/1", "http://h/u/x", "http://h/c/x?page=2", "http://[::1]:80/listing?x#y",
}

// TestURLKindEqualsPrev compares urlKind with the reference copy on odd
// URL shapes, random URLs built from path words and the corpus addresses,
// and rankOf with kindRank.
func TestURLKindEqualsPrev(t *testing.T) {
	urls := slices.Clone(urlEdgeCases)
	for _, s := range loadCorpus(t) {
		urls = append(urls, pageURL(s.Page))
	}
	var words []string
	for w := range pathKinds {
		words = append(words, w, strings.ToUpper(w), w+".php")
	}
	words = append(words, "", "x", "?", "#", "&", "=", "q", "search", "%", "%2F", "%41", ".", "..", "/", "//")
	r := rand.New(rand.NewSource(6))
	for k := 0; k < 50000; k++ {
		var b strings.Builder
		b.WriteString([]string{"http://h", "https://a.onion", "", "x://"}[r.Intn(4)])
		for n := r.Intn(6); n > 0; n-- {
			b.WriteString([]string{"/", "/", "?", "&", "=", "#"}[r.Intn(6)])
			b.WriteString(words[r.Intn(len(words))])
		}
		urls = append(urls, b.String())
	}
	for _, u := range urls {
		if got, want := urlKind(u), prevURLKind(u); got != want {
			t.Fatalf("urlKind(%q) = %q, want %q", u, got, want)
		}
	}
	for _, k := range []string{"", "x", fentinel.PageListing, fentinel.PageForum, fentinel.PageArticle, fentinel.PageVendor, fentinel.PageIndex} {
		if rankOf(k) != kindRank[k] {
			t.Fatalf("rankOf(%q) = %d, want %d", k, rankOf(k), kindRank[k])
		}
	}
}

// FuzzURLKindEqualsPrev: urlKind equals the reference copy on any string.
func FuzzURLKindEqualsPrev(f *testing.F) {
	for _, u := range urlEdgeCases {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, u string) {
		if got, want := urlKind(u), prevURLKind(u); got != want {
			t.Fatalf("urlKind(%q) = %q, want %q", u, got, want)
		}
	})
}

// TestFindLabelsEqualsPrev compares the strided label scan with the
// byte-by-byte reference on random runs of contact words and their pieces
// in random case, at every alignment.
func TestFindLabelsEqualsPrev(t *testing.T) {
	pieces := []string{" ", "x", ".", "/", "\x0e", "\x0f", "é", "\u212a"}
	for _, w := range contactWords {
		pieces = append(pieces, w, w[:2], w[1:], w[:len(w)-1], w[2:4])
	}
	r := rand.New(rand.NewSource(7))
	for k := 0; k < 200000; k++ {
		var b strings.Builder
		for n := r.Intn(10); n > 0; n-- {
			p := []byte(pieces[r.Intn(len(pieces))])
			for i := range p {
				if p[i] >= 'a' && p[i] <= 'z' && r.Intn(3) == 0 {
					p[i] -= 'a' - 'A'
				}
			}
			b.Write(p)
		}
		s := b.String()
		for _, lower := range []asciiFolded{{s: s, fold: true}, newASCIIFolded(s)} {
			if got, want := findLabels(lower, nil), prevFindLabels(lower, nil); !slices.Equal(got, want) {
				t.Fatalf("%q: labels %v, want %v", s, got, want)
			}
		}
	}
}

// TestVendorLeadCJKNonASCII: cleanVendor tries the vendorLeadCJK prefixes
// only on a non-ASCII first byte, which each of them has.
func TestVendorLeadCJKNonASCII(t *testing.T) {
	for _, p := range vendorLeadCJK {
		if p == "" || p[0] < 0x80 {
			t.Fatalf("vendorLeadCJK word %q does not start with a non-ASCII byte", p)
		}
	}
}

// TestWordIndexOneByteOff: for every word of every index, the words that
// differ from it in one byte (any position, any value) are found exactly
// when they are indexed themselves (probe compares words of up to 16 bytes
// inline).
func TestWordIndexOneByteOff(t *testing.T) {
	// and an index with a word of every length probe compares (1 to 32
	// bytes, each path of its comparison)
	every := map[string]bool{}
	for n := 1; n <= 32; n++ {
		every[strings.Repeat("ab", n)[:n]] = true
		every[strings.Repeat("é", n)[:n]] = true
	}
	everyIndex, _ := wordIndexOf(every)
	for _, x := range []*wordIndex{stopIndex, currencyIndex, unitIndex, pathKindIndex, labelFirstIndex, vendorLeadIndex, everyIndex} {
		in := map[string]int{}
		for i, w := range x.words {
			in[w] = i
		}
		for _, w := range x.words {
			b := []byte(w)
			for k := range b {
				orig := b[k]
				for c := 0; c < 256; c++ {
					b[k] = byte(c)
					want, ok := in[string(b)]
					if !ok {
						want = -1
					}
					if got := x.find(string(b)); got != want {
						t.Fatalf("find(%q) = %d, want %d", b, got, want)
					}
				}
				b[k] = orig
			}
		}
	}
}

// TestIsVendorLead checks isVendorLead against the map lookup it stands
// for, vendorLead[strings.ToLower(w)], on every lead word in three cases,
// its one-byte variants, words that lower-case to a lead word only through
// a non-ASCII rune (the Kelvin sign lower-cases to 'k'), and random words;
// and isASCIIWord against isASCII.
func TestIsVendorLead(t *testing.T) {
	check := func(w string) {
		t.Helper()
		var buf [32]byte
		if got, want := isVendorLead(w, &buf), vendorLead[strings.ToLower(w)]; got != want {
			t.Fatalf("isVendorLead(%q) = %v, want %v", w, got, want)
		}
		if len(w) <= 32 {
			if got, want := isASCIIWord(w), isASCII(w); got != want {
				t.Fatalf("isASCIIWord(%q) = %v, want %v", w, got, want)
			}
		}
	}
	for w := range vendorLead {
		for _, v := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:], w + "s", w + ":", "x" + w, w[:len(w)-1]} {
			check(v)
		}
		b := []byte(w)
		for k := range b {
			orig := b[k]
			for _, c := range []byte{0, 'A', 'Z', 'a', 'z', 0x7f, 0x80, 0xc3, 0xff, orig ^ 0x20} {
				b[k] = c
				check(string(b))
			}
			b[k] = orig
		}
		// 'k' written as the Kelvin sign, 'i' as a dotted capital I
		check(strings.ReplaceAll(w, "k", "\u212a"))
		check(strings.ReplaceAll(strings.ToUpper(w), "K", "\u212a"))
		check(strings.ReplaceAll(w, "i", "\u0130"))
	}
	check("")
	check(strings.Repeat("a", 33))
	check("VERKAUFER" + strings.Repeat(" ", 30))
	r := rand.New(rand.NewSource(11))
	alphabet := []string{"a", "B", "e", "R", "k", "\u212a", "é", "É", "у", "У", ":", " ", "\xff", "卖"}
	for n := 0; n < 200000; n++ {
		var sb strings.Builder
		for k := r.Intn(14); k > 0; k-- {
			sb.WriteString(alphabet[r.Intn(len(alphabet))])
		}
		check(sb.String())
	}
}

// TestCleanVendorEqualsPrev compares cleanVendor with the reference copy on
// random runs of lead words, labels, colons, punctuation, spaces and names.
func TestCleanVendorEqualsPrev(t *testing.T) {
	pieces := []string{"by", "BY", "sold", "Vendor", "vendor:", "vendido", "por", "卖家", "：", ":", "::", " ", "  ", "\t", "\n", "-", "—", "·", "|",
		".", ",", "!", ")", "?", ";", "NitroSynth", "nitro", "the", "ÄÖ", "\u212a", "\xff", "x"}
	r := rand.New(rand.NewSource(12))
	for k := 0; k < 200000; k++ {
		var b strings.Builder
		for n := r.Intn(7); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		if got, want := cleanVendor(s), prevCleanVendor(s); got != want {
			t.Fatalf("cleanVendor(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzCleanVendorEqualsPrev: cleanVendor equals the reference copy on any
// string.
func FuzzCleanVendorEqualsPrev(f *testing.F) {
	for _, s := range []string{"by NitroSynth", "Vendor: x.", "sold by the", "卖家：abc", "vendor:NitroSynth", " \t:by:", "by."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanVendor(s), prevCleanVendor(s); got != want {
			t.Fatalf("cleanVendor(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzBase58Decode25 compares base58Decode25 with the reference decoding
// on any string.
func FuzzBase58Decode25(f *testing.F) {
	for _, s := range []string{synthBTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "1111111111111111111114oLvT2", "", "1", "z", "0OIl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wok := prevBase58Decode(s)
		got, ok := base58Decode25(s)
		if wok && len(want) == 25 {
			if !ok || string(got[:]) != string(want) {
				t.Fatalf("base58Decode25(%q) = %x, %v; want %x", s, got, ok, want)
			}
		} else if ok {
			t.Fatalf("base58Decode25(%q) = %x, want no 25-byte decoding", s, got)
		}
	})
}
