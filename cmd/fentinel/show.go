package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fentinel/fentinel/store"
)

func init() {
	register(command{name: "show", summary: "one finding: evidence, extracted fields, entities, price history", run: runShow})
}

func runShow(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "show", "ID [--db PATH] [--format text|json]")
	d := addDBFlags(fs)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("want exactly one finding ID")}
	}
	id, err := parseFindingID(rest[0])
	if err != nil {
		return err
	}
	if err := checkFormat(*format, "text", "json"); err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	det, err := db.FindingDetail(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no finding %d in %s (list them with 'fentinel findings')", id, db.Path())
	}
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(det)
	}
	return writeDetail(env.stdout, det, isCharDevice(env.stdout))
}

// parseFindingID parses a finding ID argument: a positive number, or a
// usage error (exit code 2).
func parseFindingID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, &exitError{code: 2, err: fmt.Errorf("finding ID %q: want a positive number", arg)}
	}
	return id, nil
}

// isCharDevice reports whether w is a terminal (so ANSI highlighting is safe).
func isCharDevice(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// clean removes control characters (terminal escapes in criminals' text)
// and collapses white space.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// highlight marks every case-insensitive occurrence of term in snippet:
// bold on a terminal, »term« otherwise.
func highlight(snippet, term string, ansi bool) string {
	snippet = clean(snippet)
	term = clean(term)
	if term == "" {
		return snippet
	}
	open, close := "»", "«"
	if ansi {
		open, close = "\x1b[1;31m", "\x1b[0m"
	}
	lower, lt := strings.ToLower(snippet), strings.ToLower(term)
	if len(lower) != len(snippet) { // case folding changed byte lengths: mark nothing rather than mis-mark
		return snippet
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lt)
		if i < 0 {
			b.WriteString(snippet)
			return b.String()
		}
		b.WriteString(snippet[:i])
		b.WriteString(open + snippet[i:i+len(lt)] + close)
		snippet, lower = snippet[i+len(lt):], lower[i+len(lt):]
	}
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return "unknown"
	case *b:
		return "yes"
	default:
		return "no"
	}
}

func writeDetail(w io.Writer, d store.Detail, ansi bool) error {
	f := d.Finding
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("Finding %d  %s  score %.2f  status %s\n", f.ID, strings.ToUpper(f.Severity.String()), f.Score, f.Status)
	p("  Title:       %s\n", clean(f.Title))
	p("  Market:      %s\n", f.Site)
	if len(d.Mirrors) > 1 {
		p("  Mirrors:     %s\n", strings.Join(d.Mirrors, ", "))
	}
	p("  URL:         %s\n", f.URL)
	if f.PageKind != "" {
		p("  Page:        %s\n", f.PageKind)
	}
	p("  Substances:  %s", strings.Join(f.Substances, ", "))
	if len(f.Classes) > 0 {
		p("  (classes: %s)", strings.Join(f.Classes, ", "))
	}
	p("\n")
	if f.Price > 0 {
		p("  Price:       %s %s\n", strconv.FormatFloat(f.Price, 'f', -1, 64), f.Currency)
	}
	if f.Vendor != "" {
		p("  Vendor:      %s\n", clean(f.Vendor))
	}
	p("  In stock:    %s\n", yesNo(d.InStock))
	p("  First seen:  %s\n  Last seen:   %s\n", fmtTime(f.FirstSeen), fmtTime(f.LastSeen))
	if d.RulesVersion != "" {
		p("  Rules:       %s\n", d.RulesVersion)
	}

	p("\nEvidence\n")
	if len(d.Evidence) == 0 {
		p("  (none stored)\n")
	}
	for _, e := range d.Evidence {
		zone := ""
		if e.Zone != "" {
			zone = ", " + e.Zone
		}
		p("  %-28s %-9s %+.2f%s\n      %s\n", e.Rule, e.Kind, e.Weight, zone, highlight(e.Snippet, e.Term, ansi))
	}

	ex := d.Extracted
	p("\nExtracted fields\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	field := func(name, v string) {
		if v != "" && v != "0" {
			fmt.Fprintf(tw, "  %s\t%s\n", name, clean(v))
		}
	}
	field("title", ex.Title)
	if ex.Price > 0 {
		field("price", strconv.FormatFloat(ex.Price, 'f', -1, 64)+" "+ex.Currency)
	}
	if ex.Quantity > 0 {
		field("quantity", strconv.FormatFloat(ex.Quantity, 'f', -1, 64)+" "+ex.Unit)
	}
	field("vendor", ex.Vendor)
	field("ships from", ex.ShipsFrom)
	field("ships to", ex.ShipsTo)
	tw.Flush()

	p("\nEntities\n")
	if len(d.Entities) == 0 {
		p("  (none)\n")
	}
	for _, e := range d.Entities {
		v := clean(e.Value)
		if e.Network != "" {
			v += " (" + e.Network + ")"
		}
		p("  %-7s %s\n", e.Kind, v)
	}
	if len(d.VendorLinks) > 0 {
		p("\nSame vendor elsewhere (shared identifiers)\n")
		for _, l := range d.VendorLinks {
			p("  %s on %s  via %s %s\n", clean(l.Name), l.Site, l.Kind, clean(l.Value))
		}
	}

	p("\nPrice history\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SEEN\tPRICE\tIN STOCK\tVENDOR\tFLAGGED")
	for _, o := range d.History {
		price := "-"
		if o.Price > 0 {
			price = strconv.FormatFloat(o.Price, 'f', -1, 64) + " " + o.Currency
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%v\n", fmtTime(o.SeenAt), price, yesNo(o.InStock), clean(o.Vendor), o.Flagged)
	}
	tw.Flush()

	p("\nSnapshots (evidence export: fentinel evidence export %d --out DIR)\n", f.ID)
	for _, s := range d.Snapshots {
		p("  #%d  %s  HTTP %d  %d bytes  sha256 %s\n", s.ID, fmtTime(s.FetchedAt), s.Status, s.Size, s.SHA256)
	}
	if len(d.Triage) > 0 {
		p("\nTriage\n")
		for _, t := range d.Triage {
			who := t.Analyst
			if who == "" {
				who = "-"
			}
			p("  %s  %-9s by %s  %s\n", fmtTime(t.At), t.Status, clean(who), clean(t.Note))
		}
	}
	if len(d.Alerts) > 0 {
		p("\nAlerts\n")
		for _, a := range d.Alerts {
			p("  %s  %-8s %-10s %s attempts %d\n", a.ID, strings.TrimPrefix(a.Event.Type, "finding."), a.State, clean(a.Sink), a.Attempts)
		}
	}
	return nil
}
