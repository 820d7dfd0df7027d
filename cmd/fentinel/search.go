package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

func init() {
	register(command{name: "search", summary: "full-text search over listing titles and page text", run: runSearch})
}

func runSearch(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "search", "QUERY [--db PATH] [--since DURATION|DATE] [--min-score X] [--substance NAME] [--site HOST] [--status STATUS] [--format table|csv|jsonl]")
	d := addDBFlags(fs)
	ff := addFilterFlags(fs)
	format := fs.String("format", "table", "output `FORMAT`: table, csv or jsonl")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("missing QUERY (e.g. fentinel search carfentanil, or 'title:m30 AND pressed')")}
	}
	query := strings.Join(rest, " ")
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
	hits, err := db.Search(ctx, query, filter)
	if err != nil {
		return fmt.Errorf("%w (plain words are matched as written; FTS5 syntax such as \"exact phrase\", OR, NOT, title:word and prefix* also works)", err)
	}
	list := make([]fentinel.Finding, len(hits))
	matches := make(map[int64]string, len(hits))
	for i, h := range hits {
		list[i] = h.Finding
		matches[h.ID] = h.Match
	}
	return writeFindings(env.stdout, *format, list, matches)
}
