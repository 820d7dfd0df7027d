package tornet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkStart measures a whole bring-up (keys, 5 tor processes, first
// onion fetch) and teardown. Run it with a small -benchtime, e.g.
// go test -run ^$ -bench Start -benchtime 3x ./tornet/
func BenchmarkStart(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }))
	defer srv.Close()
	var up, keys, down time.Duration
	for i := 0; i < b.N; i++ {
		n, err := Start(context.Background(), Options{Services: []Service{{Target: srv.Listener.Addr().String()}}, Timeout: 240 * time.Second})
		if errors.Is(err, ErrTorNotInstalled) {
			b.Skip("tor not installed: apt-get install tor")
		}
		if err != nil {
			b.Fatal(err)
		}
		up += n.BringUp()
		keys += n.KeyGen()
		start := time.Now()
		n.Close()
		down += time.Since(start)
		b.Logf("run %d: bring-up %s (keys %s)", i+1, n.BringUp().Round(time.Millisecond), n.KeyGen().Round(time.Millisecond))
	}
	b.ReportMetric(up.Seconds()/float64(b.N), "s-bringup/op")
	b.ReportMetric(keys.Seconds()/float64(b.N), "s-keygen/op")
	b.ReportMetric(down.Seconds()/float64(b.N), "s-teardown/op")
}
