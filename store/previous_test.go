package store

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

func TestPreviousVerdict(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "prev.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	page := func(url, body string) fentinel.Page {
		return fentinel.Page{URL: url, FinalURL: url, Site: "s.onion", Status: 200, FetchedAt: time.Now(),
			Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(body)}
	}
	flagged := fentinel.Verdict{Flagged: true, Score: 0.9, Severity: fentinel.SeverityHigh,
		Substances: []string{"fentanyl"}, Classes: []string{fentinel.ClassFentanyl}, RulesVersion: "r1",
		Extracted: fentinel.Extracted{Title: "Fentanyl 1g"}}
	plain := fentinel.Verdict{RulesVersion: "r1"}

	hot, cold := page("http://s.onion/l/1", "<title>Fentanyl 1g</title>"), page("http://s.onion/about", "<title>About</title>")
	if _, err := db.SavePage(ctx, hot, flagged, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SavePage(ctx, cold, plain, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		p           fentinel.Page
		rules       string
		wantOK      bool
		wantFlagged bool
	}{
		{"flagged, unchanged", hot, "r1", true, true},
		{"not flagged, unchanged", cold, "r1", true, false},
		{"content changed", page(hot.URL, "<title>Fentanyl 2g</title>"), "r1", false, false},
		{"rules changed", hot, "r2", false, false},
		{"never seen", page("http://s.onion/new", "x"), "r1", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok, err := db.PreviousVerdict(ctx, tt.p.Site, tt.p.URL, tt.p.ContentHash(), tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK || v.Flagged != tt.wantFlagged {
				t.Fatalf("ok=%v flagged=%v, want ok=%v flagged=%v", ok, v.Flagged, tt.wantOK, tt.wantFlagged)
			}
			if tt.wantFlagged && (v.Score != flagged.Score || v.Extracted.Title != "Fentanyl 1g" || len(v.Substances) != 1) {
				t.Fatalf("verdict not restored: %+v", v)
			}
		})
	}
}
