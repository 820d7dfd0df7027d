package alert

import (
	"crypto/ed25519"
	"crypto/sha3"
	"encoding/base32"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

// testOnion derives a v3-shaped onion host from a fixed seed byte:
// base32(pubkey || checksum[:2] || 0x03), checksum = SHA3-256(".onion
// checksum" || pubkey || 0x03). Synthetic; no real service.
func testOnion(seed byte) string {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed + byte(i)
	}
	pub := ed25519.NewKeyFromSeed(s).Public().(ed25519.PublicKey)
	h := sha3.New256()
	h.Write([]byte(".onion checksum"))
	h.Write(pub)
	h.Write([]byte{3})
	sum := h.Sum(nil)
	raw := append(append(append([]byte{}, pub...), sum[:2]...), 3)
	return strings.ToLower(base32.StdEncoding.EncodeToString(raw)) + ".onion"
}

// fixedTime is the synthetic "now" of golden payloads.
var fixedTime = time.Date(2026, 11, 27, 22, 14, 5, 0, time.UTC)

// testAlert is a synthetic alert with hostile listing text: HTML, a Slack
// broadcast mention, a markdown link and a bidi override.
func testAlert(id string, findingID int64) fentinel.Alert {
	onion := testOnion(7)
	return fentinel.Alert{
		ID:   id,
		Sink: "hook",
		Event: fentinel.AlertEvent{
			Type:       fentinel.EventNewFinding,
			FindingID:  findingID,
			URL:        "http://" + onion + "/listing/4417",
			Site:       onion,
			Title:      "<b>Carfentanil</b> 99% pure <!channel> @here [click](http://evil.example) \u202Egnp.exe",
			Score:      0.97,
			Severity:   fentinel.SeverityCritical,
			Substances: []string{"carfentanil", "fentanyl"},
			Classes:    []string{fentinel.ClassAnalogue, fentinel.ClassFentanyl},
			Price:      120,
			Currency:   "USD",
			Vendor:     "synthvendor_<script>alert(1)</script>",
			Snippet:    "…stealth shipping, <i>10g</i> carfentanil &amp; fent powder, escrow only…",
			FirstSeen:  fixedTime.Add(-2 * time.Hour),
			OccurredAt: fixedTime.Add(-time.Minute),
		},
		State:     fentinel.AlertPending,
		CreatedAt: fixedTime.Add(-time.Minute),
	}
}

func mustNoErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type fentinelAlert = fentinel.Alert

// testAlertsN returns n distinct synthetic alerts for sink "hook".
func testAlertsN(n int) []fentinel.Alert {
	subs := []string{"fentanyl", "carfentanil", "protonitazene", "4-anpp", "xylazine"}
	out := make([]fentinel.Alert, n)
	for i := range out {
		a := testAlert(fmt.Sprintf("msg_t%04d", i+1), int64(100+i))
		a.Event.Title = fmt.Sprintf("Synthetic listing %d", i+1)
		a.Event.Substances = []string{subs[i%len(subs)]}
		a.Event.URL = fmt.Sprintf("http://%s/listing/%d", a.Event.Site, 5000+i)
		out[i] = a
	}
	return out
}
