package detect

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// tokenDiff describes the first difference between two token lists, field
// by field, or returns "" when they are equal. Every field of token is
// compared, the norm as the string it stands for (withNorms).
func tokenDiff(got, want []refToken) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d tokens, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		switch {
		case g.norm != w.norm:
			return fmt.Sprintf("token %d: norm %q, want %q", i, g.norm, w.norm)
		case g.start != w.start || g.end != w.end:
			return fmt.Sprintf("token %d (%q): span %d:%d, want %d:%d", i, w.norm, g.start, g.end, w.start, w.end)
		case g.zone != w.zone:
			return fmt.Sprintf("token %d (%q): zone %d, want %d", i, w.norm, g.zone, w.zone)
		case g.sent != w.sent:
			return fmt.Sprintf("token %d (%q): sent %d, want %d", i, w.norm, g.sent, w.sent)
		case g.gap != w.gap:
			return fmt.Sprintf("token %d (%q): gap %d, want %d", i, w.norm, g.gap, w.gap)
		case g.han != w.han || g.digits != w.digits || g.letters != w.letters || g.leet != w.leet || g.mixed != w.mixed || g.question != w.question:
			return fmt.Sprintf("token %d (%q): flags han/digits/letters/leet/mixed/question %v/%v/%v/%v/%v/%v, want %v/%v/%v/%v/%v/%v",
				i, w.norm, g.han, g.digits, g.letters, g.leet, g.mixed, g.question, w.han, w.digits, w.letters, w.leet, w.mixed, w.question)
		case g.cls != tokenClass(w.norm, w.han, w.digits, w.letters, w.mixed):
			// the tokenizer's fast paths agree with the general rule
			return fmt.Sprintf("token %d (%q): class %#x, want %#x", i, w.norm, g.cls, tokenClass(w.norm, w.han, w.digits, w.letters, w.mixed))
		}
	}
	return ""
}

// hostileTexts are inputs that exercise the rune path and every branch of
// the tokenizer: confusables, zero-width and format characters, soft
// hyphens, leetspeak, separators inside words, invalid UTF-8, CJK,
// Cyrillic, Greek, fullwidth and mathematical letters, numbers, questions.
var hostileTexts = []string{
	"", " ", "\n", "a", "A", "1", "@", "?", "fentanyl", "FENTANYL", "Fentanyl 100mcg",
	"ＦＥＮＴＡＮＹＬ ｍ３０", "fe\u200bnta\u00adnyl", "FeNtÂnYl", "fеntаnyl", "фeнтaнил", "ФЕНТАНИЛ купить",
	"𝐟𝐞𝐧𝐭𝐚𝐧𝐲𝐥", "ƒentanyl ꜰᴇɴᴛ", "Straße STRASSE ẞ", "0.0117 BTC 1,250.00 1.5.6 3,4 .5 5.", "芬太尼 4-哌啶酮，现货！价格？",
	"fent@nyl f3nt4nyl $ufentanil @cetyl a$$ !fent |fent f|nt f!nt @@@ $$$ !!! ||| a@ a@@b a@1",
	"F.E.N.T.A.N.Y.L f-e-n-t f_e_n_t fenta*nyl f*nt*nyl FENT___NYL f..e f. e f·e·n·t f•e f/e f'e f’e f~e f+e f=e f:e f^e f`e f´e f#e f‐e f‑e f–e f—e",
	"ß ﬁ ﬃ 𝐟𝐞𝐧𝐭 ƒ ꜰᴇɴᴛ ⅒ ½ ² K Å İ ı ſ", "\xff\xfe broken \xc3", "a\xc3", "\xc3a", "fent\xffanyl", "\xed\xa0\x80 surrogate \xc0\xaf overlong",
	"a\u0301\u0302\u0303 e\u0301 \u0301x", "fent\ufe0fanyl fent\ufe0e 😀fent fent😀 🄵🄴🄽🅃", "\u200e\u200f\u202a\u2060fent\u2060anyl\u00ad",
	"Is this fentanyl? Yes. Really?! no; maybe\nnew line", "这是芬太尼吗？是的。", "¿Fentanilo? ¡Sí! … end", "what?? ?start a ? b",
	"Μεθαδόνη φεντανύλη αβγ fεntanyl", "Cafè crème naïve résumé", "中文English混合text中", "한국어 ひらがな カタカナ ｶﾀｶﾅ",
	"price: $300 / 1g — €250 £200 ¢5 ₿0.01 xmr", "M30 m-30 30mg 0.5g 1/2oz 2x 10x", "user@example.com http://abc.onion/x?y=1",
	"e\u0301e\u0301", "Ǆ ǅ ǆ ﬀ", "tab\tsep\rcr\x00nul\x7fdel", "a.b,c", "1.a", "a.1", "1..2", "1.,2", ".1", "1.",
	"Фентанил, 1г — цена 5000 руб.", "fentanilo envío rápido", "não entrega ação", "für Versand größe",
	"\u00a0nbsp\u00a0sep\u2003em\u3000ideo", "x\u00ady", "\u00ad", "\u200b", "a\u200b", "\u200ba",
	"ab\u0430\u0432 \u0430\u0432ab", "пeнтaн", "ρhentanyl", "ωmega",
	// ASCII separators between ASCII words (asciiWords' separator loop)
	"one.two. three.\nfour;five ; six . seven .eight", "x\n\ny\n \nz", "a,b, c ,d", "a - b -- c", "x#y z_ w* v__u",
	"e.g. i.e. u.s.a.", "a.?b", "end.", "a ?", "word\n", "a\n.b", "a.\nb", "a.;b", "a;\nb", "a..b", "a. .b", "a . b", "3 . 5",
	"a\tb\rc\x00d\x7fe", "a/b'c~d+e=f:g^h`i#j", "a! b@ c$ d| e", "A.\nB C\n\nD. E", "x \xd0\x90 y . z",
	// 56 bytes, an onion label's length (clsEnt), as letters, digits, both, and capitalised
	strings.Repeat("a", 56), strings.Repeat("7", 56), strings.Repeat("a1", 28), "X" + strings.Repeat("b", 55),
	strings.Repeat("б", 28) + " " + strings.Repeat("Б", 28) + " x" + strings.Repeat("а", 27) + "x",
	// words at the end of the text and just past 8 and 16 bytes (asciiWords' eight-byte steps)
	"Abcdefgh", "Abcdefghi", "Abcdefghijklmnop", "Abcdefghijklmnopq", "ab Cd", "ab CD 12 x1Y",
	// two-byte digits that fold to themselves, among letters and alone
	"x\u0663y \u0663\u0664 \u0444\u0663\u0444 \u0663\u0444 ab\u0663",
}

// hostileAtoms are the pieces randomHostile strings are built from.
var hostileAtoms = []string{
	"a", "B", "fent", "ANYL", "3", "1", "0", "@", "$", "!", "|", ".", ",", "?", "\n", " ", "  ", "-", "*", "_", "'", ";", ":",
	"é", "е", "Ф", "芬", "？", "。", "…", "¿", "\u200b", "\u00ad", "\u0301", "\xff", "\xc3", "ß", "Ａ", "３", "𝐟", "€", "£", "¢",
	"ﬃ", "K", "·", "—", "😀", "ο", "\ufe0f", "\t", "İ", "\u0663", "Ω", "Ä",
}

// randomHostile returns n strings of 1 to 12 random atoms (fixed seed).
func randomHostile(n int) []string {
	rng := rand.New(rand.NewPCG(3, 7))
	out := make([]string, 0, n)
	var b strings.Builder
	for range n {
		b.Reset()
		for k := rng.IntN(12) + 1; k > 0; k-- {
			b.WriteString(hostileAtoms[rng.IntN(len(hostileAtoms))])
		}
		out = append(out, b.String())
	}
	return out
}

// TestTokenizeMatchesReference compares the tokenizer, field by field, with
// the previous implementation (refTokenize) over every corpus document,
// every rule term, hostile inputs in one segment and split into several
// segments, and with reused (dirty, too small) token and arena buffers.
func TestTokenizeMatchesReference(t *testing.T) {
	check := func(name, text string, segs []segment) {
		t.Helper()
		want := refTokenize(text, segs)
		toks, nb := tokenize(text, segs)
		if d := tokenDiff(withNorms(toks, nb), want); d != "" {
			t.Errorf("%s: %s", name, d)
		}
		if d := mkDiff(toks, text); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
	one := func(s string) []segment { return []segment{{zone: zoneBody, start: 0, end: len(s)}} }

	// corpus documents, fresh buffers and buffers reused across documents
	var toks []token
	arena := make([]byte, 0, 4)
	for _, smp := range loadCorpus(t) {
		doc := parseDocument(decodeBody(smp.Page.Body, "text/html"), true, "")
		check(smp.Name, doc.text, doc.segs)
		toks, arena = tokenizeInto(toks, arena, doc.text, doc.segs)
		if d := tokenDiff(withNorms(toks, newNormBase(arena)), refTokenize(doc.text, doc.segs)); d != "" {
			t.Errorf("%s (reused buffers): %s", smp.Name, d)
		}
		if d := mkDiff(toks, doc.text); d != "" {
			t.Errorf("%s (reused buffers): %s", smp.Name, d)
		}
		// dirty the reused slice: every slot holds a token with every
		// field set, as a pooled slice does after matching
		toks = toks[:cap(toks)]
		for k := range toks {
			toks[k] = token{nOff: 7, nLen: 5, start: 1, end: 2, sent: 3, zone: 4, gap: 5, han: true, digits: true, letters: true,
				leet: true, mixed: true, question: true, cls: 0xFF, mk: 0xFF}
		}
		toks, arena = toks[:0], arena[:0]
	}

	// rule terms (normalizeTerm) of the default rule set
	d := defaultDetector(t)
	for _, e := range d.entries {
		check("term "+e.term, e.term, one(e.term))
	}

	// hostile inputs: whole, in random segments, and in pairs
	texts := append(append([]string(nil), hostileTexts...), randomHostile(20000)...)
	rng := rand.New(rand.NewPCG(11, 13))
	for k, s := range texts {
		check(fmt.Sprintf("%q", s), s, one(s))
		// the same text cut into segments at random byte offsets (inside
		// runes too) with random zones
		var segs []segment
		for at := 0; at < len(s); {
			n := rng.IntN(len(s)-at) + 1
			segs = append(segs, segment{zone: uint8(rng.IntN(4)), start: at, end: at + n})
			at += n
		}
		check(fmt.Sprintf("%q in %d segments", s, len(segs)), s, segs)
		if k > 0 {
			p := texts[k-1] + s
			check(fmt.Sprintf("%q", p), p, one(p))
		}
	}
}

// FuzzTokenizeMatchesReference: the tokenizer gives every field of every
// token exactly as the previous implementation did.
func FuzzTokenizeMatchesReference(f *testing.F) {
	for _, s := range hostileTexts {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, cut uint8) {
		segs := []segment{{zone: zoneBody, start: 0, end: len(s)}}
		if c := int(cut); c > 0 && c < len(s) {
			segs = []segment{{zone: zoneMain, start: 0, end: c}, {zone: zoneNav, start: c, end: len(s)}}
		}
		toks, nb := tokenize(s, segs)
		if d := tokenDiff(withNorms(toks, nb), refTokenize(s, segs)); d != "" {
			t.Fatalf("%q: %s", s, d)
		}
		if d := mkDiff(toks, s); d != "" {
			t.Fatalf("%q: %s", s, d)
		}
	})
}
