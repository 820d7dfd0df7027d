package detect

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/rules"
	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func norms(s string) []string {
	var out []string
	for _, t := range withNorms(tokenize(s, []segment{{zone: zoneBody, start: 0, end: len(s)}})) {
		out = append(out, t.norm)
	}
	return out
}

func TestTokenizeNormalises(t *testing.T) {
	tests := []struct{ in, want string }{
		{"FENTANYL", "fentanyl"},
		{"ＦＥＮＴＡＮＹＬ ｍ３０", "fentanyl m30"},
		{"fe\u200bnta\u00adnyl", "fentanyl"},
		{"FeNtÂnYl", "fentanyl"},
		{"fеntаnyl", "fentanyl"},           // Cyrillic е, а in a Latin word
		{"фeнтaнил", "фентанил"},           // Latin e, a in a Cyrillic word
		{"𝐟𝐞𝐧𝐭𝐚𝐧𝐲𝐥", "fentanyl"},           // mathematical bold
		{"ƒentanyl ꜰᴇɴᴛ", "fentanyl fent"}, // hooked and small-capital letters
		{"Straße", "strasse"},
		{"0.0117 BTC 1,250.00", "0.0117 btc 1,250.00"},
		{"芬太尼", "芬 太 尼"},
		{"fent@nyl", "fent@nyl"}, // leet is resolved at match time
	}
	for _, tt := range tests {
		if got := strings.Join(norms(tt.in), " "); got != tt.want {
			t.Errorf("tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenSpansPointAtOriginal(t *testing.T) {
	s := "Buy ＦＥＮＴ now, f\u200be\u200bn\u200bt!"
	for _, tok := range withNorms(tokenize(s, []segment{{zone: zoneBody, start: 0, end: len(s)}})) {
		orig := s[tok.start:tok.end]
		if !utf8.ValidString(orig) || orig == "" {
			t.Errorf("token %q has span %d:%d = %q", tok.norm, tok.start, tok.end, orig)
		}
	}
}

func TestMatchingEvasions(t *testing.T) {
	d := defaultDetector(t)
	tests := []struct {
		text string
		sub  string
		how  string
	}{
		{"f3nt4nyl", "fentanyl", "leetspeak"},
		{"fent@nyl", "fentanyl", "leetspeak"},
		{"F.E.N.T.A.N.Y.L", "fentanyl", "split"},
		{"fenta*nyl", "fentanyl", "split"},
		{"Carfentani l", "carfentanil", "split"},
		{"f*nt*nyl", "fentanyl", "split"},
		{"fentanly", "fentanyl", "fuzzy"},
		{"phentanyl", "fentanyl", "leetspeak"},
		{"isotonitazine", "isotonitazene", ""},
		{"metonitazine", "metonitazene", "fuzzy"},
		{"фентанилом", "fentanyl", ""},
		{"не 芬太尼", "fentanyl", ""},
		{"CAS 79099-07-3", "1-boc-4-piperidone", ""},
		{"acetyl fentanyl", "acetylfentanyl", "split"},
	}
	for _, tt := range tests {
		toks, nb := tokenize(tt.text, []segment{{zone: zoneMain, start: 0, end: len(tt.text)}})
		found := false
		for _, m := range d.findMatches(tt.text, toks, &nb) {
			e := d.entries[m.e]
			if e.kind == kSub && d.subs[e.idx].name == tt.sub && (tt.how == "" || howNames[m.how] == tt.how) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: no %s match (how %q)", tt.text, tt.sub, tt.how)
		}
	}
	// Word boundaries: no substance inside these.
	for _, text := range []string{"Fenty Beauty", "Fentimans lemonade", "1-pentanol", "defenestrate", "carefully", "isotope", "fentons"} {
		toks, nb := tokenize(text, []segment{{zone: zoneMain, start: 0, end: len(text)}})
		for _, m := range d.findMatches(text, toks, &nb) {
			e := d.entries[m.e]
			if e.kind == kSub && e.form != fAmbig {
				t.Errorf("%q matched %s (%q)", text, d.subs[e.idx].name, e.term)
			}
		}
	}
}

func TestCharsetDecoding(t *testing.T) {
	d := defaultDetector(t)
	ru := `<html><head><meta charset="windows-1251"><title>Фентанил 1г</title></head><body><h1>Фентанил 1г</h1><p>Цена 5000 руб. Закладки, гарант.</p></body></html>`
	ruB, err := charmap.Windows1251.NewEncoder().Bytes([]byte(ru))
	if err != nil {
		t.Fatal(err)
	}
	zh := `<html><body><h1>芬太尼 现货</h1><p>价格 $300 安全清关 担保交易</p></body></html>`
	zhB, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(zh))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		page fentinel.Page
	}{
		{"windows-1251 meta", fentinel.Page{Body: ruB}},
		{"gbk header", fentinel.Page{Body: zhB, Header: map[string][]string{"Content-Type": {"text/html; charset=GBK"}}}},
	}
	for _, tt := range tests {
		v := d.Detect(tt.page)
		if !v.Flagged || len(v.Substances) == 0 || v.Substances[0] != "fentanyl" {
			t.Errorf("%s: flagged=%v substances=%v title=%q", tt.name, v.Flagged, v.Substances, v.Extracted.Title)
		}
	}
}

func TestExtraction(t *testing.T) {
	d := defaultDetector(t)
	tests := []struct {
		name string
		html string
		want fentinel.Extracted
	}{
		{"labels", `<h1>Fentanyl HCl 2g</h1><p>Price: €180.50</p><p>Vendor: ChemWolf</p><p>Ships from: Netherlands</p><p>Ships to: EU, UK</p>`,
			fentinel.Extracted{Title: "Fentanyl HCl 2g", Price: 180.5, Currency: "EUR", Quantity: 2, Unit: "g", Vendor: "ChemWolf", ShipsFrom: "Netherlands", ShipsTo: "EU"}},
		{"classes and crypto", `<div class="listing"><h1 class="t">Carfentanil 10mg</h1><span class="price">0.0042 BTC</span><span class="vendor"><a>NordicPlug</a></span><span class="ships-from">Ships from: Sweden</span></div>`,
			fentinel.Extracted{Title: "Carfentanil 10mg", Price: 0.0042, Currency: "BTC", Quantity: 10, Unit: "mg", Vendor: "NordicPlug", ShipsFrom: "Sweden"}},
		{"thousands", `<h1>NPP 1kg</h1><p>$1,250.00 per kg</p>`, fentinel.Extracted{Title: "NPP 1kg", Price: 1250, Currency: "USD", Quantity: 1, Unit: "kg"}},
		{"reais", `<h1>Fentanil 1g</h1><p>R$ 600</p>`, fentinel.Extracted{Title: "Fentanil 1g", Price: 600, Currency: "BRL", Quantity: 1, Unit: "g"}},
		{"roubles", `<h1>Фентанил 1г</h1><p>Цена 5000 руб</p>`, fentinel.Extracted{Title: "Фентанил 1г", Price: 5000, Currency: "RUB", Quantity: 1, Unit: "g"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := d.Detect(fentinel.Page{Body: []byte(tt.html)}).Extracted
			ex.Entities = nil
			if !reflect.DeepEqual(ex, tt.want) {
				t.Errorf("got  %+v\nwant %+v", ex, tt.want)
			}
		})
	}
}

func TestProfileSelectors(t *testing.T) {
	rs, err := rules.LoadFiles("p", []rules.File{{Name: "p.yaml", Data: []byte(`
substances:
  - name: fentanyl
    class: fentanyl
    aliases: {en: [fentanyl]}
sale:
  - id: sale:price
    builtin: price
    weight: 0.9
profiles:
  - id: weird
    hosts: ["*.onion"]
    title: "#x-name"
    price: "#x-cost"
    vendor: "#x-seller"
    main: "#x-box"
`)}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(rs)
	if err != nil {
		t.Fatal(err)
	}
	page := `<div id="x-box"><b id="x-name">Fentanyl 1g</b> <i id="x-cost">USD 99</i> <u id="x-seller">Wolf</u></div><nav>fentanyl fentanyl</nav>`
	v := d.Detect(fentinel.Page{URL: "http://" + synthOnion + ".onion/item/1", Body: []byte(page)})
	if v.Extracted.Title != "Fentanyl 1g" || v.Extracted.Price != 99 || v.Extracted.Currency != "USD" || v.Extracted.Vendor != "Wolf" {
		t.Errorf("extracted %+v", v.Extracted)
	}
	if !v.Flagged {
		t.Errorf("not flagged, score %.3f", v.Score)
	}
	for _, e := range v.Evidence {
		if e.Kind == fentinel.EvidenceSubstance && e.Zone != "main" && e.Zone != "nav" {
			t.Errorf("evidence zone %s, want main (profile main block) or nav", e.Zone)
		}
	}
	// Without the profile the same page is just body text.
	v2 := d.Detect(fentinel.Page{URL: "http://example.invalid/", Body: []byte(page)})
	if v2.Extracted.Vendor == "Wolf" {
		t.Errorf("profile applied to a host it does not match")
	}
}

func TestVerdictDeterministicAndExplained(t *testing.T) {
	d := defaultDetector(t)
	p := fentinel.Page{Body: []byte(`<h1>Isotonitazene 1g</h1><p>$150, escrow, ships from EU. Add to cart.</p>`)}
	a, b := d.Detect(p), d.Detect(p)
	if a.Score != b.Score || len(a.Evidence) != len(b.Evidence) {
		t.Fatalf("not deterministic: %v vs %v", a.Score, b.Score)
	}
	if a.Score < 0 || a.Score > 1 || !a.Flagged || a.Severity != fentinel.SeverityCritical || a.RulesVersion == "" {
		t.Fatalf("verdict %+v", a)
	}
	hasSub, hasSale := false, false
	for _, e := range a.Evidence {
		if e.Snippet == "" || e.Term == "" || e.Rule == "" {
			t.Errorf("evidence without rule/term/snippet: %+v", e)
		}
		if !strings.Contains(e.Snippet, e.Term) {
			t.Errorf("snippet %q does not contain term %q", e.Snippet, e.Term)
		}
		hasSub = hasSub || e.Kind == fentinel.EvidenceSubstance
		hasSale = hasSale || e.Kind == fentinel.EvidenceSale
	}
	if !hasSub || !hasSale {
		t.Errorf("evidence lacks substance or sale: %+v", a.Evidence)
	}
	if a.Language != "en" {
		t.Errorf("language = %q", a.Language)
	}
}

func TestDetectConcurrent(t *testing.T) {
	d := defaultDetector(t)
	samples := loadCorpus(t)[:60]
	want := make([]float64, len(samples))
	for i, s := range samples {
		want[i] = d.Detect(s.Page).Score
	}
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for i, s := range samples {
				if got := d.Detect(s.Page).Score; got != want[i] {
					done <- &mismatch{s.Name}
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

type mismatch struct{ name string }

func (m *mismatch) Error() string { return "score differs under concurrency for " + m.name }

// TestVerdictDoesNotAliasBody: evidence must not change when the caller
// reuses the page's body buffer.
func TestVerdictDoesNotAliasBody(t *testing.T) {
	d := defaultDetector(t)
	for _, body := range []string{"Fentanyl 1g\n$100 add to cart, escrow", "<h1>Fentanyl 1g</h1><p>$100 add to cart</p>"} {
		buf := []byte(body)
		v := d.Detect(fentinel.Page{Body: buf})
		if len(v.Evidence) == 0 {
			t.Fatalf("no evidence for %q", body)
		}
		before := v.Evidence[0].Term + v.Evidence[0].Snippet + v.Extracted.Title
		for i := range buf {
			buf[i] = 'x'
		}
		if after := v.Evidence[0].Term + v.Evidence[0].Snippet + v.Extracted.Title; after != before {
			t.Errorf("verdict changed with the body buffer: %q -> %q", before, after)
		}
	}
}

func TestHugePageIsBounded(t *testing.T) {
	d := defaultDetector(t)
	big := "<h1>Fentanyl 1g</h1><p>$100, add to cart, escrow</p>" + strings.Repeat("<p>filler text lorem ipsum</p>", (MaxInput/30)+1000)
	v := d.Detect(fentinel.Page{Body: []byte(big)})
	if !v.Flagged {
		t.Errorf("listing at the top of a huge page not flagged (score %.3f)", v.Score)
	}
	// A cut inside a multi-byte character must not make the page look
	// like a legacy encoding.
	ru := "<h1>Фентанил 1г</h1><p>Цена 5000 руб, гарант, закладки</p>"
	pad := MaxInput - len(ru) - 1 // the cut lands inside the next Cyrillic letter
	page := ru + strings.Repeat(" ", pad) + strings.Repeat("ф", 10)
	v = d.Detect(fentinel.Page{Body: []byte(page)})
	if !v.Flagged || v.Extracted.Title != "Фентанил 1г" {
		t.Errorf("cut page: flagged=%v title=%q", v.Flagged, v.Extracted.Title)
	}
}

// TestScanTagAgreesWithTokenizer: the allocation-free tag reader sees the
// same names and attributes as x/net/html's TagName/TagAttr.
func TestScanTagAgreesWithTokenizer(t *testing.T) {
	pages := []string{
		`<DIV Class="a b" id=x data-x='y' disabled><IMG SRC=a.png ALT="Fent 1g"/><a href="/x?a=1&b=2">x</a></div>`,
		`<p class = "spaced" title='it''s'><input type=submit value=Buy></p><br/><hr />`,
		`<td><b>Price: $300` + "\n" + `<tr><td>Vendor: <a href=/ class=vendor>V</a></tr></td></b>`,
	}
	for _, s := range loadCorpus(t)[:80] {
		pages = append(pages, string(s.Page.Body))
	}
	var nameBuf [32]byte
	var attrs []rawAttr
	for _, pg := range pages {
		z := html.NewTokenizer(strings.NewReader(pg))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken && tt != html.EndTagToken {
				continue
			}
			raw := append([]byte(nil), z.Raw()...)
			var name []byte
			name, attrs = scanTag(raw, nameBuf[:0], attrs)
			wantName, more := z.TagName()
			if string(name) != string(wantName) {
				t.Fatalf("%q: name %q, want %q", raw, name, wantName)
			}
			k := 0
			for more {
				var key, val []byte
				key, val, more = z.TagAttr()
				if tt == html.EndTagToken {
					continue
				}
				if k >= len(attrs) {
					t.Fatalf("%q: missing attribute %q", raw, key)
				}
				if !keyIs(attrs[k].key, string(key)) || attrText(attrs[k].val) != string(val) {
					t.Fatalf("%q: attribute %d = %q=%q, want %q=%q", raw, k, attrs[k].key, attrs[k].val, key, val)
				}
				k++
			}
		}
	}
}

// TestRuneTablesMatchUnicode: the BMP fold and class tables give what the
// table-free functions give, for every rune.
func TestRuneTablesMatchUnicode(t *testing.T) {
	bad := 0
	for r := rune(0); r < bmpSize+0x100 && bad < 10; r++ {
		want := foldSlow(r)
		if r < tableSize {
			want = computeFold(r)
		}
		if got := fold(r); got != want {
			t.Errorf("fold(%U) = %q, want %q", r, got, want)
			bad++
		}
		if got, want := isHan(r), isHanSlow(r); got != want {
			t.Errorf("isHan(%U) = %v, want %v", r, got, want)
			bad++
		}
		if got, want := isLetterRune(r), unicode.IsLetter(r); got != want {
			t.Errorf("isLetterRune(%U) = %v, want %v", r, got, want)
			bad++
		}
		if got, want := isDigitRune(r), unicode.IsDigit(r); got != want {
			t.Errorf("isDigitRune(%U) = %v, want %v", r, got, want)
			bad++
		}
		if got, want := isWordRune(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Errorf("isWordRune(%U) = %v, want %v", r, got, want)
			bad++
		}
	}
}
