package detect

import (
	"math/rand"
	"strings"
	"testing"
)

// checkPriceFieldFast fails t when priceFieldFast knows a field's price
// and the tokenizer path (priceOfFieldTok) finds another or none.
func checkPriceFieldFast(t testing.TB, s string) bool {
	v, cur, known := priceFieldFast(s)
	if !known {
		return false
	}
	ph, ok := priceOfFieldTok(s, nil)
	if !ok || ph.value != v || ph.currency != cur {
		t.Fatalf("priceFieldFast(%q) = %v %q; tokenizer: %v %v %q", s, v, cur.String(), ok, ph.value, ph.currency.String())
	}
	return true
}

// corpusPriceFields returns the price fields of the corpus's HTML pages.
func corpusPriceFields(t testing.TB) []string {
	var out []string
	for _, smp := range loadCorpus(t) {
		p := smp.Page
		s := decodeBody(p.Body, p.ContentType())
		if !looksLikeHTML(s, p.ContentType()) {
			continue
		}
		ps := pageStatePool.Get().(*pageState)
		doc := parseStreamWithState(ps, s)
		if doc.price != "" {
			out = append(out, strings.Clone(doc.price))
		}
		if doc == &ps.doc {
			doc.clear()
		}
		pageStatePool.Put(ps)
	}
	return out
}

// Pieces of price fields: the shapes priceFieldFast reads and their near
// misses.
var (
	pfPrefixes = []string{"", "R", "C", "A", "US", "MX", "B", "r", "RR", "USD", "x", "1", "$", "€", "R ", "US ", "u$"}
	pfSymbols  = []string{"$", "€", "£", "₽", "¥", "₿", "￥", "元", "¢", "@", "|", "!", "р", "руб", "", " "}
	pfNumbers  = []string{"9", "90", "1.24", "0.0132", "1,250", "12,5", "1.234,56", "1,234.56", "1.2.3", "1..2", "9.",
		".5", "0", "00", "123456789012345678901234567890", "1e5", "9x", "9mg", "x9", "9-1", "9/2", "9_1", "１２", "1,2,3", "1.234.567"}
	pfWords = []string{"USD", "usd", "Usd", "EUR", "eur", "BTC", "XMR", "btc", "mbtc", "sats", "sat", "MXN", "BRL",
		"RUB", "dollars", "Dolares", "euros", "us", "per", "por", "g", "gr", "mg", "x", "pills", "tabs", "Gramm",
		"gramme", "le", "each", "unit", "lot", "e", "s", "l", "ltc", "eth", "usdt", "rmb", "cny", "yuan", "p3r", "mg5"}
	pfSeps = []string{"", " ", "  ", "\t", "-", "/", ".", ",", ":", "$", "€", "\u00a0"}
)

// TestPriceFieldFast compares priceFieldFast with the tokenizer path on
// the corpus's price fields, every combination of the pieces above in the
// four shapes, and random fields from those pieces.
func TestPriceFieldFast(t *testing.T) {
	fields := corpusPriceFields(t)
	hit := 0
	for _, s := range fields {
		if checkPriceFieldFast(t, s) {
			hit++
		}
	}
	t.Logf("corpus: %d of %d price fields read directly", hit, len(fields))
	if len(fields) > 0 && hit*2 < len(fields) {
		t.Errorf("only %d of %d corpus fields read directly", hit, len(fields))
	}
	n, known := 0, 0
	try := func(s string) {
		n++
		if checkPriceFieldFast(t, s) {
			known++
		}
	}
	for _, p := range pfPrefixes {
		for _, sym := range pfSymbols {
			for _, sp := range pfSeps {
				for _, num := range pfNumbers {
					try(p + sym + sp + num)
					for _, w := range pfWords {
						try(p + sym + sp + num + " " + w)
					}
				}
			}
		}
	}
	for _, w := range append(pfWords, pfSymbols...) {
		for _, sp := range pfSeps {
			for _, num := range pfNumbers {
				for _, sp2 := range []string{"", " ", "  ", ".", "$", "€"} {
					try(w + sp + num + sp2)
					for _, w2 := range pfWords {
						try(w + sp + num + sp2 + w2)
						try(w + sp + num + sp2 + w2 + " 5 g")
					}
					for _, sym := range pfSymbols {
						try(w + sp + num + sp2 + sym)
						try(w + sp + num + sp2 + sym + " por grama")
					}
				}
			}
		}
	}
	rng := rand.New(rand.NewSource(9))
	pieces := [][]string{pfPrefixes, pfSymbols, pfNumbers, pfWords, pfSeps}
	for range 200000 {
		var b strings.Builder
		for k := rng.Intn(6); k >= 0; k-- {
			ps := pieces[rng.Intn(len(pieces))]
			b.WriteString(ps[rng.Intn(len(ps))])
		}
		try(b.String())
	}
	t.Logf("generated: %d of %d fields read directly", known, n)
}

// FuzzPriceFieldFast compares priceFieldFast with the tokenizer path on
// any field.
func FuzzPriceFieldFast(f *testing.F) {
	for _, s := range []string{"$90", "R$ 702 por pacote", "USD 84 per gram", "0.0132 BTC", "918 €", "€1.234,56", "9 元",
		"C$ 1,250", "eur 12,5 le gramme", "1.234.567 XMR pro Packung", "9€", "US$ 9 mg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkPriceFieldFast(t, s) })
}
