package rules

import (
	"errors"
	"strings"
	"testing"
)

// FuzzLoad: the loader never panics; it either returns a set with a
// version or a *LintError whose problems all name the file.
func FuzzLoad(f *testing.F) {
	files, err := DefaultFiles()
	if err != nil {
		f.Fatal(err)
	}
	for _, fl := range files {
		f.Add(string(fl.Data))
	}
	for _, s := range []string{"", "substances: 3", "substances:\n  - name: x\n    class: nso\n    aliases: {en: [xx]}\n",
		"scoring:\n  threshold: 2\n", "tests:\n  - {}\n", ":\n-\n- - -", "substances:\n  - cas: [1-1-1]\n", "\t\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		s, err := LoadFiles("fuzz", []File{{Name: "fuzz.yaml", Data: []byte(data)}})
		if err != nil {
			var le *LintError
			if !errors.As(err, &le) {
				t.Fatalf("error is not a LintError: %v", err)
			}
			for _, p := range le.Problems {
				if p.Pos.File != "fuzz.yaml" && !strings.HasPrefix(p.Pos.File, "fuzz") {
					t.Fatalf("problem names %q", p.Pos.File)
				}
			}
			return
		}
		if !strings.HasPrefix(s.Version(), "fuzz@") {
			t.Fatalf("version %q", s.Version())
		}
	})
}
