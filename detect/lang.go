package detect

import "unicode/utf8"

var stopwords = map[string]string{
	"the": "en", "and": "en", "with": "en", "for": "en", "this": "en", "you": "en", "ships": "en", "from": "en", "our": "en", "is": "en",
	"el": "es", "los": "es", "las": "es", "y": "es", "con": "es", "para": "es", "envio": "es", "del": "es", "por": "es", "que": "es", "una": "es",
	"o": "pt", "os": "pt", "com": "pt", "nao": "pt", "voce": "pt", "uma": "pt", "do": "pt", "da": "pt", "dos": "pt", "em": "pt", "entrega": "pt",
	"le": "fr", "les": "fr", "et": "fr", "pour": "fr", "avec": "fr", "est": "fr", "des": "fr", "une": "fr", "vous": "fr", "nous": "fr", "du": "fr",
	"der": "de", "die": "de", "das": "de", "und": "de", "mit": "de", "fur": "de", "ist": "de", "nicht": "de", "wir": "de", "ein": "de", "eine": "de", "versand": "de",
}

// stopIdx maps each stopword to its index in langCodes.
var stopIdx = func() map[string]int {
	m := make(map[string]int, len(stopwords))
	var c langCounts
	for w, l := range stopwords {
		m[w] = c.idx(l)
	}
	return m
}()

var stopF = newKeyFilter(stopwords)

// guessLanguage returns a BCP 47 primary tag from scripts and function words.
func guessLanguage(toks []token, ms []match, d *Detector) string {
	var counts langCounts
	for i := range toks {
		if i >= 400 {
			break // enough words to tell
		}
		t := &toks[i]
		if t.zone == zoneNav {
			continue
		}
		if t.han {
			counts.add("zh", 1)
			continue
		}
		if stopF.mayHave(t.norm) {
			if li, ok := stopIdx[t.norm]; ok {
				counts[li] += 2
				continue
			}
		}
		if t.letters && !t.mixed {
			r, _ := utf8.DecodeRuneInString(t.norm)
			if r >= 0x400 && r < 0x530 {
				counts.add("ru", 1)
			}
		}
	}
	for _, m := range ms {
		if li := d.entries[m.e].langIdx; li >= 0 {
			counts[li] += 3
		}
	}
	best, bestN := "", 0
	for i, l := range langCodes {
		if counts[i] > bestN {
			best, bestN = l, counts[i]
		}
	}
	return best
}

var langCodes = [...]string{"en", "es", "pt", "fr", "de", "ru", "zh"}

// langCounts is a small map from language code to a count.
type langCounts [len(langCodes)]int

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
