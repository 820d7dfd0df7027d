package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

func TestEvidenceSnapshots(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	l := fentListing(onion("evidence"), "/listing/5")
	r := mustSave(t, db, l, nil)
	mustSave(t, db, l, nil) // same body: no second snapshot
	l.price, l.at = 120, t0.Add(time.Hour)
	mustSave(t, db, l, nil) // new body: second snapshot
	snaps, err := db.Snapshots(ctx, r.FindingID)
	if err != nil || len(snaps) != 2 {
		t.Fatalf("snapshots = %d, %v; want 2", len(snaps), err)
	}
	s := snaps[1]
	p := l.page()
	if s.URL != p.URL || s.FinalURL != p.FinalURL || s.Status != 200 || !s.FetchedAt.Equal(l.at) || s.RulesVersion != "test@1" ||
		s.SHA256 != p.ContentHash() || s.Size != len(p.Body) || s.ContentType != "text/html; charset=utf-8" {
		t.Fatalf("snapshot meta = %+v", s)
	}
	if _, ok := s.Header["Set-Cookie"]; ok {
		t.Fatal("Set-Cookie kept in stored headers")
	}
	if s.Header.Get("Server") != "nginx" {
		t.Fatalf("headers = %v", s.Header)
	}
	if len(s.Verdict.Evidence) == 0 || s.Verdict.Extracted.Price != 120 {
		t.Fatalf("verdict = %+v", s.Verdict)
	}
	body, err := db.SnapshotBody(ctx, s.ID)
	if err != nil || string(body) != string(p.Body) {
		t.Fatalf("body round trip: %v", err)
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != s.SHA256 {
		t.Fatal("sha mismatch")
	}
	// Tampered evidence is reported, not returned.
	if _, err := db.w.Exec(`UPDATE snapshots SET sha256 = '00' WHERE id = ?`, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SnapshotBody(ctx, s.ID); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("tampered snapshot: err = %v, want ErrCorrupt", err)
	}
	if _, err := db.SnapshotBody(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing snapshot: %v", err)
	}
}

func TestListingHistoryEntitiesVendors(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	a, b := onion("pivot-a"), onion("pivot-b")
	pgp := fentinel.Entity{Kind: fentinel.EntityPGP, Value: "abcd ef01 2345 6789 abcd ef01 2345 6789 abcd ef01"}
	wallet := fentinel.Entity{Kind: fentinel.EntityBTC, Value: "bc1qpivotwallet0000000000000000000000000"}
	la := fentListing(a, "/listing/1")
	la.vendor, la.entities = "owl", []fentinel.Entity{pgp, wallet}
	r := mustSave(t, db, la, nil)
	la.price, la.stock, la.at = 80, "Sold out", t0.Add(24*time.Hour)
	mustSave(t, db, la, nil)

	// The same PGP key on another market under another name.
	lb := fentListing(b, "/p/9")
	lb.vendor, lb.entities = "night-owl", []fentinel.Entity{{Kind: "pgp", Value: "ABCDEF0123456789ABCDEF0123456789ABCDEF01"}}
	mustSave(t, db, lb, nil)
	// An ordinary (not flagged) listing by the same vendor is still a listing.
	lc := fentListing(a, "/listing/2")
	lc.flagged, lc.vendor, lc.title, lc.substances = false, "owl", "Cannabis 10g", nil
	mustSave(t, db, lc, nil)
	// A page with a mirror host of site a.
	lm := fentListing(a, "/listing/1")
	p := lm.page()
	p.URL = "http://" + onion("pivot-a-mirror") + "/listing/1"
	if _, err := db.SavePage(ctx, p, fentinel.Verdict{}, nil); err != nil {
		t.Fatal(err)
	}

	d, err := db.FindingDetail(ctx, r.FindingID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.History) != 2 || d.History[0].Price != 100 || d.History[1].Price != 80 || d.History[1].InStock == nil || *d.History[1].InStock {
		t.Fatalf("history = %+v", d.History)
	}
	if len(d.Entities) != 2 || d.Entities[0].Kind != "btc" || d.Entities[1].Value != "ABCDEF0123456789ABCDEF0123456789ABCDEF01" {
		t.Fatalf("entities = %+v", d.Entities)
	}
	if len(d.VendorLinks) != 1 || d.VendorLinks[0].Site != b || d.VendorLinks[0].Name != "night-owl" || d.VendorLinks[0].Kind != "pgp" {
		t.Fatalf("vendor links = %+v", d.VendorLinks)
	}
	if len(d.Mirrors) != 2 || d.Mirrors[0] != a {
		t.Fatalf("mirrors = %v", d.Mirrors)
	}
	if len(d.Evidence) == 0 || d.Extracted.Vendor != "owl" || d.RulesVersion != "test@1" || d.InStock == nil || *d.InStock {
		t.Fatalf("detail = %+v", d)
	}

	vs, err := db.Vendors(ctx, VendorFilter{Linked: true})
	if err != nil || len(vs) != 2 {
		t.Fatalf("linked vendors = %+v, %v", vs, err)
	}
	var owl Vendor
	for _, v := range vs {
		if v.Name == "owl" {
			owl = v
		}
	}
	if len(owl.Listings) != 2 || len(owl.Markets) != 2 || len(owl.Entities) != 2 || !owl.LastSeen.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("owl = %+v", owl)
	}
	if vs, _ := db.Vendors(ctx, VendorFilter{Name: "NIGHT", Site: b}); len(vs) != 1 {
		t.Fatalf("name filter = %+v", vs)
	}
	// The views analysts use answer too.
	var n int
	for _, q := range []string{
		`SELECT count(*) FROM v_findings WHERE severity = 'critical'`,
		`SELECT count(*) FROM v_listing_history`,
		`SELECT count(*) FROM v_vendors WHERE linked IS NOT NULL`,
		`SELECT count(*) FROM v_entities WHERE kind = 'pgp' AND sites = 2`,
		`SELECT count(*) FROM v_vendor_links`,
	} {
		if err := db.r.QueryRow(q).Scan(&n); err != nil || n == 0 {
			t.Errorf("%s = %d, %v", q, n, err)
		}
	}
}

func TestSearch(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	a := onion("search")
	l1 := fentListing(a, "/l/1")
	l1.title = "Carfentanil 100mcg lab tested"
	l1.substances = []string{"carfentanil"}
	id1 := mustSave(t, db, l1, nil).FindingID
	l2 := fentListing(a, "/l/2")
	l2.title, l2.substances, l2.stock = "4-ANPP precursor 1kg", []string{"4-anpp"}, "Ships from Rotterdam"
	id2 := mustSave(t, db, l2, nil).FindingID
	tests := []struct {
		q    string
		f    fentinel.FindingFilter
		want []int64
	}{
		{"carfentanil", fentinel.FindingFilter{}, []int64{id1}},
		{"4-ANPP", fentinel.FindingFilter{}, []int64{id2}},
		{"rotterdam", fentinel.FindingFilter{}, []int64{id2}}, // page text, not title
		{"escrow", fentinel.FindingFilter{}, []int64{id1, id2}},
		{"escrow", fentinel.FindingFilter{Substance: "carfentanil"}, []int64{id1}},
		{"carfentanil OR rotterdam", fentinel.FindingFilter{}, []int64{id1, id2}},
		{"title:precursor", fentinel.FindingFilter{}, []int64{id2}},
		{"heroin", fentinel.FindingFilter{}, nil},
		{"hidden", fentinel.FindingFilter{}, nil}, // script text is not indexed
	}
	for _, tt := range tests {
		hits, err := db.Search(ctx, tt.q, tt.f)
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.q, err)
		}
		got := map[int64]bool{}
		for _, h := range hits {
			got[h.ID] = true
			if !strings.Contains(h.Match, "**") {
				t.Errorf("Search(%q) hit %d: match %q not highlighted", tt.q, h.ID, h.Match)
			}
		}
		if len(got) != len(tt.want) {
			t.Fatalf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
		for _, id := range tt.want {
			if !got[id] {
				t.Fatalf("Search(%q) = %v, want %v", tt.q, got, tt.want)
			}
		}
	}
	if _, err := db.Search(ctx, "  ", fentinel.FindingFilter{}); err == nil {
		t.Fatal("empty query accepted")
	}
	if _, err := db.Search(ctx, `"unbalanced`, fentinel.FindingFilter{}); err == nil {
		t.Fatal("bad FTS syntax accepted")
	}
}

// TestIngestCacheRecoversFromManualDeletes: an analyst deleting vendor rows
// by hand makes one save fail (the cached id is gone), not every later one.
func TestIngestCacheRecoversFromManualDeletes(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	l := fentListing(onion("cache"), "/l/1")
	mustSave(t, db, l, nil)
	if _, err := db.w.Exec(`DELETE FROM vendor_entities; DELETE FROM vendors`); err != nil {
		t.Fatal(err)
	}
	l2 := fentListing(onion("cache"), "/l/2")
	if _, err := db.SavePage(ctx, l2.page(), l2.verdict(), nil); err == nil {
		t.Fatal("save with a stale cached vendor id succeeded: foreign keys not enforced?")
	}
	if _, err := db.SavePage(ctx, l2.page(), l2.verdict(), nil); err != nil {
		t.Fatalf("second save after a manual delete still fails: %v", err)
	}
	if vs, _ := db.Vendors(ctx, VendorFilter{}); len(vs) != 1 {
		t.Fatalf("vendors = %+v", vs)
	}
}
