package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fentinel/fentinel"
)

func TestDefaultLoads(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	if !strings.HasPrefix(s.Version(), "default@") || len(s.Version()) != len("default@")+8 {
		t.Errorf("Version = %q, want default@<8 hex>", s.Version())
	}
	s2, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if s.Version() != s2.Version() {
		t.Errorf("Version not stable: %s vs %s", s.Version(), s2.Version())
	}
	count := map[string]int{}
	langs := map[string]bool{}
	for _, sub := range s.Substances {
		count[sub.Class]++
		for l := range sub.Aliases {
			langs[l] = true
		}
	}
	// Issue 3 floors for the default set.
	if count[fentinel.ClassAnalogue] < 25 {
		t.Errorf("analogues = %d, want >= 25", count[fentinel.ClassAnalogue])
	}
	if count[fentinel.ClassNitazene] < 10 {
		t.Errorf("nitazenes = %d, want >= 10", count[fentinel.ClassNitazene])
	}
	for _, l := range []string{"en", "es", "pt", "fr", "de", "ru", "zh"} {
		if !langs[l] {
			t.Errorf("no aliases in language %s", l)
		}
	}
	sev := map[string]fentinel.Severity{}
	for _, sub := range s.Substances {
		sev[sub.Name] = sub.Sev
	}
	for name, want := range map[string]fentinel.Severity{
		"carfentanil": fentinel.SeverityCritical, "isotonitazene": fentinel.SeverityCritical,
		"fentanyl": fentinel.SeverityHigh, "acetylfentanyl": fentinel.SeverityHigh,
		"counterfeit m30": fentinel.SeverityHigh, "4-anpp": fentinel.SeverityMedium,
	} {
		if sev[name] != want {
			t.Errorf("severity of %s = %v, want %v", name, sev[name], want)
		}
	}
	if len(s.Tests) < 10 {
		t.Errorf("inline tests = %d, want >= 10", len(s.Tests))
	}
}

func TestLoadFileAndDir(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "good", "custom.yaml"))
	if err != nil {
		t.Fatalf("Load file: %v", err)
	}
	if !strings.HasPrefix(s.Version(), "custom@") {
		t.Errorf("Version = %q", s.Version())
	}
	if len(s.Substances) != 1 || s.Substances[0].Sev != fentinel.SeverityHigh {
		t.Errorf("substances = %+v", s.Substances)
	}
	d, err := Load(filepath.Join("testdata", "good"))
	if err != nil {
		t.Fatalf("Load dir: %v", err)
	}
	if !strings.HasPrefix(d.Version(), "good@") {
		t.Errorf("dir Version = %q", d.Version())
	}
	// Same content, same hash part.
	if strings.TrimPrefix(d.Version(), "good@") != strings.TrimPrefix(s.Version(), "custom@") {
		t.Errorf("hash differs for same content: %s vs %s", d.Version(), s.Version())
	}
	if _, err := Load(filepath.Join("testdata", "missing.yaml")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

func TestVersionChangesWithContent(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.yaml")
	src, err := os.ReadFile(filepath.Join("testdata", "good", "custom.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(src, []byte("\n# changed\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version() == b.Version() {
		t.Errorf("version did not change with content: %s", a.Version())
	}
}

func TestLintErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		file string
		line int
		msg  string
	}{
		{"unknown-field.yaml", 4, `unknown field "colour"`},
		{"bad-class.yaml", 5, `unknown class "opioidish"`},
		{"bad-cas.yaml", 8, `"437-38-8" is malformed or fails its check digit`},
		{"dup-term.yaml", 11, `term "fent" already belongs to substance fentanyl`},
		{"syntax.yaml", 3, "did not find expected"},
		{"bad-lang.yaml", 6, `unknown language "klingon"`},
		{"bad-severity.yaml", 4, `unknown severity "urgent"`},
		{"bad-selector.yaml", 9, `title selector "h1[["`},
		{"bad-weight.yaml", 8, "weight 1.5 out of range"},
		{"unknown-context.yaml", 6, `unknown context "nowhere"`},
		{"test-unknown-substance.yaml", 10, `unknown substance "fentanil"`},
		{"short-term.yaml", 5, `term "4" is too short`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", tt.file)
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded, want a lint error")
			}
			var le *LintError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LintError", err)
			}
			found := false
			for _, p := range le.Problems {
				if p.Pos.File == path && p.Pos.Line == tt.line && strings.Contains(p.Msg, tt.msg) {
					found = true
				}
			}
			if !found {
				t.Errorf("want %s:%d: …%s…; got:\n%v", path, tt.line, tt.msg, err)
			}
		})
	}
}

func TestValidCAS(t *testing.T) {
	for cas, want := range map[string]bool{
		"437-38-7": true, "59708-52-0": true, "79099-07-3": true, "21409-26-7": true, "7732-18-5": true,
		"437-38-8": false, "1609-66-5": false, "437387": false, "12-34-56": false, "": false,
	} {
		if got := ValidCAS(cas); got != want {
			t.Errorf("ValidCAS(%q) = %v, want %v", cas, got, want)
		}
	}
}

func TestDuplicateScoring(t *testing.T) {
	files := []File{
		{Name: "a.yaml", Data: []byte("scoring:\n  threshold: 0.6\nsubstances:\n  - name: x\n    class: nso\n    aliases: {en: [xylo]}\n")},
		{Name: "b.yaml", Data: []byte("scoring:\n  threshold: 0.7\n")},
	}
	_, err := LoadFiles("t", files)
	var le *LintError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "b.yaml:1: scoring defined more than once") {
		t.Fatalf("err = %v, want duplicate scoring at b.yaml:1", err)
	}
	s, err := LoadFiles("t", files[:1])
	if err != nil {
		t.Fatal(err)
	}
	if s.Scoring.Threshold != 0.6 || s.Scoring.Zones["title"] != 1 {
		t.Errorf("scoring merge: threshold %v, title zone %v", s.Scoring.Threshold, s.Scoring.Zones["title"])
	}
}
