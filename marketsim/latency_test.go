package marketsim

import (
	"sync"
	"testing"
	"time"
)

func TestLatencyOption(t *testing.T) {
	for _, lat := range []time.Duration{0, 150 * time.Millisecond} {
		t.Run(lat.String(), func(t *testing.T) {
			s := startSim(t, Options{Latency: lat})
			c := client(t, s, "")
			start := time.Now()
			if st, _, _ := get(t, c, s.Seeds()[0]); st != 200 {
				t.Fatalf("status %d", st)
			}
			if el := time.Since(start); el < lat {
				t.Fatalf("response after %v, want at least %v", el, lat)
			}
		})
	}
}

func TestRequestCountersAndInFlight(t *testing.T) {
	s := startSim(t, Options{Latency: 200 * time.Millisecond})
	home := s.Markets()[0]
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := client(t, s, "par"+string(rune('a'+i)))
			resp, err := c.Get(home.Home() + "listing/" + string(rune('0'+i)))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}(i)
	}
	wg.Wait()
	if got := s.Requests(home.Onion, "/listing/"); got != 4 {
		t.Fatalf("Requests(/listing/) = %d, want 4", got)
	}
	if got := s.Requests(home.Onion, "/vendor/"); got != 0 {
		t.Fatalf("Requests(/vendor/) = %d, want 0", got)
	}
	if got := s.Requests("", ""); got != 4 {
		t.Fatalf("Requests(all) = %d, want 4", got)
	}
	// Four requests each held 200 ms overlap; the high-water mark sees them.
	if got := s.MaxInFlight(home.Onion); got < 2 || got > 4 {
		t.Fatalf("MaxInFlight = %d, want 2..4", got)
	}
	if got := s.MaxInFlight(s.Markets()[1].Onion); got != 0 {
		t.Fatalf("MaxInFlight(other) = %d, want 0", got)
	}
	if got := s.BytesSent(home.Onion, "/listing/"); got <= 0 {
		t.Fatalf("BytesSent = %d", got)
	}
}
