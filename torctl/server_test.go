package torctl

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeTor is a small control-port server on 127.0.0.1 speaking enough of the
// protocol for the client's tests: PROTOCOLINFO, AUTHCHALLENGE SAFECOOKIE,
// AUTHENTICATE (cookie, safe cookie, password, null), GETINFO, SIGNAL and
// SETEVENTS. It is real TCP; only tor's behaviour is scripted.
type fakeTor struct {
	t          testing.TB
	ln         net.Listener
	methods    string // METHODS= value
	cookie     []byte
	cookiePath string
	password   string
	info       map[string]string // GETINFO values; a value with "\n" is sent as a data block
	// events are sent (as 650 lines) right after a SETEVENTS reply.
	events []string
	// hold, when set, delays every GETINFO reply until a value arrives.
	hold chan struct{}

	mu      sync.Mutex
	lines   []string // every command line received
	signals []string
}

func newFakeTor(t testing.TB, methods string) *fakeTor {
	t.Helper()
	dir := t.TempDir()
	cookie := make([]byte, 32)
	if _, err := rand.Read(cookie); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "control_auth_cookie")
	if err := os.WriteFile(path, cookie, 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeTor{t: t, ln: ln, methods: methods, cookie: cookie, cookiePath: path,
		password: `s3cr"et\pw`, info: map[string]string{}}
	t.Cleanup(func() { ln.Close() })
	go f.serve()
	return f
}

func (f *fakeTor) addr() string { return f.ln.Addr().String() }

func (f *fakeTor) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.lines...)
}

func (f *fakeTor) signalCount(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, s := range f.signals {
		if s == name {
			n++
		}
	}
	return n
}

func (f *fakeTor) serve() {
	for {
		nc, err := f.ln.Accept()
		if err != nil {
			return
		}
		go f.handle(nc)
	}
}

func (f *fakeTor) handle(nc net.Conn) {
	defer nc.Close()
	br := bufio.NewReader(nc)
	var wmu sync.Mutex
	write := func(s string) {
		wmu.Lock()
		defer wmu.Unlock()
		nc.Write([]byte(s))
	}
	authed := false
	var clientNonce, serverNonce []byte
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		f.mu.Lock()
		f.lines = append(f.lines, line)
		f.mu.Unlock()
		kw, arg, _ := strings.Cut(line, " ")
		switch {
		case kw == "PROTOCOLINFO":
			write("250-PROTOCOLINFO 1\r\n")
			write(fmt.Sprintf("250-AUTH METHODS=%s COOKIEFILE=%s\r\n", f.methods, quote(f.cookiePath)))
			write("250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n")
		case kw == "AUTHCHALLENGE":
			typ, nonceHex, _ := strings.Cut(arg, " ")
			clientNonce, err = hex.DecodeString(nonceHex)
			if typ != "SAFECOOKIE" || err != nil {
				write("513 Invalid base16 client nonce\r\n")
				return
			}
			serverNonce = make([]byte, 32)
			rand.Read(serverNonce)
			msg := bytes.Join([][]byte{f.cookie, clientNonce, serverNonce}, nil)
			write(fmt.Sprintf("250 AUTHCHALLENGE SERVERHASH=%X SERVERNONCE=%X\r\n",
				mac(safeCookieServerKey, msg), serverNonce))
		case kw == "AUTHENTICATE":
			ok := false
			switch {
			case strings.Contains(f.methods, "NULL") && arg == "":
				ok = true
			case strings.HasPrefix(arg, `"`):
				pw, _ := unquote(arg)
				ok = strings.Contains(f.methods, "HASHEDPASSWORD") && pw == f.password
			case serverNonce != nil:
				got, _ := hex.DecodeString(arg)
				msg := bytes.Join([][]byte{f.cookie, clientNonce, serverNonce}, nil)
				ok = hmac.Equal(got, mac(safeCookieClientKey, msg))
			default:
				got, _ := hex.DecodeString(arg)
				ok = strings.Contains(f.methods, "COOKIE") && bytes.Equal(got, f.cookie)
			}
			if !ok {
				write("515 Authentication failed: Password did not match HashedControlPassword *or* authentication cookie.\r\n")
				return // tor closes the connection after a failed AUTHENTICATE
			}
			authed = true
			write("250 OK\r\n")
		case !authed:
			write("514 Authentication required.\r\n")
			return
		case kw == "GETINFO":
			if f.hold != nil {
				<-f.hold
			}
			write(f.getinfo(arg))
		case kw == "SIGNAL":
			f.mu.Lock()
			f.signals = append(f.signals, arg)
			f.mu.Unlock()
			write("250 OK\r\n")
		case kw == "SETEVENTS":
			write("250 OK\r\n")
			for _, ev := range f.events {
				write("650 " + ev + "\r\n")
			}
		case kw == "QUIT":
			write("250 closing connection\r\n")
			return
		default:
			write(fmt.Sprintf("510 Unrecognized command \"%s\"\r\n", kw))
		}
	}
}

func (f *fakeTor) getinfo(arg string) string {
	var b strings.Builder
	for _, k := range strings.Fields(arg) {
		v, ok := f.info[k]
		if !ok {
			return fmt.Sprintf("552 Unrecognized key \"%s\"\r\n", k)
		}
		if strings.Contains(v, "\n") {
			fmt.Fprintf(&b, "250+%s=\r\n", k)
			for _, dl := range strings.Split(v, "\n") {
				if strings.HasPrefix(dl, ".") {
					dl = "." + dl
				}
				b.WriteString(dl + "\r\n")
			}
			b.WriteString(".\r\n")
		} else {
			fmt.Fprintf(&b, "250-%s=%s\r\n", k, v)
		}
	}
	b.WriteString("250 OK\r\n")
	return b.String()
}
