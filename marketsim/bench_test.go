package marketsim

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkRenderListing measures page generation alone (no network).
func BenchmarkRenderListing(b *testing.B) {
	for _, layout := range []int{0, 1} {
		s := startSim(b, Options{ListingsPerMarket: 100_000})
		m := s.markets[layout]
		b.Run(m.Layout, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for i := 0; b.Loop(); i++ {
				n += len(m.renderListing(i % m.n))
			}
			b.SetBytes(int64(n / max(b.N, 1)))
		})
	}
}

// BenchmarkFetchThroughSOCKS measures listing fetches through the SOCKS
// proxy with keep-alive connections, 8 in parallel.
func BenchmarkFetchThroughSOCKS(b *testing.B) {
	s := startSim(b, Options{ListingsPerMarket: 10_000})
	c := client(b, s, "bench")
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = 8
	m := s.Markets()[0]
	var next, bytes atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/8 + 1
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				id := next.Add(1) % 10_000
				resp, err := c.Get(fmt.Sprintf("%slisting/%d", m.Home(), id))
				if err != nil {
					b.Error(err)
					return
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				bytes.Add(n)
			}
		}()
	}
	wg.Wait()
	b.SetBytes(bytes.Load() / int64(8*per))
}

// BenchmarkTruth100k measures labelling 100,000 generated listings.
func BenchmarkTruth100k(b *testing.B) {
	s := startSim(b, Options{ListingsPerMarket: 50_000})
	b.ReportAllocs()
	for b.Loop() {
		if n := len(s.Truth()); n < 100_000 {
			b.Fatalf("%d pages", n)
		}
	}
}
