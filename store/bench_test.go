package store

import (
	"context"
	"fmt"
	"syscall"
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

// processCPU returns the CPU time (user + system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func cpuSeconds(b *testing.B, start time.Duration) float64 {
	d := (processCPU() - start).Seconds()
	if d <= 0 {
		b.Fatal("no CPU time measured")
	}
	return d
}

// BenchmarkIngest measures SavePages in batches of 500 observations, one
// flagged listing in ten. Target: at least 5,000 observations/s.
func BenchmarkIngest(b *testing.B) {
	for _, tc := range []struct {
		name         string
		flaggedEvery int
		batch        int
	}{{"pages_only", -1, 500}, {"flagged_1_in_10", 10, 500}, {"all_flagged", 1, 500}, {"flagged_1_in_10_unbatched", 10, 1}} {
		b.Run(tc.name, func(b *testing.B) {
			db := newTestDB(b)
			ctx := context.Background()
			routes := []fentinel.Route{fentinel.DefaultRoute("hook")}
			batch := tc.batch
			var bytes int64
			pre := benchObservations(batch, tc.flaggedEvery, 0)
			for _, o := range pre {
				bytes += int64(len(o.Page.Body))
			}
			b.SetBytes(bytes / int64(batch))
			startCPU := processCPU()
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
			// CPU time is steadier than wall time on a shared machine; the
			// writer is one goroutine, so obs per CPU-second is what one
			// idle core would sustain.
			b.ReportMetric(float64(b.N)/cpuSeconds(b, startCPU), "obs/cpu-s")
		})
	}
}

// seedFindings inserts n findings directly (a recursive CTE, as a year of
// crawling would leave them): last_seen spread evenly over the year before
// t0, one to three substances each, on 50 markets.
func seedFindings(b *testing.B, db *DB, n int) {
	b.Helper()
	start := time.Now()
	_, err := db.w.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO findings(id, site, url, title, score, severity, substances, classes, price, currency, vendor, snippet,
			status, first_seen, last_seen, event_seq)
		SELECT i, printf('market%02dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion', i % 50),
			printf('http://market%02dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/listing/%d', i % 50, i),
			printf('Listing %d: fentanyl powder %d g, stealth shipping', i, i % 100), 0.5 + (i % 50) / 100.0, 2 + i % 3,
			CASE i % 3 WHEN 0 THEN '["fentanyl"]' WHEN 1 THEN '["carfentanil","fentanyl"]' ELSE '["4-anpp","fentanyl","protonitazene"]' END,
			'["fentanyl"]', 100 + i % 400, 'USD', printf('vendor%d', i % 997), 'Contains fentanyl.', 'new',
			strftime('%Y-%m-%dT%H:%M:%fZ', ?, printf('-%d seconds', (i * 31536) % 31536000 + 3600)),
			strftime('%Y-%m-%dT%H:%M:%fZ', ?, printf('-%d seconds', (i * 31536) % 31536000)), 1
		FROM seq`, n, ts(t0), ts(t0))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.w.Exec(`INSERT INTO finding_substances(finding_id, substance) SELECT f.id, j.value FROM findings f, json_each(f.substances) j`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.w.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d findings in %v", n, time.Since(start).Round(time.Millisecond))
}

// BenchmarkFindingsSince24h is `fentinel findings --since 24h` over
// 1,000,000 findings. Target: under 100 ms per query.
func BenchmarkFindingsSince24h(b *testing.B) {
	const n = 1_000_000
	db := newTestDB(b)
	seedFindings(b, db, n)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		f    fentinel.FindingFilter
	}{
		{"since_24h", fentinel.FindingFilter{Since: t0.Add(-24 * time.Hour)}},
		{"since_24h_substance", fentinel.FindingFilter{Since: t0.Add(-24 * time.Hour), Substance: "carfentanil"}},
		{"since_7d_limit_100", fentinel.FindingFilter{Since: t0.Add(-7 * 24 * time.Hour), Limit: 100}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var rows int
			for i := 0; i < b.N; i++ {
				got, err := db.Findings(ctx, tc.f)
				if err != nil {
					b.Fatal(err)
				}
				rows = len(got)
			}
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/query")
		})
	}
}
