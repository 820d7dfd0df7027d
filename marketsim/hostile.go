package marketsim

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Lab paths (on the "HostileLab" market, present with Options.Hostile).
const (
	LabSlow      = "/lab/slow"              // dribbles bytes for Options.SlowFor
	LabFlaky     = "/lab/flaky"             // 503 (Retry-After: 1) Options.FlakyFailures times, then a 200 listing
	LabBig       = "/lab/big"               // Options.BigPageBytes of HTML with an exact Content-Length
	LabBomb      = "/lab/bomb"              // gzip bomb: ~1 MB compressed, Options.BombBytes inflated
	LabCalendar  = "/lab/calendar/2026/11"  // each month links to the next, forever
	LabSession   = "/lab/session"           // every link carries a fresh ?sid=
	LabRepeat    = "/lab/a/"                // links to a/ relative: /lab/a/a/a/...
	LabMembers   = "/lab/members/"          // login wall: 302 to /lab/login without the session cookie
	LabLogin     = "/lab/login"             // login form; POST sets the session cookie
	LabQueue     = "/lab/queue/"            // EndGame-style queue front
	LabCaptcha   = "/lab/captcha"           // captcha page, never solvable
	LabCP1251    = "/lab/charset/cp1251"    // windows-1251 page, charset in the Content-Type header
	LabGBK       = "/lab/charset/gbk"       // GBK page, charset only in a meta tag
	LabMalformed = "/lab/malformed"         // broken markup around a listing
	LabGallery   = "/lab/gallery"           // listing with many images, srcset, preload and media links
	LabImages    = "/lab/img/"              // image files (counted by ImageRequests)
	LabFiles     = "/lab/files/"            // an archive download (never text)
	labQueueItem = "/lab/queue/listing/1"   // gated by the queue
	labMemberItm = "/lab/members/listing/1" // gated by the login wall
	queueCookie  = "dcap"
)

// LabStats counts what the hostile lab did to its clients.
type LabStats struct {
	QueuePages     int // queue pages served (first request of a circuit)
	QueueKills     int // 403 "DDOS filter killed your path": came back before the refresh
	QueuePassed    int // real pages served behind the queue
	CaptchaPages   int
	LoginRedirects int // 302s to the login page
	FlakyFailures  int // 503s served by the flaky page
	SessionIDs     int // distinct session ids handed out by the session trap
}

// lab is the hostile market.
type lab struct {
	market *market
	sim    *Sim

	mu      sync.Mutex
	stats   LabStats
	flaky   int
	queue   map[string]time.Time // circuit → ready time
	tokens  map[string]time.Time // dcap cookie → ready time
	banned  map[string]bool
	counter int
}

func newLab(s *Sim) *lab {
	l := &lab{
		sim:    s,
		queue:  map[string]time.Time{},
		tokens: map[string]time.Time{},
		banned: map[string]bool{},
	}
	l.market = &market{
		Market: Market{Name: "HostileLab", Layout: LayoutLab, Onion: OnionFromSeed(s.opts.Seed + "/lab")},
		sim:    s,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", l.home)
	mux.HandleFunc("GET "+LabSlow, l.slow)
	mux.HandleFunc("GET "+LabFlaky, l.flakyPage)
	mux.HandleFunc("GET "+LabBig, l.big)
	mux.HandleFunc("GET "+LabBomb, l.bomb)
	mux.HandleFunc("GET /lab/calendar/{y}/{m}", l.calendar)
	mux.HandleFunc("GET "+LabSession, l.session)
	mux.HandleFunc("GET "+LabSession+"/list", l.session)
	mux.HandleFunc("GET "+LabRepeat, l.repeat)
	mux.HandleFunc(LabMembers, l.members)
	mux.HandleFunc(LabLogin, l.login)
	mux.HandleFunc(LabQueue, l.queueFront)
	mux.HandleFunc(LabCaptcha, l.captcha)
	mux.HandleFunc("GET "+LabCP1251, l.cp1251)
	mux.HandleFunc("GET "+LabGBK, l.gbk)
	mux.HandleFunc("GET "+LabMalformed, l.malformed)
	mux.HandleFunc("GET "+LabGallery, l.gallery)
	mux.HandleFunc("GET "+LabImages+"{file}", s.handleImage)
	mux.HandleFunc("GET "+LabFiles+"{file}", l.file)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, http.StatusNotFound, labPage("Not found", "<p>No such page.</p>"))
	})
	l.market.serve = mux
	return l
}

// LabStats returns the hostile lab's counters (zero without Options.Hostile).
func (s *Sim) LabStats() LabStats {
	if s.lab == nil {
		return LabStats{}
	}
	s.lab.mu.Lock()
	defer s.lab.mu.Unlock()
	return s.lab.stats
}

// Lab returns the hostile market, and false without Options.Hostile.
func (s *Sim) Lab() (Market, bool) {
	if s.lab == nil {
		return Market{}, false
	}
	return s.lab.market.Market, true
}

// labListing is a labelled lab page.
type labListing struct {
	path       string
	title      string
	substances []string
	lang       string
	vendor     string
	price      float64
	currency   string
	gate       string
}

var labListings = []labListing{
	{LabFlaky, "Fentanyl powder restock 5g", []string{"fentanyl"}, "en", "FlakyVendor", 550, "USD", ""},
	{labMemberItm, "Members only: carfentanil 10g bulk", []string{"carfentanil"}, "en", "VIPSynth", 3900, "USD", "login"},
	{labQueueItem, "Isotonitazene 2g - queue protected shop", []string{"isotonitazene"}, "en", "QueueSynth", 0.0047, "BTC", "queue"},
	{LabCP1251, "Фентанил порошок 98% — 1 г", []string{"fentanyl"}, "ru", "SimKhimik", 9500, "RUB", ""},
	{LabGBK, "4-ANPP (CAS 21409-26-7) 现货供应 1公斤", []string{"4-anpp"}, "zh", "SimChemCN", 1800, "USD", ""},
	{LabMalformed, "Acetylfentanyl powder 5g", []string{"acetylfentanyl"}, "en", "BrokenVendor", 300, "USD", ""},
	{LabGallery, "Fentanyl HCl 10g - full photo gallery", []string{"fentanyl"}, "en", "PhotoSynth", 1100, "USD", ""},
}

func (l *lab) truth() []Listing {
	out := make([]Listing, 0, len(labListings))
	for _, ll := range labListings {
		out = append(out, Listing{
			URL: "http://" + l.market.Onion + ll.path, Market: l.market.Name, Site: l.market.Onion,
			Title: ll.title, Positive: true, Substances: append([]string(nil), ll.substances...),
			Kind: KindPositive, Language: ll.lang, Vendor: ll.vendor, Price: ll.price, Currency: ll.currency, Gate: ll.gate,
		})
	}
	return out
}

func labListingBody(path string) string {
	for _, ll := range labListings {
		if ll.path == path {
			return fmt.Sprintf(`<div class="item"><h1>%s</h1><p class="price">Price: %s %s</p><p>Vendor: <b>%s</b></p><p>In stock, ships worldwide, escrow accepted. Add to cart and pay to order.</p></div>`,
				esc(ll.title), strconv.FormatFloat(ll.price, 'f', -1, 64), ll.currency, esc(ll.vendor))
		}
	}
	return ""
}

func labPage(title, body string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + esc(title) + ` - HostileLab</title></head><body><p><a href="/">Lab home</a></p>` + body + `</body></html>`
}

func (l *lab) home(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString(`<h1>HostileLab</h1><p>Test pages for crawlers.</p><ul class="traps">`)
	for _, p := range []struct{ href, name string }{
		{LabSlow, "Slow page"}, {LabFlaky, "Flaky listing (503 then 200)"}, {LabBig, "Big page"},
		{LabBomb, "Compressed catalogue"}, {LabCalendar, "Events calendar"}, {LabSession + "?sid=" + l.sid(), "Session page"},
		{LabRepeat, "Archive"}, {labMemberItm, "Members area"}, {labQueueItem, "Queue-protected shop"},
		{LabCaptcha, "Verification"}, {LabCP1251, "Русский магазин"}, {LabGBK, "中文商店"},
		{LabMalformed, "Broken listing"}, {LabGallery, "Gallery listing"},
	} {
		fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, p.href, esc(p.name))
	}
	b.WriteString(`</ul><h2>Elsewhere</h2><ul class="external">`)
	for _, u := range l.externalLinks() {
		fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, u, esc(u))
	}
	b.WriteString(`</ul><img src="/lab/img/logo.png" alt="logo">`)
	writeHTML(w, http.StatusOK, labPage("Home", b.String()))
}

// externalLinks are off-site links on the lab home: clearnet names, an IP
// literal, an unknown v3 onion and a v3-length onion with a bad checksum.
func (l *lab) externalLinks() []string {
	unknown := OnionFromSeed(l.sim.opts.Seed + "/unknown")
	bad := []byte(OnionFromSeed(l.sim.opts.Seed + "/bad"))
	if bad[0] == 'a' {
		bad[0] = 'b'
	} else {
		bad[0] = 'a'
	}
	return []string{
		"http://example.com/lab-leak",
		"https://example.org/forum/thread/1",
		"http://203.0.113.7/ip-literal",
		"http://" + unknown + "/",
		"http://" + string(bad) + "/",
	}
}

// ExternalLinks returns the lab home page's off-site links (clearnet, IP,
// unknown onion, bad-checksum onion); nil without Options.Hostile.
func (s *Sim) ExternalLinks() []string {
	if s.lab == nil {
		return nil
	}
	return s.lab.externalLinks()
}

func (l *lab) sid() string {
	l.mu.Lock()
	l.counter++
	n := l.counter
	l.stats.SessionIDs++
	l.mu.Unlock()
	h := sha256.Sum256([]byte(l.sim.opts.Seed + "/sid/" + strconv.Itoa(n)))
	return hex.EncodeToString(h[:12])
}

func (l *lab) slow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Slow page - HostileLab</title></head><body><p>Loading"))
	flush()
	total := l.sim.opts.SlowFor
	step := min(250*time.Millisecond, total/4)
	end := time.Now().Add(total)
	for time.Now().Before(end) {
		if !l.sim.sleep(r.Context(), step) {
			return
		}
		if _, err := w.Write([]byte(".")); err != nil {
			return
		}
		flush()
	}
	_, _ = w.Write([]byte("</p><p>Done.</p></body></html>"))
}

func (l *lab) flakyPage(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	fail := l.flaky < l.sim.opts.FlakyFailures
	if fail {
		l.flaky++
		l.stats.FlakyFailures++
	}
	l.mu.Unlock()
	if fail {
		w.Header().Set("Retry-After", "1")
		writeHTML(w, http.StatusServiceUnavailable, labPage("503 Service Unavailable", "<h1>Service temporarily unavailable</h1><p>Try again shortly.</p>"))
		return
	}
	writeHTML(w, http.StatusOK, labPage("Fentanyl powder restock 5g", labListingBody(LabFlaky)))
}

func (l *lab) big(w http.ResponseWriter, r *http.Request) {
	const head = "<!DOCTYPE html><html><head><title>Big page - HostileLab</title></head><body>\n"
	const tail = "\n</body></html>"
	const line = "<p>Lorem ipsum filler text for a very large page, nothing to see here.</p>\n"
	size := l.sim.opts.BigPageBytes
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	if size < int64(len(head)+len(tail)) {
		_, _ = w.Write([]byte(strings.Repeat(" ", int(size))))
		return
	}
	if _, err := w.Write([]byte(head)); err != nil {
		return
	}
	chunk := []byte(strings.Repeat(line, 64<<10/len(line)))
	left := size - int64(len(head)+len(tail))
	for left > 0 {
		n := min(left, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			return
		}
		left -= n
	}
	_, _ = w.Write([]byte(tail))
}

var (
	bombMu    sync.Mutex
	bombCache = map[int64][]byte{}
)

// bombBytes returns a gzip body that inflates to size bytes (rounded up to
// whole MiB) of zeros: one gzip member of 1 MiB of zeros compressed with
// gzip.BestCompression, repeated. gzip readers (Go's included) read
// concatenated members as one stream. Compressing 1 GiB in one stream takes
// 5 s, and over 3 minutes under -race; this takes milliseconds. Built once
// per size and cached.
func bombBytes(size int64) []byte {
	bombMu.Lock()
	defer bombMu.Unlock()
	if b, ok := bombCache[size]; ok {
		return b
	}
	var member bytes.Buffer
	zw, err := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if err != nil {
		panic(fmt.Sprintf("marketsim: gzip writer: %v", err))
	}
	zeros := make([]byte, 64<<10)
	for i := 0; i < 16; i++ {
		_, _ = zw.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		panic(fmt.Sprintf("marketsim: gzip close: %v", err))
	}
	n := int((size + 1<<20 - 1) >> 20)
	b := bytes.Repeat(member.Bytes(), n)
	bombCache[size] = b
	return b
}

// BombSize returns the compressed and inflated sizes of the gzip bomb
// served at LabBomb.
func (s *Sim) BombSize() (compressed, inflated int64) {
	n := (s.opts.BombBytes + 1<<20 - 1) >> 20
	return int64(len(bombBytes(s.opts.BombBytes))), n << 20
}

func (l *lab) bomb(w http.ResponseWriter, r *http.Request) {
	b := bombBytes(l.sim.opts.BombBytes)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	for len(b) > 0 {
		n := min(len(b), 32<<10)
		if _, err := w.Write(b[:n]); err != nil {
			return
		}
		b = b[n:]
	}
}

func (l *lab) calendar(w http.ResponseWriter, r *http.Request) {
	y, err1 := strconv.Atoi(r.PathValue("y"))
	m, err2 := strconv.Atoi(r.PathValue("m"))
	if err1 != nil || err2 != nil || m < 1 || m > 12 || y < 1 || y > 999999 {
		writeHTML(w, http.StatusNotFound, labPage("Not found", "<p>No such month.</p>"))
		return
	}
	ny, nm, py, pm := y, m+1, y, m-1
	if nm > 12 {
		ny, nm = y+1, 1
	}
	if pm < 1 {
		py, pm = y-1, 12
	}
	body := fmt.Sprintf(`<h1>Events %04d-%02d</h1><p>No events this month.</p><p><a href="/lab/calendar/%d/%d">&laquo; previous</a> | <a href="/lab/calendar/%d/%d">next &raquo;</a></p>`, y, m, py, pm, ny, nm)
	writeHTML(w, http.StatusOK, labPage(fmt.Sprintf("Calendar %04d-%02d", y, m), body))
}

func (l *lab) session(w http.ResponseWriter, r *http.Request) {
	body := fmt.Sprintf(`<h1>Session page</h1><p>Your session: %s</p><ul><li><a href="%s?sid=%s">Refresh</a></li><li><a href="%s/list?sid=%s">List</a></li></ul>`,
		esc(r.URL.Query().Get("sid")), LabSession, l.sid(), LabSession, l.sid())
	writeHTML(w, http.StatusOK, labPage("Session", body))
}

func (l *lab) repeat(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/lab/")
	if strings.ReplaceAll(rest, "a/", "") != "" {
		writeHTML(w, http.StatusNotFound, labPage("Not found", "<p>No such archive.</p>"))
		return
	}
	depth := strings.Count(rest, "a/")
	writeHTML(w, http.StatusOK, labPage("Archive", fmt.Sprintf(`<h1>Archive level %d</h1><p><a href="a/">Older</a></p>`, depth)))
}

func (l *lab) members(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(l.sim.opts.SessionCookieName)
	if err != nil || c.Value != l.sim.opts.SessionCookieValue {
		l.mu.Lock()
		l.stats.LoginRedirects++
		l.mu.Unlock()
		http.Redirect(w, r, LabLogin+"?next="+url.QueryEscape(r.URL.Path), http.StatusFound)
		return
	}
	if r.URL.Path == labMemberItm {
		writeHTML(w, http.StatusOK, labPage("Members only: carfentanil 10g bulk", labListingBody(labMemberItm)))
		return
	}
	if r.URL.Path == LabMembers {
		writeHTML(w, http.StatusOK, labPage("Members area", `<h1>Members area</h1><p><a href="`+labMemberItm+`">Members only: carfentanil 10g bulk</a></p>`))
		return
	}
	writeHTML(w, http.StatusNotFound, labPage("Not found", "<p>No such page.</p>"))
}

func (l *lab) login(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, "/lab/") {
		next = LabMembers
	}
	if r.Method == http.MethodPost {
		http.SetCookie(w, &http.Cookie{Name: l.sim.opts.SessionCookieName, Value: l.sim.opts.SessionCookieValue, Path: "/", HttpOnly: true})
		http.Redirect(w, r, next, http.StatusFound)
		return
	}
	body := `<h1>Login</h1><form method="post" action="` + LabLogin + `?next=` + url.QueryEscape(next) + `"><input name="user" placeholder="username"><input type="password" name="pass"><button type="submit">Sign in</button></form>`
	writeHTML(w, http.StatusOK, labPage("Login", body))
}

// queueFront is the EndGame-style front: the first request of a circuit
// (SOCKS user name, or stream without one) gets the queue page and a dcap
// cookie; coming back before the refresh time kills the path (403, cookie
// banned); afterwards the circuit or cookie gets the real page.
func (l *lab) queueFront(w http.ResponseWriter, r *http.Request) {
	now := l.sim.opts.Now()
	wait := l.sim.opts.QueueWait
	secs := int((wait + time.Second - 1) / time.Second)
	circ := circuit(r)
	l.mu.Lock()
	ready, known := time.Time{}, false
	var token string
	if c, err := r.Cookie(queueCookie); err == nil {
		if l.banned[c.Value] {
			l.stats.QueueKills++
			l.mu.Unlock()
			l.kill(w)
			return
		}
		if t, ok := l.tokens[c.Value]; ok {
			ready, known, token = t, true, c.Value
		}
	}
	if !known {
		if t, ok := l.queue[circ]; ok {
			ready, known = t, true
		}
	}
	switch {
	case !known:
		l.counter++
		h := sha256.Sum256([]byte(fmt.Sprintf("%s/dcap/%d", l.sim.opts.Seed, l.counter)))
		token = hex.EncodeToString(h[:16])
		ready = now.Add(wait)
		l.queue[circ] = ready
		l.tokens[token] = ready
		l.stats.QueuePages++
		l.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: queueCookie, Value: token, Path: "/", MaxAge: 120, HttpOnly: true})
		body := fmt.Sprintf(`<h1>Access Queue</h1><p>You have been placed in a queue. You are in the queue: position %d.</p><p>Do not refresh this page, it reloads automatically in %d seconds. Refreshing early will reset your place.</p>`, 1+len(l.queue)%7, secs)
		page := `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="` + strconv.Itoa(secs) + `"><title>HostileLab Access Queue</title></head><body>` + body + `</body></html>`
		writeHTML(w, http.StatusOK, page)
		return
	case now.Before(ready):
		if token != "" {
			l.banned[token] = true
			delete(l.tokens, token)
		}
		delete(l.queue, circ)
		l.stats.QueueKills++
		l.mu.Unlock()
		l.kill(w)
		return
	}
	l.stats.QueuePassed++
	l.mu.Unlock()
	switch r.URL.Path {
	case labQueueItem:
		writeHTML(w, http.StatusOK, labPage("Isotonitazene 2g - queue protected shop", labListingBody(labQueueItem)))
	case LabQueue:
		writeHTML(w, http.StatusOK, labPage("Queue-protected shop", `<h1>Shop</h1><p><a href="`+labQueueItem+`">Isotonitazene 2g</a></p>`))
	default:
		writeHTML(w, http.StatusNotFound, labPage("Not found", "<p>No such page.</p>"))
	}
}

func (l *lab) kill(w http.ResponseWriter) {
	writeHTML(w, http.StatusForbidden, labPage("403", "<h1>403 DDOS filter killed your path</h1><p>You came back too early. Grab a new identity.</p>"))
}

func (l *lab) captcha(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	l.stats.CaptchaPages++
	l.mu.Unlock()
	body := `<h1>Security check</h1><p>Solve the captcha to continue. You have 60 seconds.</p><form method="post" action="` + LabCaptcha + `"><img src="/lab/img/captcha.png" alt="captcha"><input name="captcha" autocomplete="off"><button type="submit">Verify</button></form>`
	writeHTML(w, http.StatusOK, labPage("Captcha", body))
}

func (l *lab) cp1251(w http.ResponseWriter, r *http.Request) {
	page := `<!DOCTYPE html><html lang="ru"><head><meta charset="windows-1251"><title>Фентанил порошок 98% — 1 г</title></head><body>` +
		`<h1>Фентанил порошок 98% — 1 г</h1><p class="price">Цена: 9500 RUB</p><p>Продавец: SimKhimik</p>` +
		`<p>Чистый фентанил, 1 грамм. Доставка по всей России, оплата в BTC. Купить сейчас, гарант магазина.</p></body></html>`
	writeEncoded(w, charmap.Windows1251, "text/html; charset=windows-1251", page)
}

func (l *lab) gbk(w http.ResponseWriter, r *http.Request) {
	page := `<!DOCTYPE html><html lang="zh"><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>4-ANPP (CAS 21409-26-7) 现货供应 1公斤</title></head><body>` +
		`<h1>4-ANPP (CAS 21409-26-7) 现货供应 1公斤</h1><p class="price">价格: 1800 USD / 公斤</p><p>供应商: SimChemCN</p>` +
		`<p>高纯度 99%，现货，安全清关，双清包税，墨西哥专线。欢迎下单。</p></body></html>`
	// The charset is only in the page's meta tag, not in the header.
	writeEncoded(w, simplifiedchinese.GBK, "text/html", page)
}

// writeEncoded writes page encoded in enc with the given Content-Type (an
// encoding failure is a 500).
func writeEncoded(w http.ResponseWriter, enc encoding.Encoding, contentType, page string) {
	b, err := enc.NewEncoder().String(page)
	if err != nil {
		http.Error(w, "encode", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write([]byte(b))
}

func (l *lab) malformed(w http.ResponseWriter, r *http.Request) {
	page := "<html><head><title>Acetylfentanyl powder 5g</title><body><div class=listing><table><tr><td><h1>Acetylfentanyl powder 5g<td><b>Price: $300\n" +
		"<tr><td>Vendor: <a href=/ class=vendor>BrokenVendor</a></tr></td></b></table></div></div></span>\n" +
		"<p>Acetylfentanyl, 5g per bag, <i>ships worldwide</b></i>, escrow &notanentity; accepted << >> \x00\n" +
		"<p><a href=\"/lab/malformed\" href=\"/\">add to cart</a><ul><li>stealth<li>tracking</ul>\n" +
		"<script>document.write('<div>');</script><!-- unclosed comment"
	writeHTML(w, http.StatusOK, page)
}

func (l *lab) gallery(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString(`<link rel="preload" as="image" href="/lab/img/hero.jpg"><link rel="icon" href="/lab/img/favicon.ico">`)
	b.WriteString(labListingBody(LabGallery))
	b.WriteString(`<div class="hero" style="background-image:url('/lab/img/bg.jpg')"></div>`)
	b.WriteString(`<picture><source srcset="/lab/img/p-1.webp 1x, /lab/img/p-1@2x.webp 2x" type="image/webp"><img src="/lab/img/p-1.jpg" alt="product"></picture>`)
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, `<img src="/lab/img/g-%d.png" alt="photo %d" loading="lazy">`, i, i)
	}
	b.WriteString(`<video poster="/lab/img/poster.jpg" src="/lab/files/unboxing.mp4"></video>`)
	b.WriteString(`<p><a href="/lab/img/full-size.jpg">Full-size photo</a> | <a href="/lab/files/catalogue.zip">Catalogue (zip)</a> | <a href="/lab/files/price-list.pdf">Price list (pdf)</a></p>`)
	writeHTML(w, http.StatusOK, labPage("Fentanyl HCl 10g - full photo gallery", b.String()))
}

func (l *lab) file(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	ct := "application/octet-stream"
	switch {
	case strings.HasSuffix(name, ".zip"):
		ct = "application/zip"
	case strings.HasSuffix(name, ".pdf"):
		ct = "application/pdf"
	case strings.HasSuffix(name, ".mp4"):
		ct = "video/mp4"
	}
	body := bytes.Repeat([]byte{0x50, 0x4b, 0x03, 0x04}, 1024)
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}
