package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/detect"
)

func init() {
	register(command{name: "eval", summary: "precision, recall and F1 of the detector over a labelled corpus", run: runEval})
}

// evalLabel is one line of a corpus's labels.jsonl.
type evalLabel struct {
	File     string `json:"file"`
	Positive bool   `json:"positive"`
	Category string `json:"category"`
	Language string `json:"language"`
	Evasion  string `json:"evasion"`
	Layout   string `json:"layout"`
}

func runEval(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "eval", "[--corpus DIR] [--rules PATH] [--misses] [--min-f1 X]")
	corpus := fs.String("corpus", filepath.Join("detect", "testdata", "corpus"), "corpus directory with labels.jsonl")
	rulesPath := fs.String("rules", "", "rule file or directory (default: the embedded rule set)")
	misses := fs.Bool("misses", false, "list the pages the detector got wrong")
	minF1 := fs.Float64("min-f1", 0, "exit 1 if overall F1 is below this")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return &exitError{code: 2, err: fmt.Errorf("unexpected arguments %v", rest)}
	}
	samples, err := loadCorpus(*corpus)
	if err != nil {
		return err
	}
	rs, err := loadRules(*rulesPath)
	if err != nil {
		return err
	}
	det, err := detect.New(rs)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := detect.Evaluate(det, samples)
	fmt.Fprintf(env.stdout, "corpus %s: %d pages, rules %s\n\n", *corpus, r.Overall.N(), rs.Version())
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	printCounts(tw, "overall", map[string]*detect.Counts{"all": &r.Overall})
	printCounts(tw, "language", r.ByLanguage)
	printCounts(tw, "category", r.ByCategory)
	printCounts(tw, "evasion", r.ByEvasion)
	printCounts(tw, "layout", r.ByLayout)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	if *misses && len(r.Misses) > 0 {
		fmt.Fprintln(env.stdout, "\nmisses:")
		for _, m := range r.Misses {
			kind := "false negative"
			if !m.Want {
				kind = "false positive"
			}
			fmt.Fprintf(env.stdout, "  %s  %s  score %.3f  %v\n", m.Sample, kind, m.Score, m.Verdict.Substances)
		}
	}
	if *minF1 > 0 && r.Overall.F1() < *minF1 {
		return &exitError{code: 1, err: fmt.Errorf("overall F1 %.3f below --min-f1 %.3f", r.Overall.F1(), *minF1)}
	}
	return nil
}

func printCounts(w io.Writer, title string, m map[string]*detect.Counts) {
	fmt.Fprintf(w, "%s\tn\tTP\tFP\tFN\tTN\tprecision\trecall\tF1\t\n", title)
	for _, k := range detect.Keys(m) {
		c := m[k]
		prec, f1 := fmt.Sprintf("%.3f", c.Precision()), fmt.Sprintf("%.3f", c.F1())
		rec := fmt.Sprintf("%.3f", c.Recall())
		if c.TP+c.FN == 0 {
			// a negatives-only group: only false positives mean anything
			rec, f1 = "-", "-"
			if c.FP == 0 {
				prec = "-"
			}
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t\n", k, c.N(), c.TP, c.FP, c.FN, c.TN, prec, rec, f1)
	}
	fmt.Fprintln(w, "\t\t\t\t\t\t\t\t\t")
}

// loadCorpus reads labels.jsonl and the pages it names.
func loadCorpus(dir string) ([]detect.Sample, error) {
	f, err := os.Open(filepath.Join(dir, "labels.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("open corpus %s: %w", dir, err)
	}
	defer f.Close()
	var out []detect.Sample
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		var l evalLabel
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("corpus %s: labels.jsonl:%d: %w", dir, line, err)
		}
		body, err := os.ReadFile(filepath.Join(dir, filepath.Base(l.File)))
		if err != nil {
			return nil, fmt.Errorf("corpus %s: labels.jsonl:%d: %w", dir, line, err)
		}
		h := http.Header{}
		h.Set("Content-Type", "text/html")
		out = append(out, detect.Sample{Name: l.File, Positive: l.Positive, Category: l.Category, Language: l.Language,
			Evasion: l.Evasion, Layout: l.Layout, Page: fentinel.Page{URL: "file:///" + l.File, Header: h, Body: body}})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read corpus %s: %w", dir, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("corpus %s: labels.jsonl is empty", dir)
	}
	return out, nil
}
