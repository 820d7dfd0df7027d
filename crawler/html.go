package crawler

import (
	"bytes"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// link is one outgoing link found on a page.
type link struct {
	url        *url.URL
	pagination bool // rel=next/prev or a "next page" link: keeps its parent's depth
}

// analysis is what the crawler needs from a page body.
type analysis struct {
	title    string
	links    []link
	refresh  int  // meta refresh delay in seconds, -1 when absent
	queue    bool // DDoS-queue page (meta refresh plus queue wording)
	captcha  bool
	password bool     // has a password input
	mirrors  []string // onion hosts listed as mirrors of this site
}

var (
	queueTextRe      = regexp.MustCompile(`(?i)(placed in a queue|in (the )?queue|access queue|please wait|you will be redirected|do not refresh|checking your browser|ddos protection|wait (a few|\d+) seconds)`)
	nextTextRe       = regexp.MustCompile(`(?i)^\s*(next|next page|older|more|»|›|>|>>|→|следующая|siguiente|suivant|weiter)\s*$`)
	refreshRe        = regexp.MustCompile(`^\s*(\d+)`)
	pageParamRe      = regexp.MustCompile(`(?i)^(page|p|pg|pagenum|paged|offset|start|skip)$`)
	pagePathRe       = regexp.MustCompile(`(?i)/(page|p)/\d+/?$`)
	captchaTitleRe   = regexp.MustCompile(`(?i)(captcha|verif|security check|human|ddos|are you a robot)`)
	regexpLoginTitle = regexp.MustCompile(`(?i)(log ?in|sign ?in|log on|authenticat)`)
	killedTextRe     = regexp.MustCompile(`(?i)(ddos filter killed your path|grab a new identity|killed your (circuit|path))`)
)

// analyze parses an HTML body (tolerating malformed markup) relative to
// base, the URL the body came from.
func analyze(body []byte, base *url.URL) analysis {
	a := analysis{refresh: -1}
	pageURL := base
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return a
	}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := base.Parse(strings.TrimSpace(href)); err == nil {
			base = b
		}
	}
	a.title = strings.TrimSpace(doc.Find("title").First().Text())
	doc.Find("meta[http-equiv]").Each(func(_ int, s *goquery.Selection) {
		if !strings.EqualFold(strings.TrimSpace(s.AttrOr("http-equiv", "")), "refresh") {
			return
		}
		if m := refreshRe.FindStringSubmatch(s.AttrOr("content", "")); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n < 1<<20 {
				a.refresh = n
			}
		}
	})
	a.password = doc.Find(`input[type="password" i]`).Length() > 0
	doc.Find("input, img, form, iframe, label, div, span").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		for _, attr := range []string{"name", "id", "class", "src", "alt", "action", "for"} {
			if v, ok := s.Attr(attr); ok && strings.Contains(strings.ToLower(v), "captcha") {
				a.captcha = true
				return false
			}
		}
		return true
	})
	titleSays := captchaTitleRe.MatchString(a.title)
	if a.captcha && !titleSays && doc.Find("a[href]").Length() > 8 {
		// A captcha widget on an ordinary page (a review form, say) does
		// not make a captcha wall.
		a.captcha = false
	}
	if strings.Contains(strings.ToLower(a.title), "captcha") {
		a.captcha = true
	}
	text := doc.Find("body").Text()
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	if a.refresh >= 0 && (queueTextRe.MatchString(text) || queueTextRe.MatchString(a.title)) {
		a.queue = true
	}
	mirrorPage := strings.Contains(strings.ToLower(pageURL.Path), "mirror") || strings.Contains(strings.ToLower(a.title), "mirror")
	doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		u, err := base.Parse(strings.TrimSpace(s.AttrOr("href", "")))
		if err != nil || !isOnion(u.Hostname()) {
			return
		}
		if mirrorPage || inMirrorList(s) {
			a.mirrors = append(a.mirrors, strings.ToLower(u.Hostname()))
		}
	})

	seen := map[string]bool{}
	add := func(raw string, pag bool) {
		raw = strings.TrimSpace(raw)
		if raw == "" || strings.HasPrefix(raw, "#") {
			return
		}
		u, err := base.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return
		}
		k := u.String()
		if seen[k] {
			return
		}
		seen[k] = true
		if !pag {
			pag = isPaginationURL(u, pageURL)
		}
		a.links = append(a.links, link{url: u, pagination: pag})
	}
	doc.Find("a[href], area[href]").Each(func(_ int, s *goquery.Selection) {
		rel := strings.ToLower(s.AttrOr("rel", ""))
		pag := strings.Contains(rel, "next") || strings.Contains(rel, "prev") || nextTextRe.MatchString(s.Text())
		add(s.AttrOr("href", ""), pag)
	})
	doc.Find(`link[href]`).Each(func(_ int, s *goquery.Selection) {
		rel := strings.ToLower(s.AttrOr("rel", ""))
		if strings.Contains(rel, "next") || strings.Contains(rel, "prev") {
			add(s.AttrOr("href", ""), true)
		}
	})
	doc.Find("frame[src], iframe[src]").Each(func(_ int, s *goquery.Selection) {
		add(s.AttrOr("src", ""), false)
	})
	return a
}

// inMirrorList reports whether a link sits inside an element (up to four
// levels up) whose class or id mentions "mirror".
func inMirrorList(s *goquery.Selection) bool {
	p := s.Parent()
	for i := 0; i < 4 && p.Length() > 0; i++ {
		for _, attr := range []string{"class", "id"} {
			if strings.Contains(strings.ToLower(p.AttrOr(attr, "")), "mirror") {
				return true
			}
		}
		p = p.Parent()
	}
	return false
}

// isPaginationURL reports whether u is another page of the listing at
// base: same host and path with a different page-like query parameter, or
// a /page/N path.
func isPaginationURL(u, base *url.URL) bool {
	if u.Host != base.Host {
		return false
	}
	if pagePathRe.MatchString(u.Path) {
		bp := pagePathRe.ReplaceAllString(base.Path, "/")
		up := pagePathRe.ReplaceAllString(u.Path, "/")
		return strings.TrimSuffix(bp, "/") == strings.TrimSuffix(up, "/")
	}
	if u.Path != base.Path {
		return false
	}
	uq, bq := u.Query(), base.Query()
	diff := 0
	pageDiff := false
	for k := range mergeKeys(uq, bq) {
		if uq.Get(k) != bq.Get(k) {
			diff++
			if pageParamRe.MatchString(k) {
				if _, err := strconv.Atoi(uq.Get(k)); err == nil {
					pageDiff = true
				}
			}
		}
	}
	return diff == 1 && pageDiff
}

func mergeKeys(a, b url.Values) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

var (
	loginPathRe  = regexp.MustCompile(`(?i)(^|/)(login|log-in|log_in|signin|sign-in|sign_in|logon|auth|authenticate|session/new|sessions/new|account/login|user/login)(/|\.[a-z]+)?$`)
	logoutPathRe = regexp.MustCompile(`(?i)(logout|log-out|log_out|signout|sign-out|sign_out|logoff)`)
)

// isLoginURL reports whether the URL is a login form.
func isLoginURL(u *url.URL) bool { return loginPathRe.MatchString(u.Path) }

// neverFollow reports links the crawler must not request: logout links
// (they end the session) and login forms (nothing to see there).
func neverFollow(u *url.URL) bool {
	return logoutPathRe.MatchString(u.Path) || logoutPathRe.MatchString(u.RawQuery) || isLoginURL(u)
}
