package crawler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseCookieFlag(t *testing.T) {
	o := testOnion("ck")
	tests := []struct {
		in                string
		host, name, value string
		ok                bool
	}{
		{o + "=sid=abc", o, "sid", "abc", true},
		{strings.ToUpper(o) + "=sid=a=b=c", o, "sid", "a=b=c", true},
		{o + "=sid=", o, "sid", "", true},
		{o + "=sid", "", "", "", false},
		{"=sid=x", "", "", "", false},
		{o + "==x", "", "", "", false},
		{"http://" + o + "=sid=x", "", "", "", false},
		{o + "=bad name=x", "", "", "", false},
	}
	for _, tt := range tests {
		hc, err := ParseCookieFlag(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseCookieFlag(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if err != nil {
			if strings.Contains(err.Error(), "=x") && strings.Contains(tt.in, "=x") && !strings.HasSuffix(tt.in, "==x") {
				t.Errorf("error leaks the cookie value: %v", err)
			}
			continue
		}
		if hc.Host != tt.host || hc.Cookie.Name != tt.name || hc.Cookie.Value != tt.value {
			t.Errorf("ParseCookieFlag(%q) = %s %s=%s", tt.in, hc.Host, hc.Cookie.Name, hc.Cookie.Value)
		}
	}
}

func TestReadCookiesFile(t *testing.T) {
	a, b := testOnion("ha"), testOnion("hb")
	raw, err := os.ReadFile("testdata/cookies.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("HOSTA", a, "HOSTB", b).Replace(string(raw))
	path := filepath.Join(t.TempDir(), "cookies.txt")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	got, expired, err := ReadCookiesFile(path, now)
	if err != nil {
		t.Fatal(err)
	}
	if expired != 1 {
		t.Errorf("expired = %d, want 1", expired)
	}
	if len(got) != 4 {
		t.Fatalf("got %d cookies, want 4: %+v", len(got), got)
	}
	c0, c1, c2, c3 := got[0], got[1], got[2], got[3]
	if c0.Host != a || c0.Cookie.Name != "simsession" || c0.Cookie.Value != "sim-session-ok" || c0.Cookie.Domain != "" {
		t.Errorf("cookie 0 = %+v %+v", c0, c0.Cookie)
	}
	if c1.Cookie.Domain != a || c1.Cookie.Path != "/shop" || c1.Cookie.Secure || c1.Cookie.Expires.Year() != 2100 {
		t.Errorf("cookie 1 (subdomains, secure on onion dropped, expiry) = %+v", c1.Cookie)
	}
	if c2.Host != b || !c2.Cookie.HttpOnly || c2.Cookie.Value != "token=with=equals" {
		t.Errorf("cookie 2 (#HttpOnly_) = %+v", c2.Cookie)
	}
	if c3.Cookie.Name != "empty" || c3.Cookie.Value != "" {
		t.Errorf("cookie 3 (empty value) = %+v", c3.Cookie)
	}
}

func TestReadCookiesFileErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"fields", "a.onion\tFALSE\t/\n", ":1: want 7"},
		{"bool", "# c\na.onion\tMAYBE\t/\tFALSE\t0\tn\tv\n", ":2: subdomains and secure"},
		{"expiry", "a.onion\tFALSE\t/\tFALSE\tsoon\tn\tv\n", ":1: expiry"},
		{"name", "a.onion\tFALSE\t/\tFALSE\t0\tn;x\tv\n", ":1: invalid cookie name"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), tt.name+".txt")
		if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := ReadCookiesFile(path, time.Now())
		if err == nil || !strings.Contains(err.Error(), path+tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, path+tt.want)
		}
	}
	if _, _, err := ReadCookiesFile(filepath.Join(t.TempDir(), "missing"), time.Now()); err == nil {
		t.Error("missing file: no error")
	}
}

func FuzzParseCookiesTxt(f *testing.F) {
	f.Add("a.onion\tFALSE\t/\tFALSE\t0\tn\tv\n")
	f.Add("#HttpOnly_.a.onion\tTRUE\t/\tTRUE\t99999999999\tn\t\n")
	f.Fuzz(func(t *testing.T, s string) {
		cs, _, err := parseCookiesTxt(strings.NewReader(s), "fuzz", time.Unix(0, 0))
		if err != nil {
			return
		}
		for _, c := range cs {
			if c.Host == "" || c.Cookie == nil || c.Cookie.Name == "" {
				t.Fatalf("accepted an empty cookie: %+v", c)
			}
		}
	})
}
