package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/detect"
	"github.com/fentinel/fentinel/rules"
)

func init() {
	register(command{name: "rules", summary: "check rule files: rules lint | rules test", run: runRules})
}

func runRules(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || (args[0] != "lint" && args[0] != "test") {
		fmt.Fprintln(env.stderr, "usage: fentinel rules lint [--rules PATH]\n       fentinel rules test [--rules PATH] [-v]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return &exitError{code: 2, err: errors.New("want a subcommand: lint or test")}
	}
	sub := args[0]
	fs := newFlagSet(env, "rules "+sub, "[--rules PATH]")
	rulesPath := fs.String("rules", "", "rule file or directory (default: the embedded rule set)")
	verbose := fs.Bool("v", false, "test: print every case, not only failures")
	rest, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(rest) == 1 && *rulesPath == "" {
		*rulesPath = rest[0] // "fentinel rules lint PATH"
	} else if len(rest) > 0 {
		return &exitError{code: 2, err: fmt.Errorf("unexpected arguments %v", rest)}
	}
	rs, err := loadRules(*rulesPath)
	if err != nil {
		var le *rules.LintError
		if errors.As(err, &le) {
			for _, p := range le.Problems {
				fmt.Fprintln(env.stdout, p.String())
			}
			return &exitError{code: 1, err: fmt.Errorf("%d problem(s) in rule set", len(le.Problems))}
		}
		return err
	}
	if sub == "lint" {
		counts := map[string]int{}
		for _, s := range rs.Substances {
			counts[s.Class]++
		}
		classes := make([]string, 0, len(counts))
		for c, n := range counts {
			classes = append(classes, fmt.Sprintf("%s %d", c, n))
		}
		sort.Strings(classes)
		fmt.Fprintf(env.stdout, "ok %s: %d files, %d substances (%s), %d sale frames, %d decoy frames, %d contexts, %d profiles, %d tests\n",
			rs.Version(), len(rs.Files), len(rs.Substances), strings.Join(classes, ", "), len(rs.Sale), len(rs.Decoys),
			len(rs.Contexts), len(rs.Profiles), len(rs.Tests))
		return nil
	}
	det, err := detect.New(rs)
	if err != nil {
		return err
	}
	failed := 0
	for _, tc := range rs.Tests {
		if err := ctx.Err(); err != nil {
			return err
		}
		v := det.Detect(fentinel.Page{URL: tc.URL, Body: []byte(tc.Text)})
		problems := checkCase(tc, v)
		if len(problems) > 0 {
			failed++
			fmt.Fprintf(env.stdout, "FAIL %s: %s: %s (score %.3f, substances %v)\n", tc.Pos, tc.Name, strings.Join(problems, "; "), v.Score, v.Substances)
		} else if *verbose {
			fmt.Fprintf(env.stdout, "ok   %s: %s (score %.3f)\n", tc.Pos, tc.Name, v.Score)
		}
	}
	fmt.Fprintf(env.stdout, "%d/%d rule tests passed (%s)\n", len(rs.Tests)-failed, len(rs.Tests), rs.Version())
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d rule test(s) failed", failed)}
	}
	return nil
}

// checkCase compares a verdict with an inline test case.
func checkCase(tc rules.TestCase, v fentinel.Verdict) []string {
	var p []string
	if v.Flagged != tc.Flag {
		p = append(p, fmt.Sprintf("flagged = %v, want %v", v.Flagged, tc.Flag))
	}
	if len(tc.Substances) > 0 {
		want := append([]string(nil), tc.Substances...)
		sort.Strings(want)
		if strings.Join(want, ",") != strings.Join(v.Substances, ",") {
			p = append(p, fmt.Sprintf("substances = %v, want %v", v.Substances, want))
		}
	}
	if tc.Severity != "" && v.Severity.String() != tc.Severity {
		p = append(p, fmt.Sprintf("severity = %s, want %s", v.Severity, tc.Severity))
	}
	return p
}
