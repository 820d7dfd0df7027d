package marketsim

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/net/proxy"
)

// startSim starts a simulator that is closed when the test ends.
func startSim(t testing.TB, opts Options) *Sim {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// checkTruthCounts checks that TruthCounts agrees with the pages and
// positives of Truth.
func checkTruthCounts(t testing.TB, s *Sim) {
	t.Helper()
	truth := s.Truth()
	positives := 0
	for _, l := range truth {
		if l.Positive {
			positives++
		}
	}
	if n, pos := s.TruthCounts(); n != len(truth) || pos != positives {
		t.Fatalf("TruthCounts = %d, %d; Truth has %d, %d", n, pos, len(truth), positives)
	}
}

// client returns an HTTP client whose only way out is the simulator's SOCKS
// proxy, through golang.org/x/net/proxy (user "" = no auth).
func client(t testing.TB, s *Sim, user string) *http.Client {
	t.Helper()
	u, err := url.Parse(s.ProxyURL())
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		u.User = url.UserPassword(user, "pw-"+user)
	}
	d, err := proxy.FromURL(u, nil)
	if err != nil {
		t.Fatalf("proxy.FromURL: %v", err)
	}
	cd := d.(proxy.ContextDialer)
	tr := &http.Transport{DialContext: cd.DialContext, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// get fetches u and returns status and body.
func get(t testing.TB, c *http.Client, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// rawConnect speaks SOCKS5 by hand and returns the reply code. atyp
// selects how host is sent; methods lists the offered auth methods.
func rawConnect(t *testing.T, addr string, methods []byte, user string, atyp byte, host string, port int) (method, reply byte) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(append([]byte{5, byte(len(methods))}, methods...)); err != nil {
		t.Fatal(err)
	}
	var sel [2]byte
	if _, err := io.ReadFull(c, sel[:]); err != nil {
		t.Fatalf("read method: %v", err)
	}
	if sel[1] == 0xFF {
		return sel[1], 0
	}
	if sel[1] == 2 {
		msg := append([]byte{1, byte(len(user))}, user...)
		msg = append(msg, 2, 'p', 'w')
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		var st [2]byte
		if _, err := io.ReadFull(c, st[:]); err != nil || st[1] != 0 {
			t.Fatalf("auth status %v err %v", st, err)
		}
	}
	req := []byte{5, 1, 0, atyp}
	switch atyp {
	case ATYPDomain:
		req = append(req, byte(len(host)))
		req = append(req, host...)
	default:
		ip := net.ParseIP(host)
		if atyp == ATYPIPv4 {
			ip = ip.To4()
		}
		req = append(req, ip...)
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	var rep [10]byte
	if _, err := io.ReadFull(c, rep[:]); err != nil {
		t.Fatalf("read reply: %v", err)
	}
	return sel[1], rep[1]
}
