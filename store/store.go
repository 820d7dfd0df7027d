// Package store keeps Fentinel's data in SQLite: crawl runs, fetched pages,
// findings, the alert outbox and the persistent crawl frontier. Nothing else
// in the module writes SQL.
//
// The database runs in WAL mode. Writes go through one connection that starts
// every transaction with BEGIN IMMEDIATE; reads go through a separate
// read-only pool, so analysts can query while a crawl writes. The schema is
// created and upgraded by forward-only migrations embedded from
// migrations/*.sql and recorded in the schema_migrations table.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// writerDriver is go-sqlite3 with a connect hook for the writer connection.
// The WAL auto-checkpoint runs every walCheckpointPages pages instead of
// SQLite's 1,000: while analysts hold read transactions a checkpoint cannot
// finish, and retrying it after every commit slowed ingest several times over.
const (
	writerDriver       = "sqlite3_fentinel_writer"
	walCheckpointPages = 16384 // 64 MiB of 4 KiB pages
)

// readerDriver is go-sqlite3 with a connect hook for the read pool: reads
// go through a memory map of the file (no read syscall per page) and a
// 16 MiB page cache per connection, which keeps a --since query over a
// million findings well under 100 ms.
const readerDriver = "sqlite3_fentinel_reader"

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			_, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint=%d", walCheckpointPages), nil)
			return err
		},
	})
	sql.Register(readerDriver, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			_, err := c.Exec("PRAGMA mmap_size=1073741824; PRAGMA cache_size=-16384", nil)
			return err
		},
	})
}

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrNewerSchema means the database was written by a newer Fentinel whose
// schema this build does not know.
var ErrNewerSchema = errors.New("database schema is newer than this fentinel")

// ErrNotFound means the requested row does not exist.
var ErrNotFound = errors.New("not found")

// DB is an open Fentinel database.
type DB struct {
	path string
	w    *sql.DB // the single writer connection
	r    *sql.DB // read-only pool

	// Now returns the current time; tests replace it.
	Now func() time.Time

	cache ingestCache
	wrote atomic.Bool // SavePages ran: Close folds the WAL back

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // prepared on the writer, reused by every save
	wanted map[string]bool      // statements to prepare before the next save
}

// prepared returns the statement prepared on the writer for q, or nil when
// there is none yet; it notes q so that prepareWanted prepares it before the
// next transaction. (Preparing on the DB inside a transaction would wait
// for the writer's only connection, which the transaction holds.)
func (db *DB) prepared(q string) *sql.Stmt {
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st, ok := db.stmts[q]; ok {
		return st
	}
	if db.wanted == nil {
		db.wanted = map[string]bool{}
	}
	db.wanted[q] = true
	return nil
}

// prepareWanted prepares on the writer the statements transactions asked
// for. It must be called outside any transaction.
func (db *DB) prepareWanted(ctx context.Context) {
	db.stmtMu.Lock()
	var qs []string
	for q := range db.wanted {
		qs = append(qs, q)
	}
	db.wanted = nil
	db.stmtMu.Unlock()
	for _, q := range qs {
		st, err := db.w.PrepareContext(ctx, q) // no lock held: this waits for the connection
		if err != nil {
			continue // the transaction prepares it itself, as before
		}
		db.stmtMu.Lock()
		if db.stmts == nil {
			db.stmts = map[string]*sql.Stmt{}
		}
		if _, dup := db.stmts[q]; dup {
			st.Close()
		} else {
			db.stmts[q] = st
		}
		db.stmtMu.Unlock()
	}
}

// migration is one embedded schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: read embedded migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("store: migration %s: name must be NNNN_description.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: bad version: %w", name, err)
		}
		body, err := fs.ReadFile(migrationFS, "migrations/"+name)
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", name, err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migration %s: versions must run 1, 2, 3... without gaps", m.name)
		}
	}
	return out, nil
}

// SchemaVersion is the schema version this build creates and understands.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// dsnPath escapes the characters that would end the path part of a SQLite URI.
func dsnPath(path string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path)
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date. It fails with ErrNewerSchema for a database from a newer version.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, 0)
}

// open opens the database and applies migrations up to version upTo
// (0 = all). Tests use upTo to build databases of earlier versions.
func open(ctx context.Context, path string, upTo int) (*DB, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("store: open %q: need a plain file path", path)
	}
	base := dsnPath(path)
	w, err := sql.Open(writerDriver, base+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=10000&_foreign_keys=on&_txlock=immediate&_cache_size=-16384")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db := &DB{path: path, w: w, Now: time.Now}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.migrate(ctx, upTo); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open(readerDriver, base+"?mode=ro&_busy_timeout=10000&_foreign_keys=on")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
	}
	n := runtime.NumCPU()
	if n < 4 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
	}
	db.r = r
	return db, nil
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// Close closes both connection pools, after folding the WAL back into the
// database file when no other process is reading.
func (db *DB) Close() error {
	var errs []error
	db.stmtMu.Lock()
	for _, st := range db.stmts {
		errs = append(errs, st.Close())
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil && db.wrote.Load() {
		// Best effort, waiting at most 200 ms: another process may still be
		// reading or writing (SQLITE_BUSY); then the WAL stays for later.
		_, _ = db.w.Exec(`PRAGMA busy_timeout = 200; PRAGMA wal_checkpoint(TRUNCATE)`)
		errs = append(errs, db.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close %s: %w", db.path, err)
	}
	return nil
}

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now()
	}
	return time.Now()
}

// Version returns the schema version recorded in the database.
func (db *DB) Version(ctx context.Context) (int, error) {
	v, err := currentVersion(ctx, db.w)
	if err != nil {
		return 0, fmt.Errorf("store: schema version of %s: %w", db.path, err)
	}
	return v, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func currentVersion(ctx context.Context, q queryer) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'`).Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

// migrate applies the pending migrations, each in its own transaction
// together with its schema_migrations row.
func (db *DB) migrate(ctx context.Context, upTo int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if upTo <= 0 || upTo > len(ms) {
		upTo = len(ms)
	}
	cur, err := currentVersion(ctx, db.w)
	if err != nil {
		return fmt.Errorf("store: open %s: read schema version: %w", db.path, err)
	}
	if cur > len(ms) {
		return fmt.Errorf("store: open %s: schema version %d, this build knows up to %d; upgrade fentinel: %w", db.path, cur, len(ms), ErrNewerSchema)
	}
	if cur >= upTo {
		return nil
	}
	for _, m := range ms[:upTo] {
		if err := db.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, m migration) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migration %s: begin: %w", m.name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	// Another process may have applied it while we waited for the write lock.
	cur, err := currentVersion(ctx, tx)
	if err != nil {
		return fmt.Errorf("store: migration %s: read version: %w", m.name, err)
	}
	if cur >= m.version {
		return nil
	}
	if cur != m.version-1 {
		return fmt.Errorf("store: migration %s: database is at version %d, expected %d", m.name, cur, m.version-1)
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		if strings.Contains(err.Error(), "no such module: fts5") {
			return fmt.Errorf("store: migration %s: %w (this binary was built without FTS5: build with CGO_ENABLED=1 and -tags sqlite_fts5)", m.name, err)
		}
		return fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, ts(db.now())); err != nil {
		return fmt.Errorf("store: migration %s: record: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migration %s: commit: %w", m.name, err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and PRAGMA foreign_key_check and
// returns the problems found (none means the database is sound).
func (db *DB) IntegrityCheck(ctx context.Context) ([]string, error) {
	var problems []string
	rows, err := db.r.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, fmt.Errorf("store: integrity check %s: %w", db.path, err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: integrity check %s: %w", db.path, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: integrity check %s: %w", db.path, err)
	}
	fk, err := db.r.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, fmt.Errorf("store: foreign key check %s: %w", db.path, err)
	}
	defer fk.Close()
	for fk.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var idx int
		if err := fk.Scan(&table, &rowid, &parent, &idx); err != nil {
			return nil, fmt.Errorf("store: foreign key check %s: %w", db.path, err)
		}
		problems = append(problems, fmt.Sprintf("foreign key: %s row %d references missing %s", table, rowid.Int64, parent))
	}
	if err := fk.Err(); err != nil {
		return nil, fmt.Errorf("store: foreign key check %s: %w", db.path, err)
	}
	return problems, nil
}

// tsLayout is the fixed-width UTC form every timestamp is stored in.
const tsLayout = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

func parseTS(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, ok := parseFixedTS(s); ok {
		return t
	}
	t, err := time.Parse(tsLayout, s)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}
		}
	}
	return t.UTC()
}

func parseNullTS(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	return parseTS(s.String)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseFixedTS parses tsLayout without time.Parse's generality (it is on
// the hot path of every listing query).
func parseFixedTS(s string) (time.Time, bool) {
	if len(s) != len(tsLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z' {
		return time.Time{}, false
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	se, ok6 := num(17, 19)
	ms, ok7 := num(20, 23)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, ms*int(time.Millisecond), time.UTC), true
}
