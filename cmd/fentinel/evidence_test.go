package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestEvidenceExportVerifiesWithSha256sum(t *testing.T) {
	path, ids := wbSeed(t)
	out := filepath.Join(t.TempDir(), "case-42")
	code, stdout, errOut := wbRun(t, "evidence", "export", strconv.FormatInt(ids[0], 10), "--out", out, "--db", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "sha256sum -c SHA256SUMS") {
		t.Fatalf("stdout %q", stdout)
	}
	sha, err := exec.LookPath("sha256sum")
	if err != nil {
		t.Skip("sha256sum not installed")
	}
	cmd := exec.Command(sha, "-c", "--strict", "SHA256SUMS")
	cmd.Dir = out
	res, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sha256sum -c: %v\n%s", err, res)
	}
	if strings.Count(string(res), ": OK") != 3 { // body, metadata, finding.json
		t.Fatalf("sha256sum output:\n%s", res)
	}
	// The body is the page as fetched; the metadata has no cookies.
	files, _ := filepath.Glob(filepath.Join(out, "snapshot-*.body.html"))
	if len(files) != 1 {
		t.Fatalf("bodies %v", files)
	}
	body, _ := os.ReadFile(files[0])
	if !strings.Contains(string(body), "<h1>Carfentanil 100mcg, lab tested</h1>") {
		t.Fatalf("body %q", body)
	}
	metas, _ := filepath.Glob(filepath.Join(out, "snapshot-*.json"))
	raw, _ := os.ReadFile(metas[0])
	if strings.Contains(string(raw), "SECRET") || strings.Contains(strings.ToLower(string(raw)), "set-cookie") {
		t.Fatalf("metadata leaks cookies: %s", raw)
	}
	var meta map[string]any
	if err := json.Unmarshal(raw, &meta); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"url", "final_url", "fetched_at", "status", "headers", "sha256", "rules_version", "body_file"} {
		if _, ok := meta[k]; !ok {
			t.Errorf("metadata lacks %q", k)
		}
	}
	// Tampering is caught by the same check.
	if err := os.WriteFile(files[0], append(body, ' '), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(sha, "-c", "SHA256SUMS")
	cmd.Dir = out
	if err := cmd.Run(); err == nil {
		t.Fatal("sha256sum -c passed after the body was altered")
	}
	// A non-empty directory is refused.
	if code, _, errOut := wbRun(t, "evidence", "export", strconv.FormatInt(ids[0], 10), "--out", out, "--db", path); code == 0 || !strings.Contains(errOut, "not empty") {
		t.Fatalf("second export into the same dir: %d %q", code, errOut)
	}
}
