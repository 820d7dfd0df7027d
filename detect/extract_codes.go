package detect

// currencyCode is a currency by its index in currencyNames, and unitCode a
// unit by its index in unitNames (0: none). Price and quantity hits hold
// these codes instead of the names, so they hold no pointer: appending and
// copying them needs no write barrier while the GC marks, and their
// scratch slices need no clearing. TestCurrencyAndUnitCodes checks that
// every currency and unit the tables give has a code.
type (
	currencyCode uint8
	unitCode     uint8
)

// The currencies (every value of currencyWords and currencySymbols).
const (
	curNone currencyCode = iota
	curUSD
	curEUR
	curGBP
	curMXN
	curBRL
	curRUB
	curCNY
	curCAD
	curAUD
	curCHF
	curBTC
	curMBTC
	curSats
	curXMR
	curLTC
	curETH
	curUSDT
	numCurrencies
)

// currencyNames are the Extracted.Currency names of the currency codes.
var currencyNames = [numCurrencies]string{curUSD: "USD", curEUR: "EUR", curGBP: "GBP", curMXN: "MXN", curBRL: "BRL",
	curRUB: "RUB", curCNY: "CNY", curCAD: "CAD", curAUD: "AUD", curCHF: "CHF", curBTC: "BTC", curMBTC: "mBTC",
	curSats: "sats", curXMR: "XMR", curLTC: "LTC", curETH: "ETH", curUSDT: "USDT"}

// String is the currency's name ("" for curNone).
func (c currencyCode) String() string { return currencyNames[c%numCurrencies] }

// The units (every value of unitWords).
const (
	unitNone unitCode = iota
	unitMg
	unitG
	unitKg
	unitOz
	unitMcg
	unitMl
	unitPcs
	unitPills
	unitPatches
	unitX
	numUnits
)

// unitNames are the Extracted.Unit names of the unit codes.
var unitNames = [numUnits]string{unitMg: "mg", unitG: "g", unitKg: "kg", unitOz: "oz", unitMcg: "mcg", unitMl: "ml",
	unitPcs: "pcs", unitPills: "pills", unitPatches: "patches", unitX: "x"}

// String is the unit's name ("" for unitNone).
func (u unitCode) String() string { return unitNames[u%numUnits] }

// currencyCodeOf returns the code of the currency name, curNone for
// none (a search: for tables built once and tests).
func currencyCodeOf(name string) currencyCode {
	for c, n := range currencyNames {
		if n == name && name != "" {
			return currencyCode(c)
		}
	}
	return curNone
}

// unitCodeOf returns the code of the unit name, unitNone for none (a
// search: for tables built once and tests).
func unitCodeOf(name string) unitCode {
	for u, n := range unitNames {
		if n == name && name != "" {
			return unitCode(u)
		}
	}
	return unitNone
}
