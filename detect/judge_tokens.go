package detect

// tokClasses is what one walk over a page's tokens (classifyTokens) finds
// for the passes after matching, so that each of them visits only its
// candidates instead of walking every token again.
type tokClasses struct {
	nums    []int32    // tokens with a digit, not CJK: number candidates (scanNumbersAt)
	ents    []int32    // tokens that may be an address (findEntitiesAt)
	labels  []int32    // tokens shaped like a label's first word (labelStartsAt)
	contact bool       // some token names a contact network (contactToken)
	lang    langCounts // script and stopword counts of guessLanguage's token loop
}

// Bytes of a tokShapes entry: one shapeSet each.
const (
	shapeLabel   = 0x0000ff // labelFirstIndex.shape
	shapeContact = 0x00ff00 // contactTokShape
	shapeStop    = 0xff0000 // stopIndex.shape
)

// tokShapes merges the three shape sets classifyTokens tests, so that one
// load answers all three (see shapeSet for the layout of each byte).
var tokShapes = func() *[256 * 32]uint32 {
	var t [256 * 32]uint32
	for k := range t {
		t[k] = uint32(labelFirstIndex.shape[k]) | uint32(contactTokShape[k])<<8 | uint32(stopIndex.shape[k])<<16
	}
	return &t
}()

// langTokens is how many tokens from the start guessLanguage reads.
const langTokens = 400

// classifyTokens fills c for toks, reusing c's slices. It stands for three
// earlier walks (nextNumberToken, nextEntityToken with its contact check,
// nextShape over the label first words) and guessLanguage's token loop.
func classifyTokens(toks []token, c *tokClasses) {
	nums, ents, labels := c.nums[:0], c.ents[:0], c.labels[:0]
	contact := false
	var lang langCounts
	nLang := min(len(toks), langTokens)
	for i := range toks {
		t := &toks[i]
		w := t.norm
		if t.digits {
			if !t.han {
				nums = append(nums, int32(i))
				if t.letters {
					ents = append(ents, int32(i))
				}
			}
		} else if len(w) == 56 && t.letters && !t.han { // an onion label
			ents = append(ents, int32(i))
		}
		// One load tests w's shape against the three sets: b is the bit of
		// w's last byte, repeated in each byte of the entry.
		var hits uint32
		if n := uint(len(w)) - 1; n < 32 { // "" wraps around
			b := uint32(1) << (w[n] & 7)
			hits = tokShapes[(uint(w[0])<<5|n)&(256*32-1)] & (b * 0x010101)
		}
		if hits != 0 {
			if hits&shapeLabel != 0 {
				labels = append(labels, int32(i))
			}
			if hits&shapeContact != 0 && !contact {
				contact = contactToken(w)
			}
		}
		if i >= nLang || t.zone == zoneNav {
			continue
		}
		// guessLanguage's tests, in its order.
		switch {
		case t.han:
			lang[langZH]++
		case len(w) == 0:
		case w[0] < 0x80:
			if hits&shapeStop != 0 {
				if si := stopIndex.probe(w); si >= 0 {
					lang[stopLang[si]] += 2
				}
			}
		case w[0]-0xD0 <= 0xD4-0xD0 && t.letters && !t.mixed && startsCyrillic(w):
			lang[langRU]++
		}
	}
	c.nums, c.ents, c.labels, c.contact, c.lang = nums, ents, labels, contact, lang
}
