package tornet

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Node is one tor process of the network.
type Node struct {
	Name        string
	dir         string
	auth        bool
	orPort      int
	dirPort     int
	socksPort   int
	controlPort int
	proc        *proc
}

// SocksAddr returns the node's SocksPort address, or "" for a relay.
func (nd *Node) SocksAddr() string {
	if nd.socksPort == 0 {
		return ""
	}
	return "127.0.0.1:" + strconv.Itoa(nd.socksPort)
}

// ControlAddr returns the node's ControlPort address, or "" for a relay.
func (nd *Node) ControlAddr() string {
	if nd.controlPort == 0 {
		return ""
	}
	return "127.0.0.1:" + strconv.Itoa(nd.controlPort)
}

// CookiePath returns the node's control authentication cookie file.
func (nd *Node) CookiePath() string { return filepath.Join(nd.dir, "control_auth_cookie") }

// DataDir returns the node's DataDirectory.
func (nd *Node) DataDir() string { return nd.dir }

// PID returns the tor process id, or 0 before start.
func (nd *Node) PID() int {
	if nd.proc == nil {
		return 0
	}
	return nd.proc.pid()
}

// Running reports whether the tor process is still running.
func (nd *Node) Running() bool { return nd.proc != nil && nd.proc.running() }

// LogTail returns the last lines of the node's notice log, or of tor's
// console output when tor stopped before opening its log.
func (nd *Node) LogTail(lines int) string {
	if _, err := os.Stat(nd.logPath()); err != nil {
		return tail(filepath.Join(nd.dir, "tor.out"), lines)
	}
	return tail(nd.logPath(), lines)
}

// Stop stops this node (SIGTERM, SIGKILL after 5 s) and waits for it.
func (nd *Node) Stop() { nd.stop() }

func (nd *Node) stop() bool {
	if nd.proc == nil {
		return false
	}
	return nd.proc.Stop(stopGrace)
}

func (nd *Node) logPath() string   { return filepath.Join(nd.dir, "notice.log") }
func (nd *Node) torrcPath() string { return filepath.Join(nd.dir, "torrc") }

func (nd *Node) writeTorrc(lines []string) error {
	if err := os.WriteFile(nd.torrcPath(), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return fmt.Errorf("tornet: write torrc for %s: %w", nd.Name, err)
	}
	return nil
}

func (nd *Node) start() error {
	// Warnings and errors before the log file opens (a bad torrc) go to
	// tor.out; LogTail shows it when there is no notice log.
	out, err := os.OpenFile(filepath.Join(nd.dir, "tor.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("tornet: %s: %w", nd.Name, err)
	}
	defer out.Close() // the child has its own copy
	cmd := exec.Command("tor", "-f", nd.torrcPath(), "--hush")
	cmd.Dir = nd.dir
	cmd.Stdout, cmd.Stderr = out, out
	p, err := startProc(nd.Name, cmd)
	if err != nil {
		return err
	}
	nd.proc = p
	return nil
}

// waitControl waits until tor has written its control port file (it does
// so once the listener is open).
func (nd *Node) waitControl(ctx context.Context) error {
	_, err := waitFile(ctx, filepath.Join(nd.dir, "controlport"), nd)
	return err
}

// commonTorrc is what every node's torrc holds.
func commonTorrc(nd *Node, dirAuth []string) []string {
	lines := []string{
		"TestingTorNetwork 1",
		"DataDirectory " + nd.dir,
		"Nickname " + nickname(nd.Name),
		"PathsNeededToBuildCircuits 0.25",
		"GeoIPFile /dev/null",
		"GeoIPv6File /dev/null",
		"Log notice file " + nd.logPath(),
		// tor exits by itself when the test binary is gone.
		"__OwningControllerProcess " + strconv.Itoa(os.Getpid()),
	}
	return append(lines, dirAuth...)
}

// nickname makes a valid tor nickname (1-19 letters and digits) of name.
func nickname(name string) string {
	var b strings.Builder
	for _, r := range name {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if s == "" {
		s = "node"
	}
	return s[:min(len(s), 19)]
}

// clientTorrc is the client part: SocksPort with the recommended flags,
// ControlPort with cookie (and, when hashedPW is set, password) auth.
func clientTorrc(nd *Node, hashedPW string) []string {
	lines := []string{
		"SocksPort 127.0.0.1:" + strconv.Itoa(nd.socksPort) + " " + RecommendedSocksFlags,
		"SafeSocks 1",
		"ControlPort 127.0.0.1:" + strconv.Itoa(nd.controlPort),
		"ControlPortWriteToFile " + filepath.Join(nd.dir, "controlport"),
		"CookieAuthentication 1",
		"CookieAuthFile " + nd.CookiePath(),
		// vanguards-lite picks its layer-2 set from an early, partial
		// consensus and then cannot build service circuits.
		"VanguardsLiteEnabled 0",
	}
	if hashedPW != "" {
		lines = append(lines, "HashedControlPassword "+hashedPW)
	}
	return lines
}

// relayTorrc is the relay part: guard, exit and HSDir on loopback.
func relayTorrc(nd *Node, resolvConf string) []string {
	lines := []string{
		"SocksPort 0",
		"Address 127.0.0.1",
		"ORPort 127.0.0.1:" + strconv.Itoa(nd.orPort),
		"DirPort 127.0.0.1:" + strconv.Itoa(nd.dirPort),
		"AssumeReachable 1",
		"ExitRelay 1",
		"ExitPolicyRejectPrivate 0",
		"ExitPolicy accept 127.0.0.0/8:*",
		"ExitPolicy accept private:*",
		"ExitPolicy accept *:*",
		"ServerDNSAllowBrokenConfig 1",
		"ServerDNSDetectHijacking 0",
		"ServerDNSResolvConfFile " + resolvConf,
	}
	if nd.auth {
		lines = append(lines,
			"AuthoritativeDirectory 1",
			"V3AuthoritativeDirectory 1",
			"TestingDirAuthVoteGuard *",
			"TestingDirAuthVoteExit *",
			"TestingDirAuthVoteHSDir *",
			"TestingMinExitFlagThreshold 0",
			// With 4 relays the Stable and Fast thresholds exclude one of them,
			// and 4-hop onion circuits need all four.
			"AuthDirVoteStableGuaranteeMinUptime 0",
			"AuthDirFastGuarantee 1",
			"V3AuthNIntervalsValid 2",
			"TestingV3AuthInitialVotingInterval 5",
			"V3AuthVotingInterval 10",
			"TestingV3AuthInitialVoteDelay 2",
			"V3AuthVoteDelay 2",
			"TestingV3AuthInitialDistDelay 2",
			"V3AuthDistDelay 2",
		)
	}
	return lines
}

// setupRelays allocates ports, generates keys for 3 authorities and 1
// relay, and writes their torrc files.
func (n *Network) setupRelays(ctx context.Context) error {
	ports, err := freePorts(2*4 + 2)
	if err != nil {
		return err
	}
	for i := 0; i < 4; i++ {
		nd := &Node{orPort: ports[2*i], dirPort: ports[2*i+1]}
		if i < 3 {
			nd.Name, nd.auth = fmt.Sprintf("auth%d", i), true
		} else {
			nd.Name = "relay0"
		}
		nd.dir = filepath.Join(n.dir, nd.Name)
		if err := os.MkdirAll(filepath.Join(nd.dir, "keys"), 0o700); err != nil {
			return fmt.Errorf("tornet: %w", err)
		}
		n.relays = append(n.relays, nd)
	}
	n.client = &Node{Name: "client", dir: filepath.Join(n.dir, "client"), socksPort: ports[8], controlPort: ports[9]}
	if err := os.MkdirAll(n.client.dir, 0o700); err != nil {
		return fmt.Errorf("tornet: %w", err)
	}

	// Key generation: about a second of CPU per node; run in parallel.
	dirAuth := make([]string, 3)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i, nd := range n.relays {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fp, err := relayFingerprint(nd)
			if err != nil {
				errs[i] = err
				return
			}
			if !nd.auth {
				return
			}
			v3, err := authorityKeys(nd)
			if err != nil {
				errs[i] = err
				return
			}
			dirAuth[i] = fmt.Sprintf("DirAuthority %s orport=%d no-v2 v3ident=%s 127.0.0.1:%d %s",
				nd.Name, nd.orPort, v3, nd.dirPort, fp)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("tornet: key generation: %w", err)
	}
	n.dirAuth = dirAuth

	resolv := filepath.Join(n.dir, "resolv.conf")
	if err := os.WriteFile(resolv, []byte("nameserver 127.0.0.1\n"), 0o600); err != nil {
		return fmt.Errorf("tornet: %w", err)
	}
	for _, nd := range n.relays {
		if err := nd.writeTorrc(append(commonTorrc(nd, dirAuth), relayTorrc(nd, resolv)...)); err != nil {
			return err
		}
	}
	return nil
}

func (n *Network) startClient(svcs []Service) error {
	pw, err := randomPassword()
	if err != nil {
		return err
	}
	hashed, err := hashPassword(pw)
	if err != nil {
		return err
	}
	n.pw = pw
	lines := append(commonTorrc(n.client, n.dirAuth), clientTorrc(n.client, hashed)...)
	for i, s := range svcs {
		hs := filepath.Join(n.client.dir, fmt.Sprintf("hs%d", i))
		if err := os.MkdirAll(hs, 0o700); err != nil {
			return fmt.Errorf("tornet: %w", err)
		}
		if k := s.key(); k != nil {
			if err := writeServiceKey(hs, k); err != nil {
				return err
			}
		}
		if !strings.HasPrefix(s.Target, "127.0.0.1:") {
			return fmt.Errorf("tornet: service %d: target %q is not on 127.0.0.1", i, s.Target)
		}
		lines = append(lines, "HiddenServiceDir "+hs, fmt.Sprintf("HiddenServicePort %d %s", s.port(), s.Target))
	}
	if err := n.client.writeTorrc(lines); err != nil {
		return err
	}
	return n.client.start()
}

// relayFingerprint creates the node's identity key and returns its
// fingerprint (tor --list-fingerprint).
func relayFingerprint(nd *Node) (string, error) {
	out, err := run("tor", "", "--quiet", "--list-fingerprint",
		"--DataDirectory", nd.dir, "--ORPort", strconv.Itoa(nd.orPort),
		"--Nickname", nickname(nd.Name), "--Address", "127.0.0.1",
		"--DirAuthority", "x 127.0.0.1:1 "+strings.Repeat("f", 40))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == nickname(nd.Name) {
			fp := strings.Join(f[1:], "")
			if len(fp) == 40 {
				return fp, nil
			}
		}
	}
	return "", fmt.Errorf("tornet: %s: no fingerprint in %q", nd.Name, lastLines(out, 3))
}

// authorityKeys creates the v3 authority identity, signing key and
// certificate (tor-gencert) and returns the v3ident fingerprint.
func authorityKeys(nd *Node) (string, error) {
	keys := filepath.Join(nd.dir, "keys")
	cmd := []string{"--create-identity-key", "--passphrase-fd", "0", "-m", "12",
		"-a", "127.0.0.1:" + strconv.Itoa(nd.dirPort),
		"-i", filepath.Join(keys, "authority_identity_key"),
		"-s", filepath.Join(keys, "authority_signing_key"),
		"-c", filepath.Join(keys, "authority_certificate")}
	if _, err := run("tor-gencert", "\n", cmd...); err != nil {
		return "", err
	}
	f, err := os.Open(filepath.Join(keys, "authority_certificate"))
	if err != nil {
		return "", fmt.Errorf("tornet: %s: %w", nd.Name, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fp, ok := strings.CutPrefix(sc.Text(), "fingerprint "); ok {
			return strings.TrimSpace(fp), nil
		}
	}
	return "", fmt.Errorf("tornet: %s: no fingerprint line in authority_certificate", nd.Name)
}

// hashPassword returns tor's HashedControlPassword form of pw: "16:" and
// hex(salt | 0x60 | SHA-1 iterated-salted S2K) as in RFC 2440 §3.6.1.3,
// which is what `tor --hash-password` prints.
func hashPassword(pw string) (string, error) {
	const indicator = 0x60
	salt := make([]byte, 8)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("tornet: salt: %w", err)
	}
	return "16:" + strings.ToUpper(hex.EncodeToString(s2k(salt, indicator, pw))), nil
}

func s2k(salt []byte, indicator byte, pw string) []byte {
	count := (16 + int(indicator&15)) << ((indicator >> 4) + 6)
	data := append(append([]byte(nil), salt...), pw...)
	h := sha1.New()
	for count > 0 {
		if count >= len(data) {
			h.Write(data)
			count -= len(data)
		} else {
			h.Write(data[:count])
			count = 0
		}
	}
	out := append(append([]byte(nil), salt...), indicator)
	return h.Sum(out)
}
