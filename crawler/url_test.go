package crawler

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestV3OnionChecksum(t *testing.T) {
	good := testOnion("a")
	label := strings.TrimSuffix(good, ".onion")
	flipped := []byte(label)
	if flipped[10] == 'a' {
		flipped[10] = 'b'
	} else {
		flipped[10] = 'a'
	}
	tests := []struct {
		host string
		want bool
	}{
		{good, true},
		{strings.ToUpper(good), true},
		{label, true},
		{"www." + good, true},
		{string(flipped) + ".onion", false},
		{label[:55] + ".onion", false},
		{"expyuzz4wqqyqhjn.onion", false}, // v2 shape
		{strings.Repeat("a", 56) + ".onion", false},
		{"example.com", false},
		{strings.Repeat("1", 56) + ".onion", false}, // not base32
	}
	for _, tt := range tests {
		if got := V3OnionChecksumOK(tt.host); got != tt.want {
			t.Errorf("V3OnionChecksumOK(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
	if !isV3Shaped(strings.Repeat("a", 56) + ".onion") {
		t.Error("isV3Shaped rejects a 56-char base32 label")
	}
	if isV3Shaped("abc.onion") {
		t.Error("isV3Shaped accepts a short label")
	}
}

func TestCanonicalize(t *testing.T) {
	o := testOnion("canon")
	tests := []struct {
		in, want string
	}{
		{"http://" + strings.ToUpper(o) + "/a", "http://" + o + "/a"},
		{"HTTP://" + o + ":80/x#frag", "http://" + o + "/x"},
		{"https://" + o + ":443", "https://" + o + "/"},
		{"http://" + o + ":8080/", "http://" + o + ":8080/"},
		{"http://" + o + "/a/./b/../c/", "http://" + o + "/a/c/"},
		{"http://" + o + "/s?b=2&a=1&a=0", "http://" + o + "/s?a=1&a=0&b=2"},
		{"http://" + o + "/s?PHPSESSID=abc&q=x&sid=9", "http://" + o + "/s?q=x"},
		{"http://" + o + "/s;jsessionid=ABC123?q=1", "http://" + o + "/s?q=1"},
		{"http://" + o + "/s?", "http://" + o + "/s"},
		{"http://user:pw@" + o + "/", "http://" + o + "/"},
		{"http://" + o + "/q?x=a%20b&y=%2F", "http://" + o + "/q?x=a+b&y=%2F"},
	}
	for _, tt := range tests {
		got, err := Canonicalize(tt.in)
		if err != nil {
			t.Errorf("Canonicalize(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Canonicalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		again, err := Canonicalize(got)
		if err != nil || again != got {
			t.Errorf("Canonicalize not idempotent on %q: %q, %v", got, again, err)
		}
	}
	for _, bad := range []string{"ftp://" + o + "/", "mailto:x@y", "/relative", "javascript:alert(1)", "http:///nohost", "http://../", "http://a..onion/", "http://.x.onion/"} {
		if _, err := Canonicalize(bad); !errors.Is(err, ErrUnsupportedURL) {
			t.Errorf("Canonicalize(%q) err = %v, want ErrUnsupportedURL", bad, err)
		}
	}
}

func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{"http://a.onion/x?b=1&a=2#f", "https://A.ONION:443/./a/../b", "http://x/%zz", "http://[::1]:80/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Canonicalize(s)
		if err != nil {
			return
		}
		c2, err := Canonicalize(c)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse again: %v", c, s, err)
		}
		if c2 != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, c2)
		}
	})
}

func TestNonTextURL(t *testing.T) {
	tests := map[string]bool{
		"/img/product.JPG":   true,
		"/files/a.tar.gz":    true,
		"/video.mp4":         true,
		"/dump.zip":          true,
		"/listing/42":        false,
		"/index.php":         false,
		"/page.html":         false,
		"/vendor/key.asc":    false,
		"/notes.txt":         false,
		"/category/pills.v2": false,
	}
	for p, want := range tests {
		u := &url.URL{Scheme: "http", Host: "x.onion", Path: p}
		if got := nonTextURL(u); got != want {
			t.Errorf("nonTextURL(%s) = %v, want %v", p, got, want)
		}
	}
}
