package marketsim

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// links returns the href and src attributes of a page, resolved against base.
func links(t testing.TB, base, body string) (hrefs, srcs []string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	bu, _ := url.Parse(base)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key != "href" && a.Key != "src" {
					continue
				}
				u, err := bu.Parse(a.Val)
				if err != nil {
					t.Fatalf("bad link %q on %s", a.Val, base)
				}
				u.Fragment = ""
				if a.Key == "href" {
					hrefs = append(hrefs, u.String())
				} else {
					srcs = append(srcs, u.String())
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return hrefs, srcs
}

// crawl fetches every page reachable from the seeds on the seeds' hosts and
// returns the bodies by URL; it fails the test on any non-200 page.
func crawl(t *testing.T, s *Sim, limit int) (pages map[string]string, images []string) {
	t.Helper()
	c := client(t, s, "crawler")
	pages = map[string]string{}
	hosts := map[string]bool{}
	queue := s.Seeds()
	for _, sd := range queue {
		u, _ := url.Parse(sd)
		hosts[u.Host] = true
	}
	seen := map[string]bool{}
	for len(queue) > 0 && len(pages) < limit {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		st, hdr, body := get(t, c, u)
		if st != 200 {
			t.Fatalf("GET %s: status %d", u, st)
		}
		if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("GET %s: content type %q", u, ct)
		}
		pages[u] = body
		hrefs, srcs := links(t, u, body)
		images = append(images, srcs...)
		for _, h := range hrefs {
			pu, _ := url.Parse(h)
			if hosts[pu.Host] && !seen[h] {
				queue = append(queue, h)
			}
		}
	}
	return pages, images
}

func TestMarketsRenderAndLinksResolve(t *testing.T) {
	s := startSim(t, Options{})
	pages, images := crawl(t, s, 1000)
	truth := s.Truth()
	if len(truth) < 20 {
		t.Fatalf("only %d labelled pages", len(truth))
	}
	for _, l := range truth {
		body, ok := pages[l.URL]
		if !ok {
			t.Errorf("labelled page %s (%s) not reachable from the seeds", l.URL, l.Title)
			continue
		}
		if !strings.Contains(body, html.EscapeString(l.Title)) {
			t.Errorf("%s does not show its title %q", l.URL, l.Title)
		}
	}
	// Every image link resolves to a PNG, and fetching them is counted.
	if len(images) == 0 {
		t.Fatal("no product images on any page")
	}
	if got := s.ImageRequests(); got != 0 {
		t.Fatalf("image requests before fetching any: %d", got)
	}
	c := client(t, s, "")
	st, hdr, body := get(t, c, images[0])
	if st != 200 || hdr.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
		t.Fatalf("image %s: %d %q", images[0], st, hdr.Get("Content-Type"))
	}
	if got := s.ImageRequests(); got != 1 {
		t.Fatalf("ImageRequests = %d, want 1", got)
	}
	// Pagination exists and page 2 differs from page 1.
	var sawPage2 bool
	for u := range pages {
		if strings.Contains(u, "page=2") {
			sawPage2 = true
		}
	}
	if !sawPage2 {
		t.Error("no category reaches page=2")
	}
}

func TestMarketLayoutsDiffer(t *testing.T) {
	s := startSim(t, Options{})
	c := client(t, s, "")
	ms := s.Markets()
	if len(ms) != 2 || ms[0].Layout == ms[1].Layout {
		t.Fatalf("markets %+v, want two layouts", ms)
	}
	tests := []struct {
		layout string
		want   []string // markers only this layout has
	}{
		{LayoutClassic, []string{`<table class="listing"`, `class="crumbs"`, `class="price">$`}},
		{LayoutModern, []string{`class="product-card"`, `class="breadcrumb"`, `class="vendor-box"`, `class="ticker">`}},
	}
	truth := s.Truth()
	for _, tt := range tests {
		t.Run(tt.layout, func(t *testing.T) {
			var pos Listing
			for _, l := range truth {
				if l.Positive && strings.Contains(l.URL, marketOnion(ms, tt.layout)) {
					pos = l
					break
				}
			}
			if pos.URL == "" {
				t.Fatal("no positive listing")
			}
			st, _, body := get(t, c, pos.URL)
			if st != 200 {
				t.Fatalf("status %d", st)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s listing lacks %q", tt.layout, w)
				}
			}
		})
	}
}

func marketOnion(ms []Market, layout string) string {
	for _, m := range ms {
		if m.Layout == layout {
			return m.Onion
		}
	}
	return ""
}

func TestTruthCoversRequiredCases(t *testing.T) {
	s := startSim(t, Options{})
	truth := s.Truth()
	kinds := map[string]int{}
	subs := map[string]bool{}
	langs := map[string]bool{}
	for _, l := range truth {
		kinds[l.Kind]++
		if l.Positive != (l.Kind == KindPositive) {
			t.Errorf("%s: Positive=%v but Kind=%s", l.URL, l.Positive, l.Kind)
		}
		if l.Positive {
			for _, x := range l.Substances {
				subs[x] = true
			}
			langs[l.Language] = true
		}
		for _, x := range l.Substances {
			if x != strings.ToLower(x) {
				t.Errorf("%s: substance %q not lower case", l.URL, x)
			}
		}
	}
	for _, k := range []string{KindPositive, KindOrdinary, KindTestStrips, KindNaloxone, KindNews, KindRules, KindHarmReduction} {
		if kinds[k] == 0 {
			t.Errorf("no %s page", k)
		}
	}
	for _, x := range []string{"fentanyl", "carfentanil", "isotonitazene", "para-fluorofentanyl", "4-anpp", "1-boc-4-piperidone", "xylazine"} {
		if !subs[x] {
			t.Errorf("no positive offers %s", x)
		}
	}
	if !langs["es"] {
		t.Error("no Spanish positive")
	}
	var titles []string
	for _, l := range truth {
		titles = append(titles, strings.ToLower(l.Title))
	}
	for _, want := range []string{"m30", "f3ntanyl", "fenta*nyl", "tranq", "fentanilo"} {
		if !slices.ContainsFunc(titles, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no listing titled with %q", want)
		}
	}
}

func TestScaleGeneratesListingsOnTheFly(t *testing.T) {
	s := startSim(t, Options{ListingsPerMarket: 500, PageSize: 20})
	truth := s.Truth()
	if got, want := len(truth), 2*500+len(classicPages)+len(modernPages); got != want {
		t.Fatalf("Truth has %d pages, want %d", got, want)
	}
	checkTruthCounts(t, s)
	c := client(t, s, "")
	// The last generated listing of each market is served and labelled like its template.
	for _, m := range s.markets {
		id := m.n - 1
		l := m.label(m.listingPath(id), ptr(m.listing(id)), 0, "")
		st, _, body := get(t, c, l.URL)
		if st != 200 || !strings.Contains(body, html.EscapeString(l.Title)) {
			t.Fatalf("%s: status %d, title %q missing", l.URL, st, l.Title)
		}
		tmpl := m.items[id%len(m.items)]
		if l.Kind != tmpl.kind {
			t.Fatalf("generated listing kind %s, template %s", l.Kind, tmpl.kind)
		}
		if st, _, _ := get(t, c, "http://"+m.Onion+m.listingPath(m.n)); st != 404 {
			t.Fatalf("listing past the end: status %d, want 404", st)
		}
	}
	// Crawl everything and check every labelled page is reachable.
	pages, _ := crawl(t, s, 5000)
	for _, l := range truth {
		if _, ok := pages[l.URL]; !ok {
			t.Fatalf("%s not reachable", l.URL)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestVendorPagesCarryKeysAndWallets(t *testing.T) {
	s := startSim(t, Options{})
	c := client(t, s, "")
	for _, m := range s.markets {
		for _, v := range m.vendors {
			u := "http://" + m.Onion + m.vendorPath(v)
			st, _, body := get(t, c, u)
			if st != 200 {
				t.Fatalf("%s: %d", u, st)
			}
			k := identityKey(m.Name, v)
			for _, w := range []string{"-----BEGIN PGP PUBLIC KEY BLOCK-----", k.btc, k.xmr, k.fingerprint} {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q", u, w)
				}
			}
			if len(k.xmr) != 95 || k.xmr[0] != '4' {
				t.Errorf("xmr %q: want 95 chars starting with 4", k.xmr)
			}
			if k.btc[0] != '1' || len(k.btc) < 26 || len(k.btc) > 34 {
				t.Errorf("btc %q not P2PKH-shaped", k.btc)
			}
		}
	}
}

// TestPagerKeepsDeepCategoriesShallow walks the pager links of a category
// with 20,000 pages and checks every page is reachable in a few clicks
// from page 1 with a bounded number of links per page.
func TestPagerKeepsDeepCategoriesShallow(t *testing.T) {
	const pages = 20_000
	depth := map[int]int{1: 0}
	queue := []int{1}
	maxLinks, maxDepth := 0, 0
	for len(queue) > 0 {
		page := queue[0]
		queue = queue[1:]
		targets := pagerTargets(page, pages)
		links := len(targets)
		for _, p := range targets {
			if _, ok := depth[p]; !ok {
				depth[p] = depth[page] + 1
				maxDepth = max(maxDepth, depth[p])
				queue = append(queue, p)
			}
		}
		maxLinks = max(maxLinks, links)
	}
	if len(depth) != pages {
		t.Fatalf("%d of %d pages reachable", len(depth), pages)
	}
	if maxDepth > 12 || maxLinks > 60 {
		t.Fatalf("max depth %d (want <= 12), max links per page %d (want <= 60)", maxDepth, maxLinks)
	}
	t.Logf("20,000 pages: max depth %d, max links per page %d", maxDepth, maxLinks)
}
