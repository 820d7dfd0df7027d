package store

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite store/testdata/save_golden.txt from the current save path")

// TestSaveGolden saves a mixed run of observations (new, repeated and
// changed flagged listings, a dismissed finding that changes, plain
// listings, pages that are not listings) in batches and alone, and compares
// every SaveResult and every row of every table with
// testdata/save_golden.txt, written by the save path before it was
// restructured: the ingest path's optimisations must store exactly what it
// stored.
func TestSaveGolden(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	obs := groupObservations(300)
	var b strings.Builder
	for i := 0; i < len(obs); {
		n := 1 + i%7 // batches of 1 to 7
		if i+n > len(obs) {
			n = len(obs) - i
		}
		res, err := db.SavePages(ctx, obs[i:i+n], groupRoutes)
		if err != nil {
			t.Fatal(err)
		}
		for k, r := range res {
			fmt.Fprintf(&b, "result %d: %+v\n", i+k, r)
		}
		i += n
		if i == 150 {
			// dismiss a finding: its next material change reopens it
			if _, err := db.w.ExecContext(ctx, `UPDATE findings SET status = 'dismissed' WHERE id IN (1, 2, 3)`); err != nil {
				t.Fatal(err)
			}
		}
	}
	b.WriteString(dumpDB(t, db))
	got := b.String()
	path := filepath.Join("testdata", "save_golden.txt")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("save path stored something else than %s:\n%s", path, firstDiff(got, string(want)))
	}
}
