package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func scanRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := runMain(context.Background(), env, append([]string{"scan"}, args...))
	return code, out.String(), errOut.String()
}

func TestScanJSONL(t *testing.T) {
	pos := filepath.Join("testdata", "scan", "positive.html")
	dec := filepath.Join("testdata", "scan", "decoy.html")
	txt := filepath.Join("testdata", "scan", "listing.txt")
	code, out, errOut := scanRun(t, "<h1>Isotonitazene 1g</h1><p>€120, escrow, ships from DE</p>", pos, dec, txt, "-")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	type rec struct {
		Source     string           `json:"source"`
		Flagged    *bool            `json:"flagged"`
		Score      *float64         `json:"score"`
		Severity   string           `json:"severity"`
		Substances []string         `json:"substances"`
		Evidence   []map[string]any `json:"evidence"`
		Extracted  map[string]any   `json:"extracted"`
	}
	var recs []rec
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r rec
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		if r.Flagged == nil || r.Score == nil || r.Substances == nil || r.Evidence == nil || r.Extracted == nil || r.Severity == "" {
			t.Fatalf("record misses required keys: %s", sc.Text())
		}
		recs = append(recs, r)
	}
	if len(recs) != 4 {
		t.Fatalf("got %d records, want 4:\n%s", len(recs), out)
	}
	want := []struct {
		source   string
		flagged  bool
		severity string
		sub      string
	}{
		{pos, true, "critical", "carfentanil"},
		{dec, false, "none", ""},
		{txt, true, "high", "fentanyl"},
		{"-", true, "critical", "isotonitazene"},
	}
	for i, w := range want {
		r := recs[i]
		if r.Source != w.source || *r.Flagged != w.flagged || r.Severity != w.severity {
			t.Errorf("record %d = %s flagged=%v severity=%s, want %s %v %s", i, r.Source, *r.Flagged, r.Severity, w.source, w.flagged, w.severity)
		}
		if w.sub != "" && (len(r.Substances) == 0 || r.Substances[0] != w.sub) {
			t.Errorf("record %d substances = %v, want %s", i, r.Substances, w.sub)
		}
	}
	if v, _ := recs[0].Extracted["vendor"].(string); v != "chemwolf" {
		t.Errorf("vendor = %q, want chemwolf", v)
	}
	if c, _ := recs[0].Extracted["currency"].(string); c != "BTC" {
		t.Errorf("currency = %q, want BTC", c)
	}
}

func TestScanTableAndErrors(t *testing.T) {
	pos := filepath.Join("testdata", "scan", "positive.html")
	code, out, _ := scanRun(t, "", "--format", "table", pos)
	if code != 0 || !strings.Contains(out, "SOURCE") || !strings.Contains(out, "carfentanil") {
		t.Fatalf("table: exit %d, out:\n%s", code, out)
	}
	if code, _, _ := scanRun(t, "", "--format", "xml", pos); code != 2 {
		t.Errorf("bad format: exit %d, want 2", code)
	}
	if code, _, _ := scanRun(t, ""); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
	code, _, errOut := scanRun(t, "", filepath.Join("testdata", "scan", "missing.html"))
	if code != 1 || !strings.Contains(errOut, "missing.html") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = scanRun(t, "", "--rules", filepath.Join("testdata", "scan", "nope.yaml"), pos)
	if code != 1 || !strings.Contains(errOut, "nope.yaml") {
		t.Errorf("missing rules: exit %d, stderr %q", code, errOut)
	}
}
