package alert

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

// BenchmarkSign measures Standard Webhooks signing of a typical payload.
func BenchmarkSign(b *testing.B) {
	body, err := json.Marshal(NewPayload(testAlert("msg_bench", 1)))
	if err != nil {
		b.Fatal(err)
	}
	ts := time.Now()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sign(vecSecret, "msg_bench", ts, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDrain measures delivery from a real SQLite outbox to a loopback
// webhook receiver (read due rows, build and sign the payload, POST, mark
// delivered), reported as alerts/s. Queueing is outside the timer.
func BenchmarkDrain(b *testing.B) {
	clk := startClock()
	db := openStore(b, clk)
	rcv := newCapture(b, func(int, http.ResponseWriter) {})
	hook, err := NewWebhook("soc", rcv.srv.URL, vecSecret, nil)
	mustNoErr(b, err)
	routes := []fentinel.Route{fentinel.DefaultRoute("soc")}
	fs := findings(b.N)
	for i := range fs {
		fs[i].n = i
	}
	save(b, db, clk, routes, fs...)
	d := NewDispatcher(db, []Sink{hook}, WithClock(clk))
	b.ResetTimer()
	st, err := d.Drain(context.Background())
	b.StopTimer()
	mustNoErr(b, err)
	if st.Delivered != b.N {
		b.Fatalf("delivered %d of %d", st.Delivered, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "alerts/s")
}
