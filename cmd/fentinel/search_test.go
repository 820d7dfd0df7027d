package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

func TestSearchCommand(t *testing.T) {
	path, ids := wbSeed(t)
	tests := []struct {
		name string
		args []string
		want []int64
	}{
		{"title word", []string{"carfentanil"}, ids[:1]},
		{"page text", []string{"stealth", "shipping"}, ids},
		{"with filter", []string{"escrow", "--site", wbOnion("market-b")}, ids[2:]},
		{"since filter", []string{"escrow", "--since", "24h"}, ids[:2]},
		{"hyphenated word", []string{"lab", "tested"}, ids[:1]},
		{"fts syntax", []string{"title:m30 OR protonitazene"}, []int64{ids[1], ids[2]}},
		{"no hit", []string{"heroin"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := wbRun(t, append([]string{"search", "--db", path, "--format", "jsonl"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			got := map[int64]bool{}
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				var rec map[string]any
				if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
					t.Fatal(err)
				}
				for _, k := range []string{"id", "url", "site", "score", "severity", "substances", "title", "first_seen", "last_seen", "match"} {
					if _, ok := rec[k]; !ok {
						t.Fatalf("record lacks %q: %s", k, sc.Text())
					}
				}
				got[int64(rec["id"].(float64))] = true
			}
			if len(got) != len(tt.want) {
				t.Fatalf("hits %v, want %v", got, tt.want)
			}
			for _, id := range tt.want {
				if !got[id] {
					t.Fatalf("hits %v, want %v", got, tt.want)
				}
			}
		})
	}
	code, out, _ := wbRun(t, "search", "carfentanil", "--db", path)
	if code != 0 || !strings.Contains(out, "MATCH") || !strings.Contains(out, "**Carfentanil**") {
		t.Fatalf("table output:\n%s", out)
	}
	if code, _, errOut := wbRun(t, "search", "--db", path); code != 2 || !strings.Contains(errOut, "missing QUERY") {
		t.Fatalf("no query: exit %d %q", code, errOut)
	}
	if code, _, errOut := wbRun(t, "search", `"unbalanced`, "--db", path); code == 0 || !strings.Contains(errOut, "FTS5 syntax") {
		t.Fatalf("bad syntax: exit %d %q", code, errOut)
	}
}
