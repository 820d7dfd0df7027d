package main

import "strings"

// hardSpec is a hand-written page: the harder decoys and evasions that
// sellers, journalists and harm-reduction groups produce.
type hardSpec struct {
	lang, cat, layout, title string
	paras                    []string // raw HTML
	items                    []card
	alt                      string
	pos                      bool
	subs                     []string
	ev, note                 string
}

func langByCode(code string) *phrases {
	for i := range langs {
		if langs[i].code == code {
			return &langs[i]
		}
	}
	return &langs[0]
}

var hardPages = []hardSpec{
	// --- positives -------------------------------------------------------
	{lang: "en", cat: "fentanyl", layout: "product", title: "Opening offer - strongest product on the market 5g",
		paras: []string{"Pure fent, no cut. Microgram dosing only, handle with gloves.", "$450 for 5g. Escrow, ships from Canada, tracking."},
		pos:   true, subs: []string{"fentanyl"}, note: "substance only in the description"},
	{lang: "en", cat: "fentanyl", layout: "product", title: "Product #4411 - 1g", alt: "fentanyl hcl 1g bag",
		paras: []string{"See picture. $120, add to cart, ships worldwide."},
		pos:   true, subs: []string{"fentanyl"}, note: "substance only in image alt text"},
	{lang: "en", cat: "fentanyl", layout: "product", title: "F*nt*nyl powder 2g",
		paras: []string{"You know what this is. F*nt*nyl, 2 grams, $230. Stealth shipping, escrow."},
		pos:   true, subs: []string{"fentanyl"}, ev: "masked", note: "vowels masked"},
	{lang: "en", cat: "fentanyl", layout: "product", title: "FENT___NYL 1g (read description)",
		paras: []string{"FENT___NYL, tested. $125 per gram, escrow, ships from USA."},
		pos:   true, subs: []string{"fentanyl"}, ev: "masked", note: "letters masked with underscores"},
	{lang: "es", cat: "fentanyl", layout: "product", title: "F*nt*nilo 1g",
		paras: []string{"F*nt*nilo puro, 1 gramo, 2500 MXN. Envío discreto, solo escrow."},
		pos:   true, subs: []string{"fentanyl"}, ev: "masked"},
	{lang: "de", cat: "fentanyl", layout: "product", title: "F#nt#nyl 1g",
		paras: []string{"F#nt#nyl, 1 Gramm, 140 €. Diskreter Versand aus Deutschland, nur Escrow."},
		pos:   true, subs: []string{"fentanyl"}, ev: "masked"},
	{lang: "en", cat: "fentanyl", layout: "product", title: "ꜰᴇɴᴛᴀɴʏʟ 1g",
		paras: []string{"Small caps because the filter. $115, escrow, ships from US."},
		pos:   true, subs: []string{"fentanyl"}, ev: "hook", note: "small-capital letters"},
	{lang: "fr", cat: "fentanyl", layout: "product", title: "ƒentanyl 1g pas cher",
		paras: []string{"ƒentanyl pur, 1 gramme, 120 €. Envoi discret depuis la Belgique."},
		pos:   true, subs: []string{"fentanyl"}, ev: "hook"},
	{lang: "pt", cat: "fentanyl", layout: "product", title: "𝐅𝐞𝐧𝐭𝐚𝐧𝐢𝐥 1g",
		paras: []string{"𝐅𝐞𝐧𝐭𝐚𝐧𝐢𝐥 puro, R$ 600. Envio discreto com rastreio, escrow."},
		pos:   true, subs: []string{"fentanyl"}, ev: "hook", note: "mathematical bold"},
	{lang: "en", cat: "fentanyl", layout: "product", title: "Fent 1g + free test strip",
		paras: []string{"Every order of fent ships with one free test strip so you can check it yourself.", "$110 per gram. Escrow. Ships from USA."},
		pos:   true, subs: []string{"fentanyl"}, note: "sale that bundles a test strip"},
	{lang: "en", cat: "fentanyl", layout: "product", title: "Fentanyl 1g - NO refunds, NO reships",
		paras: []string{"Strong fentanyl. No FE, no refunds. $120. Ships from US."},
		pos:   true, subs: []string{"fentanyl"}, note: "negation words near the name"},
	{lang: "de", cat: "fentanyl", layout: "product", title: "Fentanyl-Nasenspray 10ml",
		paras: []string{"Fentanyl-Nasenspray, 10 ml, 1 mg/ml. 180 €. Versand aus NL, nur Escrow."},
		pos:   true, subs: []string{"fentanyl"}},
	{lang: "ru", cat: "fentanyl", layout: "product", title: "Синтетический героин 1г",
		paras: []string{"Синтетический героин на основе фентанила. 1г — 6000 руб. Закладки по Москве, гарант."},
		pos:   true, subs: []string{"fentanyl"}},
	{lang: "ru", cat: "nitazene", layout: "product", title: "Протонитазен 1г",
		paras: []string{"Протонитазен, чистота 99%. 1г — 9000 руб. Доставка по РФ, гарант."},
		pos:   true, subs: []string{"protonitazene"}},
	{lang: "zh", cat: "precursor", layout: "shop", title: "N-苯乙基-4-哌啶酮 高纯度",
		paras: []string{"CAS 39742-60-4，纯度99%。价格面议，安全清关，墨西哥专线。"},
		pos:   true, subs: []string{"npp"}},
	{lang: "en", cat: "precursor", layout: "shop", title: "N-Phenethyl-4-piperidinone 99% (bulk)",
		paras: []string{"Pharmaceutical intermediate, 99% HPLC. MOQ 1kg, $900/kg. Safe delivery to Mexico, door to door. Telegram @simchem_sales"},
		pos:   true, subs: []string{"npp"}, note: "precursor by full chemical name"},
	{lang: "es", cat: "precursor", layout: "shop", title: "4-piperidona clorhidrato 1kg",
		paras: []string{"4-Piperidona HCl monohidratada, pureza 99%. Precio 700 USD por kilo. Envío seguro a México."},
		pos:   true, subs: []string{"4-piperidone"}},
	{lang: "en", cat: "pill", layout: "product", title: "Blues x100 (pressed)",
		paras: []string{"Fire pressed blues, stamped M 30. $650 for 100, NDD, escrow."},
		pos:   true, subs: []string{"fentanyl"}, ev: "slang"},
	{lang: "es", cat: "pill", layout: "product", title: "Las azules M30 x50",
		paras: []string{"Pastillas azules prensadas con fenta. 50 piezas, 3000 MXN. Envío a todo México."},
		pos:   true, subs: []string{"fentanyl"}, ev: "slang"},
	{lang: "en", cat: "nso", layout: "product", title: "Purple heroin (brorphine) 1g",
		paras: []string{"Brorphine based, strong. $90, escrow, ships from USA."},
		pos:   true, subs: []string{"brorphine"}, ev: "slang"},
	{lang: "en", cat: "fentanyl", layout: "forum", title: "Restock: clear + blues, DM",
		paras: []string{"Clear fent powder 60/g and pressed blues 8 each. Min order 5g. Session: 05d3adbeefd3adbeefd3adbeefd3adbeefd3adbeefd3adbeefd3adbeefd3adbeef"},
		pos:   true, subs: []string{"fentanyl"}, note: "forum vendor post, prices without currency"},
	{lang: "en", cat: "fentanyl", layout: "search", title: "Opioids",
		items: []card{{"Heroin #3 brown 1g", "$90", "DopeSim"}, {"Fent 1g 95%", "$115", "ClearPlugSim"}, {"Oxycodone 10mg x20", "$180", "PharmaMock"}},
		pos:   true, subs: []string{"fentanyl"}, note: "category page with one fentanyl listing"},
	{lang: "en", cat: "analogue", layout: "product", title: "Carf 10mg tester",
		paras: []string{"Carf, handle with extreme care. 0.004 BTC, ships from China, escrow only."},
		pos:   true, subs: []string{"carfentanil"}},
	{lang: "en", cat: "analogue", layout: "product", title: "Carfentani l 2g Wildnil",
		paras: []string{"Carfentani l, 2g. 0.03 BTC. Stealth, tracking."},
		pos:   true, subs: []string{"carfentanil"}, ev: "separator", note: "split token seen in real listings"},
	{lang: "en", cat: "fentanyl", layout: "product", title: "BUY top fentanyi [Sublimaze ] LIQUIDE AND POWDER",
		paras: []string{"Best price, contact for bulk. $100, add to cart, worldwide shipping."},
		pos:   true, subs: []string{"fentanyl"}, ev: "misspelling", note: "real-world misspelling pattern"},
	{lang: "fr", cat: "nitazene", layout: "product", title: "Isotonitazène 1g",
		paras: []string{"Isotonitazène, pureté 99%. 140 €, envoi discret depuis la France, escrow."},
		pos:   true, subs: []string{"isotonitazene"}},
	{lang: "pt", cat: "fentanyl", layout: "forum", title: "Vendo fentanil, chama no Telegram",
		paras: []string{"Fentanil em pó, R$ 500 o grama. Entrega em SP. Telegram @simvendedor"},
		pos:   true, subs: []string{"fentanyl"}},
	{lang: "zh", cat: "fentanyl", layout: "product", title: "芬太尼贴片 100微克",
		paras: []string{"芬太尼透皮贴剂，每盒5片，价格 $200。快递发货，支持担保交易。"},
		pos:   true, subs: []string{"fentanyl"}},

	// --- negatives -------------------------------------------------------
	{lang: "en", cat: "ordinary", layout: "product", title: "No Fentanyl Here - Afghan heroin #3 1g",
		paras: []string{"Real heroin, no fent, no tranq. $95 per gram, escrow, ships from NL."}, note: "heroin sale that denies fentanyl"},
	{lang: "en", cat: "guide", layout: "product", title: "Fentanyl, Inc.: How Rogue Chemists Are Creating the Deadliest Wave of the Opioid Epidemic (hardcover)",
		paras: []string{"Investigative journalism by a reporter who went undercover with Chinese chemical sellers.", "$22.99, add to cart, free shipping."}, note: "a book about fentanyl"},
	{lang: "en", cat: "collision", layout: "product", title: "TDP-0 pill press with M30 die set",
		paras: []string{"Single punch tablet press, 5000 tabs per hour. $1,200, ships from China, escrow."}, note: "equipment, no substance offered"},
	{lang: "en", cat: "test-strips", layout: "product", title: "Reagent kit bundle: Marquis, Mecke, Fentanyl",
		paras: []string{"Three reagent bottles plus 10 fentanyl strips. $45. Ships from USA."}, note: "reagent bundle"},
	{lang: "en", cat: "collision", layout: "product", title: "One Pill Can Kill awareness t-shirt",
		paras: []string{"Fentanyl awareness shirt, all sizes. $20, add to cart. Proceeds go to families."}, note: "merch"},
	{lang: "en", cat: "news", layout: "news", title: "Street price of fentanyl pills falls to $5, study finds",
		paras: []string{"Researchers tracked prices reported by people who use drugs in 12 cities.", "Counterfeit M30 pills sold for $5 to $10 each, the study published on Monday found.", "Public health officials warned the drop could mean more overdoses."}, note: "news with prices"},
	{lang: "en", cat: "news", layout: "news", title: "Zoo receives carfentanil shipment for elephant sedation",
		paras: []string{"The veterinary team said the drug, sold under the brand Wildnil, is stored in a locked safe.", "Officials said only licensed staff can handle it."}, note: "veterinary news"},
	{lang: "en", cat: "collision", layout: "news", title: "Job: anesthesia nurse (remifentanil, sufentanil experience)",
		paras: []string{"Hospital in Ohio seeks an anesthesia nurse. Salary $95,000 per year.", "Experience with remifentanil and sufentanil infusions required. Apply now."}, note: "job ad"},
	{lang: "en", cat: "harm-reduction", layout: "forum", title: "Survived a fent overdose last week",
		paras: []string{"I thought I was buying oxy. My friend had Narcan and called 911. Please test your stuff."}, note: "personal story"},
	{lang: "en", cat: "naloxone", layout: "product", title: "Naloxone training + kit (free)",
		paras: []string{"Learn to respond to opioid overdoses, including fentanyl. Kits $0, we ship free to any address."}},
	{lang: "en", cat: "rules", layout: "vendor", title: "OxyKingSim",
		paras: []string{"We will never sell fent or pressed pills. Pharma only, pharmacy sealed."},
		items: []card{{"Oxycodone 30mg x20 (pharmacy sealed)", "$600", ""}, {"Hydrocodone 10mg x30", "$240", ""}}, note: "vendor that refuses fentanyl"},
	{lang: "es", cat: "news", layout: "news", title: "Cae red que vendía fentanilo por internet",
		paras: []string{"La Fiscalía informó que los detenidos ofrecían fentanilo en venta en la web oscura.", "Según la investigación, cobraban 300 pesos por pastilla y enviaban paquetes por paquetería."}, note: "news with sale words"},
	{lang: "pt", cat: "news", layout: "news", title: "Anvisa alerta para fentanil em comprimidos falsos",
		paras: []string{"Segundo a agência, comprimidos azuis vendidos como oxicodona continham fentanil.", "A polícia apreendeu 2 mil comprimidos em São Paulo."}},
	{lang: "fr", cat: "harm-reduction", layout: "forum", title: "Analyse de produits : fentanyl détecté",
		paras: []string{"Un échantillon vendu comme héroïne contenait du fentanyl selon le service d'analyse. Attention, réduction des risques : testez vos produits."}},
	{lang: "de", cat: "pharmacology", layout: "news", title: "Fentanyl in der Palliativmedizin",
		paras: []string{"Fentanylpflaster werden Patienten mit chronischen Schmerzen verschrieben.", "Die Dosierung erfolgt in Mikrogramm pro Stunde, etwa 25 µg/h."}, note: "medical article"},
	{lang: "ru", cat: "harm-reduction", layout: "forum", title: "Осторожно: фентанил в закладках",
		paras: []string{"Ребята, в последних кладах был фентанил. Не употребляйте в одиночку, держите налоксон."}, note: "warning post using shop words"},
	{lang: "zh", cat: "news", layout: "news", title: "海关查获芬太尼前体化学品",
		paras: []string{"据海关通报，查获4-哌啶酮等前体化学品500公斤。", "犯罪嫌疑人通过网络向墨西哥出售，已被逮捕。"}, note: "news naming precursors"},
	{lang: "en", cat: "collision", layout: "product", title: "Tango & Cash Kush 7g",
		paras: []string{"Indica dominant cannabis strain. $70 for 7g, ships from Spain."}, note: "strain name"},
	{lang: "en", cat: "ordinary", layout: "product", title: "Xanax 2mg bars x100 (pressed, no fent)",
		paras: []string{"Pressed bars, tested clean: no fentanyl, no nitazenes. $150, escrow."}, note: "pressed benzo with denial"},
	{lang: "en", cat: "collision", layout: "product", title: "Pinky & The Brain vinyl figure",
		paras: []string{"Collectible, mint in box. $30, ships from USA."}, note: "slang collision"},
}

func (g *gen) hardBatch() {
	all := append(append([]hardSpec(nil), hardPages...), heldOutPages...)
	for _, h := range append(all, heldOut2Pages...) {
		l := langByCode(h.lang)
		ev := h.ev
		if ev == "" {
			ev = "none"
		}
		p := &page{layout: h.layout, lang: l, positive: h.pos, category: h.cat, evasion: ev, substances: h.subs,
			vendor: g.pick(vendors), note: h.note, title: esc(h.title), items: h.items}
		for _, para := range h.paras {
			p.paras = append(p.paras, esc(para))
		}
		if h.alt != "" {
			p.paras = append([]string{`<img src="/img/2.jpg" alt="` + esc(h.alt) + `">`}, p.paras...)
		}
		switch h.layout {
		case "forum":
			p.posts = []post{{author: p.vendor, body: strings.Join(h.paras, " ")}, {author: "reader", body: "Thanks for posting."}}
		case "vendor":
			p.vendor = h.title
		}
		g.add(p)
	}
}
