package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/detect"
	"github.com/fentinel/fentinel/marketsim"
	"github.com/fentinel/fentinel/rules"
	"github.com/fentinel/fentinel/store"
)

// corpus crawls n pages of two simulated markets (no latency) and returns
// them as the crawler would hand them on: the pages the pipeline benchmarks
// feed to the detector and the store.
func corpus(tb testing.TB, n int) []fentinel.Page {
	tb.Helper()
	ctx := context.Background()
	sim, err := marketsim.Start(ctx, marketsim.Options{Seed: simSeed, ListingsPerMarket: n / 2})
	if err != nil {
		tb.Fatal(err)
	}
	defer sim.Close()
	var pages []fentinel.Page
	err = walk(ctx, sim.ProxyURL(), sim.Seeds(), n, func(u string, body []byte, html bool, err error) {
		if err != nil || !html {
			return
		}
		pu, _ := url.Parse(u)
		pages = append(pages, fentinel.Page{
			URL: u, FinalURL: u, Site: pu.Hostname(), Status: http.StatusOK, FetchedAt: time.Now(),
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: body, Depth: 2,
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(pages) < n/2 {
		tb.Fatalf("corpus: %d pages, want about %d", len(pages), n)
	}
	return pages
}

func newDetector(tb testing.TB) *detect.Detector {
	tb.Helper()
	rs, err := rules.Default()
	if err != nil {
		tb.Fatal(err)
	}
	d, err := detect.New(rs)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// cpuSeconds is the process's user+system CPU time. The benchmarks report
// work per CPU-second beside the wall-clock rate, because the machine they
// run on may be shared: CPU time is what a core would need on its own.
func cpuSeconds(tb testing.TB) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return tvSeconds(ru.Utime) + tvSeconds(ru.Stime)
}

func corpusBytes(pages []fentinel.Page) int64 {
	var n int64
	for _, p := range pages {
		n += int64(len(p.Body))
	}
	return n
}

// BenchmarkDetect measures the detector on pages of the simulated markets
// (home, category, vendor and listing pages as a crawl meets them), one
// goroutine: the MB/s figure is per core. Target: at least 50 MB/s.
func BenchmarkDetect(b *testing.B) {
	pages := corpus(b, 400)
	d := newDetector(b)
	b.Run("serial", func(b *testing.B) {
		per := corpusBytes(pages) / int64(len(pages))
		b.SetBytes(per)
		b.ReportAllocs()
		i := 0
		cpu0 := cpuSeconds(b)
		for b.Loop() {
			d.Detect(pages[i%len(pages)])
			i++
		}
		cpu := cpuSeconds(b) - cpu0
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		b.ReportMetric(float64(per)*float64(b.N)/1e6/cpu, "MB/cpu-s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetBytes(corpusBytes(pages) / int64(len(pages)))
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				d.Detect(pages[int(next.Add(1))%len(pages)])
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	})
}

// BenchmarkSavePage measures the store as the pipeline uses it: one
// SavePage transaction per page (no batching), verdicts computed
// beforehand, every page a new URL. "workers8" calls it from 8 goroutines
// as the crawler's workers do; the store serialises them on its writer.
func BenchmarkSavePage(b *testing.B) {
	pages := corpus(b, 400)
	d := newDetector(b)
	verdicts := make([]fentinel.Verdict, len(pages))
	for i, p := range pages {
		verdicts[i] = d.Detect(p)
	}
	obs := func(i int) (fentinel.Page, fentinel.Verdict) {
		p := pages[i%len(pages)]
		p.URL = fmt.Sprintf("%s?bench=%d", p.URL, i)
		p.FinalURL = p.URL
		return p, verdicts[i%len(pages)]
	}
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("workers%d", workers), func(b *testing.B) {
			ctx := context.Background()
			db, err := store.Open(ctx, b.TempDir()+"/bench.db")
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			routes := []fentinel.Route{fentinel.DefaultRoute("hook")}
			var next atomic.Int64
			b.SetParallelism((workers + 1) / 2) // GOMAXPROCS × this goroutines; 2 cores → 8 for workers8
			b.ResetTimer()
			cpu0 := cpuSeconds(b)
			if workers == 1 {
				for i := 0; i < b.N; i++ {
					p, v := obs(i)
					if _, err := db.SavePage(ctx, p, v, routes); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						p, v := obs(int(next.Add(1)))
						if _, err := db.SavePage(ctx, p, v, routes); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "obs/s")
			b.ReportMetric(float64(b.N)/(cpuSeconds(b)-cpu0), "obs/cpu-s")
		})
	}
}

// BenchmarkFrontierCycle measures the persistent frontier's work per page
// in a crawl: push the page's URL, pop it, mark it done.
func BenchmarkFrontierCycle(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir()+"/frontier.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	f := db.Frontier("bench")
	if err := f.NewPass(ctx); err != nil {
		b.Fatal(err)
	}
	site := marketsim.OnionFromSeed("bench-frontier")
	now := time.Now()
	b.ResetTimer()
	cpu0 := cpuSeconds(b)
	for i := 0; i < b.N; i++ {
		u := fmt.Sprintf("http://%s/listing/%d", site, i)
		if _, err := f.Push(ctx, []fentinel.QueuedURL{{URL: u, Site: site, Depth: 2}}); err != nil {
			b.Fatal(err)
		}
		items, err := f.Pop(ctx, 1, now)
		if err != nil || len(items) != 1 {
			b.Fatalf("pop: %v, %d items", err, len(items))
		}
		if err := f.Done(ctx, items[0].URL, "h"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(b.N)/(cpuSeconds(b)-cpu0), "pages/cpu-s")
}
