package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/detect"
	"github.com/fentinel/fentinel/rules"
)

func init() {
	register(command{name: "scan", summary: "detect fentanyl-class listings in saved pages (offline)", run: runScan})
}

// scanRecord is one line of "scan --format jsonl".
type scanRecord struct {
	Source       string              `json:"source"`
	Flagged      bool                `json:"flagged"`
	Score        float64             `json:"score"`
	Severity     string              `json:"severity"`
	Substances   []string            `json:"substances"`
	Classes      []string            `json:"classes"`
	Evidence     []fentinel.Evidence `json:"evidence"`
	Extracted    fentinel.Extracted  `json:"extracted"`
	Language     string              `json:"language,omitempty"`
	RulesVersion string              `json:"rules_version"`
}

// loadRules returns the rule set named by --rules, or the embedded default.
func loadRules(path string) (*rules.Set, error) {
	if path == "" {
		return rules.Default()
	}
	return rules.Load(path)
}

func runScan(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "scan", "[--rules PATH] [--format jsonl|table] FILE... (- reads stdin)")
	rulesPath := fs.String("rules", "", "rule file or directory (default: the embedded rule set)")
	format := fs.String("format", "jsonl", "output format: jsonl or table")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *format != "jsonl" && *format != "table" {
		return &exitError{code: 2, err: fmt.Errorf("unknown --format %q (want jsonl or table)", *format)}
	}
	if len(files) == 0 {
		fs.Usage()
		return &exitError{code: 2, err: fmt.Errorf("no input files (use - for stdin)")}
	}
	rs, err := loadRules(*rulesPath)
	if err != nil {
		return err
	}
	det, err := detect.New(rs)
	if err != nil {
		return err
	}
	var tw *tabwriter.Writer
	enc := json.NewEncoder(env.stdout)
	enc.SetEscapeHTML(false)
	if *format == "table" {
		tw = tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SOURCE\tFLAGGED\tSCORE\tSEVERITY\tSUBSTANCES\tTITLE")
	}
	failed := 0
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		body, err := readInput(env, f)
		if err != nil {
			fmt.Fprintf(env.stderr, "fentinel scan: %v\n", err)
			failed++
			continue
		}
		page := fentinel.Page{URL: f, Body: body, Header: http.Header{}}
		if strings.HasSuffix(strings.ToLower(f), ".txt") {
			page.Header.Set("Content-Type", "text/plain")
		}
		v := det.Detect(page)
		if tw != nil {
			fmt.Fprintf(tw, "%s\t%v\t%.3f\t%s\t%s\t%s\n", f, v.Flagged, v.Score, v.Severity, strings.Join(v.Substances, ","), trimTitle(v.Extracted.Title, 60))
			continue
		}
		rec := scanRecord{Source: f, Flagged: v.Flagged, Score: v.Score, Severity: v.Severity.String(),
			Substances: v.Substances, Classes: v.Classes, Evidence: v.Evidence, Extracted: v.Extracted,
			Language: v.Language, RulesVersion: v.RulesVersion}
		if err := enc.Encode(rec); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	if tw != nil {
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d inputs could not be read", failed, len(files))}
	}
	return nil
}

func readInput(env *environment, name string) ([]byte, error) {
	if name == "-" {
		b, err := io.ReadAll(env.stdin)
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}

func trimTitle(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
