package detect

import "strconv"

// Table lookups for the number scan: the currency and unit words through
// wordIndex instead of maps, as codes, each currency's crypto flag
// precomputed.
var (
	currencyIndex, currencyCodes = wordIndexOfCodes(currencyWords, currencyCodeOf)
	unitIndex, unitCodes         = wordIndexOfCodes(unitWords, unitCodeOf)
	currencyIsCrypto             = func() (c [numCurrencies]bool) {
		for code, name := range currencyNames {
			c[code] = cryptoCodes[name]
		}
		return c
	}()
)

// wordIndexOfCodes is wordIndexOf(m) with the values as codes (code of a
// value; it panics on a value without one).
func wordIndexOfCodes[C comparable](m map[string]string, code func(string) C) (*wordIndex, []C) {
	x, names := wordIndexOf(m)
	var none C
	codes := make([]C, len(names))
	for i, n := range names {
		if codes[i] = code(n); codes[i] == none {
			panic("detect: no code for " + n)
		}
	}
	return x, codes
}

// currencyWord is currencyWords[w] (as a code) with cryptoCodes of the
// code.
func currencyWord(w string) (code currencyCode, crypto, ok bool) {
	if !currencyIndex.mayHave(w) {
		return curNone, false, false
	}
	i := currencyIndex.probe(w)
	if i < 0 {
		return curNone, false, false
	}
	c := currencyCodes[i]
	return c, currencyIsCrypto[c%numCurrencies], true
}

// unitWord is unitWords[w], as a code.
func unitWord(w string) (unitCode, bool) {
	if !unitIndex.mayHave(w) {
		return unitNone, false
	}
	i := unitIndex.probe(w)
	if i < 0 {
		return unitNone, false
	}
	return unitCodes[i], true
}

// currencySymbol is currencySymbols[r] (as a code), as a switch (TestCurrencySymbol
// checks the two agree).
func currencySymbol(r rune) (currencyCode, bool) {
	switch r {
	case '$':
		return curUSD, true
	case '€':
		return curEUR, true
	case '£':
		return curGBP, true
	case '₽':
		return curRUB, true
	case '¥', '￥':
		return curCNY, true
	case '₿':
		return curBTC, true
	}
	return curNone, false
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseSimpleNumber parses digits with at most one '.' and at least one
// digit ("80", "0.0117", ".5", "12.") when the digits, as an integer, are
// below 2^53: the integer and the power of ten are then exact in float64
// and one correctly rounded division gives what strconv.ParseFloat gives
// (its own exact fast path). ok is false for anything else.
func parseSimpleNumber(s string) (v float64, ok bool) {
	var mant uint64
	digits, frac, dot := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 15 {
				return 0, false // may pass 2^53; leave it to strconv
			}
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	return float64(mant) / pow10[frac], true
}

// parseNumber reads "1,250.00", "1.250,00", "0.0117", "80".
func parseNumber(s string) (float64, bool) {
	if v, ok := parseSimpleNumber(s); ok {
		return v, true
	}
	return parseNumberSlow(s)
}

// parseNumberSlow is parseNumber for separators: thousands groups, decimal
// commas, several dots.
func parseNumberSlow(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	s = normalizeSeparators(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}
