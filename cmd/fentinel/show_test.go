package main

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestShowText(t *testing.T) {
	path, ids := wbSeed(t)
	code, out, errOut := wbRun(t, "show", strconv.FormatInt(ids[0], 10), "--db", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if os.Getenv("FENTINEL_SHOW_OUTPUT") != "" {
		t.Log("\n" + out)
		_, tbl, _ := wbRun(t, "findings", "--db", path)
		_, vend, _ := wbRun(t, "vendors", "--db", path)
		t.Log("\n" + tbl + "\n" + vend)
	}
	for _, want := range []string{
		"Finding " + strconv.FormatInt(ids[0], 10) + "  CRITICAL  score 0.97  status new",
		"Title:       Carfentanil 100mcg, lab tested",
		"Page:        listing",
		"Contains »carfentanil«.", // evidence snippet with the term highlighted
		"price       250 USD",     // extracted fields
		"ships from  NL",
		"btc     bc1qsyntheticwalletaddress000000000000000", // entities
		"pgp     0123456789ABCDEF0123456789ABCDEF01234567",
		"night_owl on " + wbOnion("market-b") + "  via pgp", // cross-market vendor link
		"Price history",
		"250 USD  yes",
		"sha256 ",
		"finding.new",
	} {
		if want == "finding.new" {
			want = "new      pending    hook"
		}
		if !strings.Contains(out, want) {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}
}

func TestShowJSONAndErrors(t *testing.T) {
	path, ids := wbSeed(t)
	code, out, errOut := wbRun(t, "show", "--format", "json", "--db", path, strconv.FormatInt(ids[2], 10))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"finding", "evidence", "extracted", "entities", "history", "snapshots", "triage"} {
		if _, ok := d[k]; !ok {
			t.Errorf("json lacks %q", k)
		}
	}
	if d["in_stock"] != false {
		t.Errorf("in_stock = %v for a sold-out listing", d["in_stock"])
	}
	if code, _, errOut := wbRun(t, "show", "999", "--db", path); code == 0 || !strings.Contains(errOut, "no finding 999") {
		t.Fatalf("missing id: %d %q", code, errOut)
	}
	if code, _, _ := wbRun(t, "show", "abc", "--db", path); code != 2 {
		t.Fatalf("bad id exit %d", code)
	}
}

func TestHighlightAndClean(t *testing.T) {
	tests := []struct{ snippet, term, want string }{
		{"Buy Fentanyl now, fentanyl!", "fentanyl", "Buy »Fentanyl« now, »fentanyl«!"},
		{"no match here", "carfentanil", "no match here"},
		{"evil\x1b[2Jterm", "term", "evil [2J»term«"},
		{"x", "", "x"},
	}
	for _, tt := range tests {
		if got := highlight(tt.snippet, tt.term, false); got != tt.want {
			t.Errorf("highlight(%q, %q) = %q, want %q", tt.snippet, tt.term, got, tt.want)
		}
	}
	if got := highlight("a fent b", "fent", true); got != "a \x1b[1;31mfent\x1b[0m b" {
		t.Errorf("ansi = %q", got)
	}
}
