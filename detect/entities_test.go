package detect

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fentinel/fentinel"
)

// Synthetic identifiers, generated from fixed seeds by an encoder written
// separately from these validators (base58check, Monero base58 + Keccak,
// EIP-55), plus published specification test vectors (BIP 173, BIP 350,
// EIP-55).
const (
	synthBTC   = "12yq5fpvtpfyexhZDgeFFqBVZ5hoAX2ZSr"
	synthXMR   = "48G7DD4WhNvbAvE228e4BGE6b9uDdJ2KN35NgyR2EdYYaXwnTc1W2cNKHRZyNzGk2fMR8VQTjPHpcSz9pfkd7eZLAFAAs8B"
	synthETH   = "0x26471B47be6163baBaa416e4CC244C23622f2931"
	synthOnion = "hnvcppgow2sc2yvdvdicu3ynonsteflxdxrehjr2ybekdc2z3iu63yid"
)

func flip(s string, i int) string {
	b := []byte(s)
	switch {
	case b[i] == 'a':
		b[i] = 'b'
	case b[i] >= 'A' && b[i] <= 'Z':
		b[i] = b[i] + 32
	default:
		b[i] = 'a'
	}
	return string(b)
}

func TestCryptoValidators(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) bool
		in   string
		want bool
	}{
		{"btc p2pkh", ValidBase58Check, synthBTC, true},
		{"btc p2pkh typo", ValidBase58Check, flip(synthBTC, 10), false},
		{"btc bad char", ValidBase58Check, strings.Replace(synthBTC, "q", "0", 1), false},
		{"bech32 BIP173 vector", ValidBech32Address, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", true},
		{"bech32m BIP350 vector", ValidBech32Address, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", true},
		{"bech32 v0 with bech32m checksum (BIP350 invalid)", ValidBech32Address, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", false},
		{"bech32 mixed case", ValidBech32Address, "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", false},
		{"bech32 typo", ValidBech32Address, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", false},
		{"xmr standard", ValidMonero, synthXMR, true},
		{"xmr typo", ValidMonero, flip(synthXMR, 40), false},
		{"eth eip55", ValidEthereum, synthETH, true},
		{"eth EIP-55 spec vector", ValidEthereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", true},
		{"eth all lower (no checksum)", ValidEthereum, strings.ToLower(synthETH), true},
		{"eth wrong case", ValidEthereum, "0x26471b47be6163baBaa416e4CC244C23622f2931", false},
		{"onion v3", ValidOnionV3, synthOnion, true},
		{"onion v3 typo", ValidOnionV3, flip(synthOnion, 5), false},
		{"onion wrong length", ValidOnionV3, synthOnion[:55], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("%s(%q) = %v, want %v", tt.name, tt.in, got, tt.want)
			}
		})
	}
}

func TestPGPFingerprints(t *testing.T) {
	// Keys generated with GnuPG for this test (synthetic identities); the
	// expected fingerprints are what gpg --fingerprint printed.
	for file, want := range map[string]string{
		"pgp-ed25519.asc": "B6FCCE3DCD851B8ED264BF5C2ECAC75FC01B3C00",
		"pgp-rsa.asc":     "25EC048A397B5D70B3E1742836692314EB9E640F",
	} {
		b, err := os.ReadFile(filepath.Join("testdata", "entities", file))
		if err != nil {
			t.Fatal(err)
		}
		// as a vendor page shows it: inside <pre>, HTML-escaped
		page := "<html><body><h1>Vendor</h1><pre>" + strings.ReplaceAll(string(b), "+", "&#43;") + "</pre></body></html>"
		got := pgpFingerprints(page)
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s: fingerprints %v, want [%s]", file, got, want)
		}
	}
	if got := pgpFingerprints("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 !!\n-----END PGP PUBLIC KEY BLOCK-----"); len(got) != 0 {
		t.Errorf("garbage block gave %v", got)
	}
}

func TestEntitiesInPage(t *testing.T) {
	d := defaultDetector(t)
	html := `<html><body><div class="listing"><h1>Fentanyl 1g</h1><p>$100. Pay BTC ` + synthBTC + ` or XMR ` + synthXMR +
		` or ETH ` + synthETH + `. Mirror: http://` + synthOnion + `.onion/ Fake: http://` + flip(synthOnion, 3) + `.onion/</p>
	<p>Contact: wickr: simvendor42 | telegram @simvendor_shop | t.me/simvendor_backup | T.ME/simvendor_second | mail simvendor@example.invalid | jabber simvendor@xmpp.example.invalid
	| session id: 05aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44 | threema: ABCD1234</p></div></body></html>`
	v := d.Detect(fentinel.Page{Body: []byte(html)})
	got := map[string]bool{}
	for _, e := range v.Extracted.Entities {
		got[e.Kind+":"+e.Value+":"+e.Network] = true
	}
	for _, want := range []string{
		"btc:" + synthBTC + ":", "xmr:" + synthXMR + ":", "eth:" + synthETH + ":", "onion:" + synthOnion + ".onion:",
		"handle:simvendor42:wickr", "handle:@simvendor_shop:telegram", "handle:@simvendor_backup:telegram", "handle:@simvendor_second:telegram",
		"email:simvendor@example.invalid:", "handle:simvendor@xmpp.example.invalid:jabber",
		"handle:05aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44:session", "handle:ABCD1234:threema",
	} {
		if !got[want] {
			t.Errorf("missing entity %s; got %v", want, v.Extracted.Entities)
		}
	}
	for k := range got {
		if strings.Contains(k, flip(synthOnion, 3)) {
			t.Errorf("onion with a bad checksum accepted: %s", k)
		}
	}
}

// TestASCIIFoldedSearch: searching lower-case ASCII words with asciiFolded
// finds exactly what searching strings.ToLower(s) finds, forwards from every
// hit and backwards in 30-byte windows, on the corpus and on runes whose
// lower case changes length or is ASCII (Kelvin sign, dotted capital I) and
// invalid UTF-8.
func TestASCIIFoldedSearch(t *testing.T) {
	texts := []string{"", "plain ascii", "Telegram: @Sim_Plug", "ТЕЛЕГРАМ: @SimPlug Wickr: ABC", "微信 Telegram @abc",
		"\u212Aelvin WIC\u212AR wickr", "\u0130STANBUL signal SIGNAL", "bad \xff utf8 SESSION", "ΣΊΓΜΑ Σ threema", "U+FFFD \uFFFD JABBER",
		"ǅemal ǈ ǋ T.ME/abcd", "ẞ STRASSE Telegram", "TgTG: tg: TG tg "}
	for _, s := range loadCorpus(t) {
		texts = append(texts, string(s.Page.Body))
	}
	words := []string{"t.me/", "wickr", "session", "threema", "signal", "telegram", "jabber"}
	for _, nw := range networkWords {
		words = append(words, nw.word)
	}
	for _, s := range texts {
		a, low := newASCIIFolded(s), strings.ToLower(s)
		for _, w := range words {
			for off := 0; off <= len(low); {
				want := strings.Index(low[off:], w)
				if want >= 0 {
					want += off
				}
				if got := a.index(off, w); got != want {
					t.Errorf("%.40q: index(%d, %q) = %d, want %d", s, off, w, got, want)
					break
				}
				if want < 0 {
					break
				}
				off = want + 1
			}
			for i := 0; i <= len(low); i += 7 {
				lo := max(i-30, 0)
				if got, want := a.lastIndexIn(lo, i, w), strings.LastIndex(low[lo:i], w); got != want {
					t.Errorf("%.40q: lastIndexIn(%d, %d, %q) = %d, want %d", s, lo, i, w, got, want)
					break
				}
			}
		}
	}
}

// TestFindLabelsEqualsPerLabelSearch checks the one-pass label scan against
// one lower.index search per label, on the corpus texts and edge cases.
func TestFindLabelsEqualsPerLabelSearch(t *testing.T) {
	texts := []string{
		"", "wickr", "WICKR: bob", "sessionsession id: 05ab", "Signal signal SIGNAL",
		"telegramtelegram", "jabberwickrthreema", "sess", "wick", "Kelvin \u212a wickr: x",
		"T.ME/abcd t.me/x t.me/t.me/efgh", "t.me", "at.me/xyz1",
		"İstanbul telegram: @abcd", "\xff\xfe wickr me: name",
	}
	for _, s := range loadCorpus(t) {
		doc := parseDocument(decodeBody(s.Page.Body, "text/html"), true, "")
		texts = append(texts, doc.text)
	}
	for _, text := range texts {
		lower := newASCIIFolded(text)
		var want []labelHit
		for li, w := range contactWords {
			for off := 0; ; {
				j := lower.index(off, w)
				if j < 0 {
					break
				}
				want = append(want, labelHit{uint8(li), int32(j)})
				off = j + len(w)
			}
		}
		got := findLabels(lower, nil)
		// findLabels reports in text order; compare per label.
		for li := range contactWords {
			var g, w []int32
			for _, h := range got {
				if int(h.label) == li {
					g = append(g, h.at)
				}
			}
			for _, h := range want {
				if int(h.label) == li {
					w = append(w, h.at)
				}
			}
			if !slices.Equal(g, w) {
				t.Errorf("%q: word %q at %v, want %v", text, contactWords[li], g, w)
			}
		}
	}
}

// TestSimulatorVendorWallets: the simulator's vendor page carries a PGP key,
// a Bitcoin and a Monero address generated by its own encoder; the
// validators here accept all three (a Monero checksum made with SHA3 instead
// of Keccak, as the simulator once did, is rejected).
func TestSimulatorVendorWallets(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "marketsim", "testdata", "modern-vendor.html"))
	if err != nil {
		t.Fatal(err)
	}
	v := defaultDetector(t).Detect(fentinel.Page{URL: "http://sim.invalid/v/x", Body: body})
	kinds := map[string]int{}
	for _, e := range v.Extracted.Entities {
		kinds[e.Kind]++
		// the fingerprint the page shows (in groups of four) is the one
		// computed from the key block
		if e.Kind == fentinel.EntityPGP && !strings.Contains(strings.ReplaceAll(string(body), " ", ""), "Fingerprint:<code>"+e.Value) {
			t.Errorf("fingerprint %s is not the one the page shows", e.Value)
		}
	}
	for _, k := range []string{fentinel.EntityPGP, fentinel.EntityBTC, fentinel.EntityXMR} {
		if kinds[k] != 1 {
			t.Errorf("%s entities: %d, want 1 (all: %+v)", k, kinds[k], v.Extracted.Entities)
		}
	}
}

// TestHasBC1Prefix: hasBC1Prefix(s) is strings.HasPrefix(strings.ToLower(s),
// "bc1") for every rune in each of the first three places.
func TestHasBC1Prefix(t *testing.T) {
	texts := []string{"", "b", "bc", "bc1", "BC1", "bC1q", "Bc1", "bc2", "\xffc1"}
	for r := rune(0); r < 0x20000; r++ {
		c := string(r)
		texts = append(texts, c+"c1qq", "b"+c+"1qq", "bc"+c+"qq", c+"C1", "B"+c+"1")
	}
	for _, s := range texts {
		if got, want := hasBC1Prefix(s), strings.HasPrefix(strings.ToLower(s), "bc1"); got != want {
			t.Fatalf("hasBC1Prefix(%q) = %v, want %v", s, got, want)
		}
	}
}
