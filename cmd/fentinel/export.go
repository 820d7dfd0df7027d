package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/fentinel/fentinel/export"
)

func init() {
	register(command{name: "export", summary: "export findings as csv, jsonl, STIX 2.1 or MISP", run: runExport})
}

func runExport(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "export", "--format csv|jsonl|stix|misp [--out FILE] [--tlp LEVEL] [--producer NAME] [findings filters] [--db PATH]")
	d := addDBFlags(fs)
	ff := addFilterFlags(fs)
	format := fs.String("format", "", "`FORMAT`: csv, jsonl, stix (STIX 2.1 bundle) or misp (MISP event JSON)")
	out := fs.String("out", "-", "output `FILE` (- = standard output)")
	tlp := fs.String("tlp", "amber", "TLP `LEVEL` for stix and misp: clear, green, amber, amber+strict, red")
	producer := fs.String("producer", "", "producing agency `NAME` (STIX identity, MISP Orgc; default $FENTINEL_PRODUCER or Fentinel)")
	title := fs.String("title", "", "report or event `TITLE`")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	if *format == "" {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("missing --format (csv, jsonl, stix or misp)")}
	}
	if err := checkFormat(*format, "csv", "jsonl", "stix", "misp"); err != nil {
		return err
	}
	level, err := export.NormalizeTLP(*tlp)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	filter, err := ff.filter(time.Now())
	if err != nil {
		return err
	}
	name := *producer
	if name == "" {
		name = env.getenv("FENTINEL_PRODUCER")
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
	items := make([]export.Item, len(list))
	for i, f := range list {
		es, n, err := db.FindingEntities(ctx, f.ID)
		if err != nil {
			return err
		}
		items[i] = export.Item{Finding: f, Entities: es, Observations: n}
	}
	var w io.Writer = env.stdout
	var file *os.File
	if *out != "-" {
		file, err = os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("create %s: %w", *out, err)
		}
		w = file
	}
	opt := export.Options{Producer: name, TLP: level, Title: *title}
	switch *format {
	case "csv":
		err = export.CSV(w, items)
	case "jsonl":
		err = export.JSONL(w, items)
	case "stix":
		err = export.STIX(w, items, opt)
	case "misp":
		err = export.MISP(w, items, opt)
	}
	if file != nil {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", *out, cerr)
		}
		if err == nil {
			fmt.Fprintf(env.stderr, "exported %d findings as %s to %s\n", len(items), *format, *out)
		}
	}
	return err
}
