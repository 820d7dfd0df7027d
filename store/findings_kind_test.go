package store

import (
	"context"
	"strings"
	"testing"

	"github.com/fentinel/fentinel"
)

// TestFindingPageKind: the verdict's page kind is stored with the finding,
// follows it when the page is seen again, filters findings and shows in
// v_findings.
func TestFindingPageKind(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	site := onion("kinds")
	save := func(path, kind string) {
		l := fentListing(site, path)
		v := l.verdict()
		v.PageKind = kind
		if _, err := db.SavePage(ctx, l.page(), v, nil); err != nil {
			t.Fatal(err)
		}
	}
	save("/listing/1", fentinel.PageListing)
	save("/category/opioids", fentinel.PageIndex)
	save("/wallet", "")
	for _, c := range []struct {
		kind string
		want int
	}{{"", 3}, {fentinel.PageListing, 1}, {fentinel.PageIndex, 1}, {"INDEX", 1}, {fentinel.PageVendor, 0}} {
		fs, err := db.Findings(ctx, fentinel.FindingFilter{PageKind: c.kind})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != c.want {
			t.Errorf("kind %q: %d findings, want %d", c.kind, len(fs), c.want)
		}
		for _, f := range fs {
			if c.kind != "" && f.PageKind != strings.ToLower(c.kind) {
				t.Errorf("kind %q: got a %q finding", c.kind, f.PageKind)
			}
		}
	}
	// Seen again with another kind (the rules or the page changed).
	save("/category/opioids", fentinel.PageVendor)
	fs, err := db.Findings(ctx, fentinel.FindingFilter{PageKind: fentinel.PageVendor})
	if err != nil || len(fs) != 1 || fs[0].URL != "http://"+site+"/category/opioids" {
		t.Fatalf("after re-save: %v %+v", err, fs)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM v_findings WHERE page_kind = 'listing'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("v_findings listing rows: %d, %v", n, err)
	}
}
