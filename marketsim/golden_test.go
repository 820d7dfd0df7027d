package marketsim

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGoldenPages pins the markup of a few pages per layout, so a change to
// a layout that other packages' extractors depend on is deliberate.
func TestGoldenPages(t *testing.T) {
	s := startSim(t, Options{})
	c := client(t, s, "")
	classic, modern := s.Markets()[0], s.Markets()[1]
	tests := []struct {
		file, url string
	}{
		{"classic-home.html", classic.Home()},
		{"classic-listing-0.html", classic.Home() + "listing/0"},
		{"classic-category-opioids-2.html", classic.Home() + "category/opioids?page=2"},
		{"classic-rules.html", classic.Home() + "rules"},
		{"modern-listing-4.html", modern.Home() + "item/4/fentanilo-puro"},
		{"modern-vendor.html", modern.Home() + "v/NitroSynth"},
		{"modern-terms.html", modern.Home() + "terms"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			st, _, body := get(t, c, tt.url)
			if st != 200 {
				t.Fatalf("status %d", st)
			}
			path := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(want) != body {
				t.Fatalf("%s differs from %s (run go test -update if the change is deliberate)", tt.url, path)
			}
		})
	}
}
