package main

import (
	"bytes"
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
	"github.com/fentinel/fentinel/store"
)

// wbRun runs a subcommand in-process with an empty environment.
func wbRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code = runMain(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

// wbOnion is a synthetic v3-shaped onion host from a fixed seed.
func wbOnion(seed string) string {
	sum := sha256.Sum256([]byte("fentinel-cmd-test:" + seed))
	return strings.ToLower(base32.StdEncoding.EncodeToString(append(sum[:], sum[:3]...))) + ".onion"
}

// wbListing describes one synthetic flagged listing for the workbench tests.
type wbListing struct {
	site, path, title, vendor, currency, stock string
	price                                      float64
	substances, classes                        []string
	severity                                   fentinel.Severity
	score                                      float64
	entities                                   []fentinel.Entity
	at                                         time.Time
}

func (l wbListing) save(t *testing.T, db *store.DB) store.SaveResult {
	t.Helper()
	body := fmt.Sprintf(`<html><head><title>%s</title></head><body><h1>%s</h1><p>Price: %.2f %s</p>
<p>Vendor: %s</p><p>%s</p><p>Stealth shipping worldwide, escrow only. Contains %s.</p></body></html>`,
		l.title, l.title, l.price, l.currency, l.vendor, l.stock, strings.Join(l.substances, " and "))
	p := fentinel.Page{URL: "http://" + l.site + l.path, FinalURL: "http://" + l.site + l.path, Site: l.site, Status: 200,
		FetchedAt: l.at, Header: http.Header{"Content-Type": {"text/html"}, "Set-Cookie": {"session=SECRET"}}, Body: []byte(body), Depth: 2}
	v := fentinel.Verdict{Flagged: true, Score: l.score, Severity: l.severity, Substances: l.substances, Classes: l.classes,
		RulesVersion: "default@test", PageKind: fentinel.PageListing,
		Extracted: fentinel.Extracted{Title: l.title, Price: l.price, Currency: l.currency, Vendor: l.vendor,
			Quantity: 5, Unit: "g", ShipsFrom: "NL", Entities: l.entities}}
	for _, s := range l.substances {
		v.Evidence = append(v.Evidence, fentinel.Evidence{Rule: "substance:" + s, Kind: fentinel.EvidenceSubstance, Term: s,
			Snippet: "Contains " + s + ".", Zone: "body", Weight: 0.7})
	}
	v.Evidence = append(v.Evidence, fentinel.Evidence{Rule: "sale:escrow", Kind: fentinel.EvidenceSale, Term: "escrow",
		Snippet: "worldwide, escrow only", Zone: "body", Weight: 0.2})
	r, err := db.SavePage(context.Background(), p, v, []fentinel.Route{fentinel.DefaultRoute("hook")})
	if err != nil {
		t.Fatalf("seed %s: %v", l.path, err)
	}
	return r
}

// wbSeed creates a database with three findings on two markets, seen at
// now-1h, now-2h and now-72h, and returns its path and the finding ids.
func wbSeed(t *testing.T) (string, []int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wb.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	a, b := wbOnion("market-a"), wbOnion("market-b")
	ls := []wbListing{
		{site: a, path: "/listing/1", title: "Carfentanil 100mcg, lab tested", vendor: "nightowl", currency: "USD", price: 250,
			stock: "In stock", substances: []string{"carfentanil"}, classes: []string{"analogue"}, severity: fentinel.SeverityCritical,
			score: 0.97, at: now.Add(-time.Hour),
			entities: []fentinel.Entity{{Kind: fentinel.EntityBTC, Value: "bc1qsyntheticwalletaddress000000000000000"},
				{Kind: fentinel.EntityPGP, Value: "0123456789ABCDEF0123456789ABCDEF01234567"},
				{Kind: fentinel.EntityEmail, Value: "nightowl@example.invalid"}}},
		{site: a, path: "/listing/2", title: "M30 pressed pills x100", vendor: "pillhouse", currency: "USD", price: 300,
			stock: "In stock", substances: []string{"fentanyl"}, classes: []string{"fentanyl", "pill"}, severity: fentinel.SeverityHigh,
			score: 0.81, at: now.Add(-2 * time.Hour),
			entities: []fentinel.Entity{{Kind: fentinel.EntityXMR, Value: "4" + strings.Repeat("A", 94)}}},
		{site: b, path: "/item/77", title: "Protonitazene powder 1g", vendor: "night_owl", currency: "EUR", price: 90,
			stock: "Sold out", substances: []string{"protonitazene"}, classes: []string{"nitazene"}, severity: fentinel.SeverityMedium,
			score: 0.66, at: now.Add(-72 * time.Hour),
			entities: []fentinel.Entity{{Kind: fentinel.EntityPGP, Value: "0123456789ABCDEF0123456789ABCDEF01234567"},
				{Kind: fentinel.EntityHandle, Value: "nightowl_shop", Network: "telegram"}}},
	}
	var ids []int64
	for _, l := range ls {
		ids = append(ids, l.save(t, db).FindingID)
	}
	return path, ids
}

func TestDBCheck(t *testing.T) {
	path, _ := wbSeed(t)
	code, out, errOut := wbRun(t, "db", "check", "--db", path)
	if code != 0 || !strings.Contains(out, "ok (schema version") {
		t.Fatalf("db check = %d, %q, %q", code, out, errOut)
	}
	code, _, errOut = wbRun(t, "db", "check", "--db", filepath.Join(t.TempDir(), "missing.db"))
	if code == 0 || !strings.Contains(errOut, "no database at") {
		t.Fatalf("db check of a missing file = %d, %q", code, errOut)
	}
	if code, _, _ := wbRun(t, "db", "frobnicate"); code != 2 {
		t.Fatalf("unknown db subcommand exit %d, want 2", code)
	}
}

// TestDBPathFromEnvironment: with no --db, FENTINEL_DB names the database.
func TestDBPathFromEnvironment(t *testing.T) {
	path, ids := wbSeed(t)
	var out, errOut bytes.Buffer
	env := &environment{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		getenv: func(k string) string {
			if k == "FENTINEL_DB" {
				return path
			}
			return ""
		}}
	if code := runMain(context.Background(), env, []string{"findings", "--format", "csv"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.Count(out.String(), "\n") != 1+len(ids) {
		t.Fatalf("output:\n%s", out.String())
	}
}
