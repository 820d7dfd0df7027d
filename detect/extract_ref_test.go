package detect

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// refScanNumbersInto is scanNumbersInto as it was before numbers were
// parsed only after their context was read; the test below compares the two.
func refScanNumbersInto(prices []priceHit, qtys []qtyHit, text string, toks []refToken) ([]priceHit, []qtyHit) {
	prices, qtys = prices[:0], qtys[:0]
	for i := range toks {
		t := &toks[i]
		if !t.digits || t.han {
			continue
		}
		num, rest := splitNumUnit(t.norm)
		if num == "" {
			// "x100", "m30": "x" prefix quantity
			if strings.HasPrefix(t.norm, "x") {
				if v, ok := parseNumber(t.norm[1:]); ok && v > 0 {
					qtys = append(qtys, qtyHit{value: v, unit: unitX, tok: i, start: t.start, end: t.end})
				}
			}
			continue
		}
		v, ok := parseNumber(strings.TrimRight(num, ".,"))
		if !ok {
			continue
		}
		if rest != "" {
			if c, ok := currencyWords[rest]; ok {
				prices = append(prices, priceHit{value: v, currency: currencyCodeOf(c), crypto: cryptoCodes[c], tok: i, start: t.start, end: t.end})
				continue
			}
			if u, ok := unitWords[rest]; ok {
				qtys = append(qtys, qtyHit{value: v, unit: unitCodeOf(u), tok: i, start: t.start, end: t.end})
			}
			continue
		}
		// currency symbol before or after
		if r, at := runeBefore(text, t.start); r != 0 {
			if c, ok := currencySymbols[r]; ok {
				if c == "USD" && at > 0 {
					// R$ (BRL), US$, C$, A$, MX$
					p, _ := utf8.DecodeLastRuneInString(text[:at])
					switch p {
					case 'R':
						c = "BRL"
					case 'C':
						c = "CAD"
					case 'A':
						c = "AUD"
					}
				}
				prices = append(prices, priceHit{value: v, currency: currencyCodeOf(c), crypto: c == "BTC", tok: i, start: at, end: t.end})
				continue
			}
		}
		if r, end := runeAfter(text, t.end); r != 0 {
			if c, ok := currencySymbols[r]; ok {
				prices = append(prices, priceHit{value: v, currency: currencyCodeOf(c), crypto: c == "BTC", tok: i, start: t.start, end: end})
				continue
			}
		}
		if i+1 < len(toks) && toks[i].gap <= gapSpace {
			n := &toks[i+1]
			if c, ok := currencyWords[n.norm]; ok {
				prices = append(prices, priceHit{value: v, currency: currencyCodeOf(c), crypto: cryptoCodes[c], tok: i, start: t.start, end: n.end})
				continue
			}
			if u, ok := unitWords[n.norm]; ok {
				qtys = append(qtys, qtyHit{value: v, unit: unitCodeOf(u), tok: i, start: t.start, end: n.end})
				continue
			}
		}
		if i > 0 && toks[i-1].gap <= gapSpace {
			p := &toks[i-1]
			if c, ok := currencyWords[p.norm]; ok && p.norm != "р" {
				prices = append(prices, priceHit{value: v, currency: currencyCodeOf(c), crypto: cryptoCodes[c], tok: i, start: p.start, end: t.end})
				continue
			}
			if p.norm == "x" {
				qtys = append(qtys, qtyHit{value: v, unit: unitX, tok: i, start: p.start, end: t.end})
			}
		}
	}
	return prices, qtys
}

// TestScanNumbersEqualsReference compares price and quantity hits with the
// reference on the corpus, the simulator's pages and edge cases.
func TestScanNumbersEqualsReference(t *testing.T) {
	texts := []string{"$1,250.00", "1.250,00 €", "0.0117 BTC", "R$ 600", "US$ 5", "C$7 A$8", "5000 руб", "5000 р",
		"100x", "x100", "x 100", "30mg", "30 mg", "1,2,3.4.5", "₿0.1", "9999999999999999999999 usd", "price: 120 EUR",
		"EUR 120", "12.. usd", "m30 blues x100", "1e309 usd", "€", "", "42", "0x1f usd", "3 g 4 g", "р 500", "руб 500", "500р",
		// symbols right before or after a number, past one space or two, and non-ASCII bytes that are none
		"€5", "5€", "5 €", "5  €", "$ 5", "5$", "5 $", "R$5", "MX$5", "5 ₽", "¥5", "￥5", "₿ 5", "£5.5", "\xff5", "5\xff", "\xe2\x82 5",
		"é5", "5é", "— 5 —", "中5", "5中", " 5 ", "a$ 5", "\x005", "5\x00", "$$5"}
	for _, s := range loadCorpus(t) {
		doc := parseDocument(decodeBody(s.Page.Body, "text/html"), true, "")
		texts = append(texts, doc.text)
	}
	for _, text := range texts {
		toks, nb := tokenize(text, []segment{{zone: zoneMain, start: 0, end: len(text)}})
		gp, gq := scanNumbersInto(nil, nil, text, toks, &nb)
		wp, wq := refScanNumbersInto(nil, nil, text, withNorms(toks, nb))
		if !slices.Equal(gp, wp) || !slices.Equal(gq, wq) {
			t.Errorf("%.60q:\nprices %+v\nwant   %+v\nqtys %+v\nwant %+v", text, gp, wp, gq, wq)
		}
	}
}

// FuzzScanNumbersEqualsReference: scanNumbersInto equals the reference
// on any text.
func FuzzScanNumbersEqualsReference(f *testing.F) {
	for _, s := range []string{"$1,250.00", "1.250,00 €", "R$ 600", "5 ₽", "€5", "5$", "\xff5", "x100", "30 mg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		toks, nb := tokenize(text, []segment{{zone: zoneMain, start: 0, end: len(text)}})
		gp, gq := scanNumbersInto(nil, nil, text, toks, &nb)
		wp, wq := refScanNumbersInto(nil, nil, text, withNorms(toks, nb))
		if !slices.Equal(gp, wp) || !slices.Equal(gq, wq) {
			t.Fatalf("%q:\nprices %+v\nwant   %+v\nqtys %+v\nwant %+v", text, gp, wp, gq, wq)
		}
	})
}
