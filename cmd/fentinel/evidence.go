package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fentinel/fentinel/store"
)

func init() {
	register(command{name: "evidence", summary: "evidence export ID --out DIR: bodies, metadata and a SHA256SUMS manifest", run: runEvidence})
}

func runEvidence(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprintln(env.stderr, "usage: fentinel evidence export ID --out DIR [--db PATH]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return &exitError{code: 2, err: errors.New("want the subcommand export")}
	}
	return runEvidenceExport(ctx, env, args[1:])
}

// evidenceMeta is the metadata file written beside each body.
type evidenceMeta struct {
	store.Snapshot
	BodyFile   string    `json:"body_file"`
	ExportedAt time.Time `json:"exported_at"`
	Database   string    `json:"database"`
}

func runEvidenceExport(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "evidence export", "ID --out DIR [--db PATH]")
	d := addDBFlags(fs)
	out := fs.String("out", "", "`DIR` to write into (created; must be empty)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || *out == "" {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("want a finding ID and --out DIR")}
	}
	id, err := parseFindingID(rest[0])
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 {
		return fmt.Errorf("output directory %s is not empty; choose a new one so the manifest covers exactly this export", *out)
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	det, err := db.FindingDetail(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no finding %d in %s", id, db.Path())
	}
	if err != nil {
		return err
	}
	if len(det.Snapshots) == 0 {
		return fmt.Errorf("finding %d has no stored evidence snapshots", id)
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", *out, err)
	}
	sums := map[string]string{}
	write := func(name string, data []byte) error {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o600); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		sum := sha256.Sum256(data)
		sums[name] = hex.EncodeToString(sum[:])
		return nil
	}
	now := time.Now().UTC()
	for _, s := range det.Snapshots {
		body, err := db.SnapshotBody(ctx, s.ID)
		if err != nil {
			return err
		}
		ext := ".html"
		if strings.HasPrefix(strings.ToLower(s.ContentType), "text/plain") {
			ext = ".txt"
		}
		bodyName := fmt.Sprintf("snapshot-%d.body%s", s.ID, ext)
		if err := write(bodyName, body); err != nil {
			return err
		}
		if sums[bodyName] != s.SHA256 {
			return fmt.Errorf("snapshot %d: written body hash %s differs from the recorded %s", s.ID, sums[bodyName], s.SHA256)
		}
		meta, err := json.MarshalIndent(evidenceMeta{Snapshot: s, BodyFile: bodyName, ExportedAt: now, Database: db.Path()}, "", "  ")
		if err != nil {
			return err
		}
		if err := write(fmt.Sprintf("snapshot-%d.json", s.ID), append(meta, '\n')); err != nil {
			return err
		}
	}
	finding, err := json.MarshalIndent(det, "", "  ")
	if err != nil {
		return err
	}
	if err := write("finding.json", append(finding, '\n')); err != nil {
		return err
	}
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var manifest strings.Builder
	for _, n := range names {
		fmt.Fprintf(&manifest, "%s  %s\n", sums[n], n)
	}
	if err := os.WriteFile(filepath.Join(*out, "SHA256SUMS"), []byte(manifest.String()), 0o600); err != nil {
		return fmt.Errorf("write SHA256SUMS: %w", err)
	}
	fmt.Fprintf(env.stdout, "finding %d: %d snapshot(s), %d files written to %s\nverify with: (cd %s && sha256sum -c SHA256SUMS)\n",
		id, len(det.Snapshots), len(names)+1, *out, *out)
	return nil
}
