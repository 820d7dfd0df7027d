package tornet

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// socksResult is what a raw SOCKS5 CONNECT got from tor.
type socksResult struct {
	method byte // method tor chose in the greeting
	reply  byte // CONNECT reply code (0 = succeeded); 0xFF if none arrived
	took   time.Duration
	conn   net.Conn // open on success
}

// socksConnect speaks SOCKS5 by hand (x/net/proxy hides Tor's extended
// reply codes in its error text): greeting, optional RFC 1929 auth, then
// CONNECT to host:port with the host sent as a domain name (ATYP 3), or as
// an IPv4 address when it parses as one.
func socksConnect(ctx context.Context, proxyAddr, user, host string, port int) (socksResult, error) {
	start := time.Now()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", proxyAddr)
	if err != nil {
		return socksResult{}, err
	}
	ok := false
	defer func() {
		if !ok {
			c.Close()
		}
	}()
	if dl, has := ctx.Deadline(); has {
		c.SetDeadline(dl)
	}
	res := socksResult{reply: 0xFF}
	greet := []byte{5, 1, 0}
	if user != "" {
		greet = []byte{5, 1, 2}
	}
	if _, err := c.Write(greet); err != nil {
		return res, err
	}
	var b [2]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return res, fmt.Errorf("greeting reply: %w", err)
	}
	res.method = b[1]
	if b[1] == 2 {
		msg := append([]byte{1, byte(len(user))}, user...)
		msg = append(msg, 1, 'x')
		if _, err := c.Write(msg); err != nil {
			return res, err
		}
		if _, err := io.ReadFull(c, b[:]); err != nil || b[1] != 0 {
			return res, fmt.Errorf("auth reply %v: %v", b, err)
		}
	} else if b[1] != 0 {
		return res, fmt.Errorf("tor chose method 0x%02x", b[1])
	}
	req := []byte{5, 1, 0}
	if ip := net.ParseIP(host).To4(); ip != nil {
		req = append(append(req, 1), ip...)
	} else {
		req = append(append(req, 3, byte(len(host))), host...)
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	if _, err := c.Write(req); err != nil {
		return res, err
	}
	var hdr [4]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		// Tor may close without a reply for requests it rejects outright.
		res.took = time.Since(start)
		return res, nil
	}
	res.reply = hdr[1]
	res.took = time.Since(start)
	// Skip the bound address.
	var skip int
	switch hdr[3] {
	case 1:
		skip = 4 + 2
	case 4:
		skip = 16 + 2
	case 3:
		var l [1]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return res, nil
		}
		skip = int(l[0]) + 2
	}
	if _, err := io.ReadFull(c, make([]byte, skip)); err != nil {
		return res, nil
	}
	if res.reply == 0 {
		ok = true
		res.conn = c
	}
	return res, nil
}

// TestNonexistentOnion: a well-formed v3 onion that no service holds
// yields Tor's extended error F0 (descriptor not found), well within the
// crawler's connect timeout; a malformed one (bad checksum) yields F6.
func TestNonexistentOnion(t *testing.T) {
	n, _ := network(t)
	missing := SyntheticOnion("tornet: no service has this key")
	// Flip one character of the checksum part: well-shaped, invalid.
	bad := []byte(SyntheticOnion("tornet: bad checksum"))
	if bad[52] == 'a' {
		bad[52] = 'b'
	} else {
		bad[52] = 'a'
	}
	tests := []struct {
		name  string
		host  string
		want  byte
		limit time.Duration
	}{
		{"descriptor not found", missing, 0xF0, 90 * time.Second},
		{"bad address", string(bad), 0xF6, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := socksConnect(ctxFor(t, tt.limit), n.SocksAddr(), "missing-"+tt.name, tt.host, 80)
			if err != nil {
				t.Fatalf("SOCKS to %s: %v", tt.host, err)
			}
			if res.reply != tt.want {
				t.Fatalf("reply 0x%02X after %s, want 0x%02X", res.reply, res.took, tt.want)
			}
			t.Logf("%s: reply 0x%02X after %s", tt.host, res.reply, res.took.Round(time.Millisecond))

			// What the crawler's stack (x/net/proxy) reports for it.
			_, err = Get(ctxFor(t, tt.limit), n.SocksAddr(), "missing-xnet-"+tt.name, "http://"+tt.host+"/")
			if err == nil || !strings.Contains(err.Error(), "unknown code: "+strconv.Itoa(int(tt.want))) {
				t.Fatalf("x/net error = %v, want one naming code %d", err, tt.want)
			}
		})
	}
}

// TestRecommendedSocksOptions: with SafeSocks 1 and the SocksPort flags
// IsolateSOCKSAuth ExtendedErrors OnionTrafficOnly, everything a crawler
// does succeeds (onion by name, with or without SOCKS auth, on port 80 and
// other ports, several streams at once, HTTP keep-alive), and what the
// flags exist to stop is refused: IP literals, clearnet names, SOCKS-side
// DNS (RESOLVE).
func TestRecommendedSocksOptions(t *testing.T) {
	n, sites := network(t)
	a, b := sites[0], sites[1]
	ctx := ctxFor(t, 120*time.Second)

	tests := []struct {
		name   string
		user   string
		host   string
		port   int
		accept bool
	}{
		{"onion by name, with auth", "opt-a", a.onion, 80, true},
		{"onion by name, no auth", "", a.onion, 80, true},
		{"onion on port 8080", "opt-b", b.onion, 8080, true},
		{"ipv4 literal", "opt-ip", "127.0.0.1", 80, false},
		{"clearnet name", "opt-clear", "example.com", 80, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := socksConnect(ctx, n.SocksAddr(), tt.user, tt.host, tt.port)
			if err != nil {
				t.Fatalf("SOCKS: %v", err)
			}
			if res.conn != nil {
				defer res.conn.Close()
			}
			if tt.user != "" && res.method != 2 {
				t.Errorf("tor chose method 0x%02x, want username/password (0x02)", res.method)
			}
			if tt.accept {
				if res.reply != 0 {
					t.Fatalf("refused with 0x%02X", res.reply)
				}
				// A real HTTP exchange over the stream.
				fmt.Fprintf(res.conn, "GET /opt HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", tt.host)
				body, _ := io.ReadAll(res.conn)
				if !strings.HasPrefix(string(body), "HTTP/1.1 200") {
					t.Fatalf("response %.80q", body)
				}
				return
			}
			if res.reply == 0 {
				t.Fatalf("%s:%d was accepted; the recommended options must refuse it", tt.host, tt.port)
			}
			t.Logf("%s refused: reply 0x%02X after %s", tt.host, res.reply, res.took.Round(time.Millisecond))
		})
	}

	t.Run("resolve refused", func(t *testing.T) {
		// Tor's RESOLVE extension (command 0xF0): a crawler never needs it.
		c, err := net.Dial("tcp", n.SocksAddr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		c.Write([]byte{5, 1, 0}) // greeting: no auth
		var g [2]byte
		if _, err := io.ReadFull(c, g[:]); err != nil || g != [2]byte{5, 0} {
			t.Fatalf("greeting reply %v: %v", g, err)
		}
		req := []byte{5, 0xF0, 0, 3, byte(len("example.com"))}
		req = append(append(req, "example.com"...), 0, 0)
		c.Write(req)
		var r [4]byte
		_, err = io.ReadFull(c, r[:])
		if err == nil && r[1] == 0 {
			t.Fatalf("RESOLVE example.com succeeded: %v", r)
		}
		t.Logf("RESOLVE refused: reply %v (read error %v)", r, err)
	})

	t.Run("concurrent streams and keep-alive", func(t *testing.T) {
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func() {
				s := sites[i%2]
				// Two requests per client: the second reuses the connection.
				for j := 0; j < 2; j++ {
					if _, err := fetchRetry(ctx, n.SocksAddr(), "opt-conc-"+s.name, s.url(fmt.Sprintf("/c/%d/%d", i, j))); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for i := 0; i < 8; i++ {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})
}

// fetchRetry is Fetch with up to three attempts 3 s apart: a four-relay
// private network sometimes fails to build a circuit ("general SOCKS server
// failure"), which a browser would retry too.
func fetchRetry(ctx context.Context, socksAddr, user, url string) (int, error) {
	var status int
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		if status, err = Fetch(ctx, socksAddr, user, url); err == nil {
			return status, nil
		}
		select {
		case <-ctx.Done():
			return status, err
		case <-time.After(3 * time.Second):
		}
	}
	return status, err
}
