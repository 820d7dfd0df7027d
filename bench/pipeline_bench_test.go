package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/store"
)

// mixObservations returns n observations of the simulated markets' pages
// with their real verdicts, one in ten flagged: every tenth is a flagged
// page of the corpus, the others its unflagged pages (home, category,
// vendor and non-fentanyl listing pages) in crawl order. Every observation
// has a URL of its own, so every flagged one is a new finding.
func mixObservations(tb testing.TB, n int) []store.Observation {
	tb.Helper()
	pages := corpus(tb, 400)
	d := newDetector(tb)
	var flagged, plain []store.Observation
	for _, p := range pages {
		v := d.Detect(p)
		if v.Flagged {
			flagged = append(flagged, store.Observation{Page: p, Verdict: v})
		} else {
			plain = append(plain, store.Observation{Page: p, Verdict: v})
		}
	}
	if len(flagged) == 0 || len(plain) == 0 {
		tb.Fatalf("corpus: %d flagged, %d not flagged pages", len(flagged), len(plain))
	}
	out := make([]store.Observation, n)
	for i := range out {
		var o store.Observation
		if i%10 == 0 {
			o = flagged[(i/10)%len(flagged)]
		} else {
			o = plain[(i-i/10-1)%len(plain)]
		}
		o.Page.URL = fmt.Sprintf("%s?bench=%d", o.Page.URL, i)
		o.Page.FinalURL = o.Page.URL
		out[i] = o
	}
	return out
}

// BenchmarkPipelineSave measures the store as the crawl pipeline uses it,
// with 1, 8 and 32 goroutines calling it at once as the crawler's workers
// do, over the simulated markets' pages with their real verdicts, one in
// ten flagged: "perpage" saves each page in a transaction of its own
// (SavePage, the pipeline before group commit); "group" hands each page to
// a store.Committer and waits for its commit, as cmd/fentinel's pipeline
// does now.
func BenchmarkPipelineSave(b *testing.B) {
	const pool = 20000
	obs := mixObservations(b, pool)
	routes := []fentinel.Route{fentinel.DefaultRoute("hook")}
	for _, mode := range []string{"perpage", "group"} {
		for _, callers := range []int{1, 8, 32} {
			b.Run(fmt.Sprintf("%s/callers%d", mode, callers), func(b *testing.B) {
				ctx := context.Background()
				db, err := store.Open(ctx, b.TempDir()+"/bench.db")
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				save := func(o store.Observation) error {
					_, err := db.SavePage(ctx, o.Page, o.Verdict, routes)
					return err
				}
				if mode == "group" {
					c := db.NewCommitter(ctx, routes, store.DefaultGroupMax)
					defer c.Close()
					save = func(o store.Observation) error {
						_, err := c.Save(ctx, o.Page, o.Verdict)
						return err
					}
				}
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				cpu0 := cpuSeconds(b)
				for range callers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := int(next.Add(1)) - 1
							if i >= b.N {
								return
							}
							o := obs[i%pool]
							if i >= pool { // a URL of its own beyond the pool
								o.Page.URL = fmt.Sprintf("%s-%d", o.Page.URL, i/pool)
								o.Page.FinalURL = o.Page.URL
							}
							if err := save(o); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "obs/s")
				b.ReportMetric(float64(b.N)/(cpuSeconds(b)-cpu0), "obs/cpu-s")
			})
		}
	}
}
