package detect

var stopwords = map[string]string{
	"the": "en", "and": "en", "with": "en", "for": "en", "this": "en", "you": "en", "ships": "en", "from": "en", "our": "en", "is": "en",
	"el": "es", "los": "es", "las": "es", "y": "es", "con": "es", "para": "es", "envio": "es", "del": "es", "por": "es", "que": "es", "una": "es",
	"o": "pt", "os": "pt", "com": "pt", "nao": "pt", "voce": "pt", "uma": "pt", "do": "pt", "da": "pt", "dos": "pt", "em": "pt", "entrega": "pt",
	"le": "fr", "les": "fr", "et": "fr", "pour": "fr", "avec": "fr", "est": "fr", "des": "fr", "une": "fr", "vous": "fr", "nous": "fr", "du": "fr",
	"der": "de", "die": "de", "das": "de", "und": "de", "mit": "de", "fur": "de", "ist": "de", "nicht": "de", "wir": "de", "ein": "de", "eine": "de", "versand": "de",
}

// guessLanguage returns a BCP 47 primary tag from scripts and function words.
func guessLanguage(toks []token, ms []match, d *Detector) string {
	counts := map[string]int{}
	for i := range toks {
		t := &toks[i]
		if t.zone == zoneNav {
			continue
		}
		if t.han {
			counts["zh"]++
			continue
		}
		if l, ok := stopwords[t.norm]; ok {
			counts[l] += 2
			continue
		}
		if t.letters && !t.mixed {
			r := []rune(t.norm)[0]
			if r >= 0x400 && r < 0x530 {
				counts["ru"]++
			}
		}
	}
	for _, m := range ms {
		e := &d.entries[m.e]
		if e.lang != "" && e.lang != "any" {
			counts[e.lang] += 3
		}
	}
	best, bestN := "", 0
	for _, l := range []string{"en", "es", "pt", "fr", "de", "ru", "zh"} {
		if counts[l] > bestN {
			best, bestN = l, counts[l]
		}
	}
	return best
}
