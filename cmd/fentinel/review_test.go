package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/fentinel/fentinel"
)

func TestReviewCommand(t *testing.T) {
	path, ids := wbSeed(t)
	id := strconv.FormatInt(ids[1], 10)
	code, out, errOut := wbRun(t, "review", id, "--status", "dismissed", "--note", "pharmacy resale, not pressed", "--analyst", "a.smith", "--db", path)
	if code != 0 || !strings.Contains(out, "new -> dismissed") {
		t.Fatalf("review = %d %q %q", code, out, errOut)
	}
	code, out, _ = wbRun(t, "findings", "--status", "dismissed", "--format", "csv", "--db", path)
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, "M30 pressed pills") {
		t.Fatalf("findings --status dismissed:\n%s", out)
	}
	db := openStore(t, path)
	hist, err := db.Triage(context.Background(), ids[1])
	if err != nil || len(hist) != 1 || hist[0].Analyst != "a.smith" || hist[0].Note != "pharmacy resale, not pressed" || hist[0].Status != fentinel.StatusDismissed {
		t.Fatalf("triage = %+v, %v", hist, err)
	}
	for _, args := range [][]string{
		{"review", id, "--status", "closed"},
		{"review", "--status", "confirmed"},
		{"review", "x", "--status", "confirmed"},
	} {
		if code, _, _ := wbRun(t, append(args, "--db", path)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := wbRun(t, "review", "999", "--status", "confirmed", "--db", path); code == 0 || !strings.Contains(errOut, "not found") {
		t.Errorf("review of a missing finding: %d %q", code, errOut)
	}
}
