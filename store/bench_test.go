package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

// benchObservations builds n synthetic page observations over 4 markets:
// one in flaggedEvery is a flagged listing, the rest ordinary pages.
func benchObservations(n, flaggedEvery, offset int) []Observation {
	obs := make([]Observation, n)
	sites := []string{onion("bench-a"), onion("bench-b"), onion("bench-c"), onion("bench-d")}
	for i := range obs {
		k := offset + i
		l := fentListing(sites[k%len(sites)], fmt.Sprintf("/listing/%d", k))
		l.at = t0.Add(time.Duration(k) * time.Millisecond)
		l.vendor = fmt.Sprintf("vendor%d", k%97)
		l.entities = []fentinel.Entity{{Kind: fentinel.EntityBTC, Value: fmt.Sprintf("bc1qbench%030d", k%211)}}
		if flaggedEvery <= 0 || k%flaggedEvery != 0 {
			l.flagged = false
			if flaggedEvery < 0 || k%2 == 0 { // half of the rest are not listings at all (category pages, home pages)
				l.price, l.title = 0, ""
			}
		}
		obs[i] = Observation{Page: l.page(), Verdict: l.verdict()}
	}
	return obs
}

// BenchmarkIngest measures SavePages in batches of 500 observations, one
// flagged listing in ten. Target: at least 5,000 observations/s.
func BenchmarkIngest(b *testing.B) {
	for _, tc := range []struct {
		name         string
		flaggedEvery int
	}{{"pages_only", -1}, {"flagged_1_in_10", 10}, {"all_flagged", 1}} {
		b.Run(tc.name, func(b *testing.B) {
			db := newTestDB(b)
			ctx := context.Background()
			routes := []fentinel.Route{fentinel.DefaultRoute("hook")}
			const batch = 500
			var bytes int64
			pre := benchObservations(batch, tc.flaggedEvery, 0)
			for _, o := range pre {
				bytes += int64(len(o.Page.Body))
			}
			b.SetBytes(bytes / batch)
			b.ResetTimer()
			done := 0
			for done < b.N {
				n := min(batch, b.N-done)
				b.StopTimer()
				obs := benchObservations(n, tc.flaggedEvery, done)
				b.StartTimer()
				if _, err := db.SavePages(ctx, obs, routes); err != nil {
					b.Fatal(err)
				}
				done += n
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "obs/s")
		})
	}
}
