package detect

import (
	"sort"
	"strings"
	"testing"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/rules"
)

func defaultDetector(t testing.TB) *Detector {
	t.Helper()
	rs, err := rules.Default()
	if err != nil {
		t.Fatalf("rules.Default: %v", err)
	}
	d, err := New(rs)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

// TestDefaultRuleCases runs the inline test cases of the embedded rule set.
func TestDefaultRuleCases(t *testing.T) {
	rs, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range rs.Tests {
		t.Run(tc.Name, func(t *testing.T) {
			v := d.Detect(fentinel.Page{URL: tc.URL, Body: []byte(tc.Text)})
			if v.Flagged != tc.Flag {
				t.Errorf("%s: flagged = %v (score %.3f), want %v; evidence:\n%s", tc.Pos, v.Flagged, v.Score, tc.Flag, dumpEvidence(v))
			}
			if len(tc.Substances) > 0 {
				want := append([]string(nil), tc.Substances...)
				sort.Strings(want)
				if strings.Join(v.Substances, ",") != strings.Join(want, ",") {
					t.Errorf("substances = %v, want %v", v.Substances, want)
				}
			}
			if tc.Severity != "" && v.Severity.String() != tc.Severity {
				t.Errorf("severity = %s, want %s", v.Severity, tc.Severity)
			}
		})
	}
}

func dumpEvidence(v fentinel.Verdict) string {
	var b strings.Builder
	for _, e := range v.Evidence {
		b.WriteString("  " + e.Rule + " [" + e.Zone + "] " + e.Term + "\n")
	}
	return b.String()
}

func mustDefault() *rules.Set {
	rs, err := rules.Default()
	if err != nil {
		panic(err)
	}
	return rs
}
