package store

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

// onion returns a synthetic v3-shaped onion host (56 base32 characters)
// derived from a fixed seed.
func onion(seed string) string {
	sum := sha256.Sum256([]byte("fentinel-test:" + seed))
	b := append(sum[:], sum[:3]...) // 35 bytes -> 56 base32 characters
	return strings.ToLower(base32.StdEncoding.EncodeToString(b)) + ".onion"
}

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func newTestDB(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return t0 }
	return db
}

// listing is a synthetic listing page and the verdict the detector would give.
type listing struct {
	site       string
	path       string
	title      string
	price      float64
	currency   string
	vendor     string
	stock      string // text put in the page, e.g. "In stock" or "Sold out"
	substances []string
	classes    []string
	severity   fentinel.Severity
	score      float64
	flagged    bool
	entities   []fentinel.Entity
	at         time.Time
}

func (l listing) page() fentinel.Page {
	body := fmt.Sprintf(`<html><head><title>%s</title><style>.x{}</style></head><body>
<h1>%s</h1><p class="price">%.2f %s</p><p>Vendor: %s</p><p>%s</p><script>var s="hidden";</script>
<p>Discreet shipping, escrow accepted. %s</p></body></html>`, l.title, l.title, l.price, l.currency, l.vendor, l.stock, strings.Join(l.substances, ", "))
	at := l.at
	if at.IsZero() {
		at = t0
	}
	return fentinel.Page{
		URL:       "http://" + l.site + l.path,
		FinalURL:  "http://" + l.site + l.path,
		Site:      l.site,
		Status:    200,
		FetchedAt: at,
		Header:    http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Set-Cookie": {"sid=secret"}, "Server": {"nginx"}},
		Body:      []byte(body),
		Depth:     2,
	}
}

func (l listing) verdict() fentinel.Verdict {
	v := fentinel.Verdict{
		Flagged:      l.flagged,
		Score:        l.score,
		Severity:     l.severity,
		Substances:   l.substances,
		Classes:      l.classes,
		RulesVersion: "test@1",
		Extracted: fentinel.Extracted{
			Title: l.title, Price: l.price, Currency: l.currency, Vendor: l.vendor, Entities: l.entities,
			Quantity: 10, Unit: "g", ShipsFrom: "NL",
		},
	}
	for _, s := range l.substances {
		v.Evidence = append(v.Evidence, fentinel.Evidence{Rule: "substance:" + s, Kind: fentinel.EvidenceSubstance, Term: s,
			Snippet: "buy " + s + " powder", Zone: "title", Weight: 0.6})
	}
	v.Evidence = append(v.Evidence, fentinel.Evidence{Rule: "sale:price", Kind: fentinel.EvidenceSale, Term: "escrow", Snippet: "escrow accepted", Weight: 0.2})
	return v
}

func fentListing(site, path string) listing {
	return listing{
		site: site, path: path, title: "Fentanyl HCl 98% pure", price: 100, currency: "USD", vendor: "vendorA",
		stock: "In stock", substances: []string{"fentanyl"}, classes: []string{fentinel.ClassFentanyl},
		severity: fentinel.SeverityCritical, score: 0.95, flagged: true,
	}
}

func mustSave(t testing.TB, db *DB, l listing, routes []fentinel.Route) SaveResult {
	t.Helper()
	r, err := db.SavePage(context.Background(), l.page(), l.verdict(), routes)
	if err != nil {
		t.Fatalf("SavePage %s: %v", l.path, err)
	}
	return r
}
