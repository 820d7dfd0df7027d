package detect

// Reference copies of the extraction stage as it was before the one-pass
// rewrites (entity candidates, contact labels, label starts, language,
// number parsing); extract_equiv_test.go compares the live code with them.

import (
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/fentinel/fentinel"
	legacysha3 "golang.org/x/crypto/sha3"
	"strconv"
)

var prevLabelFirstF = newKeyFilter(prevLabelFirst)

var prevStopF = newKeyFilter(stopwords)

// prevFindEntities extracts validated identifiers: Bitcoin (base58check,
// bech32, bech32m), Monero, Ethereum (EIP-55), v3 onions, PGP v4
// fingerprints from armored public keys, e-mail addresses and contact
// handles. text is the extracted page text, raw the decoded body.
func prevFindEntities(text, raw string, toks []refToken) []fentinel.Entity {
	var out []fentinel.Entity
	add := func(kind, value, network string) {
		if len(out) >= maxEntities {
			return
		}
		for _, e := range out { // at most maxEntities
			if e.Kind == kind && e.Value == value {
				return
			}
		}
		out = append(out, fentinel.Entity{Kind: kind, Value: value, Network: network})
	}
	for i := range toks {
		t := &toks[i]
		if t.han || !t.letters || !t.digits && len(t.norm) != 56 {
			continue
		}
		orig := text[t.start:t.end]
		n := len(orig)
		switch {
		case n >= 26 && n <= 35 && (orig[0] == '1' || orig[0] == '3'):
			if prevValidBase58Check(orig) {
				add(fentinel.EntityBTC, orig, "")
			}
		case n >= 14 && n <= 90 && strings.HasPrefix(strings.ToLower(orig), "bc1"):
			if ValidBech32Address(orig) {
				add(fentinel.EntityBTC, strings.ToLower(orig), "")
			}
		case (n == 95 || n == 106) && (orig[0] == '4' || orig[0] == '8'):
			if prevValidMonero(orig) {
				add(fentinel.EntityXMR, orig, "")
			}
		case n == 42 && (orig[:2] == "0x" || orig[:2] == "0X"):
			if prevValidEthereum(orig) {
				add(fentinel.EntityETH, orig, "")
			}
		case n == 56:
			if t.gap != gapBreak && i+1 < len(toks) && toks[i+1].norm == "onion" {
				if ValidOnionV3(strings.ToLower(orig)) {
					add(fentinel.EntityOnion, strings.ToLower(orig)+".onion", "")
				}
			}
		}
	}
	// PGP public key blocks come from the raw body (line breaks intact).
	for _, fp := range pgpFingerprints(raw) {
		add(fentinel.EntityPGP, fp, "")
	}
	prevFindContacts(text, toks, add)
	return out
}

// prevBase58Decode decodes Bitcoin-style base58 (leading '1' = zero byte).
func prevBase58Decode(s string) ([]byte, bool) {
	n := new(big.Int)
	b58 := big.NewInt(58)
	for i := 0; i < len(s); i++ {
		v := base58Index[s[i]]
		if v < 0 {
			return nil, false
		}
		n.Mul(n, b58)
		n.Add(n, big.NewInt(int64(v)))
	}
	out := n.Bytes()
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	return append(make([]byte, zeros), out...), true
}

// prevValidBase58Check reports whether s is a base58check Bitcoin address
// (P2PKH or P2SH, mainnet or testnet) with a correct checksum.
func prevValidBase58Check(s string) bool {
	b, ok := prevBase58Decode(s)
	if !ok || len(b) != 25 {
		return false
	}
	switch b[0] {
	case 0x00, 0x05, 0x6f, 0xc4:
	default:
		return false
	}
	h1 := sha256.Sum256(b[:21])
	h2 := sha256.Sum256(h1[:])
	return string(h2[:4]) == string(b[21:])
}

func prevMoneroDecodeBlock(s string) ([]byte, bool) {
	size := -1
	for i, n := range moneroBlockSizes {
		if n == len(s) {
			size = i
		}
	}
	if size < 0 {
		return nil, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		v := base58Index[s[i]]
		if v < 0 {
			return nil, false
		}
		hi, lo := prevMul64(n, 58)
		if hi != 0 {
			return nil, false
		}
		n = lo + uint64(v)
		if n < lo {
			return nil, false
		}
	}
	if size < 8 && n >= 1<<(8*uint(size)) {
		return nil, false
	}
	out := make([]byte, size)
	for i := size - 1; i >= 0; i-- {
		out[i] = byte(n)
		n >>= 8
	}
	return out, true
}

func prevMul64(a, b uint64) (hi, lo uint64) {
	x := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
	lo = x.Uint64()
	hi = new(big.Int).Rsh(x, 64).Uint64()
	return hi, lo
}

// prevValidMonero reports whether s is a Monero standard (95 characters) or
// integrated (106) address whose Keccak-256 checksum matches.
func prevValidMonero(s string) bool {
	if len(s) != 95 && len(s) != 106 {
		return false
	}
	var b []byte
	for i := 0; i < len(s); i += 11 {
		end := i + 11
		if end > len(s) {
			end = len(s)
		}
		blk, ok := prevMoneroDecodeBlock(s[i:end])
		if !ok {
			return false
		}
		b = append(b, blk...)
	}
	if len(b) < 5 {
		return false
	}
	switch b[0] {
	case 18, 19, 42, 53, 24, 36, 63: // mainnet, integrated, subaddress; stagenet/testnet
	default:
		return false
	}
	h := legacysha3.NewLegacyKeccak256()
	h.Write(b[:len(b)-4])
	sum := h.Sum(nil)
	return string(sum[:4]) == string(b[len(b)-4:])
}

// prevValidEthereum reports whether s is a 0x-prefixed 20-byte hex address
// whose mixed case, if any, matches its EIP-55 checksum.
func prevValidEthereum(s string) bool {
	if len(s) != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return false
	}
	addr := s[2:]
	if _, err := hex.DecodeString(addr); err != nil {
		return false
	}
	lower, upper := strings.ToLower(addr), strings.ToUpper(addr)
	if addr == lower || addr == upper {
		return true
	}
	h := legacysha3.NewLegacyKeccak256()
	h.Write([]byte(lower))
	sum := h.Sum(nil)
	for i := 0; i < 40; i++ {
		c := addr[i]
		if c >= '0' && c <= '9' {
			continue
		}
		nib := sum[i/2]
		if i%2 == 0 {
			nib >>= 4
		}
		nib &= 0xf
		if (nib >= 8) != (c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// prevFindContacts finds e-mail addresses, @handles, t.me links, Session IDs
// and "wickr: name" style handles.
func prevFindContacts(text string, toks []refToken, add func(kind, value, network string)) {
	// Only pages that name a contact network (or have an @) need the scan.
	need := strings.IndexByte(text, '@') >= 0
	for i := 0; i < len(toks) && !need; i++ {
		switch toks[i].norm {
		case "wickr", "session", "threema", "signal", "telegram", "jabber", "me":
			need = true
		}
	}
	if !need {
		return
	}
	// only ASCII words are searched in lower, and only offsets are read
	lower := newASCIIFolded(text)
	// One pass finds every contact label and "t.me/" link; they are then
	// read label by label, in text order, as separate searches would.
	var hitBuf [32]labelHit
	hits := prevFindLabels(lower, hitBuf[:0])
	// @ handles and e-mail addresses
	for i := 0; ; i++ {
		k := strings.IndexByte(text[i:], '@')
		if k < 0 {
			break
		}
		i += k
		l := i
		for l > 0 && (isHandleByte(text[l-1]) || text[l-1] == '+') {
			l--
		}
		r := i + 1
		for r < len(text) && isHandleByte(text[r]) {
			r++
		}
		local, domain := text[l:i], strings.TrimRight(text[i+1:r], ".-")
		if domain == "" {
			continue
		}
		if local != "" {
			dot := strings.LastIndexByte(domain, '.')
			if dot > 0 && len(domain)-dot-1 >= 2 {
				net := prevNetworkBefore(lower, l)
				if net == "jabber" {
					add(fentinel.EntityHandle, local+"@"+strings.ToLower(domain), "jabber")
				} else {
					add(fentinel.EntityEmail, local+"@"+strings.ToLower(domain), "")
				}
			}
			continue
		}
		if len(domain) >= 4 && len(domain) <= 32 {
			net := prevNetworkBefore(lower, i)
			if net == "" {
				net = "telegram"
			}
			add(fentinel.EntityHandle, "@"+domain, net)
		}
	}
	// t.me/name
	for off, h := 0, 0; ; h++ {
		for h < len(hits) && (int(hits[h].label) != tmeLabel || int(hits[h].at) < off) {
			h++
		}
		if h == len(hits) {
			break
		}
		j := int(hits[h].at)
		s := j + len("t.me/")
		e := s
		for e < len(text) && (isHandleByte(text[e]) && text[e] != '.') {
			e++
		}
		if e-s >= 4 {
			add(fentinel.EntityHandle, "@"+text[s:e], "telegram")
		}
		off = e
	}
	// labelled handles: "wickr: name", "session id: 05…", "threema: ABCD1234"
	for li, nw := range contactLabels {
		for _, h := range hits {
			if int(h.label) != li {
				continue
			}
			j := int(h.at)
			p := j + len(nw.label)
			// skip "me", "id", ":" and spaces
			for _, skip := range []string{" me", " id", " ID"} {
				if strings.HasPrefix(text[p:], skip) {
					p += len(skip)
				}
			}
			q := p
			for q < len(text) && (text[q] == ':' || text[q] == ' ' || text[q] == '-' || text[q] == '=') {
				q++
			}
			if q == p || q >= len(text) {
				continue
			}
			e := q
			for e < len(text) && (isHandleByte(text[e]) || text[e] == '@') {
				e++
			}
			v := strings.TrimRight(text[q:e], ".-")
			switch nw.network {
			case "session":
				if len(v) == 66 && strings.HasPrefix(v, "05") && isHex(v) {
					add(fentinel.EntityHandle, strings.ToLower(v), "session")
				}
			case "threema":
				if len(v) == 8 {
					add(fentinel.EntityHandle, strings.ToUpper(v), "threema")
				}
			default:
				if len(v) >= 3 && len(v) <= 40 && !strings.Contains(v, "@") {
					add(fentinel.EntityHandle, v, nw.network)
				}
			}
		}
	}
}

// prevNetworkBefore names the contact network mentioned just before offset i.
func prevNetworkBefore(lower asciiFolded, i int) string {
	a := i - 30
	if a < 0 {
		a = 0
	}
	_ = lower.s[a:i] // bounds as before
	best, bestAt := "", -1
	for _, nw := range networkWords {
		if k := lower.lastIndexIn(a, i, nw.word); k > bestAt {
			best, bestAt = nw.network, k
		}
	}
	return best
}

// prevFindLabels appends every occurrence of each contact word in lower,
// matched with ASCII case folding. Occurrences of one word do not overlap:
// the result per word equals repeated lower.index(end of previous hit, word).
func prevFindLabels(lower asciiFolded, out []labelHit) []labelHit {
	var next [8]int // per word: first offset a new hit may start at
	s := lower.s
	for i := 0; i < len(s); i++ {
		set := contactWordFirst[s[i]]
		if set == 0 {
			continue
		}
		for li, l := range contactWords {
			if set&(1<<li) == 0 || i < next[li] {
				continue
			}
			if lower.at(i, l) {
				out = append(out, labelHit{uint8(li), int32(i)})
				next[li] = i + len(l)
			}
		}
	}
	return out
}

// prevParseNumber reads "1,250.00", "1.250,00", "0.0117", "80".
func prevParseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	lastDot := strings.LastIndexByte(s, '.')
	lastComma := strings.LastIndexByte(s, ',')
	switch {
	case lastDot >= 0 && lastComma >= 0:
		if lastDot > lastComma {
			s = strings.ReplaceAll(s, ",", "")
		} else {
			s = strings.ReplaceAll(s, ".", "")
			s = strings.Replace(s, ",", ".", 1)
		}
	case lastComma >= 0:
		// "1,250" thousands vs "12,5" decimal
		if len(s)-lastComma-1 == 3 && strings.Count(s, ",") >= 1 {
			s = strings.ReplaceAll(s, ",", "")
		} else {
			s = strings.Replace(s, ",", ".", 1)
		}
	case lastDot >= 0 && strings.Count(s, ".") > 1:
		s = strings.ReplaceAll(s, ".", "")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// prevMayBeLabelFirst reports whether w can be a label's first word; false is
// certain.
func prevMayBeLabelFirst(w string) bool {
	return len(w) > 0 && len(w) < 64 && prevLabelFirstShape[w[0]]&(1<<len(w)) != 0
}

// prevLabelStarts appends to out the indexes of the tokens that may begin a
// label (the first word of some vendor or shipping label).
func prevLabelStarts(toks []refToken, out []int32) []int32 {
	for i := range toks {
		if w := toks[i].norm; prevMayBeLabelFirst(w) && prevLabelFirstF.mayHave(w) && prevLabelFirst[w] {
			out = append(out, int32(i))
		}
	}
	return out
}

// prevLabelValueAt is labelValue over the label starts found by prevLabelStarts.
func prevLabelValueAt(text string, toks []refToken, starts []int32, labels [][]string, max int, oneWord bool) string {
	for _, i32 := range starts {
		i := int(i32)
		for _, l := range labels {
			if toks[i].norm != l[0] || i+len(l) > len(toks) {
				continue
			}
			ok := true
			for k := 1; k < len(l); k++ {
				if toks[i+k].norm != l[k] {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			end := toks[i+len(l)-1].end
			v := prevValueAfter(text, end, max, oneWord)
			if v != "" {
				return v
			}
		}
	}
	return ""
}

func prevValueAfter(text string, i, max int, oneWord bool) string {
	// skip ": " or " - " or spaces
	for i < len(text) && (text[i] == ':' || text[i] == ' ' || text[i] == '-' || text[i] == '=' || text[i] == '\t') {
		i++
	}
	if i < len(text) && strings.HasPrefix(text[i:], "：") {
		i += len("：")
	}
	j := i
	for j < len(text) && j-i < max {
		c := text[j]
		if c == '\n' || c == '|' || c == ';' || c == ',' || c == '(' || c == '[' {
			break
		}
		if oneWord && c == ' ' {
			break
		}
		j++
	}
	for j > i && j < len(text) && !utf8.RuneStart(text[j]) {
		j--
	}
	v := strings.TrimSpace(text[i:j])
	v = strings.TrimRight(v, ".:")
	return v
}

// prevCleanVendor returns the vendor name in a field's text: leading labels and
// connective words ("by", "sold by", "Vendor:", "vendido por", "von",
// "продавец:", "卖家：") are dropped and the first remaining word is the name.
// It returns "" when nothing but such words is left.
func prevCleanVendor(s string) string {
	s = strings.TrimSpace(s)
	for s != "" {
		s = strings.TrimLeft(s, " \t\n:-–—|·=")
		if t := strings.TrimPrefix(s, "："); t != s {
			s = t
			continue
		}
		cut := false
		for _, p := range vendorLeadCJK {
			if strings.HasPrefix(s, p) {
				s, cut = s[len(p):], true
				break
			}
		}
		if cut {
			continue
		}
		w := s
		if i := strings.IndexAny(s, " \t\n"); i >= 0 {
			w = s[:i]
		}
		var buf [32]byte
		lw := strings.TrimRight(w, ":：")
		if k := strings.IndexAny(lw, ":："); k > 0 && prevIsVendorLead(lw[:k], &buf) {
			// "vendor:NitroSynth"
			s = s[k:]
			continue
		}
		if !prevIsVendorLead(lw, &buf) {
			break
		}
		s = s[len(w):]
	}
	w := s
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		w = s[:i]
	}
	w = strings.TrimRight(w, ".,;:：!?)")
	var buf [32]byte
	if prevIsVendorLead(w, &buf) {
		return ""
	}
	return w
}

// prevIsVendorLead reports whether w, lower-cased, is in vendorLead; short
// ASCII words are lower-cased in buf instead of allocating.
func prevIsVendorLead(w string, buf *[32]byte) bool {
	if len(w) > len(buf) {
		return vendorLead[strings.ToLower(w)]
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 0x80 {
			return vendorLead[strings.ToLower(w)]
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return vendorLead[string(buf[:len(w)])]
}

// prevVendorByLabel reads the vendor after a label ("Vendor: X", "sold by X").
// When the labels on a page name different vendors (an index or category
// page) it returns "" rather than guess.
func prevVendorByLabel(text string, toks []refToken, starts []int32) string {
	name := ""
	for _, i32 := range starts {
		i := int(i32)
		for _, l := range vendorLabels {
			if toks[i].norm != l[0] || i+len(l) > len(toks) {
				continue
			}
			ok := true
			for k := 1; k < len(l); k++ {
				if toks[i+k].norm != l[k] {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			v := prevCleanVendor(prevValueAfter(text, toks[i+len(l)-1].end, 40, true))
			if v == "" {
				continue
			}
			if name == "" {
				name = v
			} else if v != name {
				return ""
			}
			break
		}
	}
	return name
}

// prevLabelFirst holds the first word of every label, for a fast skip.
var prevLabelFirst = func() map[string]bool {
	m := map[string]bool{}
	for _, ls := range [][][]string{vendorLabels, shipsFromLabels, shipsToLabels} {
		for _, l := range ls {
			m[l[0]] = true
		}
	}
	return m
}()

// prevLabelFirstShape holds, per first byte, a bit per byte length (< 64) of
// the label first words: a load and a mask reject most tokens before the
// hash filter.
var prevLabelFirstShape = func() (t [256]uint64) {
	for w := range prevLabelFirst {
		t[w[0]] |= 1 << len(w)
	}
	return t
}()

// prevGuessLanguage returns a BCP 47 primary tag from scripts and function words.
func prevGuessLanguage(toks []refToken, ms []match, d *Detector) string {
	var counts langCounts
	for i := range toks {
		if i >= 400 {
			break // enough words to tell
		}
		t := &toks[i]
		if t.zone == zoneNav {
			continue
		}
		if t.han {
			counts.add("zh", 1)
			continue
		}
		if prevStopF.mayHave(t.norm) {
			if li, ok := prevStopIdx[t.norm]; ok {
				counts[li] += 2
				continue
			}
		}
		if t.letters && !t.mixed {
			r, _ := utf8.DecodeRuneInString(t.norm)
			if r >= 0x400 && r < 0x530 {
				counts.add("ru", 1)
			}
		}
	}
	for _, m := range ms {
		if li := d.entries[m.e].langIdx; li >= 0 {
			counts[li] += 3
		}
	}
	best, bestN := "", 0
	for i, l := range langCodes {
		if counts[i] > bestN {
			best, bestN = l, counts[i]
		}
	}
	return best
}

// prevStopIdx maps each stopword to its index in langCodes.
var prevStopIdx = func() map[string]int {
	m := make(map[string]int, len(stopwords))
	var c langCounts
	for w, l := range stopwords {
		m[w] = c.idx(l)
	}
	return m
}()

// contactWordFirst maps an ASCII byte (either case) to a bit set of the
// contactWords starting with it (at most 8 words).
var contactWordFirst = func() (t [256]uint8) {
	for i, w := range contactWords {
		t[w[0]] |= 1 << i
		t[w[0]-('a'-'A')] |= 1 << i
	}
	return t
}()

// prevURLKind is urlKind before the path kinds were found by wordIndex.
func prevURLKind(rawURL string) string {
	i := strings.Index(rawURL, "://")
	if i < 0 {
		return ""
	}
	rest := rawURL[i+3:]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		return fentinel.PageIndex // "http://host": the home page
	}
	path, query := rest[j:], ""
	if k := strings.IndexAny(path, "?#"); k >= 0 {
		if path[k] == '?' {
			query = path[k+1:]
			if h := strings.IndexByte(query, '#'); h >= 0 {
				query = query[:h]
			}
		}
		path = path[:k]
	}
	if strings.IndexByte(path, '%') >= 0 {
		if p, err := url.PathUnescape(path); err == nil {
			path = p
		}
	}
	best := ""
	trimmed := strings.Trim(path, "/")
	for rest := trimmed; rest != ""; {
		seg, tail, _ := strings.Cut(rest, "/")
		rest = tail
		if dot := strings.LastIndexByte(seg, '.'); dot > 0 {
			seg = seg[:dot] // "news.html", "viewtopic.php"
		}
		if k, ok := pathKinds[strings.ToLower(seg)]; ok && kindRank[k] > kindRank[best] {
			best = k
		}
	}
	if best == "" && trimmed == "" {
		best = fentinel.PageIndex // the home page, or "/?q=…" search
	}
	if best == "" || best == fentinel.PageIndex {
		for rest := query; rest != ""; {
			kv, tail, _ := strings.Cut(rest, "&")
			rest = tail
			if k, _, _ := strings.Cut(kv, "="); k == "q" || k == "search" || k == "query" {
				return fentinel.PageIndex
			}
		}
	}
	return best
}
