package marketsim

// Kinds of ground-truth pages (Listing.Kind).
const (
	KindPositive      = "positive"          // offers a fentanyl-class substance, precursor or counterfeit M30 pills
	KindOrdinary      = "ordinary"          // an ordinary drug listing (cannabis, MDMA, oxycodone with a "no fentanyl" note)
	KindTestStrips    = "decoy-test-strips" // fentanyl test strips for sale
	KindNaloxone      = "decoy-naloxone"    // naloxone / Narcan kit
	KindNews          = "decoy-news"        // news post about fentanyl deaths
	KindRules         = "decoy-rules"       // market rules banning fentanyl
	KindHarmReduction = "decoy-harm-reduction"
	KindPharmacology  = "decoy-pharmacology" // forum post on pharmacology, nothing for sale
)

// Layouts of the simulated markets (Market.Layout).
const (
	LayoutClassic = "classic" // table-based, USD prices
	LayoutModern  = "modern"  // card/div-based, BTC/XMR prices
	LayoutLab     = "lab"     // hostile pages (Options.Hostile)
)

// item is one catalogue entry: a product listing or a content page.
type item struct {
	slug       string
	title      string
	category   string // "" for content pages (rules, news, posts)
	kind       string
	substances []string // canonical names of what is offered for sale (empty for decoys)
	lang       string
	vendor     string
	usd        float64 // price in USD; modern markets show it in crypto
	crypto     string  // "BTC" or "XMR" on modern markets
	qty        string
	shipsFrom  string
	shipsTo    string
	desc       []string // paragraphs
	images     int      // product images on the listing page
}

func (it *item) positive() bool { return it.kind == KindPositive }

// classicItems is the catalogue of the table-based market.
var classicItems = []item{
	{slug: "fentanyl-hcl-powder", title: "Fentanyl HCl powder 98% pure - 1g", category: "opioids", kind: KindPositive,
		substances: []string{"fentanyl"}, lang: "en", vendor: "SynthVendor42", usd: 120, qty: "1 g",
		shipsFrom: "Netherlands", shipsTo: "Worldwide", images: 2,
		desc: []string{
			"High purity fentanyl HCl powder, lab tested at 98%. Sold by the gram, discounts from 5g.",
			"Vacuum sealed, stealth shipping, tracking included. Escrow accepted. Reship once if lost.",
			"Handle with extreme care: microgram dosing only. Buyer is responsible for proper use.",
		}},
	{slug: "carfentanil-lab-grade", title: "Carfentanil lab grade 1g (Wildnil)", category: "opioids", kind: KindPositive,
		substances: []string{"carfentanil"}, lang: "en", vendor: "ChemSynth7", usd: 450, qty: "1 g",
		shipsFrom: "China", shipsTo: "USA, Canada, EU", images: 1,
		desc: []string{
			"Carfentanil citrate powder, 99% by HPLC. Minimum order 1g. Price per gram, bulk negotiable.",
			"Ships in 48h from our warehouse with double vacuum sealing. FE for trusted buyers only.",
		}},
	{slug: "m30-blues-pressed", title: "M30 blues pressed - 100 pills (fent)", category: "opioids", kind: KindPositive,
		substances: []string{"fentanyl"}, lang: "en", vendor: "SynthVendor42", usd: 900, qty: "100 pills",
		shipsFrom: "USA", shipsTo: "USA", images: 3,
		desc: []string{
			"Pressed M30 blues, stamped M / 30, fent pressed, very strong. These are NOT pharma oxy.",
			"100 pills per order, $9 each. Discreet domestic shipping, 2-4 days. No refunds on pressed pills.",
		}},
	{slug: "4-anpp-precursor", title: "4-ANPP CAS 21409-26-7 - 100g", category: "chemicals", kind: KindPositive,
		substances: []string{"4-anpp"}, lang: "en", vendor: "ChemSynth7", usd: 700, qty: "100 g",
		shipsFrom: "China", shipsTo: "Mexico, USA", images: 1,
		desc: []string{
			"4-ANPP (4-anilino-N-phenethylpiperidine), CAS 21409-26-7, purity 99.5%. In stock now.",
			"Factory direct price, 100g per bag, larger orders by the kilo. Safe customs clearance.",
		}},
	{slug: "tranq-dope", title: "Tranq dope - xylazine + fentanyl mix 3.5g", category: "opioids", kind: KindPositive,
		substances: []string{"fentanyl", "xylazine"}, lang: "en", vendor: "PhillySim", usd: 210, qty: "3.5 g",
		shipsFrom: "USA", shipsTo: "USA",
		desc: []string{
			"Tranq: fentanyl cut with xylazine, long lasting. 3.5g per order, price per bag.",
			"Ships next day, priority mail. Escrow or FE for repeat customers.",
		}},
	{slug: "f3ntanyl-china-white", title: "F3ntanyl p0wder china white 2g", category: "opioids", kind: KindPositive,
		substances: []string{"fentanyl"}, lang: "en", vendor: "SynthVendor42", usd: 230, qty: "2 g",
		shipsFrom: "Canada", shipsTo: "North America",
		desc: []string{
			"F3ntanyl powder, china white, strong batch. 2 grams for $230, add to cart and pay in escrow.",
		}},
	{slug: "cannabis-og-kush", title: "OG Kush cannabis buds 28g", category: "cannabis", kind: KindOrdinary,
		substances: []string{"cannabis"}, lang: "en", vendor: "GreenSim", usd: 180, qty: "28 g",
		shipsFrom: "Spain", shipsTo: "EU", images: 2,
		desc: []string{"Top shelf indoor OG Kush, dense sticky buds. Cured two weeks. 28g per order."}},
	{slug: "mdma-crystal", title: "MDMA crystal 84% - 5g", category: "stimulants", kind: KindOrdinary,
		substances: []string{"mdma"}, lang: "en", vendor: "GreenSim", usd: 95, qty: "5 g",
		shipsFrom: "Germany", shipsTo: "EU",
		desc: []string{"Champagne MDMA crystal, tested 84%. 5g. Fast shipping in the EU, escrow only."}},
	{slug: "oxycodone-30mg-pharma", title: "Oxycodone 30mg pharma grade - 20 tabs", category: "pharmacy", kind: KindOrdinary,
		substances: []string{"oxycodone"}, lang: "en", vendor: "PharmaMock", usd: 600, qty: "20 pills",
		shipsFrom: "USA", shipsTo: "USA", images: 1,
		desc: []string{
			"Real pharmacy oxycodone 30mg, sourced from a pharmacy, blister packed.",
			"Not some fentanyl filled home press. There is NO fentanyl in these pills. Test them yourself.",
		}},
	{slug: "fentanyl-test-strips", title: "Fentanyl test strips - pack of 10", category: "harm-reduction", kind: KindTestStrips,
		lang: "en", vendor: "SafeSupplySim", usd: 12, qty: "10 strips",
		shipsFrom: "USA", shipsTo: "Worldwide", images: 1,
		desc: []string{
			"Fentanyl test strips (FTS) to check your supply for fentanyl before use. 10 strips per pack.",
			"Dissolve a small amount in water and dip the strip. Harm reduction at cost price.",
		}},
}

// classicPages are the content pages of the table-based market.
var classicPages = []item{
	{slug: "rules", title: "Market rules", kind: KindRules, lang: "en",
		desc: []string{
			"1. No fentanyl, carfentanil or any fentanyl analogue. Listings containing fentanyl will be removed and the vendor banned.",
			"2. No weapons, no CP, no poisons. 3. All orders go through escrow. 4. Vendors must post a PGP key.",
			"Fentanyl has killed too many people. Selling fentanyl or fentanyl-pressed pills means a permanent ban.",
		}},
	{slug: "news-overdoses", title: "News: fentanyl deaths keep rising", kind: KindNews, lang: "en",
		desc: []string{
			"A new public health report says fentanyl overdose deaths rose again last year, with counterfeit pills and xylazine mixtures blamed for many of them.",
			"Health officials urge people who use drugs to carry naloxone and to use fentanyl test strips. Our staff repeat: fentanyl is banned on this market.",
		}},
}

// modernItems is the catalogue of the card-based market.
var modernItems = []item{
	{slug: "isotonitazene-powder", title: "Isotonitazene powder 1g", category: "opioids", kind: KindPositive,
		substances: []string{"isotonitazene"}, lang: "en", vendor: "NitroSynth", usd: 140, crypto: "BTC", qty: "1 g",
		shipsFrom: "EU", shipsTo: "Worldwide", images: 2,
		desc: []string{
			"Isotonitazene (iso) powder, very potent nitazene opioid. 1g per unit, price per gram.",
			"Stealth packaging, tracking available. Escrow on the market, multisig possible.",
		}},
	{slug: "metonitazene-5g", title: "Metonitazene 5g research opioid", category: "opioids", kind: KindPositive,
		substances: []string{"metonitazene"}, lang: "en", vendor: "NitroSynth", usd: 520, crypto: "XMR", qty: "5 g",
		shipsFrom: "EU", shipsTo: "EU, UK",
		desc: []string{"Metonitazene 5 grams. Benzimidazole opioid, high purity. Order now, ships within 24h."}},
	{slug: "para-fluorofentanyl", title: "para-Fluorofentanyl (pFF) 2g", category: "opioids", kind: KindPositive,
		substances: []string{"para-fluorofentanyl"}, lang: "en", vendor: "LabRat_Sim", usd: 260, crypto: "BTC", qty: "2 g",
		shipsFrom: "Canada", shipsTo: "USA, Canada", images: 1,
		desc: []string{
			"para-Fluorofentanyl, also known as pFF or 4-FF. 2g per order. Lab analysis on request.",
			"Add to cart, pay in BTC or XMR. Reship policy: 50% on lost packages.",
		}},
	{slug: "1-boc-4-piperidone", title: "1-Boc-4-piperidone CAS 79099-07-3, 1kg", category: "research-chemicals", kind: KindPositive,
		substances: []string{"1-boc-4-piperidone"}, lang: "en", vendor: "EuroSimChem", usd: 1200, crypto: "XMR", qty: "1 kg",
		shipsFrom: "China", shipsTo: "Mexico, USA, EU",
		desc: []string{
			"N-Boc-4-piperidone (tert-butyl 4-oxopiperidine-1-carboxylate), CAS 79099-07-3. 99% purity, 1kg per bag.",
			"Bulk supply, safe delivery to Mexico and USA. Contact for kilo pricing.",
		}},
	{slug: "fentanilo-puro", title: "Fentanilo 99% puro - 5g", category: "opioids", kind: KindPositive,
		substances: []string{"fentanyl"}, lang: "es", vendor: "Sim_Cartel_MX", usd: 400, crypto: "XMR", qty: "5 g",
		shipsFrom: "Mexico", shipsTo: "Mexico, USA",
		desc: []string{
			"Fentanilo 99% puro en polvo. 5 gramos por pedido, precio por paquete.",
			"Envío discreto a todo México y Estados Unidos. Pago con Monero, entrega en 3 a 5 días.",
		}},
	{slug: "fenta-nyl-patches", title: "FENTA*NYL patches 100mcg/h - 10 pack", category: "opioids", kind: KindPositive,
		substances: []string{"fentanyl"}, lang: "en", vendor: "LabRat_Sim", usd: 350, crypto: "BTC", qty: "10 patches",
		shipsFrom: "UK", shipsTo: "EU, UK", images: 1,
		desc: []string{"Fenta*nyl matrix patches 100mcg/h, 10 per box, pharma packaging. Buy now, ships tomorrow."}},
	{slug: "cocaine-peruvian", title: "Peruvian cocaine 90% - 3.5g", category: "stimulants", kind: KindOrdinary,
		substances: []string{"cocaine"}, lang: "en", vendor: "EuroSimChem", usd: 280, crypto: "BTC", qty: "3.5 g",
		shipsFrom: "Netherlands", shipsTo: "EU",
		desc: []string{"Fishscale Peruvian cocaine, 90% pure. 3.5g. Escrow only."}},
	{slug: "lsd-blotters", title: "LSD blotters 150ug x10", category: "psychedelics", kind: KindOrdinary,
		substances: []string{"lsd"}, lang: "en", vendor: "NitroSynth", usd: 70, crypto: "XMR", qty: "10 tabs",
		shipsFrom: "Germany", shipsTo: "Worldwide", images: 1,
		desc: []string{"Ten blotters of LSD, 150ug each, art print. Letter shipping."}},
	{slug: "narcan-kit", title: "Naloxone (Narcan) nasal spray kit - 2 doses", category: "harm-reduction", kind: KindNaloxone,
		lang: "en", vendor: "HarmReductionSim", usd: 45, crypto: "XMR", qty: "2 doses",
		shipsFrom: "USA", shipsTo: "USA",
		desc: []string{
			"Naloxone 4mg nasal spray (Narcan), two doses. Reverses opioid overdoses including fentanyl.",
			"Sold at cost. Keep one with you if you or anyone around you uses opioids.",
		}},
}

// modernPages are the content pages of the card-based market.
var modernPages = []item{
	{slug: "terms", title: "Terms of service", kind: KindRules, lang: "en",
		desc: []string{
			"Prohibited: fentanyl and all fentanyl analogues, nitazenes, carfentanil, and pills pressed with fentanyl.",
			"Vendors found listing fentanyl are banned without refund of their bond. Report listings to staff.",
		}},
	{slug: "harm-reduction-guide", title: "Harm reduction: staying safe from fentanyl", kind: KindHarmReduction, lang: "en",
		desc: []string{
			"Fentanyl is showing up in pressed pills and powders. Never use alone, start low and go slow.",
			"Test every batch with fentanyl test strips and keep naloxone close. Nobody here sells fentanyl; if you see it, report it.",
		}},
	{slug: "nitazene-pharmacology", title: "Why nitazenes are more potent than fentanyl", kind: KindPharmacology, lang: "en",
		desc: []string{
			"Isotonitazene and metonitazene are benzimidazole opioids first made in the 1950s. Studies suggest potency comparable to or above fentanyl.",
			"This thread collects pharmacology papers. Nothing here is for sale; sourcing talk gets deleted.",
		}},
}
