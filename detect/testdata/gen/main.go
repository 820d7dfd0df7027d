// Command gen writes Fentinel's labelled detection corpus: synthetic market,
// forum, news and shop pages in seven languages, with positives (fentanyl,
// analogues, nitazenes, other NSOs, precursors, counterfeit M30 pills),
// decoys that mention fentanyl without selling it, and evasion spellings.
//
// Labels follow the product definition (shared/design.md "Detection
// quality"): a page is positive if it offers for sale fentanyl or an
// analogue, a nitazene or other novel synthetic opioid, a fentanyl
// precursor or counterfeit M30-type pills; a page that only mentions them
// is negative. Labels are written from what each page is, never from what
// the detector says.
//
//	go run ./detect/testdata/gen -out detect/testdata/corpus
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// label is one line of labels.jsonl.
type label struct {
	File       string   `json:"file"`
	Positive   bool     `json:"positive"`
	Category   string   `json:"category"`
	Language   string   `json:"language"`
	Evasion    string   `json:"evasion"`
	Layout     string   `json:"layout"`
	Substances []string `json:"substances,omitempty"`
	Charset    string   `json:"charset,omitempty"`
	Note       string   `json:"note,omitempty"`
}

type gen struct {
	r     *rand.Rand
	pages []*page
	n     map[string]int
}

func main() {
	out := flag.String("out", "detect/testdata/corpus", "output directory")
	flag.Parse()
	g := &gen{r: rand.New(rand.NewPCG(20261128, 3)), n: map[string]int{}}
	for i := range langs {
		g.language(&langs[i])
	}
	g.englishExtras()
	g.hardCases()
	g.hardBatch()
	if err := g.write(*out); err != nil {
		log.Fatal(err)
	}
	pos := 0
	for _, p := range g.pages {
		if p.positive {
			pos++
		}
	}
	fmt.Printf("wrote %d pages (%d positive, %d negative) to %s\n", len(g.pages), pos, len(g.pages)-pos, *out)
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

var sites = []string{"Abacus Sim Market", "Nebula Bazaar", "Kraken Mock", "Silk Sim", "Archetyp Mock", "Torrez Sim", "Vortex Sim"}
var vendors = []string{"SynthVendor42", "ChemWolf", "NordicPlug", "BlueLotus", "DrGreenSim", "PhillySim", "LabRat_Sim", "EuroSimChem", "Sim_Cartel_MX", "MoscowSim", "ShanghaiSimChem", "ParisPlugSim", "BerlinSim", "RioSim"}
var places = map[string][]string{
	"en": {"USA", "Canada", "UK", "Netherlands"}, "es": {"México", "España", "Colombia"}, "pt": {"Brasil", "Portugal"},
	"fr": {"France", "Belgique"}, "de": {"Deutschland", "Niederlande"}, "ru": {"Москва", "Санкт-Петербург"}, "zh": {"中国", "香港"},
}

func (g *gen) add(p *page) {
	if p.site == "" {
		p.site = g.pick(sites)
	}
	key := p.lang.code + "-" + p.category
	g.n[key]++
	p.file = fmt.Sprintf("%s-%s-%02d.html", p.lang.code, p.category, g.n[key])
	g.pages = append(g.pages, p)
}

func (g *gen) price(l *phrases) string {
	amt := fmt.Sprint(20 + g.r.IntN(900))
	if g.r.IntN(4) == 0 {
		return fmt.Sprintf("%.4f BTC", 0.001+g.r.Float64()*0.02)
	}
	if g.r.IntN(6) == 0 {
		return fmt.Sprintf("%.2f XMR", 0.2+g.r.Float64()*4)
	}
	return fmt.Sprintf(g.pick(l.priceFmt), amt)
}

func (g *gen) qty() string {
	return g.pick([]string{"1g", "5 g", "10g", "0.5g", "100 pills", "2g", "28g", "1 kg", "50g"})
}

// listing builds a sale page for a substance shown as `name` (HTML allowed).
func (g *gen) listing(l *phrases, layout, category, evasion, name string, subs []string, extra ...string) *page {
	p := &page{layout: layout, lang: l, positive: true, category: category, evasion: evasion, substances: subs}
	plain := stripTags(name)
	qty := g.qty()
	p.vendor = g.pick(vendors)
	switch layout {
	case "product", "shop":
		p.title = name + " " + esc(qty)
		p.price = g.price(l) + " " + g.pick(l.perUnit)
		p.qty = qty
		p.shipsFrom = g.pick(places[l.code])
		p.shipsTo = g.pick([]string{"Worldwide", "EU", "USA", "Mexico", "North America"})
		p.paras = []string{
			fmt.Sprintf(esc(g.pick(l.saleDesc)), name),
			esc(g.pick(l.stealth)) + " " + esc(fmt.Sprintf(g.pick(l.ship), p.shipsFrom)),
			esc(g.pick(l.escrow)) + " " + esc(g.pick(l.contact)),
		}
		p.btc = g.r.IntN(3) == 0
	case "search":
		p.title = fmt.Sprintf(esc(l.searchFor), esc(strings.ToLower(plain)))
		p.items = []card{
			{title: name + " " + esc(qty), price: g.price(l), vendor: p.vendor},
			{title: name + " " + esc(g.qty()), price: g.price(l), vendor: g.pick(vendors)},
		}
		if g.r.IntN(2) == 0 {
			p.items = append(p.items, card{title: esc(fmt.Sprintf(l.stripTitle, 10)), price: g.price(l), vendor: "SafeSupplySim"})
		}
	case "vendor":
		p.paras = []string{esc(g.pick(l.vendorBio)), esc(g.pick(l.escrow))}
		p.items = []card{
			{title: name + " " + esc(qty), price: g.price(l)},
			{title: esc(g.pick(l.ordinary)), price: g.price(l)},
		}
		p.pgp = g.r.IntN(2) == 0
	case "forum":
		p.title = esc(fmt.Sprintf("[%s] %s", strings.ToUpper(l.forSale), plain))
		p.posts = []post{
			{author: p.vendor, body: fmt.Sprintf(esc(g.pick(l.saleDesc)), name) + " " + esc(g.price(l)) + " " + esc(g.pick(l.perUnit)) + ". " + esc(g.pick(l.contact))},
			{author: "buyer" + fmt.Sprint(g.r.IntN(99)), body: esc(g.pick([]string{"Vouch, arrived in 3 days.", "+1 legit", "👍", "Ordered twice, all good."}))},
		}
	}
	for _, e := range extra {
		p.paras = append(p.paras, e)
	}
	g.add(p)
	return p
}

// language writes the per-language share of the corpus.
func (g *gen) language(l *phrases) {
	en := l.code == "en"
	fentNames := append([]string{l.fent}, l.fentAlt...)
	layouts := []string{"product", "search", "vendor", "shop", "forum", "product", "product"}
	for i, lay := range layouts {
		name := esc(fentNames[i%len(fentNames)])
		if i == 0 && l.code != "zh" && l.code != "ru" {
			name = esc(strings.ToUpper(l.fent) + " HCl")
		}
		p := g.listing(l, lay, "fentanyl", "none", name, []string{"fentanyl"})
		if i == 5 {
			// hard positive: a sale page that pastes news text
			p.paras = append(p.paras, esc(g.pick(l.newsBody)), esc(g.pick(l.newsBody)))
			p.note = "sale page with pasted news text"
		}
		if i == 6 {
			// hard positive: a vendor who adds harm-reduction advice
			p.paras = append(p.paras, esc(l.hrBody[1]))
			p.note = "sale page with harm-reduction advice"
		}
	}
	// Analogues and the medical fentanyls.
	carf := l.carf
	g.listing(l, "product", "analogue", "none", esc(carf), []string{"carfentanil"})
	anal := []struct{ name, canon string }{
		{"Acetylfentanyl", "acetylfentanyl"}, {"Furanylfentanyl", "furanylfentanyl"}, {"para-Fluorofentanyl (pFF)", "para-fluorofentanyl"},
		{"Ocfentanil", "ocfentanil"}, {"Cyclopropylfentanyl", "cyclopropylfentanyl"}, {"Butyrylfentanyl", "butyrylfentanyl"},
		{"Acrylfentanyl", "acrylfentanyl"}, {"3-Methylfentanyl", "3-methylfentanyl"}, {"Valerylfentanyl", "valerylfentanyl"},
		{"Sufentanil citrate", "sufentanil"}, {"Remifentanil", "remifentanil"}, {"Alfentanil", "alfentanil"},
		{"4-Fluoroisobutyrylfentanyl (4-FIBF)", "para-fluoroisobutyrylfentanyl"}, {"Methoxyacetylfentanyl", "methoxyacetylfentanyl"},
	}
	for k := 0; k < 2; k++ {
		a := anal[g.r.IntN(len(anal))]
		g.listing(l, []string{"product", "search"}[k], "analogue", "none", esc(a.name), []string{a.canon})
	}
	// Nitazenes.
	nit := []struct{ name, canon string }{
		{"Isotonitazene", "isotonitazene"}, {"Metonitazene", "metonitazene"}, {"Protonitazene", "protonitazene"},
		{"N-pyrrolidino etonitazene (etonitazepyne)", "etonitazepyne"}, {"Butonitazene", "butonitazene"},
		{"Flunitazene", "flunitazene"}, {"Metodesnitazene", "metodesnitazene"}, {"Protonitazepyne", "protonitazepyne"},
		{"Etodesnitazene (etazene)", "etodesnitazene"}, {"Isotonitazepyne", "isotonitazepyne"},
	}
	for k := 0; k < 3; k++ {
		a := nit[g.r.IntN(len(nit))]
		name := a.name
		if k == 2 && !en {
			name = a.name + " (" + l.nitazene + ")"
		}
		g.listing(l, []string{"product", "shop", "vendor"}[k], "nitazene", "none", esc(name), []string{a.canon})
	}
	// Other NSOs.
	nso := []struct{ name, canon string }{
		{"U-47700", "u-47700"}, {"AH-7921", "ah-7921"}, {"MT-45", "mt-45"}, {"Brorphine", "brorphine"},
		{"AP-237 (bucinnazine)", "ap-237"}, {"2-Methyl-AP-237", "2-methyl-ap-237"},
	}
	for k := 0; k < 2; k++ {
		a := nso[g.r.IntN(len(nso))]
		g.listing(l, "product", "nso", "none", esc(a.name), []string{a.canon})
	}
	// Precursors, one by CAS number only.
	prec := []struct{ name, canon, cas string }{
		{"4-ANPP", "4-anpp", "21409-26-7"}, {"NPP (N-phenethyl-4-piperidone)", "npp", "39742-60-4"},
		{"4-Anilinopiperidine (4-AP)", "4-ap", "23056-29-3"}, {"1-Boc-4-AP", "1-boc-4-ap", "125541-22-2"},
		{"Norfentanyl", "norfentanyl", "1609-66-1"}, {"4-Piperidone HCl", "4-piperidone", "41979-39-9"},
		{"1-Boc-4-piperidone", "1-boc-4-piperidone", "79099-07-3"}, {"Phenethyl bromide", "phenethyl bromide", "103-63-9"},
	}
	for k := 0; k < 3; k++ {
		a := prec[g.r.IntN(len(prec))]
		name, ev := a.name+" CAS "+a.cas, "none"
		if k == 2 {
			name, ev = "CAS "+a.cas, "cas-only"
		}
		p := g.listing(l, []string{"shop", "product", "shop"}[k], "precursor", ev, esc(name), []string{a.canon})
		p.paras = append(p.paras, esc(g.pick([]string{"Purity 99%, white powder, MOQ 1kg.", "Pharmaceutical intermediate, 99.5% purity.", "Safe delivery to Mexico and USA, door to door."})))
	}
	// Counterfeit M30 pills.
	for k, pill := range l.pills {
		if k > 2 {
			break
		}
		g.listing(l, []string{"product", "vendor", "forum"}[k], "pill", "none", esc(pill), []string{"fentanyl"})
	}
	// Evasion spellings of fentanyl and friends.
	for _, ev := range evasionsFor(l.code) {
		name := evade(g.r, l, ev)
		g.listing(l, []string{"product", "product", "search"}[g.r.IntN(3)], "fentanyl", ev, name, []string{"fentanyl"})
	}

	g.negatives(l)
}

// negatives writes the decoys and ordinary pages of one language.
func (g *gen) negatives(l *phrases) {
	neg := func(layout, category string) *page {
		return &page{layout: layout, lang: l, category: category, evasion: "none", vendor: g.pick(vendors)}
	}
	// Test strips: as a listing, in search results, from a harm-reduction vendor.
	for k, lay := range []string{"product", "search", "vendor"} {
		p := neg(lay, "test-strips")
		n := []int{10, 25, 50}[k]
		t := esc(fmt.Sprintf(l.stripTitle, n))
		switch lay {
		case "product":
			p.title, p.price, p.qty = t, g.price(l), fmt.Sprint(n)+" strips"
			p.shipsFrom = g.pick(places[l.code])
			p.paras = []string{esc(l.stripDesc[0]), esc(l.stripDesc[1]), esc(g.pick(l.escrow))}
		case "search":
			p.title = fmt.Sprintf(esc(l.searchFor), esc(strings.ToLower(l.fent)))
			p.items = []card{{title: t, price: g.price(l), vendor: "SafeSupplySim"}, {title: esc(fmt.Sprintf(l.naloxTitle, 2)), price: g.price(l), vendor: "HarmReductionSim"}}
		case "vendor":
			p.vendor = "SafeSupplySim"
			p.paras = []string{esc(l.stripDesc[1]), esc(l.hrBody[2])}
			p.items = []card{{title: t, price: g.price(l)}, {title: esc(fmt.Sprintf(l.naloxTitle, 2)), price: g.price(l)}}
		}
		g.add(p)
	}
	// Naloxone.
	for k := 0; k < 2; k++ {
		p := neg("product", "naloxone")
		p.title, p.price = esc(fmt.Sprintf(l.naloxTitle, 2+k)), g.price(l)
		p.shipsFrom = g.pick(places[l.code])
		p.paras = []string{esc(l.naloxDesc[0]), esc(l.naloxDesc[1]), esc(g.pick(l.escrow))}
		g.add(p)
	}
	// News, some with prices and sale words.
	subjects := []string{strings.ToLower(l.fent), l.carf, l.nitazene}
	for k := 0; k < 4; k++ {
		p := neg("news", "news")
		subj := subjects[k%len(subjects)]
		if l.code == "de" || l.code == "zh" {
			subj = []string{l.fent, l.carf, l.nitazene}[k%3]
		}
		p.title = esc(fmt.Sprintf(l.newsTitle[k%len(l.newsTitle)], subj))
		p.vendor = "Staff"
		p.paras = []string{esc(l.newsBody[0]), esc(l.newsBody[1]), esc(l.newsBody[2%len(l.newsBody)])}
		g.add(p)
	}
	// Market rules.
	for k := 0; k < 2; k++ {
		p := neg("page", "rules")
		p.title = esc(l.rulesTitle)
		p.paras = nil
		for _, s := range l.rulesBody {
			p.paras = append(p.paras, esc(s))
		}
		if k == 1 {
			p.layout = "forum"
			p.posts = []post{{author: "Staff", body: strings.Join(p.paras, " ")}}
		}
		g.add(p)
	}
	// Harm reduction posts.
	for k := 0; k < 2; k++ {
		p := neg("forum", "harm-reduction")
		p.title = esc(l.hrTitle)
		p.posts = []post{{author: "mod_" + fmt.Sprint(k), body: esc(strings.Join(l.hrBody, " "))}, {author: "user" + fmt.Sprint(g.r.IntN(99)), body: esc(g.pick(l.question))}}
		for i := range p.posts {
			p.posts[i].body = strings.ReplaceAll(p.posts[i].body, "%s", esc(strings.ToLower(l.fent)))
		}
		g.add(p)
	}
	// Pharmacology.
	for k := 0; k < 2; k++ {
		p := neg([]string{"news", "forum"}[k], "pharmacology")
		subj := []string{l.fent, l.carf}[k]
		p.title = esc(fmt.Sprintf(l.pharmTitle, subj))
		p.vendor = "Wiki"
		body := []string{esc(fmt.Sprintf(l.pharmBody[0], subj)), esc(l.pharmBody[1])}
		if k == 0 {
			p.paras = body
		} else {
			p.posts = []post{{author: "chemnerd", body: strings.Join(body, " ")}}
		}
		g.add(p)
	}
	// Disclaimers: opioid pills sold as pharmacy stock, "no fentanyl".
	for k := 0; k < 3; k++ {
		p := neg("product", "no-fent-disclaimer")
		p.title = esc([]string{"Oxycodone 30mg (Roxicodone) x20", "Percocet 10/325 x30", "Roxicodone 30mg M30 x100"}[k])
		p.price, p.qty = g.price(l), "20 pills"
		p.shipsFrom = g.pick(places[l.code])
		p.paras = []string{esc(g.pick(l.ordDesc)), esc(l.noFent[k%len(l.noFent)]), esc(g.pick(l.escrow))}
		g.add(p)
	}
	// Catalogue line in an unrelated listing.
	for k := 0; k < 3; k++ {
		p := neg("product", "catalogue")
		p.title = esc(l.ordinary[k%len(l.ordinary)])
		p.price = g.price(l)
		p.shipsFrom = g.pick(places[l.code])
		p.paras = []string{esc(g.pick(l.ordDesc)), esc(fmt.Sprintf(l.catalogue, "Xanax, Valium, "+strings.ToLower(l.fent)+", Tramadol")), esc(g.pick(l.escrow))}
		g.add(p)
	}
	// Ordinary listings.
	for k := 0; k < 4; k++ {
		p := neg([]string{"product", "product", "search", "vendor"}[k], "ordinary")
		t := esc(l.ordinary[(k+1)%len(l.ordinary)])
		p.title, p.price = t, g.price(l)
		p.paras = []string{esc(g.pick(l.ordDesc)), esc(g.pick(l.stealth)), esc(g.pick(l.escrow))}
		p.items = []card{{title: t, price: g.price(l), vendor: p.vendor}, {title: esc(l.ordinary[k%len(l.ordinary)]), price: g.price(l), vendor: p.vendor}}
		if k == 2 {
			p.title = fmt.Sprintf(esc(l.searchFor), t)
		}
		g.add(p)
	}
	// Forum questions that mention fentanyl without selling it.
	for k := 0; k < 2; k++ {
		p := neg("forum", "question")
		q := fmt.Sprintf(l.question[k%len(l.question)], strings.ToLower(l.fent))
		p.title = esc(q)
		p.posts = []post{{author: "newbie" + fmt.Sprint(k), body: esc(q)}, {author: "oldtimer", body: esc(l.hrBody[1])}}
		g.add(p)
	}
}

// englishExtras: collisions and hard decoys that are easiest to write in English.
func (g *gen) englishExtras() {
	l := &langs[0]
	negs := []struct {
		cat, layout, title string
		paras              []string
		note               string
	}{
		{"collision", "product", "Fenty Beauty Pro Filt'r foundation", []string{"Full coverage foundation, 50 shades. $38, add to cart, free shipping over $50."}, "Fenty is not fent"},
		{"collision", "product", "Fetty Wap tour hoodie (2016)", []string{"Official merch, size L. $45. Ships from USA. Add to cart."}, "rapper name"},
		{"collision", "product", "Tango & Cash (1989) DVD remastered", []string{"Classic action movie, region free. $9.99, buy now, ships worldwide."}, "film title"},
		{"collision", "product", "China White #4 heroin 1g", []string{"Old school #4 heroin, china white. $140 per gram, escrow, ships from NL."}, "China White as heroin (2014 usage)"},
		{"collision", "product", "NPP 100mg/ml nandrolone phenylpropionate 10ml", []string{"Steroid injectable, NPP 100. $55 per vial. Ships from EU, escrow."}, "NPP is a steroid here"},
		{"collision", "product", "4-AP (dalfampridine) 10mg x60 - MS medication", []string{"Fampyra generic for multiple sclerosis walking. $80, ships from India."}, "4-AP is 4-aminopyridine here"},
		{"collision", "product", "Xylazine HCl 100mg/ml - veterinary sedative 50ml", []string{"For large animal sedation. $60. Ships from USA, vet licence required."}, "xylazine alone is not a positive class"},
		{"collision", "shop", "1-Pentanol 99% reagent grade 1L", []string{"Solvent, CAS 71-41-0. $35 per litre, MOQ 1L, ships from DE."}, "fuzzy trap: pentanol"},
		{"collision", "product", "Fentimans Rose Lemonade 24x275ml", []string{"Botanically brewed soft drink. €42, add to cart, delivery in 3 days."}, "fuzzy trap: Fentimans"},
		{"guide", "product", "Fentanyl synthesis guide (PDF ebook)", []string{"A 40 page PDF. $25, instant delivery, escrow."}, "information product, nothing to take"},
		{"guide", "product", "Darknet opsec handbook - how vendors ship fentanyl undetected (ebook)", []string{"PDF, 120 pages. $15, add to cart."}, "information product"},
		{"news", "news", "Seven charged in darknet fentanyl pill ring", []string{"Federal prosecutors said the defendants were offering fentanyl for sale on darknet markets and shipped pills nationwide.", "Undercover agents bought pressed M30 pills for $20 each, according to the complaint.", "The vendors accepted bitcoin and used stealth packaging, investigators said."}, "press release quoting sale language"},
		{"news", "news", "What are nitazenes? A guide for parents", []string{"Nitazenes such as isotonitazene and metonitazene can be more potent than fentanyl.", "Health officials warn that counterfeit pills sold online may contain them."}, "explainer"},
		{"pharmacology", "news", "Fentanyl transdermal patch: patient information leaflet", []string{"Durogesic (fentanyl) patches 25, 50, 75 and 100 micrograms/hour.", "Do not cut the patch. Dispose of used patches by folding them in half.", "Keep out of reach of children. Ask your pharmacist about naloxone."}, "patient leaflet"},
		{"question", "forum", "Is there any vendor left selling fent?", []string{}, "buyer asking, nothing offered"},
		{"test-strips", "search", "Search results for \"fent\"", []string{}, "only harm-reduction products found"},
		{"rules", "page", "Vendor terms and conditions", []string{"We do not sell fentanyl, carfentanil or any research opioids. Don't ask.", "Orders are shipped within 48h. Escrow only. No refunds after finalize."}, "vendor terms with negated fentanyl"},
		{"no-fent-disclaimer", "product", "Mexican M30 pharmacy oxycodone - NOT pressed", []string{"Real pharmacy M30s, not pressed, no fent. $30 each, ships from USA.", "Pharmacy filled bottles, test them yourself."}, "imprint with genuine-pharma claim"},
		{"no-fent-disclaimer", "product", "MDMA pills 220mg x25 (fent free, lab tested)", []string{"Tested with reagents, fentanyl free. €70, ships from NL, escrow."}, "fent-free disclaimer"},
		{"catalogue", "vendor", "BenzoKing", []string{"Benzos and downers. We do not carry fentanyl or any opioids."}, "vendor profile with negation"},
	}
	for _, n := range negs {
		p := &page{layout: n.layout, lang: l, category: n.cat, evasion: "none", vendor: g.pick(vendors), note: n.note}
		p.title = esc(n.title)
		for _, s := range n.paras {
			p.paras = append(p.paras, esc(s))
		}
		switch n.layout {
		case "forum":
			p.posts = []post{{author: "anon", body: esc(n.title) + " Been looking for weeks, the old shops are gone."}, {author: "mod", body: "Sourcing talk is not allowed here. Thread locked."}}
		case "search":
			p.items = []card{{title: "Fentanyl test strips x10", price: "$12", vendor: "SafeSupplySim"}, {title: "Naloxone nasal spray 2 doses", price: "$40", vendor: "HarmReductionSim"}}
		case "vendor":
			p.vendor = n.title
			p.items = []card{{title: "Xanax 2mg x50", price: "$90"}, {title: "Valium 10mg x100", price: "$120"}}
		}
		g.add(p)
	}
	// Hard English positives.
	type hp struct {
		cat, layout, title string
		paras              []string
		subs               []string
		ev, note           string
	}
	hps := []hp{
		{"fentanyl", "product", "Duragesic 100mcg/h patches x5", []string{"Brand patches, sealed boxes. $250. Ships from Canada, escrow."}, []string{"fentanyl"}, "brand", "brand name only"},
		{"fentanyl", "product", "Actiq lollipops 1600mcg x3", []string{"Oral transmucosal, sealed. $180, ships from USA."}, []string{"fentanyl"}, "brand", "brand name only"},
		{"fentanyl", "product", "Sublimaze 50mcg/ml ampoules x10", []string{"Injectable, hospital stock. €300, ships from EU."}, []string{"fentanyl"}, "brand", "brand name only"},
		{"analogue", "product", "Wildnil 3mg/ml 10ml vial", []string{"Veterinary. 0.05 BTC. Ships from USA, escrow only."}, []string{"carfentanil"}, "brand", "carfentanil brand"},
		{"fentanyl", "forum", "[SELLING] clear fent, 60/g, DM on Session", []string{}, []string{"fentanyl"}, "none", "forum ad, price without currency"},
		{"fentanyl", "product", "Tranq dope 3.5g (fent + xylazine)", []string{"Long lasting tranq. $200 per bag. Ships next day, escrow."}, []string{"fentanyl", "xylazine"}, "none", "tranq with fentanyl"},
		{"fentanyl", "product", "China white (fetty) 2g - strongest on the market", []string{"Pure fetty, microgram dosing. $240, escrow, stealth shipping from Canada."}, []string{"fentanyl"}, "slang", "slang only"},
		{"pill", "product", "Dirty 30s - 100ct", []string{"Pressed blues, fetty in every one. $700, domestic USPS, escrow."}, []string{"fentanyl"}, "slang", "pill slang"},
		{"pill", "product", "Mexi blues M-30 x50", []string{"Pressed in Sinaloa, strong batch. $400 shipped, NDD, escrow."}, []string{"fentanyl"}, "slang", "pill slang"},
		{"nso", "product", "Pinky (U-47700) 5g", []string{"Pink powder, research opioid. $150, ships from China, escrow."}, []string{"u-47700"}, "none", "NSO with slang"},
		{"nitazene", "product", "Iso 1g - nitazene powder", []string{"Iso (isotonitazene) research chemical. $130, ships from EU."}, []string{"isotonitazene"}, "slang", "nitazene slang"},
		{"fentanyl", "product", "Fentanyl 1g - not cut with xylazine", []string{"No tranq, no xylazine, pure fent. $110, escrow, ships from USA."}, []string{"fentanyl"}, "none", "negation applies to the cut, not the product"},
		{"fentanyl", "product", "Fentanyl citrate 500mcg", []string{"Fentanyl - an opioid analgesic used in anesthesia. It is a potent mu-opioid receptor agonist.", "Price: $95. Add to cart. Ships from UK."}, []string{"fentanyl"}, "none", "sale page with pasted pharmacology"},
		{"fentanyl", "search", "Opioids - page 2", []string{}, []string{"fentanyl"}, "none", "category page with a fentanyl listing among others"},
		{"fentanyl", "vendor", "GotFent", []string{"Opioid specialist. Read my terms."}, []string{"fentanyl"}, "none", "vendor page listing fentanyl"},
	}
	for _, h := range hps {
		p := &page{layout: h.layout, lang: l, positive: true, category: h.cat, evasion: h.ev, substances: h.subs, vendor: g.pick(vendors), note: h.note}
		p.title = esc(h.title)
		for _, s := range h.paras {
			p.paras = append(p.paras, esc(s))
		}
		switch h.layout {
		case "forum":
			p.posts = []post{{author: "clearplug", body: esc(h.title) + ". Clear fent, tested, 60/g, 5g minimum. Ships from US. Session only."}, {author: "buyer7", body: "Vouch"}}
		case "search":
			p.items = []card{{title: "Oxycodone 10mg x20", price: "$200", vendor: "PharmaMock"}, {title: "Fentanyl HCl 1g", price: "$120", vendor: "SynthVendor42"}, {title: "Tramadol 100mg x30", price: "$60", vendor: "PharmaMock"}}
		case "vendor":
			p.vendor = h.title
			p.items = []card{{title: "Fentanyl powder 1g", price: "$110"}, {title: "Fentanyl powder 5g", price: "$450"}, {title: "Heroin #4 1g", price: "$130"}}
		}
		if h.layout == "product" {
			p.price = ""
		}
		g.add(p)
	}
}

// hardCases adds charset-encoded pages (windows-1251 Russian, GBK Chinese).
func (g *gen) hardCases() {
	ru, zh := &langs[5], &langs[6]
	for k := 0; k < 4; k++ {
		p := g.listing(ru, "product", "fentanyl", "none", esc(ru.fentAlt[k%3]), []string{"fentanyl"})
		p.charset = "windows-1251"
		p.note = "windows-1251"
		q := g.listing(zh, "shop", "precursor", "none", esc([]string{"4-哌啶酮", "N-叔丁氧羰基-4-哌啶酮", "芬太尼原粉", "去甲芬太尼"}[k]),
			[]string{[]string{"4-piperidone", "1-boc-4-piperidone", "fentanyl", "norfentanyl"}[k]})
		q.charset = "gbk"
		q.note = "gbk"
		if k == 2 {
			q.category = "fentanyl"
		}
	}
	for k := 0; k < 2; k++ {
		p := &page{layout: "news", lang: ru, category: "news", evasion: "none", vendor: "Staff", charset: "windows-1251", note: "windows-1251"}
		p.title = esc(fmt.Sprintf(ru.newsTitle[k], "фентанила"))
		p.paras = []string{esc(ru.newsBody[0]), esc(ru.newsBody[1])}
		g.add(p)
		q := &page{layout: "forum", lang: zh, category: "harm-reduction", evasion: "none", charset: "gbk", note: "gbk"}
		q.title = esc(zh.hrTitle)
		q.posts = []post{{author: "版主", body: esc(strings.Join(zh.hrBody, ""))}}
		g.add(q)
	}
}

func (g *gen) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	for _, f := range old {
		os.Remove(f)
	}
	sort.SliceStable(g.pages, func(i, j int) bool { return g.pages[i].file < g.pages[j].file })
	var labels strings.Builder
	enc := json.NewEncoder(&labels)
	enc.SetEscapeHTML(false)
	for _, p := range g.pages {
		htmlText := render(p, g.r)
		data := []byte(htmlText)
		switch p.charset {
		case "windows-1251":
			b, err := encoding.ReplaceUnsupported(charmap.Windows1251.NewEncoder()).Bytes(data)
			if err != nil {
				return fmt.Errorf("encode %s: %w", p.file, err)
			}
			data = b
		case "gbk":
			b, err := encoding.ReplaceUnsupported(simplifiedchinese.GBK.NewEncoder()).Bytes(data)
			if err != nil {
				return fmt.Errorf("encode %s: %w", p.file, err)
			}
			data = b
		}
		if err := os.WriteFile(filepath.Join(dir, p.file), data, 0o644); err != nil {
			return err
		}
		if err := enc.Encode(label{File: p.file, Positive: p.positive, Category: p.category, Language: p.lang.code,
			Evasion: p.evasion, Layout: p.layout, Substances: p.substances, Charset: p.charset, Note: p.note}); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "labels.jsonl"), []byte(labels.String()), 0o644)
}
