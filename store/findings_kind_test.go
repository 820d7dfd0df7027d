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

// TestRoutePageKinds: a route limited to listings queues alerts for
// listings and for pages of unknown kind, not for index pages; a route
// without the limit queues for all three.
func TestRoutePageKinds(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	site := onion("routes")
	duty := fentinel.DefaultRoute("duty")
	duty.PageKinds = []string{fentinel.PageListing}
	routes := []fentinel.Route{duty, fentinel.DefaultRoute("all")}
	for _, c := range []struct {
		path, kind string
		want       int
	}{
		{"/listing/1", fentinel.PageListing, 2},
		{"/category/opioids", fentinel.PageIndex, 1},
		{"/wallet", "", 2},
	} {
		l := fentListing(site, c.path)
		v := l.verdict()
		v.PageKind = c.kind
		r, err := db.SavePage(ctx, l.page(), v, routes)
		if err != nil {
			t.Fatal(err)
		}
		if r.AlertsQueued != c.want {
			t.Errorf("%s (%q): %d alerts queued, want %d", c.path, c.kind, r.AlertsQueued, c.want)
		}
	}
}
