package detect

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/fentinel/fentinel"
)

const corpusDir = "testdata/corpus"

type corpusLabel struct {
	File     string `json:"file"`
	Positive bool   `json:"positive"`
	Category string `json:"category"`
	Language string `json:"language"`
	Evasion  string `json:"evasion"`
	Layout   string `json:"layout"`
	Charset  string `json:"charset"`
}

func loadCorpus(t testing.TB) []Sample {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Sample
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l corpusLabel
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("labels.jsonl: %v", err)
		}
		body, err := os.ReadFile(filepath.Join(corpusDir, l.File))
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		h.Set("Content-Type", "text/html")
		out = append(out, Sample{Name: l.File, Positive: l.Positive, Category: l.Category, Language: l.Language,
			Evasion: l.Evasion, Layout: l.Layout,
			Page: fentinel.Page{URL: "http://corpus.invalid/" + l.File, Header: h, Body: body}})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpusShape checks the corpus covers what issue 3 asks for.
func TestCorpusShape(t *testing.T) {
	s := loadCorpus(t)
	if len(s) < 400 {
		t.Errorf("corpus has %d pages, want >= 400", len(s))
	}
	layouts, langs, cats := map[string]bool{}, map[string]int{}, map[string]bool{}
	for _, x := range s {
		layouts[x.Layout] = true
		if x.Positive {
			langs[x.Language]++
		}
		cats[x.Category] = true
	}
	if len(layouts) < 5 {
		t.Errorf("layouts = %v, want >= 5", layouts)
	}
	for _, l := range []string{"en", "es", "pt", "fr", "de", "ru", "zh"} {
		if langs[l] < 10 {
			t.Errorf("language %s has %d positives, want >= 10", l, langs[l])
		}
	}
	for _, c := range []string{"fentanyl", "analogue", "nitazene", "nso", "precursor", "pill",
		"test-strips", "naloxone", "news", "rules", "harm-reduction", "pharmacology", "no-fent-disclaimer", "catalogue"} {
		if !cats[c] {
			t.Errorf("category %s missing", c)
		}
	}
}

// TestCorpusFloors asserts the detection-quality floors of issue 3.
func TestCorpusFloors(t *testing.T) {
	d := defaultDetector(t)
	r := Evaluate(d, loadCorpus(t))
	for _, m := range r.Misses {
		t.Logf("miss %s want=%v score=%.3f substances=%v", m.Sample, m.Want, m.Score, m.Verdict.Substances)
	}
	t.Logf("overall P=%.3f R=%.3f F1=%.3f (%+v)", r.Overall.Precision(), r.Overall.Recall(), r.Overall.F1(), r.Overall)
	if f1 := r.Overall.F1(); f1 < 0.97 {
		t.Errorf("overall F1 = %.3f, want >= 0.97", f1)
	}
	for _, k := range Keys(r.ByLanguage) {
		if rec := r.ByLanguage[k].Recall(); rec < 0.90 {
			t.Errorf("language %s recall = %.3f, want >= 0.90", k, rec)
		}
	}
	for _, k := range Keys(r.ByEvasion) {
		c := r.ByEvasion[k]
		if c.TP+c.FN == 0 {
			continue
		}
		if rec := c.Recall(); rec < 0.90 {
			t.Errorf("evasion %s recall = %.3f (%d/%d), want >= 0.90", k, rec, c.TP, c.TP+c.FN)
		}
	}
}

func ExampleEvaluate() {
	rs := mustDefault()
	d, _ := New(rs)
	r := Evaluate(d, []Sample{
		{Name: "pos", Positive: true, Page: fentinel.Page{Body: []byte("<h1>Carfentanil 1g</h1><p>$300, escrow, ships from NL</p>")}},
		{Name: "neg", Positive: false, Page: fentinel.Page{Body: []byte("<h1>Fentanyl test strips x10</h1><p>$12, add to cart</p>")}},
	})
	fmt.Printf("TP=%d FP=%d FN=%d TN=%d F1=%.2f\n", r.Overall.TP, r.Overall.FP, r.Overall.FN, r.Overall.TN, r.Overall.F1())
	// Output: TP=1 FP=0 FN=0 TN=1 F1=1.00
}
