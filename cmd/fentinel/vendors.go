package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fentinel/fentinel/store"
)

func init() {
	register(command{name: "vendors", summary: "vendors across markets: listings, wallets, keys, linked vendors", run: runVendors})
}

func runVendors(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "vendors", "[--db PATH] [--site HOST] [--name TEXT] [--linked] [--limit N] [--format table|csv|jsonl]")
	d := addDBFlags(fs)
	var f store.VendorFilter
	fs.StringVar(&f.Site, "site", "", "only vendors on market `HOST`")
	fs.StringVar(&f.Name, "name", "", "vendor name contains `TEXT` (case-insensitive)")
	fs.BoolVar(&f.Linked, "linked", false, "only vendors linked to a vendor on another market (shared PGP key, wallet, e-mail or handle)")
	fs.IntVar(&f.Limit, "limit", 0, "at most `N` vendors (0 = all)")
	format := fs.String("format", "table", "output `FORMAT`: table, csv or jsonl")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "csv", "jsonl"); err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	vs, err := db.Vendors(ctx, f)
	if err != nil {
		return err
	}
	return writeVendors(env, *format, vs)
}

func entityList(v store.Vendor) string {
	var out []string
	for _, e := range v.Entities {
		s := e.Kind + ":" + e.Value
		if e.Network != "" {
			s = e.Kind + ":" + e.Network + ":" + e.Value
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func linkList(v store.Vendor) string {
	seen := map[string]bool{}
	var out []string
	for _, l := range v.Links {
		s := l.Name + "@" + l.Site + " (" + l.Kind + ")"
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return strings.Join(out, "; ")
}

func findingCount(v store.Vendor) int {
	n := 0
	for _, l := range v.Listings {
		if l.FindingID != 0 {
			n++
		}
	}
	return n
}

func writeVendors(env *environment, format string, vs []store.Vendor) error {
	w := env.stdout
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, v := range vs {
			if err := enc.Encode(v); err != nil {
				return fmt.Errorf("write jsonl: %w", err)
			}
		}
		return nil
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"id", "site", "name", "first_seen", "last_seen", "listings", "findings", "markets", "linked_vendors", "entities"})
		for _, v := range vs {
			cw.Write([]string{strconv.FormatInt(v.ID, 10), v.Site, v.Name, fmtTime(v.FirstSeen), fmtTime(v.LastSeen),
				strconv.Itoa(len(v.Listings)), strconv.Itoa(findingCount(v)), strings.Join(v.Markets, ";"), linkList(v), entityList(v)})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		return nil
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tVENDOR\tMARKET\tLISTINGS\tFINDINGS\tMARKETS\tALSO AS\tWALLETS AND KEYS")
		for _, v := range vs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", v.ID, cell(v.Name, 32), v.Site, len(v.Listings), findingCount(v),
				len(v.Markets), cell(linkList(v), 80), cell(entityList(v), 120))
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
		if len(vs) == 0 {
			fmt.Fprintln(w, "(no vendors)")
		}
		return nil
	}
}
