package main

// phrases is one language's text bank. %s marks where a product or
// substance name goes. All text is synthetic, written for this corpus.
type phrases struct {
	code       string
	fent       string   // local name of fentanyl
	fentAlt    []string // other local spellings or forms
	carf       string
	nitazene   string // local generic word
	pills      []string
	buyNow     []string
	ship       []string
	escrow     []string
	priceFmt   []string // %s = amount
	perUnit    []string
	saleDesc   []string // sentences for a listing of %s
	stealth    []string
	contact    []string
	newsTitle  []string // %s = substance
	newsBody   []string
	rulesTitle string
	rulesBody  []string
	hrTitle    string
	hrBody     []string
	stripTitle string
	stripDesc  []string
	naloxTitle string
	naloxDesc  []string
	noFent     []string // disclaimer sentences for non-fentanyl pills
	catalogue  string   // "we also have: %s"
	pharmTitle string
	pharmBody  []string
	question   []string // forum questions that mention %s without selling
	searchFor  string   // "Search results for %s"
	vendorBio  []string
	ordinary   []string // ordinary drug listing titles
	ordDesc    []string
	navWords   []string
	forSale    string // "for sale"
}

var langs = []phrases{
	{
		code: "en", fent: "Fentanyl", fentAlt: []string{"fentanyl HCl", "fentanyl citrate", "fent"}, carf: "Carfentanil", nitazene: "nitazene",
		pills:    []string{"M30 blues pressed", "pressed M30s", "Mexi blues", "fake 30s (fetty pills)", "blue M30 presses"},
		buyNow:   []string{"Add to cart", "Buy now", "Order now"},
		ship:     []string{"Ships from: %s", "Shipping from %s, tracking included", "Ships worldwide from %s"},
		escrow:   []string{"Escrow accepted.", "Escrow only, no FE.", "FE for trusted buyers, escrow for new."},
		priceFmt: []string{"$%s", "USD %s", "%s USD"},
		perUnit:  []string{"per gram", "per unit", "for the lot"},
		saleDesc: []string{
			"High purity %s, tested before every batch.", "Selling %s in small and bulk quantities.",
			"Our %s is the strongest on the market, dose in micrograms.", "Fresh batch of %s just arrived, limited stock.",
			"%s available now, discount on orders over 5g.",
		},
		stealth: []string{"Vacuum sealed and stealth packed.", "Discreet packaging, no signature needed.", "Double vacuum sealed, smell proof."},
		contact: []string{"Questions? Contact me on Session.", "PGP key on my profile.", "Message me before large orders."},
		newsTitle: []string{
			"Police seize %s worth millions in port raid", "Overdose deaths linked to %s rise again",
			"Darknet vendor sentenced for selling %s", "Health officials warn about %s in counterfeit pills",
		},
		newsBody: []string{
			"Authorities said the investigation began last year after a series of overdoses.",
			"Prosecutors said the defendant shipped packages to customers in several states.",
			"According to the indictment, the pills sold for about $10 each on darknet markets.",
			"Officials urged residents to carry naloxone and never use alone.",
			"The suspects were arrested on Tuesday and remain in custody, police said.",
		},
		rulesTitle: "Market rules", rulesBody: []string{
			"Fentanyl, carfentanil and all fentanyl analogues are strictly prohibited on this market.",
			"Vendors listing nitazenes or pressed pills containing fentanyl will be banned permanently.",
			"All orders must use escrow. Disputes are handled by staff within 72 hours.",
			"No weapons, no poisons, no personal data.",
		},
		hrTitle: "Harm reduction: how to stay safe", hrBody: []string{
			"Fentanyl is showing up in powders and pressed pills everywhere.",
			"Never use alone, start low and go slow, and keep naloxone nearby.",
			"Test every batch with fentanyl test strips before you use it.",
		},
		stripTitle: "Fentanyl Test Strips (%d pack)", stripDesc: []string{
			"Check your supply for fentanyl and most fentanyl analogues before use.",
			"Dip the strip in a small amount of dissolved sample and read the result in 5 minutes.",
			"Sold at cost for harm reduction.",
		},
		naloxTitle: "Naloxone nasal spray 4mg - %d doses", naloxDesc: []string{
			"Naloxone reverses opioid overdoses including fentanyl and carfentanil.",
			"Keep one with you if anyone around you uses opioids.",
		},
		noFent:     []string{"There is NO fentanyl in these pills.", "Not some fentanyl filled home press, real pharmacy stock.", "These are pharmacy filled, no fent, no presses."},
		catalogue:  "We also have the following available: %s.",
		pharmTitle: "%s: pharmacology and potency",
		pharmBody: []string{
			"%s is a synthetic opioid and a potent mu-opioid receptor agonist.",
			"In clinical use it is given for analgesia and anesthesia; respiratory depression is the main risk.",
			"Its half-life and metabolism depend on the route of administration.",
		},
		question:  []string{"Has anyone seen %s in their stuff lately?", "Is it true that %s is in everything now?", "Where do people even find %s? Asking for research."},
		searchFor: "Search results for \"%s\"",
		vendorBio: []string{"Trusted vendor since 2021. Fast shipping, honest weights.", "Stealth is our priority. Read the terms before ordering."},
		ordinary:  []string{"OG Kush 28g top shelf", "MDMA crystal 84% 5g", "Xanax 2mg bars x50", "Ketamine shards 10g", "LSD blotters 150ug x10", "Peruvian cocaine 3.5g"},
		ordDesc:   []string{"Great quality, repeat customers welcome.", "Lab tested, exact weights.", "Ships within 24h."},
		navWords:  []string{"Home", "Categories", "Orders", "Messages", "Wallet", "Forum", "Rules", "News", "Support"},
		forSale:   "for sale",
	},
	{
		code: "es", fent: "Fentanilo", fentAlt: []string{"fentanilo puro", "citrato de fentanilo", "la fenta"}, carf: "Carfentanilo", nitazene: "nitazeno",
		pills:    []string{"pastillas azules M30", "M30 azules prensadas", "pastillas prensadas M30 (fenta)"},
		buyNow:   []string{"Añadir al carrito", "Comprar ahora", "Hacer pedido"},
		ship:     []string{"Envío desde %s", "Envío discreto desde %s", "Enviamos desde %s a todo el país"},
		escrow:   []string{"Pago en garantía (escrow).", "Solo escrow.", "Aceptamos custodia del mercado."},
		priceFmt: []string{"$%s MXN", "%s MXN", "%s €", "$%s USD"},
		perUnit:  []string{"por gramo", "por paquete", "precio por unidad"},
		saleDesc: []string{
			"%s de alta pureza, probado en cada lote.", "Vendemos %s al por mayor y menudeo.",
			"Nuestro %s es el más fuerte del mercado.", "Nuevo lote de %s disponible, existencias limitadas.",
		},
		stealth: []string{"Empaque al vacío y discreto.", "Envío discreto, sin firma."},
		contact: []string{"Escríbeme por Session para pedidos grandes.", "Contacto por Telegram."},
		newsTitle: []string{
			"Decomisan cargamento de %s en Sinaloa", "Aumentan las muertes por sobredosis de %s",
			"Detienen a vendedor de %s en la web oscura",
		},
		newsBody: []string{
			"La Fiscalía informó que la investigación comenzó el año pasado.",
			"Según las autoridades, los detenidos vendían pastillas a 150 pesos cada una.",
			"La policía aseguró más de 20 kilos durante el operativo.",
		},
		rulesTitle: "Reglas del mercado", rulesBody: []string{
			"El fentanilo, el carfentanilo y todos sus análogos están prohibidos en este mercado.",
			"Los vendedores que publiquen pastillas con fentanilo serán expulsados.",
			"Todos los pedidos deben usar escrow.",
		},
		hrTitle: "Reducción de daños: cómo protegerte", hrBody: []string{
			"El fentanilo aparece en polvos y pastillas prensadas.",
			"Nunca consumas solo y ten naloxona a la mano.",
			"Usa tiras reactivas para detectar fentanilo antes de consumir.",
		},
		stripTitle: "Tiras reactivas de fentanilo (%d piezas)", stripDesc: []string{
			"Detecta fentanilo y sus análogos en tu sustancia antes de consumir.",
			"Resultado en 5 minutos. Vendidas a precio de costo para reducción de daños.",
		},
		naloxTitle: "Naloxona spray nasal 4mg - %d dosis", naloxDesc: []string{
			"La naloxona revierte sobredosis de opioides, incluido el fentanilo.",
			"Lleva una contigo si alguien cerca consume opioides.",
		},
		noFent:     []string{"Estas pastillas NO contienen fentanilo.", "Sin fentanilo, originales de farmacia."},
		catalogue:  "También tenemos: %s.",
		pharmTitle: "%s: farmacología y potencia",
		pharmBody: []string{
			"El %s es un opioide sintético, agonista del receptor mu.",
			"En uso médico se emplea como analgésico y en anestesia.",
		},
		question:  []string{"¿Alguien ha visto %s en lo que compra?", "¿Es verdad que ahora todo trae %s?"},
		searchFor: "Resultados para \"%s\"",
		vendorBio: []string{"Vendedor de confianza desde 2020. Envíos rápidos.", "Lee las condiciones antes de comprar."},
		ordinary:  []string{"Marihuana Kush 28g", "Cocaína peruana 3.5g", "MDMA cristal 5g", "Ketamina 10g"},
		ordDesc:   []string{"Excelente calidad, clientes frecuentes bienvenidos.", "Peso exacto, envío en 24h."},
		navWords:  []string{"Inicio", "Categorías", "Pedidos", "Mensajes", "Cartera", "Foro", "Reglas", "Noticias"},
		forSale:   "en venta",
	},
	{
		code: "pt", fent: "Fentanil", fentAlt: []string{"fentanil em pó", "citrato de fentanila", "fentanila"}, carf: "Carfentanil", nitazene: "nitazeno",
		pills:    []string{"comprimidos azuis M30", "M30 azul prensado", "comprimidos prensados M30"},
		buyNow:   []string{"Adicionar ao carrinho", "Comprar agora", "Fazer pedido"},
		ship:     []string{"Envio de %s", "Enviamos de %s com rastreio", "Entrega discreta a partir de %s"},
		escrow:   []string{"Pagamento com garantia (escrow).", "Somente escrow."},
		priceFmt: []string{"R$ %s", "%s BRL", "€%s"},
		perUnit:  []string{"por grama", "por pacote"},
		saleDesc: []string{
			"%s de alta pureza, testado em cada lote.", "Vendemos %s no atacado e no varejo.",
			"Nosso %s é o mais forte do mercado.", "Novo lote de %s disponível, estoque limitado.",
		},
		stealth: []string{"Embalagem a vácuo e discreta.", "Envio discreto, sem assinatura."},
		contact: []string{"Chama no Session para pedidos grandes.", "Contato pelo Telegram."},
		newsTitle: []string{
			"Polícia Federal apreende %s em porto de Santos", "Mortes por overdose de %s preocupam autoridades",
			"Preso vendedor de %s na dark web",
		},
		newsBody: []string{
			"Segundo a Polícia Federal, a operação começou no ano passado.",
			"Os presos vendiam comprimidos por R$ 50 cada, segundo a investigação.",
			"A apreensão foi a maior do ano, informaram as autoridades.",
		},
		rulesTitle: "Regras do mercado", rulesBody: []string{
			"Fentanil, carfentanil e todos os análogos são proibidos neste mercado.",
			"Vendedores que anunciarem comprimidos com fentanil serão banidos.",
			"Todos os pedidos devem usar escrow.",
		},
		hrTitle: "Redução de danos: como se proteger", hrBody: []string{
			"O fentanil está aparecendo em pós e comprimidos prensados.",
			"Nunca use sozinho e tenha naloxona por perto.",
			"Use tiras de teste para detectar fentanil antes de usar.",
		},
		stripTitle: "Tiras de teste de fentanil (%d unidades)", stripDesc: []string{
			"Detecta fentanil e análogos antes do uso.",
			"Resultado em 5 minutos. Vendido a preço de custo para redução de danos.",
		},
		naloxTitle: "Naloxona spray nasal 4mg - %d doses", naloxDesc: []string{
			"A naloxona reverte overdoses de opioides, incluindo fentanil.",
			"Tenha sempre uma se alguém perto de você usa opioides.",
		},
		noFent:     []string{"Estes comprimidos NÃO contêm fentanil.", "Sem fentanil, originais de farmácia."},
		catalogue:  "Também temos: %s.",
		pharmTitle: "%s: farmacologia e potência",
		pharmBody: []string{
			"O %s é um opioide sintético, agonista do receptor mu.",
			"No uso médico é empregado como analgésico e em anestesia.",
		},
		question:  []string{"Alguém já viu %s no que comprou?", "É verdade que agora tudo vem com %s?"},
		searchFor: "Resultados para \"%s\"",
		vendorBio: []string{"Vendedor confiável desde 2020. Envio rápido.", "Leia as regras antes de comprar."},
		ordinary:  []string{"Maconha skunk 25g", "Cocaína 90% 5g", "MDMA 5g", "LSD 10 selos"},
		ordDesc:   []string{"Ótima qualidade, peso certo.", "Envio em 24h."},
		navWords:  []string{"Início", "Categorias", "Pedidos", "Mensagens", "Carteira", "Fórum", "Regras", "Notícias"},
		forSale:   "à venda",
	},
	{
		code: "fr", fent: "Fentanyl", fentAlt: []string{"fentanyle", "citrate de fentanyl", "fentanyl en poudre"}, carf: "Carfentanil", nitazene: "nitazène",
		pills:    []string{"pilules bleues M30 pressées", "fausses M30 (fentanyl)", "comprimés contrefaits M30"},
		buyNow:   []string{"Ajouter au panier", "Acheter maintenant", "Commander maintenant"},
		ship:     []string{"Expédié de %s", "Livraison depuis %s avec suivi", "Envoi discret depuis %s"},
		escrow:   []string{"Paiement par séquestre (escrow).", "Escrow uniquement."},
		priceFmt: []string{"%s €", "€%s", "%s EUR"},
		perUnit:  []string{"le gramme", "par lot"},
		saleDesc: []string{
			"%s de haute pureté, testé à chaque lot.", "Nous vendons %s au détail et en gros.",
			"Notre %s est le plus fort du marché.", "Nouveau lot de %s disponible, stock limité.",
		},
		stealth: []string{"Emballage sous vide et discret.", "Envoi discret, sans signature."},
		contact: []string{"Contactez-nous sur Session pour les grosses commandes.", "Clé PGP sur mon profil."},
		newsTitle: []string{
			"Saisie record de %s au port du Havre", "Les overdoses au %s inquiètent les autorités",
			"Un vendeur de %s du darknet interpellé",
		},
		newsBody: []string{
			"Selon le procureur, l'enquête a commencé l'an dernier.",
			"Les suspects vendaient les comprimés 20 euros pièce, selon la gendarmerie.",
			"La saisie est la plus importante de l'année, selon la police.",
		},
		rulesTitle: "Règles du marché", rulesBody: []string{
			"Le fentanyl, le carfentanil et tous les analogues sont interdits sur ce marché.",
			"Les vendeurs qui proposent des pilules au fentanyl seront bannis.",
			"Toutes les commandes passent par l'escrow.",
		},
		hrTitle: "Réduction des risques : se protéger", hrBody: []string{
			"Le fentanyl se retrouve dans des poudres et des comprimés pressés.",
			"Ne consommez jamais seul et gardez de la naloxone à portée de main.",
			"Utilisez des bandelettes de test pour détecter le fentanyl.",
		},
		stripTitle: "Bandelettes de test fentanyl (lot de %d)", stripDesc: []string{
			"Détecte le fentanyl et ses analogues avant consommation.",
			"Résultat en 5 minutes. Vendu à prix coûtant pour la réduction des risques.",
		},
		naloxTitle: "Naloxone spray nasal 1,8mg - %d doses", naloxDesc: []string{
			"La naloxone inverse les overdoses d'opioïdes, y compris au fentanyl.",
			"Gardez-en une si quelqu'un autour de vous consomme des opioïdes.",
		},
		noFent:     []string{"Ces comprimés ne contiennent PAS de fentanyl.", "Sans fentanyl, boîtes de pharmacie."},
		catalogue:  "Nous avons aussi : %s.",
		pharmTitle: "%s : pharmacologie et puissance",
		pharmBody: []string{
			"Le %s est un opioïde de synthèse, agoniste du récepteur mu.",
			"En usage médical il sert d'analgésique et en anesthésie.",
		},
		question:  []string{"Quelqu'un a déjà trouvé du %s dans sa came ?", "C'est vrai qu'il y a du %s partout maintenant ?"},
		searchFor: "Résultats pour « %s »",
		vendorBio: []string{"Vendeur de confiance depuis 2021. Envoi rapide.", "Lisez les conditions avant de commander."},
		ordinary:  []string{"Haschich Maroc 25g", "Cocaïne 3,5g", "MDMA 5g", "Kétamine 10g"},
		ordDesc:   []string{"Excellente qualité, poids exact.", "Envoi sous 24h."},
		navWords:  []string{"Accueil", "Catégories", "Commandes", "Messages", "Portefeuille", "Forum", "Règles", "Actualités"},
		forSale:   "à vendre",
	},
	{
		code: "de", fent: "Fentanyl", fentAlt: []string{"Fentanylpulver", "Fentanylcitrat", "Fenta"}, carf: "Carfentanil", nitazene: "Nitazen",
		pills:    []string{"gepresste Pillen M30 (Fentanyl)", "blaue M30 gepresst", "gefälschte Oxycodon M30"},
		buyNow:   []string{"In den Warenkorb", "Jetzt kaufen", "Jetzt bestellen"},
		ship:     []string{"Versand aus %s", "Diskreter Versand aus %s", "Lieferung aus %s mit Tracking"},
		escrow:   []string{"Zahlung über Treuhand (Escrow).", "Nur Escrow."},
		priceFmt: []string{"%s €", "€%s", "%s EUR"},
		perUnit:  []string{"pro Gramm", "pro Packung"},
		saleDesc: []string{
			"%s mit hoher Reinheit, jede Charge getestet.", "Wir verkaufen %s in kleinen und großen Mengen.",
			"Unser %s ist das stärkste auf dem Markt.", "Neue Charge %s verfügbar, begrenzter Vorrat.",
		},
		stealth: []string{"Vakuumiert und diskret verpackt.", "Diskreter Versand ohne Unterschrift."},
		contact: []string{"Für große Bestellungen schreib mir auf Session.", "PGP-Schlüssel im Profil."},
		newsTitle: []string{
			"Zoll beschlagnahmt %s im Hamburger Hafen", "Mehr Todesfälle durch %s",
			"Darknet-Händler wegen %s festgenommen",
		},
		newsBody: []string{
			"Laut Staatsanwaltschaft begannen die Ermittlungen im vergangenen Jahr.",
			"Die Verdächtigen verkauften die Tabletten für 15 Euro pro Stück, so die Polizei.",
			"Es ist die größte Sicherstellung des Jahres, teilte der Zoll mit.",
		},
		rulesTitle: "Marktregeln", rulesBody: []string{
			"Fentanyl, Carfentanil und alle Analoga sind auf diesem Markt verboten.",
			"Händler, die Pillen mit Fentanyl anbieten, werden gesperrt.",
			"Alle Bestellungen laufen über Escrow.",
		},
		hrTitle: "Schadensminimierung: so schützt du dich", hrBody: []string{
			"Fentanyl taucht in Pulvern und gepressten Pillen auf.",
			"Konsumiere nie allein und halte Naloxon bereit.",
			"Nutze Teststreifen, um Fentanyl vor dem Konsum zu erkennen.",
		},
		stripTitle: "Fentanyl-Teststreifen (%d Stück)", stripDesc: []string{
			"Erkennt Fentanyl und Analoga vor dem Konsum.",
			"Ergebnis in 5 Minuten. Zum Selbstkostenpreis zur Schadensminimierung.",
		},
		naloxTitle: "Naloxon Nasenspray 1,8mg - %d Dosen", naloxDesc: []string{
			"Naloxon hebt Opioid-Überdosierungen auf, auch durch Fentanyl.",
			"Halte eins bereit, wenn jemand in deiner Nähe Opioide nimmt.",
		},
		noFent:     []string{"Diese Tabletten enthalten KEIN Fentanyl.", "Ohne Fentanyl, Apothekenware."},
		catalogue:  "Wir haben auch: %s.",
		pharmTitle: "%s: Pharmakologie und Wirkstärke",
		pharmBody: []string{
			"%s ist ein synthetisches Opioid und ein Agonist am Mu-Rezeptor.",
			"Medizinisch wird es als Schmerzmittel und in der Narkose eingesetzt.",
		},
		question:  []string{"Hat jemand schon %s in seinem Zeug gefunden?", "Stimmt es, dass jetzt überall %s drin ist?"},
		searchFor: "Suchergebnisse für „%s“",
		vendorBio: []string{"Vertrauenswürdiger Händler seit 2021. Schneller Versand.", "Lies die Regeln vor der Bestellung."},
		ordinary:  []string{"Haze 25g", "Kokain 3,5g", "MDMA 5g", "Ketamin 10g"},
		ordDesc:   []string{"Top Qualität, genaues Gewicht.", "Versand innerhalb 24h."},
		navWords:  []string{"Start", "Kategorien", "Bestellungen", "Nachrichten", "Wallet", "Forum", "Regeln", "News"},
		forSale:   "zu verkaufen",
	},
	{
		code: "ru", fent: "Фентанил", fentAlt: []string{"фентанила", "фентанил порошок", "цитрат фентанила"}, carf: "Карфентанил", nitazene: "нитазен",
		pills:    []string{"поддельные таблетки M30", "синие таблетки M30 прессованные", "прессованные таблетки M30"},
		buyNow:   []string{"Купить сейчас", "В корзину", "Оформить заказ"},
		ship:     []string{"Закладки по городу %s", "Доставка из %s", "Отправка из %s курьером"},
		escrow:   []string{"Работаем через гаранта.", "Только гарант."},
		priceFmt: []string{"%s руб", "%s ₽", "$%s"},
		perUnit:  []string{"за грамм", "за клад"},
		saleDesc: []string{
			"%s высокой чистоты, каждая партия проверена.", "Продаём %s оптом и в розницу.",
			"Наш %s самый сильный на рынке.", "Новая партия: %s в наличии.",
		},
		stealth: []string{"Надёжные закладки, фото и координаты.", "Вакуумная упаковка."},
		contact: []string{"Пишите в Session для опта.", "Связь через Telegram."},
		newsTitle: []string{
			"Полиция изъяла партию %s в Москве", "Рост передозировок %s беспокоит врачей",
			"Задержан продавец %s из даркнета",
		},
		newsBody: []string{
			"Как сообщает МВД, уголовное дело возбуждено в прошлом году.",
			"По данным следствия, задержанные продавали дозы по 3000 рублей.",
			"Полиция изъяла более 2 кг вещества.",
		},
		rulesTitle: "Правила площадки", rulesBody: []string{
			"Фентанил, карфентанил и их аналоги запрещены на площадке.",
			"Продавцы, выставившие таблетки с фентанилом, получают бан.",
			"Все сделки только через гаранта.",
		},
		hrTitle: "Снижение вреда: как обезопасить себя", hrBody: []string{
			"Фентанил встречается в порошках и прессованных таблетках.",
			"Не употребляйте в одиночку и держите налоксон под рукой.",
			"Используйте тест-полоски на фентанил перед употреблением.",
		},
		stripTitle: "Тест-полоски на фентанил (%d шт)", stripDesc: []string{
			"Определяют фентанил и аналоги перед употреблением.",
			"Результат за 5 минут. Продаём по себестоимости.",
		},
		naloxTitle: "Налоксон спрей 4мг - %d доз", naloxDesc: []string{
			"Налоксон снимает передозировку опиоидами, включая фентанил.",
			"Держите при себе, если рядом кто-то употребляет опиоиды.",
		},
		noFent:     []string{"В этих таблетках НЕТ фентанила.", "Без фентанила, аптечные."},
		catalogue:  "Также есть: %s.",
		pharmTitle: "%s: фармакология и сила действия",
		pharmBody: []string{
			"%s — синтетический опиоид, агонист мю-рецептора.",
			"В медицине применяется как анальгетик и для анестезии.",
		},
		question:  []string{"Кто-нибудь встречал %s в своих покупках?", "Правда, что сейчас везде %s?"},
		searchFor: "Результаты поиска: «%s»",
		vendorBio: []string{"Работаем с 2020 года. Быстрые клады.", "Прочитайте правила перед заказом."},
		ordinary:  []string{"Шишки АК-47 5г", "Мефедрон 2г", "Амфетамин 5г", "Гашиш 10г"},
		ordDesc:   []string{"Отличное качество, точный вес.", "Клады по всему городу."},
		navWords:  []string{"Главная", "Каталог", "Заказы", "Сообщения", "Кошелёк", "Форум", "Правила", "Новости"},
		forSale:   "продажа",
	},
	{
		code: "zh", fent: "芬太尼", fentAlt: []string{"芬太尼粉末", "枸橼酸芬太尼", "芬太尼原粉"}, carf: "卡芬太尼", nitazene: "尼秦",
		pills:    []string{"M30蓝色药片", "蓝色药片 M30 压片", "假药片 M30"},
		buyNow:   []string{"立即购买", "加入购物车", "立即下单"},
		ship:     []string{"从%s发货", "%s发货 安全清关", "%s仓库现货 快递"},
		escrow:   []string{"支持担保交易。", "只走担保。"},
		priceFmt: []string{"$%s", "%s 元", "¥%s"},
		perUnit:  []string{"每克", "每公斤"},
		saleDesc: []string{
			"高纯度%s，每批检测。", "现货供应%s，批发零售。",
			"%s 质量稳定，欢迎询价。", "新到一批%s，库存有限。",
		},
		stealth: []string{"双清包税，墨西哥专线。", "安全清关，包裹隐蔽。"},
		contact: []string{"大单请联系 Session。", "联系方式：Telegram。"},
		newsTitle: []string{
			"警方查获大批%s", "%s过量致死人数上升", "暗网%s卖家被逮捕",
		},
		newsBody: []string{
			"据警方通报，该案于去年开始侦查。",
			"公安机关在行动中查获毒品20公斤。",
			"记者从法院获悉，被告人已被判刑。",
		},
		rulesTitle: "市场规则", rulesBody: []string{
			"本市场严禁出售芬太尼、卡芬太尼及其类似物。",
			"发布含芬太尼药片的卖家将被封禁。",
			"所有订单必须使用担保。",
		},
		hrTitle: "减害指南：如何保护自己", hrBody: []string{
			"芬太尼出现在粉末和压制药片中。",
			"不要独自使用，身边备好纳洛酮。",
			"使用前用试纸检测芬太尼。",
		},
		stripTitle: "芬太尼检测试纸（%d条）", stripDesc: []string{
			"使用前检测芬太尼及其类似物。",
			"五分钟出结果，成本价出售。",
		},
		naloxTitle: "纳洛酮鼻喷剂 4mg - %d 剂", naloxDesc: []string{
			"纳洛酮可逆转阿片类药物过量，包括芬太尼。",
			"身边有人使用阿片类药物时请随身携带。",
		},
		noFent:     []string{"这些药片不含芬太尼。", "药房正品，无芬太尼。"},
		catalogue:  "我们还有：%s。",
		pharmTitle: "%s：药理与效力",
		pharmBody: []string{
			"%s是一种合成阿片类药物，是μ受体激动剂。",
			"临床上用于镇痛和麻醉。",
		},
		question:  []string{"有人在货里发现过%s吗？", "听说现在到处都有%s，是真的吗？"},
		searchFor: "搜索结果：“%s”",
		vendorBio: []string{"老卖家，发货快。", "下单前请阅读规则。"},
		ordinary:  []string{"大麻 28克", "摇头丸 10粒", "氯胺酮 10克"},
		ordDesc:   []string{"质量好，重量足。", "24小时内发货。"},
		navWords:  []string{"首页", "分类", "订单", "消息", "钱包", "论坛", "规则", "新闻"},
		forSale:   "出售",
	},
}
