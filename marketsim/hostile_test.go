package marketsim

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/proxy"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// fakeClock is an injectable clock for queue timing.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func labURL(t *testing.T, s *Sim, path string) string {
	t.Helper()
	m, ok := s.Lab()
	if !ok {
		t.Fatal("no lab market")
	}
	return "http://" + m.Onion + path
}

func TestHostileOnlyWhenEnabled(t *testing.T) {
	s := startSim(t, Options{})
	if _, ok := s.Lab(); ok {
		t.Fatal("lab market without Options.Hostile")
	}
	for _, m := range s.Markets() {
		if len(m.Mirrors) != 0 {
			t.Fatalf("mirror without Options.Hostile: %+v", m)
		}
	}
	for _, l := range s.Truth() {
		if l.Gate != "" {
			t.Fatalf("gated page without Options.Hostile: %+v", l)
		}
	}
}

func TestLabHomeLinksEverything(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	c := client(t, s, "")
	home := labURL(t, s, "/")
	if s.Seeds()[len(s.Seeds())-1] != home {
		t.Fatalf("lab home %s is not a seed: %v", home, s.Seeds())
	}
	st, _, body := get(t, c, home)
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	hrefs, _ := links(t, home, body)
	joined := strings.Join(hrefs, "\n")
	for _, p := range []string{LabSlow, LabFlaky, LabBig, LabBomb, LabCalendar, LabSession + "?sid=", LabRepeat, labMemberItm, labQueueItem, LabCaptcha, LabCP1251, LabGBK, LabMalformed, LabGallery} {
		if !strings.Contains(joined, p) {
			t.Errorf("lab home does not link %s", p)
		}
	}
	for _, u := range s.ExternalLinks() {
		if !strings.Contains(joined, u) {
			t.Errorf("lab home does not link %s", u)
		}
	}
}

func TestLabExternalLinksRefusedByProxy(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	want := map[string]byte{
		"example.com":    ReplyNotAllowed,
		"example.org":    ReplyNotAllowed,
		"203.0.113.7":    ReplyNotAllowed,
		"unknown onion":  ReplyOnionNotFound,
		"bad onion name": ReplyOnionBadAddress,
	}
	links := s.ExternalLinks()
	names := []string{"example.com", "example.org", "203.0.113.7", "unknown onion", "bad onion name"}
	c := client(t, s, "leaky")
	for i, u := range links {
		t.Run(names[i], func(t *testing.T) {
			before := len(s.ProxyLog())
			resp, err := c.Get(u)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("GET %s through the proxy succeeded", u)
			}
			log := s.ProxyLog()
			if len(log) != before+1 {
				t.Fatalf("proxy log grew by %d", len(log)-before)
			}
			pu, _ := url.Parse(u)
			e := log[len(log)-1]
			if e.Host != pu.Hostname() || e.Reply != want[names[i]] {
				t.Fatalf("logged %+v, want host %s reply %#x", e, pu.Hostname(), want[names[i]])
			}
		})
	}
}

func TestLabSlowPage(t *testing.T) {
	s := startSim(t, Options{Hostile: true, SlowFor: 1200 * time.Millisecond})
	c := client(t, s, "")
	start := time.Now()
	resp, err := c.Get(labURL(t, s, LabSlow))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 16)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	firstAt := time.Since(start)
	rest, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	total := time.Since(start)
	if firstAt >= 1200*time.Millisecond {
		t.Fatalf("first bytes after %v: not dribbled", firstAt)
	}
	if total < 1200*time.Millisecond {
		t.Fatalf("whole body after %v, want at least SlowFor", total)
	}
	if !strings.HasSuffix(string(rest), "</html>") {
		t.Fatalf("body did not finish: %q", rest)
	}
}

func TestLabFlakyPage(t *testing.T) {
	s := startSim(t, Options{Hostile: true, FlakyFailures: 2})
	c := client(t, s, "")
	for i, want := range []int{503, 503, 200, 200} {
		resp, err := c.Get(labURL(t, s, LabFlaky))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("request %d: status %d, want %d", i+1, resp.StatusCode, want)
		}
		if want == 503 && resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("503 without Retry-After")
		}
	}
	if got := s.LabStats().FlakyFailures; got != 2 {
		t.Fatalf("FlakyFailures = %d", got)
	}
}

func TestLabBigPage(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	c := client(t, s, "")
	resp, err := c.Get(labURL(t, s, LabBig))
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentLength != 25<<20 || n != 25<<20 {
		t.Fatalf("Content-Length %d, read %d, want %d", resp.ContentLength, n, 25<<20)
	}
	m, _ := s.Lab()
	if got := s.BytesSent(m.Onion, LabBig); got != 25<<20 {
		t.Fatalf("BytesSent = %d", got)
	}
}

func TestLabGzipBomb(t *testing.T) {
	t.Run("default size", func(t *testing.T) {
		s := startSim(t, Options{Hostile: true})
		comp, infl := s.BombSize()
		if infl != 1<<30 {
			t.Fatalf("inflated %d, want 1 GiB", infl)
		}
		if comp < 900_000 || comp > 1_200_000 {
			t.Fatalf("compressed %d bytes, want about 1 MB", comp)
		}
		c := client(t, s, "")
		resp, err := c.Get(labURL(t, s, LabBomb))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.Header.Get("Content-Encoding") != "gzip" || resp.ContentLength != comp {
			t.Fatalf("headers %v, length %d", resp.Header, resp.ContentLength)
		}
		// A reader that caps the inflated size stops early; only what the
		// client read was sent (plus what the socket buffered).
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(zr, 8<<20))
		if err != nil || n != 8<<20 {
			t.Fatalf("inflated %d, %v", n, err)
		}
	})
	t.Run("small, fully inflated", func(t *testing.T) {
		s := startSim(t, Options{Hostile: true, BombBytes: 16 << 20})
		c := client(t, s, "")
		resp, err := c.Get(labURL(t, s, LabBomb))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, zr)
		if err != nil || n != 16<<20 {
			t.Fatalf("inflated %d bytes (%v), want %d", n, err, 16<<20)
		}
		m, _ := s.Lab()
		if got := s.BytesSent(m.Onion, LabBomb); got != int64(len(raw)) {
			t.Fatalf("BytesSent %d, client read %d", got, len(raw))
		}
	})
}

func TestLabCalendarTrap(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	c := client(t, s, "")
	u := labURL(t, s, LabCalendar)
	seen := map[string]bool{}
	for i := 0; i < 30; i++ {
		st, _, body := get(t, c, u)
		if st != 200 {
			t.Fatalf("%s: %d", u, st)
		}
		seen[u] = true
		hrefs, _ := links(t, u, body)
		next := hrefs[len(hrefs)-1]
		if seen[next] {
			t.Fatalf("calendar cycles at %s", next)
		}
		u = next
	}
	if !seen[labURL(t, s, "/lab/calendar/2027/1")] {
		t.Fatal("no rollover from 2026/12 to 2027/1")
	}
}

func TestLabSessionAndRepeatTraps(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	c := client(t, s, "")
	u := labURL(t, s, LabSession+"?sid=start")
	_, _, b1 := get(t, c, u)
	_, _, b2 := get(t, c, u)
	h1, _ := links(t, u, b1)
	h2, _ := links(t, u, b2)
	if h1[len(h1)-1] == h2[len(h2)-1] {
		t.Fatalf("session links repeat: %s", h1[len(h1)-1])
	}
	r := labURL(t, s, "/lab/a/a/a/")
	st, _, body := get(t, c, r)
	hrefs, _ := links(t, r, body)
	if st != 200 || hrefs[len(hrefs)-1] != labURL(t, s, "/lab/a/a/a/a/") {
		t.Fatalf("repeat: %d %v", st, hrefs)
	}
	if st, _, _ := get(t, c, labURL(t, s, "/lab/a/b/")); st != 404 {
		t.Fatalf("/lab/a/b/: %d", st)
	}
}

func TestLabLoginWall(t *testing.T) {
	s := startSim(t, Options{Hostile: true, SessionCookieName: "sess", SessionCookieValue: "open-sesame"})
	c := client(t, s, "")
	item := labURL(t, s, labMemberItm)
	tests := []struct {
		name     string
		cookie   *http.Cookie
		status   int
		location string
	}{
		{"no cookie", nil, 302, LabLogin + "?next=" + url.QueryEscape(labMemberItm)},
		{"wrong value", &http.Cookie{Name: "sess", Value: "guess"}, 302, LabLogin + "?next=" + url.QueryEscape(labMemberItm)},
		{"session cookie", &http.Cookie{Name: "sess", Value: "open-sesame"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, item, nil)
			if tt.cookie != nil {
				req.AddCookie(tt.cookie)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location {
				t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if tt.status == 200 && !strings.Contains(string(body), "carfentanil") {
				t.Fatal("members page lacks its listing")
			}
		})
	}
	if got := s.LabStats().LoginRedirects; got != 2 {
		t.Fatalf("LoginRedirects = %d, want 2", got)
	}
	// Posting the login form hands out the configured cookie.
	resp, err := c.PostForm(labURL(t, s, LabLogin+"?next="+url.QueryEscape(labMemberItm)), url.Values{"user": {"a"}, "pass": {"b"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var got *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "sess" {
			got = ck
		}
	}
	if resp.StatusCode != 302 || got == nil || got.Value != "open-sesame" || resp.Header.Get("Location") != labMemberItm {
		t.Fatalf("login POST: %d %v %q", resp.StatusCode, got, resp.Header.Get("Location"))
	}
}

func TestLabQueue(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)}
	s := startSim(t, Options{Hostile: true, QueueWait: 5 * time.Second, Now: clock.Now})
	item := labURL(t, s, labQueueItem)
	fetch := func(c *http.Client, cookie *http.Cookie) (int, string, *http.Cookie) {
		req, _ := http.NewRequest(http.MethodGet, item, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var dcap *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == queueCookie {
				dcap = ck
			}
		}
		return resp.StatusCode, string(b), dcap
	}
	isQueue := func(body string) bool {
		return strings.Contains(body, `<meta http-equiv="refresh" content="5">`) && strings.Contains(body, "You are in the queue")
	}

	// Circuit "q1" waits the full time: queue page, then the listing.
	q1 := client(t, s, "q1")
	st, body, dcap := fetch(q1, nil)
	if st != 200 || !isQueue(body) || dcap == nil {
		t.Fatalf("first request: %d queue=%v cookie=%v", st, isQueue(body), dcap)
	}
	clock.Advance(5 * time.Second)
	if st, body, _ := fetch(q1, nil); st != 200 || !strings.Contains(body, "Isotonitazene") {
		t.Fatalf("after the wait: %d %q", st, body)
	}

	// Circuit "q2" comes back early: path killed, cookie banned.
	q2 := client(t, s, "q2")
	_, _, dcap2 := fetch(q2, nil)
	clock.Advance(2 * time.Second)
	if st, body, _ := fetch(q2, dcap2); st != 403 || !strings.Contains(body, "DDOS filter killed your path") {
		t.Fatalf("early return: %d", st)
	}
	clock.Advance(10 * time.Second)
	if st, _, _ := fetch(client(t, s, "q2b"), dcap2); st != 403 {
		t.Fatalf("banned cookie on a new circuit: %d, want 403", st)
	}

	// The cookie alone carries the wait to a new circuit.
	_, _, dcap3 := fetch(client(t, s, "q3"), nil)
	clock.Advance(6 * time.Second)
	if st, body, _ := fetch(client(t, s, "q4"), dcap3); st != 200 || !strings.Contains(body, "Isotonitazene") {
		t.Fatalf("matured cookie on a new circuit: %d", st)
	}

	stats := s.LabStats()
	if stats.QueuePages != 3 || stats.QueueKills != 2 || stats.QueuePassed != 2 {
		t.Fatalf("stats %+v, want 3 queue pages, 2 kills, 2 passed", stats)
	}
}

func TestLabCaptcha(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	c := client(t, s, "")
	for i := 0; i < 2; i++ {
		st, _, body := get(t, c, labURL(t, s, LabCaptcha))
		if st != 200 || !strings.Contains(body, "captcha") {
			t.Fatalf("captcha page: %d", st)
		}
	}
	if got := s.LabStats().CaptchaPages; got != 2 {
		t.Fatalf("CaptchaPages = %d", got)
	}
}

func TestLabCharsets(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	c := client(t, s, "")
	tests := []struct {
		path, header, meta, want string
		decode                   func([]byte) (string, error)
	}{
		{LabCP1251, "text/html; charset=windows-1251", `charset="windows-1251"`, "Фентанил порошок",
			func(b []byte) (string, error) { return charmap.Windows1251.NewDecoder().String(string(b)) }},
		{LabGBK, "text/html", "charset=gbk", "现货供应",
			func(b []byte) (string, error) { return simplifiedchinese.GBK.NewDecoder().String(string(b)) }},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			st, hdr, body := get(t, c, labURL(t, s, tt.path))
			if st != 200 || hdr.Get("Content-Type") != tt.header || !strings.Contains(body, tt.meta) {
				t.Fatalf("%d %q", st, hdr.Get("Content-Type"))
			}
			if strings.Contains(body, tt.want) {
				t.Fatal("body is UTF-8, want the legacy encoding")
			}
			dec, err := tt.decode([]byte(body))
			if err != nil || !strings.Contains(dec, tt.want) {
				t.Fatalf("decoded body lacks %q (%v)", tt.want, err)
			}
		})
	}
}

func TestLabMalformedAndGallery(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	c := client(t, s, "")
	st, _, body := get(t, c, labURL(t, s, LabMalformed))
	if st != 200 {
		t.Fatalf("malformed: %d", st)
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("html.Parse: %v", err)
	}
	var text strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	if !strings.Contains(text.String(), "Acetylfentanyl, 5g per bag") {
		t.Fatalf("text of malformed page lost the listing: %q", text.String())
	}

	before := s.ImageRequests()
	u := labURL(t, s, LabGallery)
	st, _, body = get(t, c, u)
	_, srcs := links(t, u, body)
	if st != 200 || len(srcs) < 40 {
		t.Fatalf("gallery: %d with %d src links", st, len(srcs))
	}
	if s.ImageRequests() != before {
		t.Fatal("fetching the page counted image requests")
	}
	for _, src := range srcs[:3] {
		get(t, c, src)
	}
	if got := s.ImageRequests() - before; got != 3 {
		t.Fatalf("ImageRequests grew by %d, want 3", got)
	}
}

func TestMirrorServesSameMarket(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	m := s.Markets()[0]
	if len(m.Mirrors) != 1 {
		t.Fatalf("mirrors %v", m.Mirrors)
	}
	if _, err := ParseOnion(m.Mirrors[0]); err != nil {
		t.Fatal(err)
	}
	c := client(t, s, "")
	_, _, primary := get(t, c, m.Home())
	st, _, mirror := get(t, c, "http://"+m.Mirrors[0]+"/listing/0")
	if st != 200 || !strings.Contains(mirror, "Fentanyl HCl powder") {
		t.Fatalf("mirror listing: %d", st)
	}
	for _, o := range []string{m.Onion, m.Mirrors[0]} {
		if !strings.Contains(primary, "http://"+o+"/") {
			t.Errorf("home page mirror list lacks %s", o)
		}
	}
	if s.Requests(m.Mirrors[0], "/listing/") != 1 || s.Requests(m.Onion, "/listing/") != 0 {
		t.Fatal("mirror requests counted under the wrong host")
	}
}

func TestLabTruth(t *testing.T) {
	s := startSim(t, Options{Hostile: true})
	gates := map[string]int{}
	langs := map[string]bool{}
	m, _ := s.Lab()
	n := 0
	for _, l := range s.Truth() {
		if l.Site != m.Onion {
			continue
		}
		n++
		gates[l.Gate]++
		langs[l.Language] = true
	}
	if n != len(labListings) || gates["login"] != 1 || gates["queue"] != 1 || !langs["ru"] || !langs["zh"] {
		t.Fatalf("lab truth: %d pages, gates %v, langs %v", n, gates, langs)
	}
}

// TestXNetProxyHostNameNotResolved checks the proxy sees names, not
// addresses, when a client uses golang.org/x/net/proxy.
func TestXNetProxyHostNameNotResolved(t *testing.T) {
	s := startSim(t, Options{})
	d, err := proxy.SOCKS5("tcp", s.ProxyAddr(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := d.(proxy.ContextDialer).DialContext(context.Background(), "tcp", s.Markets()[1].Onion+":80")
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	e := s.ProxyLog()[0]
	if e.ATYP != ATYPDomain || e.Host != s.Markets()[1].Onion {
		t.Fatalf("%+v", e)
	}
}

func TestTruthCountsWithLab(t *testing.T) {
	s := startSim(t, Options{Hostile: true, Markets: 3, ListingsPerMarket: 37})
	checkTruthCounts(t, s)
}
