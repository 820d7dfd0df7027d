package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/fentinel/fentinel/store"
)

func init() {
	register(command{name: "db", summary: "database maintenance: db check", run: runDB})
}

// dbFlags is the --db/--config pair every database-reading subcommand takes.
type dbFlags struct {
	db     string
	config string
}

// addDBFlags defines --db and --config on fs.
func addDBFlags(fs *flag.FlagSet) *dbFlags {
	d := &dbFlags{}
	fs.StringVar(&d.db, "db", "", "SQLite database `PATH` (default from --config, FENTINEL_DB, else fentinel.db)")
	fs.StringVar(&d.config, "config", "", "YAML configuration `FILE` (for its db key)")
	return d
}

// path resolves the database path: the flag, else the config file and
// FENTINEL_* environment, else the default.
func (d *dbFlags) path(env *environment) (string, error) {
	if d.db != "" {
		return d.db, nil
	}
	cfg, err := loadConfig(d.config, env.getenv)
	if err != nil {
		return "", err
	}
	return cfg.DB, nil
}

// open opens an existing database (reading commands never create one).
func (d *dbFlags) open(ctx context.Context, env *environment) (*store.DB, error) {
	path, err := d.path(env)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s: run 'fentinel crawl' or 'fentinel demo' first, or pass --db PATH", path)
	} else if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return store.Open(ctx, path)
}

func runDB(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.stderr, "usage: fentinel db check [--db PATH]")
		if len(args) == 0 {
			return &exitError{code: 2, err: errors.New("missing subcommand (check)")}
		}
		return nil
	}
	switch args[0] {
	case "check":
		return runDBCheck(ctx, env, args[1:])
	default:
		return &exitError{code: 2, err: fmt.Errorf("unknown subcommand %q (want check)", args[0])}
	}
}

// runDBCheck runs SQLite's integrity and foreign-key checks.
func runDBCheck(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "db check", "[--db PATH]")
	d := addDBFlags(fs)
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	problems, err := db.IntegrityCheck(ctx)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(env.stdout, p)
		}
		return &exitError{code: 1, err: fmt.Errorf("%s: %d integrity problems", db.Path(), len(problems))}
	}
	fmt.Fprintf(env.stdout, "%s: ok (schema version %d, integrity_check ok, foreign_key_check ok)\n", db.Path(), v)
	return nil
}
