package detect

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"

	"github.com/fentinel/fentinel"
)

// TestVerdictOutlivesScratch: a verdict's strings and slices live in
// chunks of the pooled scratch (outchunk.go); they must stay intact while
// later Detect calls reuse that scratch. Each goroutine detects a page,
// keeps its verdict and a JSON copy made right away, detects 200 other
// pages, appends to the kept verdict's slices (which must not write into
// a later verdict's), and compares. Run it under -race as well.
func TestVerdictOutlivesScratch(t *testing.T) {
	d := defaultDetector(t)
	samples := loadCorpus(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			checked := 0
			for a := g * 37; a < len(samples) && checked < 6; a += 71 {
				checked++
				va := d.Detect(samples[a].Page)
				want := mustJSON(t, va)
				var later []fentinel.Verdict
				for k := 1; k <= 200; k++ {
					later = append(later, d.Detect(samples[(a+k*7)%len(samples)].Page))
				}
				laterJSON := make([][]byte, len(later))
				for i, v := range later {
					laterJSON[i] = mustJSON(t, v)
				}
				if got := mustJSON(t, va); !bytes.Equal(got, want) {
					t.Errorf("page %d: verdict changed after 200 more pages:\n got %s\nwant %s", a, got, want)
				}
				// Pieces have cap == len: appending to a verdict's slices
				// copies them instead of writing into a neighbour.
				for i := range later {
					v := &later[i]
					if cap(v.Evidence) != len(v.Evidence) || cap(v.Substances) != len(v.Substances) || cap(v.Classes) != len(v.Classes) {
						t.Errorf("page %d+%d: cap != len (%d/%d %d/%d %d/%d)", a, i, len(v.Evidence), cap(v.Evidence),
							len(v.Substances), cap(v.Substances), len(v.Classes), cap(v.Classes))
					}
					v.Evidence = append(v.Evidence, fentinel.Evidence{Rule: "x", Term: "clobber"})
					v.Substances = append(v.Substances, "clobber")
					v.Classes = append(v.Classes, "clobber")
				}
				for i, v := range later {
					v.Evidence = v.Evidence[:len(v.Evidence)-1]
					v.Substances = v.Substances[:len(v.Substances)-1]
					v.Classes = v.Classes[:len(v.Classes)-1]
					if got := mustJSON(t, v); !bytes.Equal(got, laterJSON[i]) {
						t.Errorf("page %d+%d: verdict changed by appends to its neighbours:\n got %s\nwant %s", a, i, got, laterJSON[i])
					}
				}
			}
		}()
	}
	wg.Wait()
}

func mustJSON(t *testing.T, v fentinel.Verdict) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Error(err) // (not Fatal: called from goroutines)
	}
	return b
}
