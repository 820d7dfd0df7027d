package crawler

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// HostCookie is one cookie for one host, from --cookie or a cookies file.
type HostCookie struct {
	Host   string // host name, lower case, no port
	Cookie *http.Cookie
}

// ParseCookieFlag parses a HOST=NAME=VALUE entry. The value may itself
// contain '='.
func ParseCookieFlag(s string) (HostCookie, error) {
	host, rest, ok := strings.Cut(s, "=")
	name, value, ok2 := strings.Cut(rest, "=")
	host = strings.ToLower(strings.TrimSpace(host))
	name = strings.TrimSpace(name)
	if !ok || !ok2 || host == "" || name == "" {
		return HostCookie{}, fmt.Errorf("crawler: cookie %q: want HOST=NAME=VALUE", redactCookie(s))
	}
	if strings.ContainsAny(host, "/: ") {
		return HostCookie{}, fmt.Errorf("crawler: cookie for %q: HOST must be a bare host name, without scheme, port or path", host)
	}
	if !validCookieName(name) {
		return HostCookie{}, fmt.Errorf("crawler: cookie for %s: invalid name %q", host, name)
	}
	return HostCookie{Host: host, Cookie: &http.Cookie{Name: name, Value: value, Path: "/"}}, nil
}

// redactCookie keeps the HOST=NAME part of a cookie entry for messages: the
// value is a session secret.
func redactCookie(s string) string {
	parts := strings.SplitN(s, "=", 3)
	if len(parts) == 3 {
		return parts[0] + "=" + parts[1] + "=…"
	}
	return "…"
}

func validCookieName(n string) bool {
	for _, r := range n {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune("()<>@,;:\\\"/[]?={}", r) {
			return false
		}
	}
	return n != ""
}

// ReadCookiesFile reads a Netscape cookies.txt file (as exported by browser
// extensions and curl -c). Cookies that expired before now are skipped and
// counted. Errors name the file and line.
func ReadCookiesFile(path string, now time.Time) (cookies []HostCookie, expired int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("crawler: open cookies file %s: %w", path, err)
	}
	defer f.Close()
	return parseCookiesTxt(f, path, now)
}

func parseCookiesTxt(r io.Reader, name string, now time.Time) ([]HostCookie, int, error) {
	var out []HostCookie
	expired := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		httpOnly := false
		if rest, ok := strings.CutPrefix(text, "#HttpOnly_"); ok {
			text, httpOnly = rest, true
		}
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) == 6 { // empty value with the trailing tab trimmed
			fields = append(fields, "")
		}
		if len(fields) != 7 {
			return nil, 0, fmt.Errorf("crawler: cookies file %s:%d: want 7 tab-separated fields (domain, subdomains, path, secure, expiry, name, value), got %d", name, line, len(fields))
		}
		domain := strings.ToLower(strings.TrimSpace(fields[0]))
		sub, err1 := parseBool(fields[1])
		secure, err2 := parseBool(fields[3])
		exp, err3 := strconv.ParseInt(strings.TrimSpace(fields[4]), 10, 64)
		if err1 != nil || err2 != nil {
			return nil, 0, fmt.Errorf("crawler: cookies file %s:%d: subdomains and secure must be TRUE or FALSE", name, line)
		}
		if err3 != nil {
			return nil, 0, fmt.Errorf("crawler: cookies file %s:%d: expiry %q is not a unix time", name, line, fields[4])
		}
		cname := fields[5]
		if !validCookieName(cname) {
			return nil, 0, fmt.Errorf("crawler: cookies file %s:%d: invalid cookie name %q", name, line, cname)
		}
		host := strings.TrimPrefix(domain, ".")
		if host == "" || strings.ContainsAny(host, "/: ") {
			return nil, 0, fmt.Errorf("crawler: cookies file %s:%d: invalid domain %q", name, line, fields[0])
		}
		c := &http.Cookie{Name: cname, Value: fields[6], Path: fields[2], HttpOnly: httpOnly}
		if c.Path == "" {
			c.Path = "/"
		}
		// Onion services are served over plain HTTP; Tor Browser treats them
		// as secure contexts, so the Secure flag is dropped for .onion.
		c.Secure = secure && !isOnion(host)
		if sub || strings.HasPrefix(domain, ".") {
			c.Domain = host
		}
		if exp > 0 {
			t := time.Unix(exp, 0)
			if !t.After(now) {
				expired++
				continue
			}
			c.Expires = t
		}
		out = append(out, HostCookie{Host: host, Cookie: c})
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("crawler: read cookies file %s:%d: %w", name, line, err)
	}
	return out, expired, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "TRUE":
		return true, nil
	case "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", s)
}
