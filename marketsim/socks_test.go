package marketsim

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
)

func TestSOCKSThroughXNetProxy(t *testing.T) {
	for _, tt := range []struct {
		name        string
		requireAuth bool
		user        string
		wantErr     bool
	}{
		{"no auth", false, "", false},
		{"username/password", false, "market-a", false},
		{"auth required, given", true, "market-b", false},
		{"auth required, missing", true, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := startSim(t, Options{RequireAuth: tt.requireAuth})
			c := client(t, s, tt.user)
			resp, err := c.Get(s.Seeds()[0])
			if tt.wantErr {
				if err == nil {
					resp.Body.Close()
					t.Fatal("GET succeeded, want a SOCKS auth failure")
				}
				if n := len(s.ProxyLog()); n != 0 {
					t.Fatalf("proxy logged %d CONNECTs, want 0 (refused at method selection)", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			log := s.ProxyLog()
			if len(log) != 1 {
				t.Fatalf("proxy log has %d entries, want 1: %+v", len(log), log)
			}
			r := log[0]
			home := s.Markets()[0].Onion
			if r.Host != home || r.Port != 80 || r.ATYP != ATYPDomain || r.Reply != ReplySucceeded {
				t.Fatalf("logged %+v, want CONNECT %s:80 by name, succeeded", r, home)
			}
			if r.Username != tt.user || r.PasswordSet != (tt.user != "") {
				t.Fatalf("logged user %q password %v, want %q", r.Username, r.PasswordSet, tt.user)
			}
		})
	}
}

func TestSOCKSRefusals(t *testing.T) {
	s := startSim(t, Options{})
	market := s.Markets()[0].Onion
	unknown := OnionFromSeed("nobody-serves-this")
	broken := strings.Replace(market, market[5:6], map[bool]string{true: "b", false: "a"}[market[5] == 'a'], 1)
	tests := []struct {
		name string
		atyp byte
		host string
		port int
		want byte
	}{
		{"market onion", ATYPDomain, market, 80, ReplySucceeded},
		{"market onion, other port", ATYPDomain, market, 443, ReplyConnectionRefused},
		{"unknown v3 onion", ATYPDomain, unknown, 80, ReplyOnionNotFound},
		{"bad checksum onion", ATYPDomain, broken, 80, ReplyOnionBadAddress},
		{"v2-length onion", ATYPDomain, "expyuzz4wqqyqhjn.onion", 80, ReplyOnionBadAddress},
		{"clearnet name", ATYPDomain, "example.com", 80, ReplyNotAllowed},
		{"IPv4", ATYPIPv4, "127.0.0.1", 80, ReplyNotAllowed},
		{"IPv6", ATYPIPv6, "::1", 80, ReplyNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.ProxyLog())
			_, got := rawConnect(t, s.ProxyAddr(), []byte{0}, "", tt.atyp, tt.host, tt.port)
			if got != tt.want {
				t.Fatalf("reply %#x, want %#x", got, tt.want)
			}
			log := s.ProxyLog()
			if len(log) != before+1 {
				t.Fatalf("proxy log grew by %d, want 1", len(log)-before)
			}
			if e := log[len(log)-1]; e.Reply != tt.want || e.ATYP != tt.atyp || e.Port != tt.port {
				t.Fatalf("logged %+v", e)
			}
		})
	}
}

func TestSOCKSMethodSelection(t *testing.T) {
	tests := []struct {
		name        string
		requireAuth bool
		offered     []byte
		want        byte
	}{
		{"no-auth only", false, []byte{0}, 0},
		{"both, prefers user/pass", false, []byte{0, 2}, 2},
		{"user/pass only", false, []byte{2}, 2},
		{"gssapi only", false, []byte{1}, 0xFF},
		{"auth required, no-auth offered", true, []byte{0}, 0xFF},
		{"auth required, both offered", true, []byte{0, 2}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSim(t, Options{RequireAuth: tt.requireAuth})
			got, _ := rawConnect(t, s.ProxyAddr(), tt.offered, "u1", ATYPDomain, s.Markets()[0].Onion, 80)
			if got != tt.want {
				t.Fatalf("method %#x, want %#x", got, tt.want)
			}
		})
	}
}

func TestCloseStopsEverything(t *testing.T) {
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t, s, "")
	if st, _, _ := get(t, c, s.Seeds()[0]); st != 200 {
		t.Fatalf("status %d", st)
	}
	addr := s.ProxyAddr()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Fatalf("proxy %s still accepts connections after Close", addr)
	}
}

func TestStartContextCancelCloses(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := s.ProxyAddr()
	cancel()
	// Close after cancel must not deadlock and must leave nothing listening.
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Fatalf("proxy still listening after cancel")
	}
}

func TestSOCKSRefusesOtherCommands(t *testing.T) {
	s := startSim(t, Options{})
	onion := s.Markets()[0].Onion
	for _, cmd := range []byte{0x02, 0x03, 0xF0} { // BIND, UDP ASSOCIATE, Tor RESOLVE
		c, err := net.Dial("tcp", s.ProxyAddr())
		if err != nil {
			t.Fatal(err)
		}
		msg := append([]byte{5, 1, 0, 5, cmd, 0, 3, byte(len(onion))}, onion...)
		msg = append(msg, 0, 80)
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		rep := make([]byte, 12)
		if _, err := io.ReadFull(c, rep); err != nil {
			t.Fatal(err)
		}
		c.Close()
		if rep[3] != ReplyCommandNotSupported {
			t.Fatalf("cmd %#x: reply %#x, want %#x", cmd, rep[3], ReplyCommandNotSupported)
		}
		log := s.ProxyLog()
		if e := log[len(log)-1]; e.Command != cmd || e.Reply != ReplyCommandNotSupported || e.Host != onion {
			t.Fatalf("logged %+v", e)
		}
	}
}
