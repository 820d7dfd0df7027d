package detect

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
)

// TestCleanVendor: labels and connective words before a vendor name are
// dropped in every rule-set language; a field of only such words is no name.
func TestCleanVendor(t *testing.T) {
	tests := []struct{ in, want string }{
		{"by NitroSynth", "NitroSynth"},
		{"By NitroSynth", "NitroSynth"},
		{"sold by NitroSynth", "NitroSynth"},
		{"Sold by: NitroSynth (4.9)", "NitroSynth"},
		{"Vendor: NitroSynth", "NitroSynth"},
		{"vendor:NitroSynth", "NitroSynth"},
		{"Seller: NitroSynth", "NitroSynth"},
		{"Vendor NitroSynth 4.8 ★ 120 sales", "NitroSynth"},
		{"de NitroSynth", "NitroSynth"},
		{"por NitroSynth", "NitroSynth"},
		{"vendido por NitroSynth", "NitroSynth"},
		{"Vendido por: NitroSynth", "NitroSynth"},
		{"Vendedor: NitroSynth", "NitroSynth"},
		{"von NitroSynth", "NitroSynth"},
		{"Verkauft von NitroSynth", "NitroSynth"},
		{"Verkäufer: NitroSynth", "NitroSynth"},
		{"par NitroSynth", "NitroSynth"},
		{"Vendu par NitroSynth", "NitroSynth"},
		{"Vendeur : NitroSynth", "NitroSynth"},
		{"от NitroSynth", "NitroSynth"},
		{"Продавец: NitroSynth", "NitroSynth"},
		{"продавец NitroSynth", "NitroSynth"},
		{"卖家：NitroSynth", "NitroSynth"},
		{"卖家 NitroSynth", "NitroSynth"},
		{"供应商: NitroSynth", "NitroSynth"},
		{"sold by the vendor", ""},
		{"by", ""},
		{"Vendor:", ""},
		{"vendido por", ""},
		{"", ""},
		{"NitroSynth.", "NitroSynth"},
		{"Sim_Cartel_MX", "Sim_Cartel_MX"},
		{"Byzantium", "Byzantium"}, // a name that starts like a connective
		{"Dealer_de", "Dealer_de"},
	}
	for _, tt := range tests {
		if got := cleanVendor(tt.in); got != tt.want {
			t.Errorf("cleanVendor(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestVendorExtraction: the vendor of a whole page, from classes and labels;
// an index page naming several different vendors has none.
func TestVendorExtraction(t *testing.T) {
	d := defaultDetector(t)
	card := func(title, vendor string) string {
		return `<div class="product-card"><a class="card-link" href="/item/1/x"><h3 class="card-title">` + title +
			`</h3></a><div class="price-tag"><span class="amount">0.002</span> <span class="ticker">BTC</span></div><div class="card-vendor">by <a href="/v/` +
			vendor + `">` + vendor + `</a></div></div>`
	}
	tests := []struct {
		name, html, want string
	}{
		{"card by", `<main><h1>Isotonitazene 1g</h1>` + card("Isotonitazene 1g", "NitroSynth") + `</main>`, "NitroSynth"},
		{"cards one vendor", `<main><h1>Opioids</h1>` + card("Isotonitazene 1g", "NitroSynth") + card("Metonitazene 5g", "NitroSynth") + `</main>`, "NitroSynth"},
		{"cards several vendors", `<main><h1>Opioids</h1>` + card("Isotonitazene 1g", "NitroSynth") + card("Fentanyl 1g", "ChemWolf") + `</main>`, ""},
		{"seller spans several vendors", `<h1>Results</h1><div><span class="seller">PhillySim</span></div><div><span class="seller">BlueLotus</span></div>`, ""},
		{"vendor box", `<h1>Fentanyl 1g</h1><div class="vendor-box"><span class="label">Vendor</span> <a class="vendor-name" href="/v/ChemWolf">ChemWolf</a> <span class="rating">4.8</span></div>`, "ChemWolf"},
		{"sold by label", `<h1>Fentanyl 1g</h1><p>Sold by ChemWolf</p>`, "ChemWolf"},
		{"es class", `<h1>Fentanilo 1g</h1><div class="vendedor-info"><span class="seller">vendido por ChemWolf</span></div>`, "ChemWolf"},
		{"de class", `<h1>Fentanyl 1g</h1><span class="vendor">von ChemWolf</span>`, "ChemWolf"},
		{"fr class", `<h1>Fentanyl 1g</h1><span class="vendor">par ChemWolf</span>`, "ChemWolf"},
		{"ru label", `<h1>Фентанил 1г</h1><p>Продавец: ChemWolf</p>`, "ChemWolf"},
		{"ru class", `<h1>Фентанил 1г</h1><span class="seller">от ChemWolf</span>`, "ChemWolf"},
		{"zh label", `<h1>芬太尼 1克</h1><p>卖家：ChemWolf</p>`, "ChemWolf"},
		{"labels several vendors", `<h1>Search</h1><p>Vendor: ChemWolf</p><p>Vendor: NordicPlug</p>`, ""},
		{"labels same vendor", `<h1>Fentanyl 1g</h1><p>Vendor: ChemWolf</p><p>More from vendor: ChemWolf</p>`, "ChemWolf"},
		{"connective only", `<h1>Fentanyl 1g</h1><p>Vendedor de confianza desde 2020.</p>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := d.Detect(fentinel.Page{Body: []byte(`<html><body>` + tt.html + `</body></html>`)})
			if v.Extracted.Vendor != tt.want {
				t.Errorf("vendor %q, want %q", v.Extracted.Vendor, tt.want)
			}
		})
	}
}

var (
	catLinkRE    = regexp.MustCompile(`href="(/(?:browse|category)/[^"?]+)"`)
	vendorLinkRE = regexp.MustCompile(`href="/(?:v|vendor)/([^"]+)"`)
)

// TestMarketsimIndexVendors: on the simulator's home and category pages of
// both layouts (fetched through its SOCKS proxy) the vendor is the one
// vendor the page links to, or none when it links to several; never a
// connective word such as "by".
func TestMarketsimIndexVendors(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sim, err := marketsim.Start(ctx, marketsim.Options{Markets: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	d := defaultDetector(t)
	c := simClient(t, sim)
	checked, single, multi := 0, 0, 0
	layouts := map[string]bool{}
	for _, m := range sim.Markets() {
		home := simFetch(t, c, m.Home())
		urls := []string{m.Home()}
		seen := map[string]bool{}
		for _, sm := range catLinkRE.FindAllStringSubmatch(string(home.Body), -1) {
			if !seen[sm[1]] {
				seen[sm[1]] = true
				urls = append(urls, "http://"+m.Onion+sm[1])
			}
		}
		if len(urls) < 2 {
			t.Fatalf("%s: no category links on the home page", m.Name)
		}
		layouts[m.Layout] = true
		for _, u := range urls {
			p := simFetch(t, c, u)
			if p.Status != http.StatusOK {
				t.Errorf("%s: status %d", u, p.Status)
				continue
			}
			vendors := map[string]bool{}
			for _, sm := range vendorLinkRE.FindAllStringSubmatch(string(p.Body), -1) {
				vendors[sm[1]] = true
			}
			got := d.Detect(p).Extracted.Vendor
			checked++
			switch {
			case len(vendors) == 1:
				single++
				for want := range vendors {
					if got != want && got != "" {
						t.Errorf("%s (%s): vendor %q, want %q or none", u, m.Layout, got, want)
					}
				}
			case len(vendors) > 1:
				multi++
				if got != "" {
					t.Errorf("%s (%s): vendor %q on a page listing %d vendors, want none", u, m.Layout, got, len(vendors))
				}
			}
			if vendorLead[strings.ToLower(got)] {
				t.Errorf("%s: vendor is the connective %q", u, got)
			}
		}
	}
	if len(layouts) < 2 || multi == 0 {
		t.Fatalf("covered layouts %v, %d pages with several vendors: the test no longer exercises index pages", layouts, multi)
	}
	t.Logf("%d pages: %d with one vendor, %d with several", checked, single, multi)
}

// TestLabelShapeNeverHidesALabel: the (first byte, length) prefilter admits
// every label first word, and labelStarts finds the same tokens with and
// without it on the corpus.
func TestLabelShapeNeverHidesALabel(t *testing.T) {
	for w := range labelFirst {
		if !labelFirstIndex.mayHave(w) || labelFirstIndex.find(w) < 0 {
			t.Errorf("label word %q rejected", w)
		}
	}
	for _, s := range loadCorpus(t) {
		doc := parseDocument(decodeBody(s.Page.Body, "text/html"), true, "")
		toks, nb := tokenize(doc.text, doc.segs)
		var want []int32
		for i := range toks {
			if labelFirst[nb.norm(&toks[i])] {
				want = append(want, int32(i))
			}
		}
		if got := labelStarts(toks, &nb, nil); !slices.Equal(got, want) {
			t.Fatalf("%s: label starts %v, want %v", s.Name, got, want)
		}
	}
}
