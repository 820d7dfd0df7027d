package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/fentinel/fentinel"
)

func init() {
	register(command{name: "review", summary: "triage a finding: confirmed, dismissed or escalated, with a note", run: runReview})
}

func runReview(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "review", "ID --status confirmed|dismissed|escalated|new [--note TEXT] [--analyst NAME] [--db PATH]")
	d := addDBFlags(fs)
	status := fs.String("status", "", "triage `STATUS`: confirmed, dismissed, escalated (or new to reopen)")
	note := fs.String("note", "", "analyst's `TEXT` kept with the review")
	analyst := fs.String("analyst", "", "analyst `NAME` (default $USER)")
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
	switch *status {
	case fentinel.StatusConfirmed, fentinel.StatusDismissed, fentinel.StatusEscalated, fentinel.StatusNew:
	default:
		return &exitError{code: 2, err: fmt.Errorf("--status %q: want confirmed, dismissed, escalated or new", *status)}
	}
	who := *analyst
	if who == "" {
		who = env.getenv("USER")
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	before, err := db.Finding(ctx, id)
	if err != nil {
		return err
	}
	e, err := db.Review(ctx, id, *status, *note, who)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "finding %d: %s -> %s", id, before.Status, e.Status)
	if e.Note != "" {
		fmt.Fprintf(env.stdout, " (%s)", clean(e.Note))
	}
	fmt.Fprintln(env.stdout)
	if e.Status == fentinel.StatusDismissed {
		fmt.Fprintln(env.stdout, "dismissed listings are not alerted again unless they change materially")
	}
	return nil
}
