package crawler

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/fentinel/fentinel"
)

// V3OnionChecksumOK reports whether host (with or without the ".onion"
// suffix) is a well-formed v3 onion address: 56 base32 characters encoding
// PUBKEY(32) | CHECKSUM(2) | VERSION(1) with VERSION = 3 and CHECKSUM =
// SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2] (rend-spec-v3).
func V3OnionChecksumOK(host string) bool {
	label := strings.TrimSuffix(strings.ToLower(host), ".onion")
	if i := strings.LastIndexByte(label, '.'); i >= 0 { // subdomain.xxx.onion
		label = label[i+1:]
	}
	return fentinel.ValidOnionLabel(label)
}

// isV3Shaped reports whether host looks like a v3 onion (56 base32
// characters + ".onion", optionally under a subdomain), without the checksum.
func isV3Shaped(host string) bool {
	h := strings.ToLower(host)
	if !strings.HasSuffix(h, ".onion") {
		return false
	}
	label := strings.TrimSuffix(h, ".onion")
	if i := strings.LastIndexByte(label, '.'); i >= 0 {
		label = label[i+1:]
	}
	if len(label) != 56 {
		return false
	}
	for _, r := range label {
		if !(r >= 'a' && r <= 'z') && !(r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// isOnion reports whether host is under .onion.
func isOnion(host string) bool { return strings.HasSuffix(strings.ToLower(host), ".onion") }

// sessionParams are query parameters that carry a session id; they are
// dropped by Canonicalize so one page is not crawled once per session.
var sessionParams = map[string]bool{
	"phpsessid": true, "jsessionid": true, "sid": true, "sessionid": true,
	"session_id": true, "session": true, "sess": true, "aspsessionid": true,
	"cfid": true, "cftoken": true, "zenid": true, "oscsid": true, "s_id": true,
	"_sid": true, "utm_source": true, "utm_medium": true, "utm_campaign": true,
	"utm_term": true, "utm_content": true,
}

// ErrUnsupportedURL is returned by Canonicalize for URLs the crawler never fetches.
var ErrUnsupportedURL = errors.New("unsupported URL")

// Canonicalize returns the canonical form of an absolute http(s) URL:
// lower-case scheme and host, no default port, no fragment, dot segments
// resolved, an empty path as "/", ";jsessionid=" path parameters and session
// query parameters removed, and the query sorted by key (the order of
// repeated keys kept).
func Canonicalize(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("canonicalize %q: %w", raw, err)
	}
	return canonicalURL(u)
}

func canonicalURL(in *url.URL) (string, error) {
	u := *in
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("canonicalize %q: scheme %q: %w", in.Redacted(), u.Scheme, ErrUnsupportedURL)
	}
	if u.Opaque != "" || u.Host == "" {
		return "", fmt.Errorf("canonicalize %q: not an absolute URL: %w", in.Redacted(), ErrUnsupportedURL)
	}
	u.User = nil
	host := strings.ToLower(u.Hostname())
	host = strings.TrimRight(host, ".")
	if host == "" || strings.HasPrefix(host, ".") || strings.Contains(host, "..") {
		return "", fmt.Errorf("canonicalize %q: empty host or host label: %w", in.Redacted(), ErrUnsupportedURL)
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		u.Host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		u.Host = "[" + host + "]"
	} else {
		u.Host = host
	}
	u.Fragment, u.RawFragment = "", ""

	p := u.Path
	if i := strings.Index(strings.ToLower(p), ";jsessionid="); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		p = "/"
	}
	trailing := strings.HasSuffix(p, "/")
	p = path.Clean(p)
	if trailing && p != "/" {
		p += "/"
	}
	u.Path, u.RawPath = p, ""

	u.ForceQuery = false
	if u.RawQuery != "" {
		u.RawQuery = canonicalQuery(u.RawQuery)
	}
	return u.String(), nil
}

// canonicalQuery sorts parameters by key (stable) and drops session ids.
func canonicalQuery(raw string) string {
	type kv struct{ k, v string }
	var pairs []kv
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			dk = k
		}
		if sessionParams[strings.ToLower(dk)] {
			continue
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			dv = v
		}
		pairs = append(pairs, kv{dk, dv})
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].k < pairs[j].k })
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.v))
	}
	return b.String()
}

// hostOf returns the lower-case host name (no port) of a URL string.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// skippedExt are URL path extensions that are never text pages: images,
// media, archives, documents and binaries. They are refused before any
// request is made.
var skippedExt = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`
		jpg jpeg png gif webp bmp ico svg svgz tif tiff avif heic psd
		mp3 mp4 m4a m4v ogg oga ogv opus wav flac aac webm mkv avi mov wmv flv mpg mpeg 3gp
		zip gz tgz bz2 xz zst 7z rar tar iso dmg img cab arj lz lzma
		pdf doc docx xls xlsx ppt pptx odt ods odp rtf epub
		exe msi apk bin dll so deb rpm jar class wasm
		woff woff2 ttf otf eot
		css js mjs map json xml rss atom csv
		torrent sig gpg`) {
		skippedExt[e] = true
	}
}

// nonTextURL reports whether the URL path ends in an extension that is
// never a text page.
func nonTextURL(u *url.URL) bool {
	ext := strings.ToLower(path.Ext(u.Path))
	if ext == "" {
		return false
	}
	return skippedExt[ext[1:]]
}
