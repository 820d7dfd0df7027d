package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func TestVendorsCommand(t *testing.T) {
	path, _ := wbSeed(t)
	code, out, errOut := wbRun(t, "vendors", "--db", path, "--format", "jsonl", "--linked")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("linked vendors:\n%s", out)
	}
	names := map[string]bool{}
	for _, l := range lines {
		var v struct {
			Name    string   `json:"name"`
			Markets []string `json:"markets"`
			Links   []struct {
				Name, Kind string
			} `json:"links"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		names[v.Name] = true
		if len(v.Markets) != 2 || len(v.Links) != 1 || v.Links[0].Kind != "pgp" {
			t.Fatalf("vendor %+v", v)
		}
	}
	if !names["nightowl"] || !names["night_owl"] {
		t.Fatalf("linked = %v", names)
	}
	code, out, _ = wbRun(t, "vendors", "--db", path, "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 4 {
		t.Fatalf("csv (%d): %v\n%s", code, err, out)
	}
	code, out, _ = wbRun(t, "vendors", "--db", path, "--site", wbOnion("market-a"), "--name", "PILL")
	if code != 0 || !strings.Contains(out, "pillhouse") || strings.Contains(out, "nightowl") {
		t.Fatalf("table:\n%s", out)
	}
}
