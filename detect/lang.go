package detect

var stopwords = map[string]string{
	"the": "en", "and": "en", "with": "en", "for": "en", "this": "en", "you": "en", "ships": "en", "from": "en", "our": "en", "is": "en",
	"el": "es", "los": "es", "las": "es", "y": "es", "con": "es", "para": "es", "envio": "es", "del": "es", "por": "es", "que": "es", "una": "es",
	"o": "pt", "os": "pt", "com": "pt", "nao": "pt", "voce": "pt", "uma": "pt", "do": "pt", "da": "pt", "dos": "pt", "em": "pt", "entrega": "pt",
	"le": "fr", "les": "fr", "et": "fr", "pour": "fr", "avec": "fr", "est": "fr", "des": "fr", "une": "fr", "vous": "fr", "nous": "fr", "du": "fr",
	"der": "de", "die": "de", "das": "de", "und": "de", "mit": "de", "fur": "de", "ist": "de", "nicht": "de", "wir": "de", "ein": "de", "eine": "de", "versand": "de",
}

// stopIndex finds the stopwords; stopLang holds each one's index in
// langCodes.
var stopIndex, stopLang = func() (*wordIndex, []int8) {
	x, langs := wordIndexOf(stopwords)
	var c langCounts
	li := make([]int8, len(langs))
	for i, l := range langs {
		li[i] = int8(c.idx(l))
	}
	return x, li
}()

// Indexes in langCodes of the languages told by script.
const (
	langRU = 5
	langZH = 6
)

// termLangWeight is what a matched rule term with a language adds to that
// language's count. The language guess (Verdict.Language) weighs, over the
// first langTokens tokens outside navigation, a CJK character 1 for
// Chinese, a Cyrillic word 1 for Russian and a stopword 2 for its language
// (classifyTokens counts these), and every matched term with a language
// termLangWeight for it (split counts those); the highest count wins.
const termLangWeight = 3

// best returns the language with the highest count, the first on a tie,
// or "" when all counts are 0.
func (c *langCounts) best() string {
	best, bestN := -1, 0
	for i, n := range c {
		if n > bestN {
			best, bestN = i, n
		}
	}
	if best < 0 {
		return ""
	}
	return langCodes[best]
}

// startsCyrillic reports whether w begins with a valid UTF-8 encoding of a
// rune in U+0400–U+052F (Cyrillic and its supplement): a lead byte
// 0xD0–0xD4 and a continuation byte, below 0xB0 after 0xD4.
func startsCyrillic(w string) bool {
	if len(w) < 2 {
		return false
	}
	c0, c1 := w[0], w[1]
	return c0 >= 0xD0 && c0 <= 0xD4 && c1 >= 0x80 && c1 <= 0xBF && (c0 != 0xD4 || c1 < 0xB0)
}

var langCodes = [...]string{"en", "es", "pt", "fr", "de", "ru", "zh"}

// langCounts is a small map from language code to a count.
type langCounts [len(langCodes)]int

func init() {
	var c langCounts
	if c.idx("ru") != langRU || c.idx("zh") != langZH {
		panic("detect: langRU or langZH out of step with langCodes")
	}
}

func (c *langCounts) idx(l string) int {
	for i, v := range langCodes {
		if v == l {
			return i
		}
	}
	return -1
}

func (c *langCounts) add(l string, n int) {
	if i := c.idx(l); i >= 0 {
		c[i] += n
	}
}
