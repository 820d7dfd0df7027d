package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRulesLint(t *testing.T) {
	code, out, errOut := scanRun2(t, "rules", "lint")
	if code != 0 || !strings.HasPrefix(out, "ok default@") {
		t.Fatalf("lint default: exit %d\n%s%s", code, out, errOut)
	}
	dir := t.TempDir()
	bad := writeRuleFile(t, dir, "bad.yaml", "substances:\n  - name: fentanyl\n    class: opioidish\n    aliases: {en: [fentanyl]}\n")
	code, out, _ = scanRun2(t, "rules", "lint", "--rules", bad)
	if code != 1 || !strings.Contains(out, bad+":3: ") || !strings.Contains(out, `unknown class "opioidish"`) {
		t.Fatalf("lint bad: exit %d, out %q", code, out)
	}
	// positional path works too
	if code, _, _ := scanRun2(t, "rules", "lint", bad); code != 1 {
		t.Errorf("lint positional: exit %d, want 1", code)
	}
	if code, _, _ := scanRun2(t, "rules"); code != 2 {
		t.Errorf("no subcommand: exit %d, want 2", code)
	}
}

func TestRulesTest(t *testing.T) {
	code, out, errOut := scanRun2(t, "rules", "test", "-v")
	if code != 0 || !strings.Contains(out, "rule tests passed") || !strings.Contains(out, "ok   ") {
		t.Fatalf("rules test default: exit %d\n%s%s", code, out, errOut)
	}
	dir := t.TempDir()
	p := writeRuleFile(t, dir, "r.yaml", `substances:
  - name: widgetamine
    class: nso
    aliases: {en: [widgetamine]}
sale:
  - id: sale:price
    builtin: price
    weight: 0.9
tests:
  - name: sale flags
    text: "<h1>Widgetamine 1g</h1><p>$50, add to cart, ships worldwide</p>"
    flag: true
  - name: wrong expectation
    text: "<h1>Widgetamine 1g</h1><p>$50, add to cart, ships worldwide</p>"
    flag: false
`)
	code, out, _ = scanRun2(t, "rules", "test", "--rules", p)
	if code != 1 || !strings.Contains(out, "FAIL "+p+":13: wrong expectation") || !strings.Contains(out, "1/2 rule tests passed") {
		t.Fatalf("rules test custom: exit %d\n%s", code, out)
	}
}

func TestEval(t *testing.T) {
	corpus := filepath.Join("..", "..", "detect", "testdata", "corpus")
	code, out, errOut := scanRun2(t, "eval", "--corpus", corpus, "--min-f1", "0.97", "--misses")
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"overall", "language", "category", "evasion", "precision", "recall", "F1", "zh", "nitazene"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q", want)
		}
	}
	// A rule set that knows nothing finds nothing: F1 floor fails.
	dir := t.TempDir()
	p := writeRuleFile(t, dir, "r.yaml", "substances:\n  - name: widgetamine\n    class: nso\n    aliases: {en: [widgetamine]}\n")
	code, _, errOut = scanRun2(t, "eval", "--corpus", corpus, "--rules", p, "--min-f1", "0.5")
	if code != 1 || !strings.Contains(errOut, "below --min-f1") {
		t.Errorf("eval floor: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := scanRun2(t, "eval", "--corpus", dir); code != 1 {
		t.Errorf("eval without labels: exit %d, want 1", code)
	}
}

func scanRun2(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := runMain(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func writeRuleFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
