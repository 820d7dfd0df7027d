package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/export"
)

func init() {
	register(command{name: "findings", summary: "list stored findings (table, csv, jsonl)", run: runFindings})
}

// filterFlags are the finding filters shared by findings, search and export.
type filterFlags struct {
	since     string
	minScore  float64
	substance string
	site      string
	status    string
	severity  string
	kind      string
	limit     int
}

func addFilterFlags(fs *flag.FlagSet) *filterFlags {
	f := &filterFlags{}
	fs.StringVar(&f.since, "since", "", "only findings seen within `DURATION` (24h, 7d, 2w) or since DATE (2026-11-01 or RFC 3339)")
	fs.Float64Var(&f.minScore, "min-score", 0, "minimum score `X` in [0,1]")
	fs.StringVar(&f.substance, "substance", "", "canonical substance `NAME` (e.g. carfentanil)")
	fs.StringVar(&f.site, "site", "", "site `HOST` (onion)")
	fs.StringVar(&f.status, "status", "", "triage `STATUS`: new, confirmed, dismissed, escalated")
	fs.StringVar(&f.severity, "severity", "", "minimum `SEVERITY`: low, medium, high, critical")
	fs.StringVar(&f.kind, "kind", "", "page `KIND`: listing, index, vendor, forum, article")
	fs.IntVar(&f.limit, "limit", 0, "at most `N` findings (0 = all)")
	return f
}

// filter builds the store filter; now anchors relative --since values. A
// bad flag value is a usage error (exit code 2).
func (f *filterFlags) filter(now time.Time) (fentinel.FindingFilter, error) {
	out, err := f.build(now)
	if err != nil {
		return out, &exitError{code: 2, err: err}
	}
	return out, nil
}

// build reads the flag values into a store filter.
func (f *filterFlags) build(now time.Time) (fentinel.FindingFilter, error) {
	out := fentinel.FindingFilter{MinScore: f.minScore, Substance: f.substance, Site: f.site, Limit: f.limit}
	if f.since != "" {
		t, err := parseSince(f.since, now)
		if err != nil {
			return out, err
		}
		out.Since = t
	}
	if f.minScore < 0 || f.minScore > 1 {
		return out, fmt.Errorf("--min-score %v: want a number in [0,1]", f.minScore)
	}
	if f.status != "" {
		s := strings.ToLower(f.status)
		switch s {
		case fentinel.StatusNew, fentinel.StatusConfirmed, fentinel.StatusDismissed, fentinel.StatusEscalated:
			out.Status = s
		default:
			return out, fmt.Errorf("--status %q: want new, confirmed, dismissed or escalated", f.status)
		}
	}
	if f.severity != "" {
		sev, err := fentinel.ParseSeverity(f.severity)
		if err != nil {
			return out, fmt.Errorf("--severity: %w", err)
		}
		out.Severity = sev
	}
	if f.kind != "" {
		k, err := parsePageKind(f.kind)
		if err != nil {
			return out, fmt.Errorf("--kind %w", err)
		}
		out.PageKind = k
	}
	if f.limit < 0 {
		return out, fmt.Errorf("--limit %d: want 0 or more", f.limit)
	}
	return out, nil
}

// parsePageKind checks a page kind name (case-insensitive).
func parsePageKind(s string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	if slices.Contains(fentinel.PageKinds, k) {
		return k, nil
	}
	return "", fmt.Errorf("%q: want one of %s", s, strings.Join(fentinel.PageKinds, ", "))
}

// parseSince reads a duration back from now (Go durations plus d and w
// suffixes) or an absolute date.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("--since %q: negative duration", s)
		}
		return now.Add(-d), nil
	}
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if v, err := strconv.ParseFloat(n, 64); err == nil && v >= 0 {
				return now.Add(-time.Duration(v * float64(unit))), nil
			}
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: want a duration (24h, 7d, 2w) or a date (2026-11-01, 2026-11-01T12:00:00Z)", s)
}

// checkFormat validates an output format.
func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return &exitError{code: 2, err: fmt.Errorf("--format %q: want one of %s", format, strings.Join(allowed, ", "))}
}

func runFindings(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "findings", "[--db PATH] [--since DURATION|DATE] [--min-score X] [--substance NAME] [--site HOST] [--status STATUS] [--format table|csv|jsonl]")
	d := addDBFlags(fs)
	ff := addFilterFlags(fs)
	format := fs.String("format", "table", "output `FORMAT`: table, csv or jsonl")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "csv", "jsonl"); err != nil {
		return err
	}
	filter, err := ff.filter(time.Now())
	if err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := db.Findings(ctx, filter)
	if err != nil {
		return err
	}
	return writeFindings(env.stdout, *format, list, nil)
}

// findingRow is a finding as csv and jsonl print it; Match is set by search.
type findingRow struct {
	fentinel.Finding
	Match string `json:"match,omitempty"`
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// writeFindings prints findings in a format; matches (optional, by finding
// id) adds a "match" column with a search snippet.
func writeFindings(w io.Writer, format string, list []fentinel.Finding, matches map[int64]string) error {
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, f := range list {
			if err := enc.Encode(findingRow{Finding: f, Match: matches[f.ID]}); err != nil {
				return fmt.Errorf("write jsonl: %w", err)
			}
		}
		return nil
	case "csv":
		cw := csv.NewWriter(w)
		header := export.FindingCSVHeader
		if matches != nil {
			header = append(append([]string{}, header...), "match")
		}
		if err := cw.Write(header); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		for _, f := range list {
			rec := export.FindingCSVRecord(f)
			if matches != nil {
				rec = append(rec, matches[f.ID])
			}
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		return nil
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		header := "ID\tSEVERITY\tSCORE\tSTATUS\tKIND\tSUBSTANCES\tTITLE\tPRICE\tSITE\tFIRST SEEN\tLAST SEEN\tURL"
		if matches != nil {
			header += "\tMATCH"
		}
		fmt.Fprintln(tw, header)
		for _, f := range list {
			price := ""
			if f.Price > 0 {
				price = strconv.FormatFloat(f.Price, 'f', -1, 64) + " " + f.Currency
			}
			kind := f.PageKind
			if kind == "" {
				kind = "-"
			}
			line := fmt.Sprintf("%d\t%s\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", f.ID, f.Severity, f.Score, f.Status, kind,
				strings.Join(f.Substances, ","), cell(f.Title, 48), price, f.Site, fmtTime(f.FirstSeen), fmtTime(f.LastSeen), f.URL)
			if matches != nil {
				line += "\t" + cell(matches[f.ID], 60)
			}
			fmt.Fprintln(tw, line)
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
		if len(list) == 0 {
			fmt.Fprintln(w, "(no findings)")
		}
		return nil
	}
}

// cell makes text safe for one table cell: no tabs or newlines, no terminal
// control characters (listing titles come from criminals), at most n runes.
func cell(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
