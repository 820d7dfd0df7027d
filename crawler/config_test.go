package crawler

import (
	"errors"
	"strings"
	"testing"
)

func TestNewValidation(t *testing.T) {
	o := "http://" + testOnion("cfg") + "/"
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" = valid
	}{
		{"defaults", Config{Seeds: []string{o}}, ""},
		{"socks5 accepted", Config{Proxy: "socks5://127.0.0.1:9050", Seeds: []string{o}}, ""},
		{"http proxy", Config{Proxy: "http://127.0.0.1:8118", Seeds: []string{o}}, "config proxy"},
		{"proxy creds", Config{Proxy: "socks5h://u:p@127.0.0.1:9050", Seeds: []string{o}}, "credentials"},
		{"proxy no port", Config{Proxy: "socks5h://127.0.0.1", Seeds: []string{o}}, "config proxy"},
		{"no seeds", Config{}, "config seeds"},
		{"relative seed", Config{Seeds: []string{"/x"}}, "config seed"},
		{"clearnet seed", Config{Seeds: []string{"http://example.com/"}}, "clearnet"},
		{"clearnet allowed", Config{Seeds: []string{"http://example.com/"}, Clearnet: true}, ""},
		{"v2 onion", Config{Seeds: []string{"http://expyuzz4wqqyqhjn.onion/"}}, "not a v3 onion"},
		{"allow bad checksum", Config{Seeds: []string{o}, AllowHosts: []string{strings.Repeat("a", 56) + ".onion"}}, "checksum"},
		{"allow good", Config{Seeds: []string{o}, AllowHosts: []string{testOnion("allow")}}, ""},
		{"per-host cap", Config{Seeds: []string{o}, PerHost: 16}, "per-host"},
		{"cookie out of scope", Config{Seeds: []string{o}, Cookies: []string{testOnion("x") + "=a=b"}}, "not in the crawl scope"},
		{"cookie bad", Config{Seeds: []string{o}, Cookies: []string{"nonsense"}}, "HOST=NAME=VALUE"},
		{"cookie ok", Config{Seeds: []string{o}, Cookies: []string{testOnion("cfg") + "=a=b"}}, ""},
		{"cookies file missing", Config{Seeds: []string{o}, CookiesFile: "testdata/nope.txt"}, "nope.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if c.ProxyAddr() == "" || len(c.Seeds()) == 0 {
					t.Fatal("crawler without proxy or seeds")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	_, err := New(Config{})
	if !errors.Is(err, ErrConfig) {
		t.Errorf("config error does not wrap ErrConfig: %v", err)
	}
}

func TestSeedsAndMirrors(t *testing.T) {
	primary, mirror := testOnion("primary"), testOnion("mirror")
	c, err := New(Config{
		Seeds:   []string{"http://" + primary + "/#top", "http://" + mirror + "/", "http://" + strings.ToUpper(primary) + ":80/"},
		Mirrors: map[string][]string{primary: {mirror}},
	})
	if err != nil {
		t.Fatal(err)
	}
	seeds := c.Seeds()
	if len(seeds) != 1 || seeds[0].URL != "http://"+primary+"/" || seeds[0].Site != primary || seeds[0].Depth != 1 {
		t.Fatalf("seeds = %+v, want the primary home page once", seeds)
	}
	if site, ok := c.Site("http://" + mirror + "/listing/1"); !ok || site != primary {
		t.Fatalf("Site(mirror) = %q %v, want %s", site, ok, primary)
	}
	if _, ok := c.Site("http://" + testOnion("stranger") + "/"); ok {
		t.Fatal("stranger host in scope")
	}
}

func TestIsolationCredentials(t *testing.T) {
	iso := &isolation{key: []byte("k"), gen: map[string]uint64{}}
	u1, p1 := iso.creds("a.onion")
	u2, p2 := iso.creds("b.onion")
	if u1 == u2 && p1 == p2 {
		t.Fatal("two sites share SOCKS credentials")
	}
	if u, p := iso.creds("a.onion"); u != u1 || p != p1 {
		t.Fatal("credentials not stable for one site")
	}
	iso.rotate("a.onion")
	if u, _ := iso.creds("a.onion"); u == u1 {
		t.Fatal("rotation kept the credentials")
	}
	other := &isolation{key: []byte("other session"), gen: map[string]uint64{}}
	if u, _ := other.creds("a.onion"); u == u1 {
		t.Fatal("two session identities share credentials")
	}
	if len(u1) == 0 || len(u1) > 255 || strings.HasPrefix(u1, "<torS") {
		t.Fatalf("bad SOCKS username %q", u1)
	}
}
