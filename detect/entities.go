package detect

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"html"
	"math/bits"
	"strings"

	"github.com/fentinel/fentinel"
	legacysha3 "golang.org/x/crypto/sha3"
)

const maxEntities = 50

// findEntitiesAt is findEntities given what classifyTokens found: the
// tokens that may be addresses, and whether a token names a contact
// network.
func findEntitiesAt(text, raw string, toks []token, nb *normBase, cands []int32, contact bool) []fentinel.Entity {
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
	// Only pages that name a contact network (or have an @) need the
	// contact scan.
	named := contact || strings.IndexByte(text, '@') >= 0
	for _, i32 := range cands {
		i := int(i32)
		t := &toks[i]
		orig := text[t.start:t.end]
		n := len(orig)
		switch {
		case n >= 26 && n <= 35 && (orig[0] == '1' || orig[0] == '3'):
			if ValidBase58Check(orig) {
				add(fentinel.EntityBTC, orig, "")
			}
		case n >= 14 && n <= 90 && hasBC1Prefix(orig):
			if ValidBech32Address(orig) {
				add(fentinel.EntityBTC, strings.ToLower(orig), "")
			}
		case (n == 95 || n == 106) && (orig[0] == '4' || orig[0] == '8'):
			if ValidMonero(orig) {
				add(fentinel.EntityXMR, orig, "")
			}
		case n == 42 && (orig[:2] == "0x" || orig[:2] == "0X"):
			if ValidEthereum(orig) {
				add(fentinel.EntityETH, orig, "")
			}
		case n == 56:
			if t.gap != gapBreak && i+1 < len(toks) && nb.norm(&toks[i+1]) == "onion" {
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
	if named {
		findContacts(text, add)
	}
	return out
}

// hasBC1Prefix is strings.HasPrefix(strings.ToLower(s), "bc1") without
// lower-casing s: the only runes that lower-case to 'b' and 'c' are 'B'
// and 'C' (ASCII case folding sets bit 0x20 of just those), and a first
// byte from 0x80 up starts no ASCII letter, or a U+FFFD.
func hasBC1Prefix(s string) bool {
	return len(s) >= 3 && s[0]|0x20 == 'b' && s[1]|0x20 == 'c' && s[2] == '1'
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Index = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// base58Decode25 decodes Bitcoin-style base58 (a leading '1' is a zero
// byte) when the result is exactly 25 bytes, the size of an address; ok is
// false for a bad character or any other length. The number is built in
// seven 32-bit limbs (224 bits, enough for the 200 of 25 bytes) instead of
// a math/big integer, so nothing is allocated, and five digits at a time
// (58^5 < 2^30, so a limb times it plus the carry fits 64 bits): one pass
// over the limbs per five characters instead of one per character.
//
// Testing the size once per five digits instead of once per digit answers
// the same: a number never shrinks as digits are appended (n*58 + v >= n),
// so some prefix of the digits exceeds 200 bits exactly when the whole
// does, and a carry out of the seven limbs means it does.
func base58Decode25(s string) (out [25]byte, ok bool) {
	var limbs [7]uint32 // little-endian
	used := 0           // limbs[used:] are 0
	for i := 0; i < len(s); {
		var chunk, mul uint64 = 0, 1
		for n := min(len(s)-i, 5); n > 0; n-- {
			v := base58Index[s[i]]
			if v < 0 {
				return out, false
			}
			chunk, mul = chunk*58+uint64(v), mul*58
			i++
		}
		// Only the limbs in use (the rest are 0) are multiplied; the
		// carry out of them, below 2^31, takes the next one.
		carry := chunk
		for k := range limbs[:used] {
			x := uint64(limbs[k])*mul + carry
			limbs[k], carry = uint32(x), x>>32
		}
		if carry != 0 {
			if used == len(limbs) {
				return out, false // more than 224 bits
			}
			limbs[used] = uint32(carry)
			used++
		}
		if limbs[6]>>8 != 0 {
			return out, false // more than 25 bytes
		}
	}
	for k := 0; k < 25; k++ {
		out[24-k] = byte(limbs[k/4] >> (8 * (k % 4)))
	}
	// The decoding is the leading '1's as zero bytes, then the number's
	// bytes without leading zeros; it is 25 bytes long exactly when the
	// zero bytes the number leaves at the front of out number the '1's.
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	lead := 0
	for lead < 25 && out[lead] == 0 {
		lead++
	}
	return out, lead == zeros
}

// ValidBase58Check reports whether s is a base58check Bitcoin address
// (P2PKH or P2SH, mainnet or testnet) with a correct checksum.
func ValidBase58Check(s string) bool {
	b, ok := base58Decode25(s)
	if !ok {
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

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := 0; i < 5; i++ {
			if (top>>uint(i))&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

// ValidBech32Address reports whether s is a segwit address (bc1… or tb1…):
// bech32 for witness version 0, bech32m for versions 1–16 (BIP 173, BIP 350).
func ValidBech32Address(s string) bool {
	if len(s) < 14 || len(s) > 90 {
		return false
	}
	if strings.ToLower(s) != s && strings.ToUpper(s) != s {
		return false
	}
	s = strings.ToLower(s)
	pos := strings.LastIndexByte(s, '1')
	if pos < 1 || pos+7 > len(s) {
		return false
	}
	hrp := s[:pos]
	if hrp != "bc" && hrp != "tb" {
		return false
	}
	data := make([]byte, 0, len(s)-pos-1)
	for i := pos + 1; i < len(s); i++ {
		c := strings.IndexByte(bech32Charset, s[i])
		if c < 0 {
			return false
		}
		data = append(data, byte(c))
	}
	exp := make([]byte, 0, len(hrp)*2+1+len(data))
	for i := 0; i < len(hrp); i++ {
		exp = append(exp, hrp[i]>>5)
	}
	exp = append(exp, 0)
	for i := 0; i < len(hrp); i++ {
		exp = append(exp, hrp[i]&31)
	}
	exp = append(exp, data...)
	pm := bech32Polymod(exp)
	if len(data) < 7 {
		return false
	}
	ver := data[0]
	if ver > 16 {
		return false
	}
	want := uint32(1)
	if ver > 0 {
		want = 0x2bc830a3
	}
	if pm != want {
		return false
	}
	// convert the program from 5-bit to 8-bit groups
	prog := data[1 : len(data)-6]
	acc, nbits := 0, 0
	var out []byte
	for _, v := range prog {
		acc = acc<<5 | int(v)
		nbits += 5
		for nbits >= 8 {
			nbits -= 8
			out = append(out, byte(acc>>nbits))
			acc &= (1 << nbits) - 1
		}
	}
	if nbits >= 5 || acc != 0 {
		return false
	}
	if len(out) < 2 || len(out) > 40 {
		return false
	}
	if ver == 0 && len(out) != 20 && len(out) != 32 {
		return false
	}
	return true
}

// Monero base58: 8-byte blocks encode to 11 characters.
var moneroBlockSizes = []int{0, 2, 3, 5, 6, 7, 9, 10, 11}

func moneroDecodeBlock(s string) ([]byte, bool) {
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
		hi, lo := mul64(n, 58)
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

func mul64(a, b uint64) (hi, lo uint64) {
	return bits.Mul64(a, b)
}

// ValidMonero reports whether s is a Monero standard (95 characters) or
// integrated (106) address whose Keccak-256 checksum matches.
func ValidMonero(s string) bool {
	if len(s) != 95 && len(s) != 106 {
		return false
	}
	var b []byte
	for i := 0; i < len(s); i += 11 {
		end := i + 11
		if end > len(s) {
			end = len(s)
		}
		blk, ok := moneroDecodeBlock(s[i:end])
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

// ValidEthereum reports whether s is a 0x-prefixed 20-byte hex address
// whose mixed case, if any, matches its EIP-55 checksum.
func ValidEthereum(s string) bool {
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

// ValidOnionV3 reports whether the 56-character label (without ".onion")
// is a v3 onion address whose checksum and version byte are correct.
func ValidOnionV3(label string) bool {
	return fentinel.ValidOnionLabel(label)
}

// pgpFingerprints returns the v4 fingerprints (upper-case hex) of the
// primary keys in armored public key blocks.
func pgpFingerprints(raw string) []string {
	const begin = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
	const end = "-----END PGP PUBLIC KEY BLOCK-----"
	var out []string
	for len(out) < 5 {
		i := indexPGPBegin(raw)
		if i < 0 {
			break
		}
		raw = raw[i+len(begin):]
		j := strings.Index(raw, end)
		if j < 0 {
			break
		}
		block := html.UnescapeString(raw[:j])
		raw = raw[j+len(end):]
		if fp := armoredFingerprint(block); fp != "" {
			out = append(out, fp)
		}
	}
	return out
}

func armoredFingerprint(block string) string {
	lines := strings.Split(strings.ReplaceAll(block, "\r", ""), "\n")
	var b64 strings.Builder
	inBody := false
	for _, ln := range lines {
		ln = strings.TrimSpace(stripTags(ln))
		if !inBody {
			if ln == "" {
				inBody = true
				continue
			}
			if strings.Contains(ln, ": ") {
				continue // armor header
			}
			inBody = true
		}
		if ln == "" {
			continue
		}
		if strings.HasPrefix(ln, "=") && len(ln) == 5 {
			break // CRC24
		}
		b64.WriteString(ln)
	}
	data, err := base64.StdEncoding.DecodeString(b64.String())
	if err != nil {
		return ""
	}
	body, tag, ok := firstPacket(data)
	if !ok || tag != 6 || len(body) < 1 || body[0] != 4 {
		return ""
	}
	h := sha1.New()
	h.Write([]byte{0x99, byte(len(body) >> 8), byte(len(body))})
	h.Write(body)
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
}

func stripTags(s string) string {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+j+1:]
	}
}

// firstPacket parses one OpenPGP packet header (RFC 4880 §4.2).
func firstPacket(b []byte) (body []byte, tag int, ok bool) {
	if len(b) < 2 || b[0]&0x80 == 0 {
		return nil, 0, false
	}
	var n, hdr int
	if b[0]&0x40 != 0 { // new format
		tag = int(b[0] & 0x3f)
		switch l := int(b[1]); {
		case l < 192:
			n, hdr = l, 2
		case l < 224:
			if len(b) < 3 {
				return nil, 0, false
			}
			n, hdr = (l-192)<<8+int(b[2])+192, 3
		case l == 255:
			if len(b) < 6 {
				return nil, 0, false
			}
			n, hdr = int(b[2])<<24|int(b[3])<<16|int(b[4])<<8|int(b[5]), 6
		default:
			return nil, 0, false // partial lengths are not used for keys
		}
	} else {
		tag = int(b[0]>>2) & 0xf
		switch b[0] & 3 {
		case 0:
			n, hdr = int(b[1]), 2
		case 1:
			if len(b) < 3 {
				return nil, 0, false
			}
			n, hdr = int(b[1])<<8|int(b[2]), 3
		case 2:
			if len(b) < 5 {
				return nil, 0, false
			}
			n, hdr = int(b[1])<<24|int(b[2])<<16|int(b[3])<<8|int(b[4]), 5
		default:
			return nil, 0, false
		}
	}
	if n < 0 || hdr+n > len(b) {
		return nil, 0, false
	}
	return b[hdr : hdr+n], tag, true
}

// Contact networks and the words that introduce them.
var networkWords = []struct{ word, network string }{
	{"telegram", "telegram"}, {"t.me/", "telegram"}, {"tg:", "telegram"}, {"tg ", "telegram"},
	{"session", "session"}, {"wickr", "wickr"}, {"threema", "threema"}, {"signal", "signal"},
	{"jabber", "jabber"}, {"xmpp", "jabber"}, {"whatsapp", "whatsapp"}, {"wire", "wire"}, {"element", "matrix"}, {"matrix", "matrix"},
}

func isHandleByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// findContacts finds e-mail addresses, @handles, t.me links, Session IDs
// and "wickr: name" style handles. findEntities calls it only for a text
// with an @ or a token naming a contact network (contactToken).
func findContacts(text string, add func(kind, value, network string)) {
	// Only ASCII words are searched in lower, and only offsets are read.
	// One pass finds every contact label and "t.me/" link (they are then
	// read label by label, in text order, as separate searches would) and
	// checks that the text can be searched in place (newASCIIFolded).
	var hitBuf [32]labelHit
	lower, hits := contactHits(text, hitBuf[:0])
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
				net := networkBefore(lower, l)
				if net == "jabber" {
					add(fentinel.EntityHandle, local+"@"+strings.ToLower(domain), "jabber")
				} else {
					add(fentinel.EntityEmail, local+"@"+strings.ToLower(domain), "")
				}
			}
			continue
		}
		if len(domain) >= 4 && len(domain) <= 32 {
			net := networkBefore(lower, i)
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

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// networkBefore names the contact network mentioned just before offset i.
func networkBefore(lower asciiFolded, i int) string {
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

// contactLabels are the words that introduce a contact handle, with the
// network each names, in the order their handles are reported.
var contactLabels = []struct{ label, network string }{
	{"wickr", "wickr"}, {"session", "session"}, {"threema", "threema"}, {"signal", "signal"}, {"telegram", "telegram"}, {"jabber", "jabber"},
}

// contactWords are the words findLabels looks for: the contact labels,
// then "t.me/" (index tmeLabel).
var contactWords = func() []string {
	var ws []string
	for _, l := range contactLabels {
		ws = append(ws, l.label)
	}
	return append(ws, "t.me/")
}()

// tmeLabel is the index of "t.me/" in contactWords.
var tmeLabel = len(contactLabels)

// labelHit is one occurrence of contactWords[label] at byte offset at.
type labelHit struct {
	label uint8
	at    int32
}

// findLabels appends every occurrence of each contact word in lower,
// matched with ASCII case folding. Occurrences of one word do not overlap:
// the result per word equals repeated lower.index(end of previous hit, word).
func findLabels(lower asciiFolded, out []labelHit) []labelHit {
	return scanContactWords(lower, out)
}
