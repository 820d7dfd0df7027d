package marketsim

import (
	"errors"
	"strings"
	"testing"
)

func TestOnionFromSeed(t *testing.T) {
	a, b := OnionFromSeed("alpha"), OnionFromSeed("alpha")
	if a != b {
		t.Fatalf("not deterministic: %s vs %s", a, b)
	}
	if c := OnionFromSeed("beta"); c == a {
		t.Fatalf("different seeds gave the same onion %s", c)
	}
	if len(a) != 56+len(".onion") || !strings.HasSuffix(a, ".onion") {
		t.Fatalf("bad shape %q", a)
	}
	if got, err := ParseOnion(a); err != nil || got != a {
		t.Fatalf("ParseOnion(%s) = %q, %v", a, got, err)
	}
}

func TestParseOnion(t *testing.T) {
	good := OnionFromSeed("parse")
	addr := strings.TrimSuffix(good, ".onion")
	flip := func(s string, i int) string {
		c := byte('a')
		if s[i] == 'a' {
			c = 'b'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	// The last base32 character carries the version bits; "a" at the end
	// of an otherwise valid address changes the version byte.
	wrongVersion := addr[:55] + "a" + ".onion"
	tests := []struct {
		name, host, want string
		err              error
	}{
		{"canonical", good, good, nil},
		{"upper case", strings.ToUpper(good), good, nil},
		{"subdomain", "www." + good, good, nil},
		{"trailing dot", good + ".", good, nil},
		{"checksum broken", flip(addr, 10) + ".onion", "", ErrBadOnion},
		{"wrong version", wrongVersion, "", ErrBadOnion},
		{"too short v2 style", "expyuzz4wqqyqhjn.onion", "", ErrBadOnion},
		{"bad alphabet", addr[:55] + "1.onion", "", ErrBadOnion},
		{"clearnet", "example.com", "", ErrNotOnion},
		{"empty", "", "", ErrNotOnion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOnion(tt.host)
			if !errors.Is(err, tt.err) {
				t.Fatalf("ParseOnion(%q) err = %v, want %v", tt.host, err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("ParseOnion(%q) = %q, want %q", tt.host, got, tt.want)
			}
		})
	}
}

// FuzzParseOnion checks that ParseOnion never panics and that whatever it
// accepts round-trips.
func FuzzParseOnion(f *testing.F) {
	f.Add(OnionFromSeed("fuzz"))
	f.Add("x.onion")
	f.Add("www." + OnionFromSeed("fuzz2"))
	f.Fuzz(func(t *testing.T, host string) {
		got, err := ParseOnion(host)
		if err != nil {
			return
		}
		if again, err := ParseOnion(got); err != nil || again != got {
			t.Fatalf("accepted %q as %q but not round-trip: %q %v", host, got, again, err)
		}
	})
}
