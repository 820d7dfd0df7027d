package torctl

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
)

// HMAC keys from control-spec.txt, "AUTHCHALLENGE".
const (
	safeCookieServerKey = "Tor safe cookie authentication server-to-controller hash"
	safeCookieClientKey = "Tor safe cookie authentication controller-to-server hash"
)

// cookieLen is the length of Tor's control_auth_cookie.
const cookieLen = 32

func (c *Conn) authenticate(ctx context.Context, auth Auth) error {
	r, err := c.do(ctx, "PROTOCOLINFO", "PROTOCOLINFO 1")
	if err != nil {
		return err
	}
	pi, err := parseProtocolInfo(r)
	if err != nil {
		return err
	}
	c.ProtocolInfo = pi
	has := func(m string) bool { return slices.Contains(pi.Methods, m) }

	switch {
	case auth.Password != "":
		if !has("HASHEDPASSWORD") {
			return fmt.Errorf("%w: a password was given but tor offers %s", ErrNoAuthMethod, strings.Join(pi.Methods, ","))
		}
		_, err := c.do(ctx, "AUTHENTICATE", "AUTHENTICATE "+quote(auth.Password))
		return err
	case has("SAFECOOKIE") || has("COOKIE"):
		path := auth.CookiePath
		if path == "" {
			path = pi.CookieFile
		}
		if path == "" {
			return fmt.Errorf("%w: tor offers cookie authentication but names no COOKIEFILE", ErrNoAuthMethod)
		}
		cookie, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read cookie file %s: %w", path, err)
		}
		if len(cookie) != cookieLen {
			return fmt.Errorf("cookie file %s: %d bytes, want %d", path, len(cookie), cookieLen)
		}
		if has("SAFECOOKIE") {
			return c.safeCookie(ctx, cookie)
		}
		_, err = c.do(ctx, "AUTHENTICATE", "AUTHENTICATE "+hex.EncodeToString(cookie))
		return err
	case has("NULL"):
		_, err := c.do(ctx, "AUTHENTICATE", "AUTHENTICATE")
		return err
	case has("HASHEDPASSWORD"):
		return fmt.Errorf("%w: tor requires a control password (HASHEDPASSWORD) and none was given", ErrNoAuthMethod)
	default:
		return fmt.Errorf("%w: tor offers %q", ErrNoAuthMethod, strings.Join(pi.Methods, ","))
	}
}

// safeCookie runs AUTHCHALLENGE SAFECOOKIE: it proves knowledge of the cookie
// without sending it, and checks that the server knows it too.
func (c *Conn) safeCookie(ctx context.Context, cookie []byte) error {
	clientNonce := make([]byte, 32)
	if _, err := rand.Read(clientNonce); err != nil {
		return fmt.Errorf("client nonce: %w", err)
	}
	r, err := c.do(ctx, "AUTHCHALLENGE", "AUTHCHALLENGE SAFECOOKIE "+hex.EncodeToString(clientNonce))
	if err != nil {
		return err
	}
	if len(r.Lines) == 0 {
		return fmt.Errorf("%w: empty AUTHCHALLENGE reply", ErrProtocol)
	}
	kw := tokenize(r.Lines[0].Text)
	if len(kw) == 0 || kw[0].Key != "AUTHCHALLENGE" {
		return fmt.Errorf("%w: unexpected AUTHCHALLENGE reply", ErrProtocol)
	}
	serverHash, err1 := hex.DecodeString(kw.get("SERVERHASH"))
	serverNonce, err2 := hex.DecodeString(kw.get("SERVERNONCE"))
	if err1 != nil || err2 != nil || len(serverHash) != sha256.Size || len(serverNonce) == 0 {
		return fmt.Errorf("%w: malformed AUTHCHALLENGE reply", ErrProtocol)
	}
	msg := bytes.Join([][]byte{cookie, clientNonce, serverNonce}, nil)
	if !hmac.Equal(serverHash, mac(safeCookieServerKey, msg)) {
		return fmt.Errorf("%w: server hash does not match the cookie (wrong cookie file, or not the tor that wrote it)", ErrAuthFailed)
	}
	_, err = c.do(ctx, "AUTHENTICATE", "AUTHENTICATE "+hex.EncodeToString(mac(safeCookieClientKey, msg)))
	return err
}

func mac(key string, msg []byte) []byte {
	h := hmac.New(sha256.New, []byte(key))
	h.Write(msg)
	return h.Sum(nil)
}

func parseProtocolInfo(r Reply) (ProtocolInfo, error) {
	var pi ProtocolInfo
	for _, l := range r.Lines {
		f := tokenize(l.Text)
		if len(f) == 0 {
			continue
		}
		switch f[0].Key {
		case "AUTH":
			if m := f.get("METHODS"); m != "" {
				pi.Methods = strings.Split(m, ",")
			}
			pi.CookieFile = f.get("COOKIEFILE")
		case "VERSION":
			pi.TorVersion = f.get("Tor")
		}
	}
	if pi.Methods == nil {
		return pi, fmt.Errorf("%w: PROTOCOLINFO reply without AUTH METHODS", ErrProtocol)
	}
	return pi, nil
}

// quote returns s as a control-protocol QuotedString.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(ch)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(ch)
		}
	}
	b.WriteByte('"')
	return b.String()
}
