package main

import (
	"math/rand/v2"
	"strings"
)

// evasionsFor lists the evasion classes written for a language: the ones
// sellers actually use with that script.
func evasionsFor(code string) []string {
	switch code {
	case "zh":
		return []string{"spacing", "zero-width", "html-split", "fullwidth", "separator"}
	case "ru":
		return []string{"confusable", "spacing", "zero-width", "html-split", "separator", "leet", "misspelling"}
	case "en":
		return []string{"leet", "leet", "separator", "separator", "spacing", "confusable", "confusable", "misspelling", "misspelling",
			"misspelling", "zero-width", "html-split", "fullwidth", "masked", "hook"}
	default:
		return []string{"leet", "separator", "spacing", "confusable", "misspelling", "zero-width", "html-split"}
	}
}

var misspell = map[string][]string{
	"en": {"Fentanly", "Fentenyl", "Fentynal", "Fentonyl", "Fetanyl", "Fenanyl", "Fentaynl", "Phentanyl", "Fentany", "Fentanyi"},
	"es": {"Fentanillo", "Fentaniilo", "Fentalino", "Fentanylo"},
	"pt": {"Fentanill", "Fentanyla", "Fentanlia"},
	"fr": {"Fentanile", "Fentanylle", "Fentanyel"},
	"de": {"Fentanyll", "Fentanly", "Phentanyl"},
	"ru": {"Фентонил", "Фентанилл", "Фентаннил"},
}

// evade writes the language's fentanyl name with an evasion; the result is
// HTML (some evasions use markup).
func evade(r *rand.Rand, l *phrases, ev string) string {
	name := l.fent
	switch ev {
	case "leet":
		if l.code == "ru" {
			return esc("Ф3нт4нил")
		}
		v := []string{"F3nt4nyl", "f3ntanyl", "FENT@NYL", "Fent4nyl", "F3NT4NYL", "fent4n1l"}
		switch l.code {
		case "es":
			v = []string{"F3nt4nilo", "f3ntanilo", "Fent@nilo"}
		case "pt":
			v = []string{"F3nt4nil", "fent@nil"}
		case "fr":
			v = []string{"F3nt4nyle", "fent@nyl"}
		}
		return esc(v[r.IntN(len(v))])
	case "separator":
		if l.code == "zh" {
			return esc("芬.太.尼")
		}
		seps := []string{".", "-", "*", "_"}
		sep := seps[r.IntN(len(seps))]
		if r.IntN(2) == 0 {
			return esc(strings.Join(strings.Split(strings.ToUpper(name), ""), sep))
		}
		rs := []rune(name)
		cut := len(rs) / 2
		return esc(string(rs[:cut]) + sep + string(rs[cut:]))
	case "spacing":
		if l.code == "zh" {
			return esc("芬 太 尼")
		}
		if r.IntN(2) == 0 {
			return esc(strings.Join(strings.Split(strings.ToLower(name), ""), " "))
		}
		rs := []rune(name)
		return esc(string(rs[:3]) + " " + string(rs[3:]))
	case "confusable":
		if l.code == "ru" {
			// Latin look-alikes inside the Cyrillic word
			return esc(strings.NewReplacer("е", "e", "а", "a", "Ф", "Ф").Replace(name))
		}
		v := []string{
			strings.NewReplacer("a", "а", "e", "е").Replace(name),           // Cyrillic а, е
			strings.NewReplacer("a", "α", "o", "ο").Replace(name),           // Greek α, ο
			strings.NewReplacer("e", "е", "y", "у", "F", "F").Replace(name), // Cyrillic е, у
		}
		return esc(v[r.IntN(len(v))])
	case "misspelling":
		list := misspell[l.code]
		return esc(list[r.IntN(len(list))])
	case "zero-width":
		rs := []rune(name)
		var b strings.Builder
		for i, c := range rs {
			b.WriteRune(c)
			if i < len(rs)-1 {
				if r.IntN(2) == 0 {
					b.WriteString("\u200b")
				} else {
					b.WriteString("\u00ad")
				}
			}
		}
		return esc(b.String())
	case "html-split":
		rs := []rune(name)
		cut := len(rs) / 2
		if r.IntN(2) == 0 {
			return esc(string(rs[:cut])) + "<span>" + esc(string(rs[cut:])) + "</span>"
		}
		return "<b>" + esc(string(rs[:cut])) + "</b><i></i>" + esc(string(rs[cut:]))
	case "fullwidth":
		if l.code == "zh" {
			return esc("芬太尼 ＨＣＬ")
		}
		var b strings.Builder
		for _, c := range strings.ToUpper(name) {
			if c >= 'A' && c <= 'Z' {
				b.WriteRune(c - 'A' + 'Ａ')
			} else {
				b.WriteRune(c)
			}
		}
		return esc(b.String())
	case "masked":
		return esc([]string{"F*nt*nyl", "f3nt*nyl", "FENT___NYL"}[r.IntN(3)])
	case "hook":
		return esc([]string{"ƒentanyl", "ꜰentanyl", "𝐟𝐞𝐧𝐭𝐚𝐧𝐲𝐥"}[r.IntN(3)])
	}
	return esc(name)
}
