package marketsim

import (
	"context"
	"io"
	"runtime"
	"testing"
	"time"
)

// TestCloseLeavesNoGoroutines closes a simulator while a slow page is
// dribbling and a request is held by the latency option, then checks that
// the goroutine count returns to where it was.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	s, err := Start(context.Background(), Options{Hostile: true, SlowFor: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t, s, "")
	resp, err := c.Get(labURL(t, s, LabSlow))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}()
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("Close took %v with a slow page in flight", el)
	}
	<-done
	c.Transport.(interface{ CloseIdleConnections() }).CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= base {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
