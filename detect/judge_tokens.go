package detect

// tokClasses is what one walk over a page's tokens (classifyTokens) finds
// for the passes after matching, so that each of them visits only its
// candidates instead of walking every token again.
type tokClasses struct {
	nums    []int32    // tokens with a digit, not CJK: number candidates (scanNumbersAt)
	ents    []int32    // tokens that may be an address (findEntitiesAt)
	labels  []int32    // tokens shaped like a label's first word (labelStartsFirstAt)
	contact bool       // some token names a contact network (contactToken)
	lang    langCounts // script and stopword counts for the language guess (termLangWeight)
}

// tokShapeCls holds shapeBits' answer for every first byte, length - 1
// (below 32) and last byte & 7 of a word, so that one byte load answers
// the three shape sets classifyTokens tests (see shapeSet for the layout
// of each set: a set's entry for a first byte and a length holds one bit
// per value of the last byte & 7).
var tokShapeCls = func() *[256 * 32 * 8]uint8 {
	var t [256 * 32 * 8]uint8
	for k := range 256 * 32 {
		for e := range 8 {
			bit := func(set uint8, cls uint8) uint8 {
				if set>>e&1 != 0 {
					return cls
				}
				return 0
			}
			t[k<<3|e] = bit(labelFirstIndex.shape[k], clsLabel) | bit(contactTokShape[k], clsContact) | bit(stopIndex.shape[k], clsStop)
		}
	}
	return &t
}()

// Class bits of a token (token.cls), set by the tokenizer when it makes
// the token (tokenClass), so that classifyTokens skips, with one byte
// load, the tokens no pass wants.
const (
	clsLabel   = 1 << iota // shaped like a label's first word (labelFirstIndex.shape)
	clsContact             // shaped like a contact network's name (contactTokShape)
	clsStop                // ASCII and shaped like a stopword (stopIndex.shape)
	clsNum                 // a digit, not CJK: a number candidate
	clsEnt                 // may be an address: letters and digits, or an onion label's length
	clsHan                 // a CJK character
	clsCyr                 // may start with a Cyrillic letter (the language guess)
)

// shapeBits is w's clsLabel, clsContact and clsStop bits by shape alone
// (clsStop before the ASCII test): tokShapeCls' entry for w's first byte,
// length and last byte.
func shapeBits(w string) uint8 {
	n := uint(len(w)) - 1
	if n >= 32 { // "" wraps around
		return 0
	}
	return tokShapeCls[(uint(w[0])<<8|n<<3|uint(w[n]&7))&(256*32*8-1)]
}

// asciiClass is tokenClass for a word of ASCII letters and digits with at
// least one of them (so a word without digits has letters): the
// tokenizer's fast path, small enough to inline.
func asciiClass(w string, digits, letters bool) uint8 {
	k := shapeBits(w)
	if digits {
		k |= clsNum
		if letters {
			k |= clsEnt
		}
	} else if len(w) == 56 {
		k |= clsEnt
	}
	return k
}

// tokenClass is the class bits of a token with norm w and the given flags:
// which of classifyTokens' tests it may pass.
func tokenClass(w string, han, digits, letters, mixed bool) uint8 {
	k := shapeBits(w)
	if han {
		return k&^clsStop | clsHan
	}
	if digits {
		k |= clsNum
		if letters {
			k |= clsEnt
		}
	} else if len(w) == 56 && letters {
		k |= clsEnt
	}
	if len(w) > 0 && w[0] >= 0x80 {
		k &^= clsStop
		if w[0]-0xD0 <= 0xD4-0xD0 && letters && !mixed {
			k |= clsCyr
		}
	}
	return k
}

// langTokens is how many tokens from the start the language guess reads.
const langTokens = 400

// classifyTokens fills c for toks, reusing c's slices. It stands for three
// earlier walks (nextNumberToken, nextEntityToken with its contact check,
// nextShape over the label first words) and guessLanguage's token loop.
// The tokenizer's class bits (token.cls) say which tests a token may pass;
// the rest of each test runs here. nb is the tokens' normBase.
func classifyTokens(toks []token, nb *normBase, c *tokClasses) {
	// The lists are appended to in c, not in locals: with three slices
	// live the loop spilled and reloaded them on every token, while most
	// tokens append nothing.
	c.nums, c.ents, c.labels, c.contact = c.nums[:0], c.ents[:0], c.labels[:0], false
	var lang langCounts
	nLang := min(len(toks), langTokens)
	for i := range toks {
		t := &toks[i]
		k := t.cls
		if i >= nLang {
			// past the language guess's tokens: only the lists are left
			k &^= clsHan | clsStop | clsCyr
		}
		if k == 0 {
			continue
		}
		if k&clsNum != 0 {
			c.nums = append(c.nums, int32(i))
		}
		if k&clsEnt != 0 {
			c.ents = append(c.ents, int32(i))
		}
		if k&clsLabel != 0 {
			c.labels = append(c.labels, int32(i))
		}
		if k&clsContact != 0 && !c.contact {
			c.contact = contactToken(nb.norm(t))
		}
		if k&(clsHan|clsStop|clsCyr) == 0 || t.zone == zoneNav {
			continue
		}
		// the language guess's tests, in their order.
		switch {
		case k&clsHan != 0:
			lang[langZH]++
		case k&clsStop != 0:
			if si := stopIndex.probe(nb.norm(t)); si >= 0 {
				lang[stopLang[si]] += 2
			}
		case startsCyrillic(nb.norm(t)): // clsCyr
			lang[langRU]++
		}
	}
	c.lang = lang
}
