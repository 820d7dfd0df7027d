package alert

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a small SMTP server on loopback for tests: EHLO, optional
// STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, QUIT over real TCP.
type smtpServer struct {
	ln       net.Listener
	tls      *tls.Config // nil: STARTTLS not offered
	user     string      // required AUTH PLAIN user ("" = no auth offered)
	pass     string
	dataFail func(n int) (code int, msg string) // reply to the n-th DATA end; code 0 = accept

	mu     sync.Mutex
	msgs   []smtpMsg
	datas  int
	wg     sync.WaitGroup
	closed bool
}

type smtpMsg struct {
	From     string
	To       []string
	Data     string
	TLS      bool
	AuthUser string
}

func newSMTPServer(t *testing.T, withTLS bool, user, pass string) (*smtpServer, *x509.CertPool) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustNoErr(t, err)
	s := &smtpServer{ln: ln, user: user, pass: pass}
	var pool *x509.CertPool
	if withTLS {
		cert, p := selfSigned(t)
		s.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		pool = p
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		ln.Close()
		s.wg.Wait()
	})
	return s, pool
}

func (s *smtpServer) addr() string { return s.ln.Addr().String() }

func (s *smtpServer) messages() []smtpMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMsg(nil), s.msgs...)
}

func (s *smtpServer) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(c)
		}()
	}
}

func (s *smtpServer) session(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	reply := func(format string, args ...any) {
		fmt.Fprintf(w, format+"\r\n", args...)
		w.Flush()
	}
	reply("220 test.invalid ESMTP ready")
	var cur smtpMsg
	isTLS := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		arg := strings.TrimSpace(strings.TrimPrefix(line, strings.SplitN(line, " ", 2)[0]))
		switch verb {
		case "EHLO", "HELO":
			exts := []string{"test.invalid", "8BITMIME"}
			if s.tls != nil && !isTLS {
				exts = append(exts, "STARTTLS")
			}
			if s.user != "" {
				exts = append(exts, "AUTH PLAIN")
			}
			for i, e := range exts {
				sep := "-"
				if i == len(exts)-1 {
					sep = " "
				}
				fmt.Fprintf(w, "250%s%s\r\n", sep, e)
			}
			w.Flush()
		case "STARTTLS":
			if s.tls == nil || isTLS {
				reply("502 not offered")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c = tc
			r = bufio.NewReader(c)
			w = bufio.NewWriter(c)
			isTLS = true
			cur = smtpMsg{}
		case "AUTH":
			f := strings.Fields(arg)
			if len(f) != 2 || strings.ToUpper(f[0]) != "PLAIN" {
				reply("504 only PLAIN with initial response")
				continue
			}
			raw, _ := base64.StdEncoding.DecodeString(f[1])
			parts := strings.Split(string(raw), "\x00")
			if len(parts) != 3 || parts[1] != s.user || parts[2] != s.pass {
				reply("535 authentication failed")
				continue
			}
			cur.AuthUser = parts[1]
			reply("235 ok")
		case "MAIL":
			cur.From = angle(arg)
			reply("250 ok")
		case "RCPT":
			cur.To = append(cur.To, angle(arg))
			reply("250 ok")
		case "DATA":
			reply("354 end with .")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			s.mu.Lock()
			s.datas++
			n := s.datas
			s.mu.Unlock()
			if s.dataFail != nil {
				if code, msg := s.dataFail(n); code != 0 {
					reply("%d %s", code, msg)
					cur = smtpMsg{AuthUser: cur.AuthUser}
					continue
				}
			}
			cur.Data = b.String()
			cur.TLS = isTLS
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = smtpMsg{AuthUser: cur.AuthUser}
			reply("250 queued")
		case "RSET":
			cur = smtpMsg{AuthUser: cur.AuthUser}
			reply("250 ok")
		case "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("500 unknown command")
		}
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mustNoErr(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	mustNoErr(t, err)
	leaf, err := x509.ParseCertificate(der)
	mustNoErr(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// angle returns the address between < and > in a MAIL or RCPT argument.
func angle(arg string) string {
	i, j := strings.IndexByte(arg, '<'), strings.IndexByte(arg, '>')
	if i < 0 || j < i {
		return ""
	}
	return arg[i+1 : j]
}
