package detect

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
	"golang.org/x/net/proxy"
)

// simClient returns an HTTP client whose only way out is the simulator's
// SOCKS5 proxy (names resolved by the proxy).
func simClient(t *testing.T, sim *marketsim.Sim) *http.Client {
	t.Helper()
	dialer, err := proxy.SOCKS5("tcp", sim.ProxyAddr(), nil, proxy.Direct)
	if err != nil {
		t.Fatal(err)
	}
	cd, ok := dialer.(proxy.ContextDialer)
	if !ok {
		t.Fatal("SOCKS5 dialer is not a ContextDialer")
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: cd.DialContext, Proxy: nil}}
}

func simFetch(t *testing.T, c *http.Client, u string) fentinel.Page {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return fentinel.Page{URL: u, FinalURL: resp.Request.URL.String(), Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// TestMarketsimTruth: the detector flags exactly the simulator's positives
// and names the substances the simulator says are for sale.
func TestMarketsimTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sim, err := marketsim.Start(ctx, marketsim.Options{Hostile: true, FlakyFailures: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	d := defaultDetector(t)
	c := simClient(t, sim)
	truth := sim.Truth()
	if len(truth) == 0 {
		t.Fatal("simulator has no ground truth")
	}
	for _, l := range truth {
		if l.Gate != "" {
			continue
		}
		p := simFetch(t, c, l.URL)
		for try := 0; try < 3 && p.Status == http.StatusServiceUnavailable; try++ {
			p = simFetch(t, c, l.URL) // the lab's flaky page fails first
		}
		if p.Status != http.StatusOK {
			t.Errorf("%s: status %d", l.URL, p.Status)
			continue
		}
		v := d.Detect(p)
		if l.Vendor != "" && v.Extracted.Vendor != l.Vendor {
			t.Errorf("%s: vendor %q, want %q", l.URL, v.Extracted.Vendor, l.Vendor)
		}
		if l.Positive && l.Currency != "" && (v.Extracted.Currency != l.Currency || v.Extracted.Price != l.Price) {
			t.Errorf("%s: price %v %s, want %v %s", l.URL, v.Extracted.Price, v.Extracted.Currency, l.Price, l.Currency)
		}
		if v.Flagged != l.Positive {
			t.Errorf("%s (%s, %q): flagged=%v score=%.3f, want %v\n%s", l.URL, l.Kind, l.Title, v.Flagged, v.Score, l.Positive, dumpEvidence(v))
			continue
		}
		got := strings.Join(v.Substances, ",")
		for _, s := range l.Substances {
			if l.Positive && !strings.Contains(","+got+",", ","+s+",") {
				t.Errorf("%s (%q): substances %v, want %s among them", l.URL, l.Title, v.Substances, s)
			}
		}
	}
}
