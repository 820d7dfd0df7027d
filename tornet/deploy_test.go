package tornet

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel/torctl"
)

const deployTorrc = "../deploy/tor/torrc"

// readDeployTorrc returns the option lines of deploy/tor/torrc.
func readDeployTorrc(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(deployTorrc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestDeployTorrcOptions: the compose torrc carries the options the
// integration tests prove (the same constant the harness uses).
func TestDeployTorrcOptions(t *testing.T) {
	lines := readDeployTorrc(t)
	want := []string{
		"SocksPort 0.0.0.0:9050 " + RecommendedSocksFlags,
		"SafeSocks 1",
		"ControlPort 0.0.0.0:9051",
		"CookieAuthentication 1",
		"CookieAuthFile /run/tor-control/control_auth_cookie",
		"DataDirectory /var/lib/tor",
	}
	for _, w := range want {
		if !slices.Contains(lines, w) {
			t.Errorf("%s lacks %q", deployTorrc, w)
		}
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "HashedControlPassword") || strings.HasPrefix(l, "DNSPort") || strings.HasPrefix(l, "HTTPTunnelPort") || strings.HasPrefix(l, "TransPort") {
			t.Errorf("%s has %q: not wanted in the compose tor", deployTorrc, l)
		}
	}
}

// TestDeployTorrc runs deploy/tor/torrc itself as a client of the private
// network (listen addresses and paths rewritten to loopback and a temp dir;
// the network's authorities and VanguardsLiteEnabled 0 added, which only a
// 4-relay network needs) and crawls an onion through it: the production
// SocksPort options let a crawler fetch, and its control port answers
// cookie authentication and the pre-flight.
func TestDeployTorrc(t *testing.T) {
	n, sites := network(t)
	var cfg []string
	for _, l := range readDeployTorrc(t) {
		switch {
		case strings.HasPrefix(l, "DataDirectory "), strings.HasPrefix(l, "Log "):
			continue // the harness sets these
		}
		l = strings.Replace(l, "0.0.0.0:9050", "127.0.0.1:$SOCKS", 1)
		l = strings.Replace(l, "0.0.0.0:9051", "127.0.0.1:$CONTROL", 1)
		l = strings.Replace(l, "/run/tor-control/", "$DIR/", 1)
		cfg = append(cfg, l)
	}
	ctx := ctxFor(t, 150*time.Second)
	nd, err := n.StartClient(ctx, ClientOptions{Name: "deploy", Config: cfg, Torrc: []string{"VanguardsLiteEnabled 0"}})
	if err != nil {
		t.Fatal(err)
	}
	defer nd.Stop()
	c, err := torctl.Dial(ctx, nd.ControlAddr(), torctl.Auth{})
	if err != nil {
		t.Fatalf("cookie auth against the deploy torrc: %v", err)
	}
	defer c.Close()
	if c.ProtocolInfo.CookieFile != nd.CookiePath() {
		t.Errorf("COOKIEFILE %q, want %q", c.ProtocolInfo.CookieFile, nd.CookiePath())
	}
	// Wait for the client to bootstrap in the private network.
	start := time.Now()
	for {
		ok, err := c.CircuitEstablished(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("deploy client never established a circuit\n%s", nd.LogTail(20))
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("deploy torrc client bootstrapped in %s", time.Since(start).Round(time.Millisecond))
	for _, s := range sites {
		body := fetchOK(t, nd.SocksAddr(), "deploy-"+s.name, s.url("/deploy"))
		if !strings.Contains(body, "synthetic market "+s.name) {
			t.Fatalf("body %q", body)
		}
	}
}
