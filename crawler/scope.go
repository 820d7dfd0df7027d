package crawler

import (
	"net/url"
	"slices"
	"strings"
	"sync"
)

// scope maps every in-scope host to its site key (the primary host of its
// mirror group). It is the only source of truth for "may this host be
// fetched": links, redirects and the dialer all ask it.
type scope struct {
	mu       sync.RWMutex
	site     map[string]string // host -> site key
	clearnet bool
}

func newScope(cfg Config) (*scope, error) {
	s := &scope{site: map[string]string{}, clearnet: cfg.Clearnet}
	for _, raw := range cfg.Seeds {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			return nil, configErr("seed", "%q is not an absolute http(s) URL", raw)
		}
		h := strings.ToLower(u.Hostname())
		if err := s.checkHost(h, false); err != nil {
			return nil, configErr("seed", "%s", err)
		}
		s.site[h] = h
	}
	for _, raw := range cfg.AllowHosts {
		h := strings.ToLower(strings.TrimSpace(raw))
		if err := s.checkHost(h, true); err != nil {
			return nil, configErr("allow-host", "%s", err)
		}
		if _, ok := s.site[h]; !ok {
			s.site[h] = h
		}
	}
	for primary, mirrors := range cfg.Mirrors {
		p := strings.ToLower(strings.TrimSpace(primary))
		if err := s.checkHost(p, false); err != nil {
			return nil, configErr("mirrors", "%s", err)
		}
		s.site[p] = p
		for _, m := range mirrors {
			h := strings.ToLower(strings.TrimSpace(m))
			if err := s.checkHost(h, true); err != nil {
				return nil, configErr("mirrors", "mirror of %s: %s", p, err)
			}
			s.site[h] = p
		}
	}
	return s, nil
}

type hostError string

func (e hostError) Error() string { return string(e) }

// checkHost validates a host for the scope. Onion hosts must be v3-shaped;
// strict (allow-list, mirrors) also verifies the v3 checksum. Other hosts
// need Clearnet.
func (s *scope) checkHost(h string, strict bool) error {
	switch {
	case h == "" || strings.ContainsAny(h, "/:@ "):
		return hostError("invalid host " + quote(h))
	case isOnion(h):
		if !isV3Shaped(h) {
			return hostError(quote(h) + " is not a v3 onion address (56 base32 characters + .onion)")
		}
		if strict && !V3OnionChecksumOK(h) {
			return hostError(quote(h) + " fails the v3 onion checksum")
		}
	case !s.clearnet:
		return hostError(quote(h) + " is not an onion host; clearnet hosts need the clearnet option (still fetched through Tor)")
	}
	return nil
}

func quote(s string) string { return `"` + s + `"` }

// siteOf returns the site key of host, and whether host is in scope.
func (s *scope) siteOf(host string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	site, ok := s.site[strings.ToLower(host)]
	return site, ok
}

// addMirror puts host in scope as a mirror of site. It refuses hosts that
// are not valid v3 onions or are already in scope.
func (s *scope) addMirror(site, host string) bool {
	host = strings.ToLower(host)
	if !isOnion(host) || !V3OnionChecksumOK(host) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.site[host]; ok {
		return false
	}
	s.site[host] = site
	return true
}

// mirrorsOf returns the mirror hosts of site, sorted.
func (s *scope) mirrorsOf(site string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for h, k := range s.site {
		if k == site && h != site {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}

// hosts returns every in-scope host.
func (s *scope) hosts() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.site))
	for h := range s.site {
		out = append(out, h)
	}
	return out
}

// rewrite maps a URL on a mirror host to the same URL on its site's primary
// host, so a market is crawled once under one key. It returns the URL
// unchanged for primary hosts and clearnet hosts.
func (s *scope) rewrite(u *url.URL) *url.URL {
	h := strings.ToLower(u.Hostname())
	site, ok := s.siteOf(h)
	if !ok || site == h {
		return u
	}
	v := *u
	if p := u.Port(); p != "" {
		v.Host = site + ":" + p
	} else {
		v.Host = site
	}
	return &v
}
