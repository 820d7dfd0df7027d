package marketsim

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/sha3"
)

// synthKey is a vendor's synthetic identity material: a PGP public key
// block (random packet bytes with a valid CRC-24 armor checksum), its
// fingerprint, a Base58Check P2PKH bitcoin address with a valid checksum,
// and a Monero-shaped standard address (95 characters starting with "4",
// Monero block base58, Keccak-256 checksum) whose keys are random bytes, not
// curve points, so no wallet can spend to it.
type synthKey struct {
	armor       string
	fingerprint string
	btc         string
	xmr         string
}

// sharedIdentity lists vendors ("market/handle") who trade on another
// market under another handle with the same PGP key and wallets: the
// cross-market pivot analysts look for. The key is derived from the value.
var sharedIdentity = map[string]string{
	"SynthBazaar/ChemSynth7": "MockMercado/NitroSynth",
}

// identityKey returns the key material of the vendor handle on market.
func identityKey(market, handle string) synthKey {
	id := market + "/" + handle
	if same, ok := sharedIdentity[id]; ok {
		id = same
	}
	return vendorKey(id)
}

func vendorKey(name string) synthKey {
	seed := sha256.Sum256([]byte("fentinel-marketsim-vendor/" + name))
	// PGP: an old-format public-key packet header, version 4, then filler.
	body := []byte{0x99, 0x01, 0x0d, 0x04, 0x65, 0x00, 0x00, 0x00, 0x01}
	// The header declares a 269-byte body (0x010d), so the packet is 272
	// bytes; its v4 fingerprint is SHA-1 over the whole packet.
	const packetLen = 3 + 0x010d
	for i := 0; len(body) < packetLen; i++ {
		h := sha256.Sum256(append(seed[:], byte(i)))
		body = append(body, h[:]...)
	}
	body = body[:packetLen]
	fp := sha1.Sum(body)
	var a strings.Builder
	a.WriteString("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n")
	enc := base64.StdEncoding.EncodeToString(body)
	for len(enc) > 64 {
		a.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	a.WriteString(enc + "\n")
	crc := crc24(body)
	a.WriteString("=" + base64.StdEncoding.EncodeToString([]byte{byte(crc >> 16), byte(crc >> 8), byte(crc)}) + "\n")
	a.WriteString("-----END PGP PUBLIC KEY BLOCK-----")
	hexfp := strings.ToUpper(hex.EncodeToString(fp[:]))
	var groups []string
	for i := 0; i < len(hexfp); i += 4 {
		groups = append(groups, hexfp[i:i+4])
	}
	return synthKey{
		armor:       a.String(),
		fingerprint: strings.Join(groups, " "),
		btc:         btcAddress(seed[:20]),
		xmr:         xmrAddress(seed[:]),
	}
}

// crc24 is the OpenPGP armor checksum (RFC 4880 §6.1).
func crc24(data []byte) uint32 {
	crc := uint32(0xB704CE)
	for _, b := range data {
		crc ^= uint32(b) << 16
		for i := 0; i < 8; i++ {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= 0x1864CFB
			}
		}
	}
	return crc & 0xFFFFFF
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func base58(b []byte) string {
	x := new(big.Int).SetBytes(b)
	var out []byte
	mod := new(big.Int)
	radix := big.NewInt(58)
	for x.Sign() > 0 {
		x.DivMod(x, radix, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// btcAddress encodes a 20-byte hash as a Base58Check P2PKH address.
func btcAddress(hash160 []byte) string {
	payload := append([]byte{0x00}, hash160...)
	c1 := sha256.Sum256(payload)
	c2 := sha256.Sum256(c1[:])
	return base58(append(payload, c2[:4]...))
}

// xmrAddress builds a 95-character Monero-shaped standard address.
func xmrAddress(seed []byte) string {
	spend := sha256.Sum256(append([]byte("spend"), seed...))
	view := sha256.Sum256(append([]byte("view"), seed...))
	data := append([]byte{0x12}, spend[:]...)
	data = append(data, view[:]...)
	k := sha3.NewLegacyKeccak256() // Monero's checksum: Keccak, not SHA3
	k.Write(data)
	data = k.Sum(data)[:len(data)+4]
	// Monero base58: 8-byte blocks to 11 characters, the tail block padded
	// to its fixed encoded size.
	sizes := []int{0, 2, 3, 5, 6, 7, 9, 10, 11}
	var out strings.Builder
	for i := 0; i < len(data); i += 8 {
		blk := data[i:min(i+8, len(data))]
		var v [8]byte
		copy(v[8-len(blk):], blk)
		n := binary.BigEndian.Uint64(v[:])
		enc := make([]byte, sizes[len(blk)])
		for k := len(enc) - 1; k >= 0; k-- {
			enc[k] = base58Alphabet[n%58]
			n /= 58
		}
		out.Write(enc)
	}
	return out.String()
}

var (
	pngOnce  sync.Once
	pngBytes []byte
)

// productPNG returns a tiny generated PNG (8x8, two colours).
func productPNG() []byte {
	pngOnce.Do(func() {
		img := image.NewRGBA(image.Rect(0, 0, 8, 8))
		for y := 0; y < 8; y++ {
			for x := 0; x < 8; x++ {
				c := color.RGBA{0x30, 0x60, 0xc0, 0xff}
				if (x+y)%2 == 0 {
					c = color.RGBA{0xf0, 0xf0, 0xf0, 0xff}
				}
				img.Set(x, y, c)
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			panic(fmt.Sprintf("marketsim: encode png: %v", err))
		}
		pngBytes = buf.Bytes()
	})
	return pngBytes
}

// handleImage serves every product image and counts it.
func (s *Sim) handleImage(w http.ResponseWriter, r *http.Request) {
	s.images.Add(1)
	b := productPNG()
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
