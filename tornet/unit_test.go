package tornet

import (
	"crypto/ed25519"
	"encoding/hex"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestOnionAddress(t *testing.T) {
	tests := []struct {
		name   string
		pubHex string
		want   string
	}{
		// Vector from tor's test suite (test_hs_common.c, test_build_address):
		// the RFC 8032 test-1 public key.
		{"tor test vector", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
			"25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion"},
	}
	for _, tt := range tests {
		pub, err := hex.DecodeString(tt.pubHex)
		if err != nil {
			t.Fatal(err)
		}
		if got := OnionAddress(ed25519.PublicKey(pub)); got != tt.want {
			t.Errorf("%s: OnionAddress = %s, want %s", tt.name, got, tt.want)
		}
	}
}

var v3onion = regexp.MustCompile(`^[a-z2-7]{55}d\.onion$`)

func TestSyntheticOnion(t *testing.T) {
	a1, a2, b := SyntheticOnion("a"), SyntheticOnion("a"), SyntheticOnion("b")
	if a1 != a2 {
		t.Fatalf("not stable: %s vs %s", a1, a2)
	}
	if a1 == b {
		t.Fatalf("seeds a and b give the same onion %s", a1)
	}
	for _, o := range []string{a1, b} {
		if !v3onion.MatchString(o) {
			t.Errorf("%s is not v3-shaped", o)
		}
	}
}

// TestHashPassword checks the S2K against tor's own: `tor --hash-password`
// picks a random salt; hashing the same password with that salt here must
// give the same string.
func TestHashPassword(t *testing.T) {
	h, err := hashPassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^16:[0-9A-F]{58}$`).MatchString(h) {
		t.Fatalf("hashPassword = %q, not tor's form", h)
	}
	if _, err := exec.LookPath("tor"); err != nil {
		t.Skip("tor not installed: apt-get install tor")
	}
	for _, pw := range []string{"pw", "a longer password with spaces", strings.Repeat("x", 100)} {
		out, err := run("tor", "", "--quiet", "--hash-password", pw)
		if err != nil {
			t.Fatal(err)
		}
		torHash := strings.TrimSpace(lastLines(out, 1))
		raw, err := hex.DecodeString(strings.TrimPrefix(torHash, "16:"))
		if err != nil || len(raw) != 29 {
			t.Fatalf("tor printed %q", torHash)
		}
		mine := "16:" + strings.ToUpper(hex.EncodeToString(s2k(raw[:8], raw[8], pw)))
		if mine != torHash {
			t.Errorf("password %q: s2k = %s, tor = %s", pw, mine, torHash)
		}
	}
}

func TestProcStop(t *testing.T) {
	tests := []struct {
		name       string
		script     string
		wantKilled bool
	}{
		{"exits on SIGTERM", "exec sleep 60", false},
		{"ignores SIGTERM", `trap "" TERM; while :; do sleep 0.05; done`, true},
		// A child in the same process group must go too.
		{"group with child", `sleep 60 & trap "" TERM; while :; do sleep 0.05; done`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := startProc("sh", exec.Command("sh", "-c", tt.script))
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond) // let the shell install its trap
			if got := p.Stop(300 * time.Millisecond); got != tt.wantKilled {
				t.Errorf("Stop killed = %v, want %v", got, tt.wantKilled)
			}
			if p.running() {
				t.Fatal("process still running after Stop")
			}
			// Nothing is left running in the process group (zombies waiting
			// for a reaper do not count).
			if live := groupMembers(t, p.pid()); len(live) > 0 {
				t.Fatalf("process group %d still has live members %v", p.pid(), live)
			}
			p.Stop(time.Millisecond) // idempotent
		})
	}
}

// groupMembers returns the pids of non-zombie processes in process group
// pgid, waiting up to a second for SIGKILL to take effect.
func groupMembers(t *testing.T, pgid int) []int {
	t.Helper()
	var live []int
	for range 20 {
		live = live[:0]
		entries, err := os.ReadDir("/proc")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
			if err != nil {
				continue
			}
			// pid (comm) state ppid pgrp ...; comm may contain spaces.
			rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
			f := strings.Fields(rest)
			if len(f) > 2 && f[0] != "Z" && f[2] == strconv.Itoa(pgid) {
				live = append(live, pid)
			}
		}
		if len(live) == 0 {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return live
}

func TestFreePorts(t *testing.T) {
	ports, err := freePorts(10)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Fatalf("ports %v: zero or duplicate", ports)
		}
		seen[p] = true
	}
}
