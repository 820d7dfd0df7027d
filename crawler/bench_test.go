package crawler

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
)

// BenchmarkCrawl crawls two simulated markets of 300 listings each through
// the simulator's SOCKS proxy (loopback: no Tor latency), so it measures the
// crawler's own overhead: SOCKS, HTTP, parsing, scope, traps, frontier.
func BenchmarkCrawl(b *testing.B) {
	sim, err := marketsim.Start(context.Background(), marketsim.Options{ListingsPerMarket: 300, PageSize: 20})
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	run := func() Stats {
		c, err := New(Config{
			Proxy: sim.ProxyURL(), Seeds: sim.Seeds(), MaxDepth: 50, MaxPages: 100000,
			Concurrency: 8, PerHost: 4, PerHostRate: 100000, Logger: slog.New(slog.DiscardHandler),
		})
		if err != nil {
			b.Fatal(err)
		}
		st, err := c.Run(context.Background(), func(context.Context, fentinel.Page) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	warm := run()
	b.SetBytes(warm.Bytes)
	b.ResetTimer()
	start := time.Now()
	pages := 0
	for range b.N {
		pages += run().Fetched
	}
	b.ReportMetric(float64(pages)/time.Since(start).Seconds(), "pages/s")
	b.ReportMetric(float64(warm.Fetched), "pages/crawl")
}

func BenchmarkAnalyze(b *testing.B) {
	body, err := os.ReadFile("testdata/listing.html")
	if err != nil {
		b.Fatal(err)
	}
	base := mustURL(b, "http://"+testOnion("bench")+"/shop/opioids?page=2")
	b.SetBytes(int64(len(body)))
	for range b.N {
		analyze(body, base)
	}
}

func BenchmarkCanonicalize(b *testing.B) {
	u := "HTTP://" + testOnion("bench") + ":80/a/./b/../listing/42?z=1&PHPSESSID=x&a=2#frag"
	b.SetBytes(int64(len(u)))
	for range b.N {
		if _, err := Canonicalize(u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryFrontier pushes and pops 100,000 URLs in batches of 64,
// with some retried items waiting, as a large crawl does.
func BenchmarkMemoryFrontier(b *testing.B) {
	items := make([]fentinel.QueuedURL, 100000)
	for i := range items {
		items[i] = fentinel.QueuedURL{URL: "http://x.onion/listing/" + strconv.Itoa(i), Site: "x.onion", Depth: 2}
	}
	ctx := context.Background()
	now := time.Now()
	for range b.N {
		f := NewMemoryFrontier()
		if _, err := f.Push(ctx, items); err != nil {
			b.Fatal(err)
		}
		for i := 0; ; i++ {
			got, _ := f.Pop(ctx, 64, now)
			if len(got) == 0 {
				break
			}
			for j, it := range got {
				if j == 0 && i%10 == 0 {
					it.Attempts++
					f.Retry(ctx, it, now.Add(time.Hour), ClassTimeout)
					continue
				}
				f.Done(ctx, it.URL, "")
			}
		}
	}
	b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "urls/s")
}
