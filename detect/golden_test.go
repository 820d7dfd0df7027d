package detect

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fentinel/fentinel"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/verdicts.golden.jsonl from the current detector")

const goldenFile = "testdata/verdicts.golden.jsonl"

// goldenPages is the labelled corpus plus the simulator's rendered sample
// pages (marketsim/testdata), in a fixed order.
func goldenPages(t testing.TB) []fentinel.Page {
	t.Helper()
	var pages []fentinel.Page
	for _, s := range loadCorpus(t) {
		pages = append(pages, s.Page)
	}
	sim, err := filepath.Glob("../marketsim/testdata/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sim {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		h.Set("Content-Type", "text/html; charset=utf-8")
		pages = append(pages, fentinel.Page{URL: "http://sim.invalid/" + filepath.Base(f), Header: h, Body: body})
	}
	return pages
}

// dumpVerdicts renders one JSON line per page: the URL and the full verdict.
func dumpVerdicts(t testing.TB, d *Detector, pages []fentinel.Page) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, p := range pages {
		line, err := json.Marshal(struct {
			URL     string           `json:"url"`
			Verdict fentinel.Verdict `json:"verdict"`
		}{p.URL, d.Detect(p)})
		if err != nil {
			t.Fatalf("marshal verdict for %s: %v", p.URL, err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// TestVerdictsGolden: every verdict over the corpus and the simulator's
// sample pages is byte-identical to the recorded one. Speed work must not
// change output; a deliberate behaviour change rewrites the file with
// -update-golden and the diff is reviewed in the commit.
func TestVerdictsGolden(t *testing.T) {
	d := defaultDetector(t)
	got := dumpVerdicts(t, d, goldenPages(t))
	if *updateGolden {
		if err := os.WriteFile(goldenFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("read %s (run with -update-golden to create it): %v", goldenFile, err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	if len(gl) != len(wl) {
		t.Errorf("%d verdict lines, want %d", len(gl), len(wl))
	}
	n := 0
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			t.Errorf("line %d differs:\n got: %s\nwant: %s", i+1, gl[i], wl[i])
			if n++; n == 5 {
				t.Fatal("more differences not shown")
			}
		}
	}
	if n == 0 && len(gl) == len(wl) {
		t.Error("verdict dump differs")
	}
}

// TestVerdictsOutliveLaterPages: a verdict shares no memory with the
// detector's pooled buffers. Every verdict is kept while the rest of the
// pages (and a second pass over them) are judged, and only then compared
// with the golden file, so a string left pointing into reused scratch
// memory shows up as a changed line.
func TestVerdictsOutliveLaterPages(t *testing.T) {
	d := defaultDetector(t)
	pages := goldenPages(t)
	kept := make([]fentinel.Verdict, len(pages))
	for i, p := range pages {
		kept[i] = d.Detect(p)
	}
	for _, p := range pages {
		_ = d.Detect(p) // overwrite every pooled buffer again
	}
	var b bytes.Buffer
	for i, p := range pages {
		line, err := json.Marshal(struct {
			URL     string           `json:"url"`
			Verdict fentinel.Verdict `json:"verdict"`
		}{p.URL, kept[i]})
		if err != nil {
			t.Fatalf("marshal verdict for %s: %v", p.URL, err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		gl, wl := strings.Split(b.String(), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("verdict %d changed after later pages were judged:\n got: %s\nwant: %s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("verdict dump changed after later pages were judged (%d vs %d lines)", len(gl), len(wl))
	}
}
