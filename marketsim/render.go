package marketsim

import (
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
)

var esc = html.EscapeString

// frame wraps content in the market's page chrome.
func (m *market) frame(title string, crumbs []crumb, content string) string {
	var b strings.Builder
	b.Grow(len(content) + 2048)
	if m.Layout == LayoutModern {
		b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`)
		fmt.Fprintf(&b, "<title>%s | %s</title>", esc(m.Name), esc(title))
		b.WriteString(`<style>.product-card{border-radius:8px}.price-tag .ticker{font-weight:bold}</style></head><body class="mm">`)
		fmt.Fprintf(&b, `<header class="topbar"><nav class="mainnav"><a class="brand" href="/">%s</a>`, esc(m.Name))
		for _, c := range m.cats {
			fmt.Fprintf(&b, `<a class="nav-link" href="%s">%s</a>`, m.categoryPath(c, 1), esc(titleCase(c)))
		}
		b.WriteString(`<a class="nav-link" href="/terms">Terms</a></nav></header>`)
		b.WriteString(`<nav aria-label="breadcrumb"><ol class="breadcrumb">`)
		for i, c := range crumbs {
			if i == len(crumbs)-1 || c.href == "" {
				fmt.Fprintf(&b, `<li class="breadcrumb-item active">%s</li>`, esc(c.name))
			} else {
				fmt.Fprintf(&b, `<li class="breadcrumb-item"><a href="%s">%s</a></li>`, c.href, esc(c.name))
			}
		}
		b.WriteString(`</ol></nav><main class="container">`)
		b.WriteString(content)
		fmt.Fprintf(&b, `</main><footer class="site-footer"><p>%s &middot; escrow &middot; PGP required</p></footer></body></html>`, esc(m.Name))
		return b.String()
	}
	b.WriteString(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">`)
	fmt.Fprintf(&b, "<title>%s :: %s</title></head><body bgcolor=\"#f0f0e8\">", esc(title), esc(m.Name))
	fmt.Fprintf(&b, `<table class="frame" width="100%%" cellpadding="4"><tr><td class="logo"><a href="/"><b>%s</b></a></td><td class="menu" align="right"><a href="/">Home</a> | `, esc(m.Name))
	for _, c := range m.cats {
		fmt.Fprintf(&b, `<a href="%s">%s</a> | `, m.categoryPath(c, 1), esc(titleCase(c)))
	}
	b.WriteString(`<a href="/rules">Rules</a></td></tr></table><div class="crumbs">`)
	for i, c := range crumbs {
		if i > 0 {
			b.WriteString(" &raquo; ")
		}
		if i == len(crumbs)-1 || c.href == "" {
			b.WriteString(esc(c.name))
		} else {
			fmt.Fprintf(&b, `<a href="%s">%s</a>`, c.href, esc(c.name))
		}
	}
	b.WriteString(`</div><table class="content" width="100%"><tr><td>`)
	b.WriteString(content)
	fmt.Fprintf(&b, `</td></tr></table><hr><div class="footer">%s &copy; all trades in escrow</div></body></html>`, esc(m.Name))
	return b.String()
}

func (m *market) renderHome() string {
	var b strings.Builder
	if m.Layout == LayoutModern {
		b.WriteString(`<section class="hero"><h1>Welcome to ` + esc(m.Name) + `</h1><p>Trusted vendors, multisig escrow.</p></section>`)
		b.WriteString(`<section class="categories"><h2>Categories</h2><div class="cat-grid">`)
		for _, c := range m.cats {
			fmt.Fprintf(&b, `<a class="cat-tile" href="%s">%s <span class="count">%d</span></a>`, m.categoryPath(c, 1), esc(titleCase(c)), m.catCount(c))
		}
		b.WriteString(`</div></section><section class="featured"><h2>Featured</h2><div class="card-grid">`)
		for id := 0; id < min(6, m.n); id++ {
			b.WriteString(m.card(id))
		}
		b.WriteString(`</div></section><section class="forum"><h2>Forum</h2><ul class="posts">`)
		for k := range m.pages {
			fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, m.contentPath(&m.pages[k]), esc(m.pages[k].title))
		}
		b.WriteString(`</ul></section><section class="vendors"><h2>Top vendors</h2><ul>`)
		for _, v := range m.vendors {
			fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, m.vendorPath(v), esc(v))
		}
		b.WriteString(`</ul></section>`)
	} else {
		b.WriteString(`<h2>Welcome to ` + esc(m.Name) + `</h2><table class="cats" border="1"><tr><th>Category</th><th>Listings</th></tr>`)
		for _, c := range m.cats {
			fmt.Fprintf(&b, `<tr><td><a href="%s">%s</a></td><td>%d</td></tr>`, m.categoryPath(c, 1), esc(titleCase(c)), m.catCount(c))
		}
		b.WriteString(`</table><h3>Featured listings</h3><table class="listings" border="1"><tr><th>Item</th><th>Price</th><th>Vendor</th></tr>`)
		for id := 0; id < min(6, m.n); id++ {
			b.WriteString(m.row(id))
		}
		b.WriteString(`</table><h3>Announcements</h3><ul class="news">`)
		for k := range m.pages {
			fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, m.contentPath(&m.pages[k]), esc(m.pages[k].title))
		}
		b.WriteString(`</ul><h3>Vendors</h3><ul class="vendors">`)
		for _, v := range m.vendors {
			fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, m.vendorPath(v), esc(v))
		}
		b.WriteString(`</ul>`)
	}
	if len(m.Mirrors) > 0 {
		b.WriteString(`<div class="mirrors"><h3>Mirrors</h3><p>Bookmark all of our official mirrors:</p><ul>`)
		for _, o := range append([]string{m.Onion}, m.Mirrors...) {
			fmt.Fprintf(&b, `<li><a href="http://%s/">http://%s/</a></li>`, o, o)
		}
		b.WriteString(`</ul></div>`)
	}
	return m.frame("Home", []crumb{{"Home", "/"}}, b.String())
}

// row is a classic table row for a listing.
func (m *market) row(id int) string {
	it := m.listing(id)
	_, _, ptxt := m.price(&it)
	return fmt.Sprintf(`<tr><td><a href="%s">%s</a></td><td class="price">%s</td><td><a href="%s">%s</a></td></tr>`,
		m.listingPath(id), esc(it.title), esc(ptxt), m.vendorPath(it.vendor), esc(it.vendor))
}

// card is a modern card for a listing.
func (m *market) card(id int) string {
	it := m.listing(id)
	p, cur, _ := m.price(&it)
	return fmt.Sprintf(`<div class="product-card"><a class="card-link" href="%s"><h3 class="card-title">%s</h3></a><div class="price-tag"><span class="amount">%s</span> <span class="ticker">%s</span></div><div class="card-vendor">by <a href="%s">%s</a></div></div>`,
		m.listingPath(id), esc(it.title), strconv.FormatFloat(p, 'f', -1, 64), cur, m.vendorPath(it.vendor), esc(it.vendor))
}

func (m *market) renderCategory(c string, page int) string {
	ps := m.sim.opts.PageSize
	total := m.catCount(c)
	pages := m.pageCount(c)
	var b strings.Builder
	if m.Layout == LayoutModern {
		fmt.Fprintf(&b, `<h1 class="cat-title">%s</h1><p class="muted">%d results</p><div class="card-grid">`, esc(titleCase(c)), total)
		for j := (page - 1) * ps; j < min(page*ps, total); j++ {
			b.WriteString(m.card(m.catListing(c, j)))
		}
		b.WriteString(`</div>`)
	} else {
		fmt.Fprintf(&b, `<h2>%s</h2><table class="listings" border="1" width="100%%"><tr><th>Item</th><th>Price</th><th>Vendor</th></tr>`, esc(titleCase(c)))
		for j := (page - 1) * ps; j < min(page*ps, total); j++ {
			b.WriteString(m.row(m.catListing(c, j)))
		}
		b.WriteString(`</table>`)
	}
	b.WriteString(m.pager(c, page, pages))
	return m.frame(titleCase(c), []crumb{{"Home", "/"}, {titleCase(c), m.categoryPath(c, 1)}}, b.String())
}

// pager links to the first and last page, the three pages either side,
// every 10th page within 50, every 100th within 500, every 1,000th within
// 5,000 and every 10,000th,
// so any page of a deep category is a few clicks away and no page carries
// more than a few dozen links.
func (m *market) pager(c string, page, pages int) string {
	if pages <= 1 {
		return ""
	}
	var b strings.Builder
	cls := "pages"
	if m.Layout == LayoutModern {
		cls = "pagination"
	}
	fmt.Fprintf(&b, `<div class="%s">`, cls)
	if page > 1 {
		fmt.Fprintf(&b, `<a rel="prev" href="%s">&laquo; Prev</a> `, m.categoryPath(c, page-1))
	}
	targets := pagerTargets(page, pages)
	current := false
	for _, p := range targets {
		if p > page && !current {
			fmt.Fprintf(&b, `<b>%d</b> `, page)
			current = true
		}
		fmt.Fprintf(&b, `<a href="%s">%d</a> `, m.categoryPath(c, p), p)
	}
	if !current {
		fmt.Fprintf(&b, `<b>%d</b> `, page)
	}
	if page < pages {
		fmt.Fprintf(&b, `<a rel="next" href="%s">Next &raquo;</a>`, m.categoryPath(c, page+1))
	}
	b.WriteString(`</div>`)
	return b.String()
}

func (m *market) renderListing(id int) string {
	it := m.listing(id)
	p, cur, ptxt := m.price(&it)
	var b strings.Builder
	crumbs := []crumb{{"Home", "/"}, {titleCase(it.category), m.categoryPath(it.category, 1)}, {it.title, ""}}
	if m.Layout == LayoutModern {
		lang := ""
		if it.lang != "en" {
			lang = ` lang="` + it.lang + `"`
		}
		fmt.Fprintf(&b, `<article class="product-view"%s><div class="product-card"><h1 class="product-title">%s</h1>`, lang, esc(it.title))
		for k := 0; k < it.images; k++ {
			fmt.Fprintf(&b, `<img class="product-img" src="%s" alt="product photo %d" width="320" height="240">`, m.imagePath(id, k), k+1)
		}
		fmt.Fprintf(&b, `<div class="price-tag"><span class="amount">%s</span> <span class="ticker">%s</span></div>`, strconv.FormatFloat(p, 'f', -1, 64), cur)
		fmt.Fprintf(&b, `<ul class="specs"><li><span class="k">Quantity</span> <span class="v">%s</span></li><li><span class="k">Ships from</span> <span class="v">%s</span></li><li><span class="k">Ships to</span> <span class="v">%s</span></li></ul>`,
			esc(it.qty), esc(it.shipsFrom), esc(it.shipsTo))
		fmt.Fprintf(&b, `<div class="vendor-box"><span class="label">Vendor</span> <a class="vendor-name" href="%s">%s</a> <span class="rating">4.8 &#9733;</span> <span class="sales">%d sales</span></div>`,
			m.vendorPath(it.vendor), esc(it.vendor), 100+len(it.vendor)*17)
		b.WriteString(`<section class="description">`)
		for _, d := range it.desc {
			fmt.Fprintf(&b, "<p>%s</p>", esc(d))
		}
		b.WriteString(`</section><form class="buy" method="post" action="/cart"><input type="number" name="qty" value="1"><button class="buy-btn" type="submit">Buy now</button></form></div></article>`)
	} else {
		fmt.Fprintf(&b, `<h2>%s</h2><table class="listing" border="1" cellpadding="3">`, esc(it.title))
		fmt.Fprintf(&b, `<tr><th align="left">Price</th><td class="price">%s</td></tr>`, esc(ptxt))
		fmt.Fprintf(&b, `<tr><th align="left">Quantity</th><td>%s</td></tr>`, esc(it.qty))
		fmt.Fprintf(&b, `<tr><th align="left">Vendor</th><td><a href="%s">%s</a> (Level %d)</td></tr>`, m.vendorPath(it.vendor), esc(it.vendor), 1+len(it.vendor)%9)
		fmt.Fprintf(&b, `<tr><th align="left">Ships from</th><td>%s</td></tr><tr><th align="left">Ships to</th><td>%s</td></tr>`, esc(it.shipsFrom), esc(it.shipsTo))
		b.WriteString(`<tr><th align="left">Escrow</th><td>Yes</td></tr></table>`)
		for k := 0; k < it.images; k++ {
			fmt.Fprintf(&b, `<img src="%s" alt="photo" width="200" height="150"> `, m.imagePath(id, k))
		}
		b.WriteString(`<h3>Description</h3>`)
		for _, d := range it.desc {
			fmt.Fprintf(&b, "<p>%s</p>", esc(d))
		}
		b.WriteString(`<form method="post" action="/cart/add"><input type="hidden" name="id" value="` + strconv.Itoa(id) + `"><input type="submit" value="Add to cart"></form>`)
	}
	return m.frame(it.title, crumbs, b.String())
}

func (m *market) renderVendor(v string) string {
	var b strings.Builder
	var ids []int
	for k, it := range m.items {
		if it.vendor == v {
			ids = append(ids, k)
		}
	}
	key := identityKey(m.Name, v)
	if m.Layout == LayoutModern {
		fmt.Fprintf(&b, `<div class="vendor-profile"><h1 class="vendor-title">%s</h1><div class="badges"><span class="badge">Verified</span><span class="badge">Escrow</span></div>`, esc(v))
		fmt.Fprintf(&b, `<div class="wallets"><p>Monero: <code class="xmr">%s</code></p><p>Bitcoin: <code class="btc">%s</code></p></div>`, key.xmr, key.btc)
		fmt.Fprintf(&b, `<div class="pgp"><p>Fingerprint: <code>%s</code></p><pre class="pgp-key">%s</pre></div><h2>Listings</h2><div class="card-grid">`, key.fingerprint, key.armor)
		for _, id := range ids {
			b.WriteString(m.card(id))
		}
		b.WriteString(`</div></div>`)
	} else {
		fmt.Fprintf(&b, `<h2>Vendor: %s</h2><table class="vendor" border="1"><tr><th>Level</th><td>%d</td></tr><tr><th>BTC</th><td>%s</td></tr><tr><th>XMR</th><td>%s</td></tr><tr><th>PGP fingerprint</th><td>%s</td></tr></table>`,
			esc(v), 1+len(v)%9, key.btc, key.xmr, key.fingerprint)
		fmt.Fprintf(&b, `<h3>PGP public key</h3><pre>%s</pre><h3>Listings</h3><table class="listings" border="1"><tr><th>Item</th><th>Price</th><th>Vendor</th></tr>`, key.armor)
		for _, id := range ids {
			b.WriteString(m.row(id))
		}
		b.WriteString(`</table>`)
	}
	return m.frame(v, []crumb{{"Home", "/"}, {"Vendors", ""}, {v, ""}}, b.String())
}

func (m *market) renderContent(it *item) string {
	var b strings.Builder
	if m.Layout == LayoutModern {
		fmt.Fprintf(&b, `<article class="post"><h1 class="post-title">%s</h1><div class="post-meta">posted by staff</div>`, esc(it.title))
		for _, d := range it.desc {
			fmt.Fprintf(&b, "<p>%s</p>", esc(d))
		}
		b.WriteString(`</article>`)
	} else {
		fmt.Fprintf(&b, `<h2>%s</h2><table class="post" border="0"><tr><td>`, esc(it.title))
		for _, d := range it.desc {
			fmt.Fprintf(&b, "<p>%s</p>", esc(d))
		}
		b.WriteString(`</td></tr></table>`)
	}
	return m.frame(it.title, []crumb{{"Home", "/"}, {it.title, ""}}, b.String())
}

// pagerTargets returns the pages the pager of page links, in order.
func pagerTargets(page, pages int) []int {
	set := map[int]bool{}
	add := func(p int) {
		if p >= 1 && p <= pages && p != page {
			set[p] = true
		}
	}
	if pages <= 15 {
		for p := 1; p <= pages; p++ {
			add(p)
		}
	} else {
		add(1)
		add(pages)
		for d := -3; d <= 3; d++ {
			add(page + d)
		}
		for _, tier := range []struct{ step, reach int }{{10, 50}, {100, 500}, {1000, 5000}, {10000, pages}} {
			for p := (page - tier.reach) / tier.step * tier.step; p <= page+tier.reach; p += tier.step {
				add(p)
			}
		}
	}
	out := make([]int, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}
