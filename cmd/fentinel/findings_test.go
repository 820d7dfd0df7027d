package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

func TestFindingsFormats(t *testing.T) {
	path, ids := wbSeed(t)
	tests := []struct {
		name    string
		args    []string
		wantIDs []int64
	}{
		{"all", nil, ids},
		{"since 24h", []string{"--since", "24h"}, ids[:2]},
		{"since 5d", []string{"--since", "5d"}, ids},
		{"min score", []string{"--min-score", "0.9"}, ids[:1]},
		{"substance", []string{"--substance", "protonitazene"}, ids[2:]},
		{"site", []string{"--site", wbOnion("market-b")}, ids[2:]},
		{"status", []string{"--status", "new"}, ids},
		{"status none", []string{"--status", "confirmed"}, nil},
		{"severity", []string{"--severity", "high"}, ids[:2]},
		{"limit", []string{"--limit", "1"}, ids[:1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// jsonl, with --db after the filters to check interspersed flags.
			code, out, errOut := wbRun(t, append(append([]string{"findings", "--format", "jsonl"}, tt.args...), "--db", path)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []int64
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				var rec map[string]any
				if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
					t.Fatalf("bad jsonl line %q: %v", sc.Text(), err)
				}
				for _, k := range []string{"id", "url", "site", "score", "severity", "substances", "title", "first_seen", "last_seen", "status"} {
					if _, ok := rec[k]; !ok {
						t.Fatalf("jsonl record lacks %q: %s", k, sc.Text())
					}
				}
				if _, err := time.Parse(time.RFC3339, rec["last_seen"].(string)); err != nil {
					t.Fatalf("last_seen %v: %v", rec["last_seen"], err)
				}
				if _, ok := rec["substances"].([]any); !ok {
					t.Fatalf("substances is not an array: %s", sc.Text())
				}
				got = append(got, int64(rec["id"].(float64)))
			}
			if !equalIDs(got, tt.wantIDs) {
				t.Fatalf("ids = %v, want %v", got, tt.wantIDs)
			}
			// csv: the same rows, with a header.
			code, out, errOut = wbRun(t, append([]string{"findings", "--db", path, "--format", "csv"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("csv exit %d: %s", code, errOut)
			}
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(recs[0][:9], ",") != "id,url,site,score,severity,substances,title,first_seen,last_seen" {
				t.Fatalf("csv header %v", recs[0])
			}
			if len(recs)-1 != len(tt.wantIDs) {
				t.Fatalf("csv rows %d, want %d", len(recs)-1, len(tt.wantIDs))
			}
		})
	}
}

func TestFindingsTable(t *testing.T) {
	path, ids := wbSeed(t)
	code, out, errOut := wbRun(t, "findings", "--db", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1+len(ids) || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("table:\n%s", out)
	}
	if !strings.Contains(lines[1], "critical") || !strings.Contains(lines[1], "carfentanil") || !strings.Contains(lines[1], "250 USD") {
		t.Fatalf("first row %q", lines[1])
	}
}

func TestFindingsBadFlags(t *testing.T) {
	path, _ := wbSeed(t)
	for _, args := range [][]string{
		{"--since", "yesterday"},
		{"--format", "xml"},
		{"--status", "closed"},
		{"--min-score", "2"},
		{"extra-arg"},
	} {
		code, _, errOut := wbRun(t, append([]string{"findings", "--db", path}, args...)...)
		if code == 0 || errOut == "" {
			t.Errorf("findings %v: exit %d, stderr %q; want an error", args, code, errOut)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"24h", now.Add(-24 * time.Hour)},
		{"90m", now.Add(-90 * time.Minute)},
		{"7d", now.Add(-7 * 24 * time.Hour)},
		{"2w", now.Add(-14 * 24 * time.Hour)},
		{"2026-11-01", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-11-01T06:30:00Z", time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := parseSince(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "soon", "-3h", "2026-13-45"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("parseSince(%q) succeeded", bad)
		}
	}
}

func TestCellSanitises(t *testing.T) {
	if got := cell("a\tb\nc\x1b[31mred", 100); got != "a b c [31mred" {
		t.Fatalf("cell = %q", got)
	}
	if got := cell("abcdefghij", 5); got != "abcd…" {
		t.Fatalf("cell = %q", got)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFindingsWhileCrawlWrites runs the analyst commands against a database
// another handle (as a crawl process would) keeps writing to.
func TestFindingsWhileCrawlWrites(t *testing.T) {
	path, _ := wbSeed(t)
	db := openStore(t, path)
	done := make(chan error, 1)
	go func() {
		site := wbOnion("market-live")
		for i := 0; i < 40; i++ {
			l := wbListing{site: site, path: fmt.Sprintf("/listing/%d", i), title: fmt.Sprintf("Fentanyl powder lot %d", i),
				currency: "USD", price: 100, substances: []string{"fentanyl"}, classes: []string{"fentanyl"},
				severity: fentinel.SeverityHigh, score: 0.9, at: time.Now()}
			body := []byte("<html><body><h1>" + l.title + "</h1><p>escrow</p></body></html>")
			p := fentinel.Page{URL: "http://" + site + l.path, Site: site, Status: 200, FetchedAt: l.at, Body: body}
			v := fentinel.Verdict{Flagged: true, Score: l.score, Severity: l.severity, Substances: l.substances, Classes: l.classes,
				Extracted: fentinel.Extracted{Title: l.title, Price: l.price, Currency: "USD"}}
			if _, err := db.SavePage(context.Background(), p, v, nil); err != nil {
				done <- err
				return
			}
			time.Sleep(10 * time.Millisecond) // a crawl's pace, so reads interleave with writes
		}
		done <- nil
	}()
	last, reads, readsDuring := 0, 0, 0
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
		}
		start := time.Now()
		code, out, errOut := wbRun(t, "findings", "--db", path, "--format", "jsonl", "--site", wbOnion("market-live"))
		if code != 0 {
			t.Fatalf("findings during a crawl: exit %d: %s", code, errOut)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("findings blocked for %v while the crawl wrote", d)
		}
		n := strings.Count(out, "\n")
		if n < last {
			t.Fatalf("saw %d findings after %d", n, last)
		}
		last = n
		reads++
		if running && n > 0 && n < 40 {
			readsDuring++
		}
		if code, _, errOut := wbRun(t, "search", "lot", "--db", path, "--format", "csv"); code != 0 {
			t.Fatalf("search during a crawl: %s", errOut)
		}
	}
	if readsDuring == 0 {
		t.Fatalf("no read saw the crawl half-way (%d reads): the test did not overlap reads and writes", reads)
	}
	code, out, _ := wbRun(t, "findings", "--db", path, "--format", "csv", "--site", wbOnion("market-live"))
	if code != 0 || strings.Count(out, "\n") != 41 {
		t.Fatalf("after the crawl: %d rows", strings.Count(out, "\n")-1)
	}
}
