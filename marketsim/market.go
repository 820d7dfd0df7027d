package marketsim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// market is one synthetic market: a catalogue, a layout and, for generated
// scale, a listing count larger than the catalogue.
type market struct {
	Market
	sim      *Sim
	index    int
	items    []item // product catalogue
	pages    []item // content pages
	n        int    // product listings served (>= len(items))
	cats     []string
	catItems map[string][]int // catalogue indices per category
	vendors  []string
	serve    http.Handler // set by the lab market
}

var marketNames = map[string]string{LayoutClassic: "SynthBazaar", LayoutModern: "MockMercado"}

func newMarket(s *Sim, i int) *market {
	layout := LayoutClassic
	if i%2 == 1 {
		layout = LayoutModern
	}
	name := marketNames[layout]
	if i >= 2 {
		name = fmt.Sprintf("%s %d", name, i+1)
	}
	m := &market{
		Market:   Market{Name: name, Layout: layout, Onion: OnionFromSeed(fmt.Sprintf("%s/market/%d", s.opts.Seed, i))},
		sim:      s,
		index:    i,
		catItems: map[string][]int{},
	}
	if layout == LayoutClassic {
		m.items, m.pages = classicItems, classicPages
	} else {
		m.items, m.pages = modernItems, modernPages
	}
	m.n = max(len(m.items), s.opts.ListingsPerMarket)
	seen := map[string]bool{}
	for k, it := range m.items {
		if _, ok := m.catItems[it.category]; !ok {
			m.cats = append(m.cats, it.category)
		}
		m.catItems[it.category] = append(m.catItems[it.category], k)
		if !seen[it.vendor] {
			seen[it.vendor] = true
			m.vendors = append(m.vendors, it.vendor)
		}
	}
	return m
}

// listing returns product listing id (0 <= id < n), generating variants of
// the catalogue beyond its end.
func (m *market) listing(id int) item {
	L := len(m.items)
	it := m.items[id%L]
	if id >= L {
		it.title = it.title + " (lot " + strconv.Itoa(id/L+1) + ")"
		it.usd = float64(int(it.usd*(100+float64((id*37)%21-10)))) / 100
	}
	return it
}

// catCount returns the number of listings in category c.
func (m *market) catCount(c string) int {
	members := m.catItems[c]
	L := len(m.items)
	full, rem := m.n/L, m.n%L
	n := full * len(members)
	for _, k := range members {
		if k < rem {
			n++
		}
	}
	return n
}

// catListing returns the id of the j-th listing in category c.
func (m *market) catListing(c string, j int) int {
	members := m.catItems[c]
	return (j/len(members))*len(m.items) + members[j%len(members)]
}

func (m *market) pageCount(c string) int {
	ps := m.sim.opts.PageSize
	return (m.catCount(c) + ps - 1) / ps
}

// URL paths per layout.

func (m *market) listingPath(id int) string {
	if m.Layout == LayoutModern {
		return "/item/" + strconv.Itoa(id) + "/" + m.items[id%len(m.items)].slug
	}
	return "/listing/" + strconv.Itoa(id)
}

func (m *market) categoryPath(c string, page int) string {
	base := "/category/" + c
	if m.Layout == LayoutModern {
		base = "/browse/" + c
	}
	if page > 1 {
		return base + "?page=" + strconv.Itoa(page)
	}
	return base
}

func (m *market) vendorPath(v string) string {
	if m.Layout == LayoutModern {
		return "/v/" + v
	}
	return "/vendor/" + v
}

func (m *market) contentPath(it *item) string {
	switch {
	case it.kind == KindRules && m.Layout == LayoutModern:
		return "/terms"
	case it.kind == KindRules:
		return "/rules"
	case m.Layout == LayoutModern:
		return "/forum/" + it.slug
	default:
		return "/news/" + it.slug
	}
}

func (m *market) imagePath(id, k int) string {
	if m.Layout == LayoutModern {
		return fmt.Sprintf("/static/p/%d-%d.png", id, k)
	}
	return fmt.Sprintf("/img/%d-%d.png", id, k)
}

// price returns the displayed price of a listing: the number, its currency
// and the text shown.
func (m *market) price(it *item) (float64, string, string) {
	v, cur := m.priceValue(it)
	switch cur {
	case "USD":
		return v, cur, fmt.Sprintf("$%.2f", v)
	case "XMR":
		return v, cur, strconv.FormatFloat(v, 'f', -1, 64) + " XMR"
	}
	return v, cur, strconv.FormatFloat(v, 'f', 4, 64) + " BTC"
}

// priceValue returns the displayed price and its currency.
func (m *market) priceValue(it *item) (float64, string) {
	if m.Layout == LayoutClassic {
		return it.usd, "USD"
	}
	if it.crypto == "XMR" {
		return float64(int(it.usd/160*100+0.5)) / 100, "XMR"
	}
	return float64(int(it.usd/60000*10000+0.5)) / 10000, "BTC"
}

// truth appends the market's labelled pages to out.
func (m *market) truth(out []Listing) []Listing {
	if m.Layout == LayoutLab {
		return append(out, m.sim.lab.truth()...)
	}
	for id := 0; id < m.n; id++ {
		it := m.listing(id)
		p, cur := m.priceValue(&it)
		out = append(out, m.label(m.listingPath(id), &it, p, cur))
	}
	for k := range m.pages {
		it := &m.pages[k]
		out = append(out, m.label(m.contentPath(it), it, 0, ""))
	}
	return out
}

func (m *market) truthCounts() (pages, positives int) {
	if m.Layout == LayoutLab {
		return len(labListings), len(labListings)
	}
	L := len(m.items)
	full, rem := m.n/L, m.n%L
	for k := range m.items {
		if m.items[k].positive() {
			positives += full
			if k < rem {
				positives++
			}
		}
	}
	for k := range m.pages {
		if m.pages[k].positive() {
			positives++
		}
	}
	return m.n + len(m.pages), positives
}

func (m *market) label(path string, it *item, price float64, cur string) Listing {
	return Listing{
		URL:        "http://" + m.Onion + path,
		Market:     m.Name,
		Site:       m.Onion,
		Title:      it.title,
		Positive:   it.positive(),
		Substances: it.substances[:len(it.substances):len(it.substances)], // shared, read-only
		Kind:       it.kind,
		Language:   it.lang,
		Vendor:     it.vendor,
		Price:      price,
		Currency:   cur,
	}
}

// handler routes a market's paths.
func (m *market) handler() http.Handler {
	if m.serve != nil {
		return m.serve
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", m.handleHome)
	if m.Layout == LayoutModern {
		mux.HandleFunc("GET /browse/{cat}", m.handleCategory)
		mux.HandleFunc("GET /item/{id}/{slug}", m.handleListing)
		mux.HandleFunc("GET /v/{vendor}", m.handleVendor)
		mux.HandleFunc("GET /terms", m.handleContent)
		mux.HandleFunc("GET /forum/{slug}", m.handleContent)
		mux.HandleFunc("GET /static/p/{file}", m.sim.handleImage)
	} else {
		mux.HandleFunc("GET /category/{cat}", m.handleCategory)
		mux.HandleFunc("GET /listing/{id}", m.handleListing)
		mux.HandleFunc("GET /vendor/{vendor}", m.handleVendor)
		mux.HandleFunc("GET /rules", m.handleContent)
		mux.HandleFunc("GET /news/{slug}", m.handleContent)
		mux.HandleFunc("GET /img/{file}", m.sim.handleImage)
	}
	return mux
}

func (m *market) handleHome(w http.ResponseWriter, r *http.Request) {
	writeHTML(w, http.StatusOK, m.renderHome())
}

func (m *market) handleCategory(w http.ResponseWriter, r *http.Request) {
	c := r.PathValue("cat")
	if _, ok := m.catItems[c]; !ok {
		m.notFound(w)
		return
	}
	page := 1
	if p := r.URL.Query().Get("page"); p != "" {
		v, err := strconv.Atoi(p)
		if err != nil || v < 1 || v > m.pageCount(c) {
			m.notFound(w)
			return
		}
		page = v
	}
	writeHTML(w, http.StatusOK, m.renderCategory(c, page))
}

func (m *market) handleListing(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 0 || id >= m.n {
		m.notFound(w)
		return
	}
	if slug := r.PathValue("slug"); m.Layout == LayoutModern && slug != m.items[id%len(m.items)].slug {
		m.notFound(w)
		return
	}
	writeHTML(w, http.StatusOK, m.renderListing(id))
}

func (m *market) handleVendor(w http.ResponseWriter, r *http.Request) {
	v := r.PathValue("vendor")
	for _, name := range m.vendors {
		if name == v {
			writeHTML(w, http.StatusOK, m.renderVendor(v))
			return
		}
	}
	m.notFound(w)
}

func (m *market) handleContent(w http.ResponseWriter, r *http.Request) {
	for k := range m.pages {
		if m.contentPath(&m.pages[k]) == r.URL.Path {
			writeHTML(w, http.StatusOK, m.renderContent(&m.pages[k]))
			return
		}
	}
	m.notFound(w)
}

func (m *market) notFound(w http.ResponseWriter) {
	writeHTML(w, http.StatusNotFound, m.frame("Not found", []crumb{{"Home", "/"}}, "<p>This page does not exist.</p>"))
}

func writeHTML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

type crumb struct{ name, href string }

// titleCase turns a category slug into a label.
func titleCase(slug string) string {
	words := strings.Split(slug, "-")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}
