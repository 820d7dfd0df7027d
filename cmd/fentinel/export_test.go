package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportCommand(t *testing.T) {
	path, _ := wbSeed(t)
	dir := t.TempDir()
	// STIX to a file, with the filters of findings.
	stixFile := filepath.Join(dir, "out.stix.json")
	code, _, errOut := wbRun(t, "export", "--format", "stix", "--tlp", "red", "--producer", "Example Cyber Unit", "--since", "24h", "--out", stixFile, "--db", path)
	if code != 0 {
		t.Fatalf("stix exit %d: %s", code, errOut)
	}
	raw, _ := os.ReadFile(stixFile)
	var bundle struct {
		Type    string           `json:"type"`
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(raw, &bundle); err != nil || bundle.Type != "bundle" {
		t.Fatalf("bundle: %v %s", err, raw)
	}
	counts := map[string]int{}
	for _, o := range bundle.Objects {
		counts[o["type"].(string)]++
		if o["type"] == "identity" && o["name"] == "Example Cyber Unit" {
			counts["producer"]++
		}
		if o["type"] == "marking-definition" && o["name"] != "TLP:RED" {
			t.Errorf("marking %v", o["name"])
		}
	}
	if counts["observed-data"] != 2 || counts["producer"] != 1 || counts["cryptocurrency-wallet"] != 2 || counts["email-addr"] != 1 || counts["report"] != 1 {
		t.Fatalf("object counts %v", counts)
	}
	// MISP to stdout.
	code, out, errOut := wbRun(t, "export", "--format", "misp", "--db", path, "--tlp", "amber")
	if code != 0 {
		t.Fatalf("misp exit %d: %s", code, errOut)
	}
	var ev struct {
		Event struct {
			Tag       []struct{ Name string }
			Attribute []struct{ Type, Value string }
		}
	}
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, a := range ev.Event.Attribute {
		types[a.Type]++
	}
	if len(ev.Event.Tag) != 1 || ev.Event.Tag[0].Name != "tlp:amber" || types["url"] != 3 || types["btc"] != 1 || types["xmr"] != 1 || types["pgp-public-key"] != 2 {
		t.Fatalf("misp tags %v types %v", ev.Event.Tag, types)
	}
	// csv and jsonl carry the entities.
	code, out, _ = wbRun(t, "export", "--format", "csv", "--db", path, "--substance", "carfentanil")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, "0123456789ABCDEF0123456789ABCDEF01234567") {
		t.Fatalf("csv:\n%s", out)
	}
	code, out, _ = wbRun(t, "export", "--format", "jsonl", "--db", path)
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, `"entities":[`) {
		t.Fatalf("jsonl:\n%s", out)
	}
	for _, args := range [][]string{{"export"}, {"export", "--format", "xml"}, {"export", "--format", "stix", "--tlp", "purple"}} {
		if code, _, _ := wbRun(t, append(args, "--db", path)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
