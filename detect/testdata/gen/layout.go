package main

import (
	"fmt"
	"html"
	"math/rand/v2"
	"strings"
)

// page is one corpus page before rendering.
type page struct {
	file       string
	layout     string // product, search, vendor, forum, news, shop, page
	lang       *phrases
	positive   bool
	category   string
	evasion    string
	substances []string
	note       string

	site      string
	title     string   // raw HTML allowed (evasions use markup)
	paras     []string // raw HTML paragraphs
	price     string
	vendor    string
	shipsFrom string
	shipsTo   string
	qty       string
	items     []card // search results / vendor products
	posts     []post // forum
	charset   string // "" (utf-8), "windows-1251", "gbk"
	pgp       bool
	btc       bool
}

type card struct {
	title, price, vendor string
}

type post struct {
	author, body string
}

func esc(s string) string { return html.EscapeString(s) }

func nav(p *page, r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(`<nav class="topnav"><ul>`)
	for _, w := range p.lang.navWords {
		fmt.Fprintf(&b, `<li><a href="/%s">%s</a></li>`, strings.ToLower(w), esc(w))
	}
	b.WriteString(`</ul></nav>`)
	return b.String()
}

func footer(p *page) string {
	return `<footer class="site-footer"><p>` + esc(p.site) + ` &middot; PGP &middot; Canary &middot; ` + esc(strings.Join(p.lang.navWords[len(p.lang.navWords)-2:], " · ")) + `</p></footer>`
}

func head(p *page, title string) string {
	cs := "utf-8"
	if p.charset != "" {
		cs = p.charset
	}
	return `<!DOCTYPE html><html lang="` + p.lang.code + `"><head><meta charset="` + cs + `"><title>` + title + ` | ` + esc(p.site) + `</title>` +
		`<style>body{font-family:sans-serif}.price{color:green}</style><script>var t=1;</script></head><body>`
}

// render turns a page into HTML.
func render(p *page, r *rand.Rand) string {
	var b strings.Builder
	switch p.layout {
	case "product":
		b.WriteString(head(p, p.title))
		b.WriteString(nav(p, r))
		b.WriteString(`<div class="breadcrumb"><a href="/">` + esc(p.lang.navWords[0]) + `</a> &gt; <a href="/c">` + esc(p.lang.navWords[1]) + `</a></div>`)
		b.WriteString(`<div class="container"><div class="listing">`)
		b.WriteString(`<h1 class="listing-title">` + p.title + `</h1>`)
		if r.IntN(2) == 0 {
			b.WriteString(`<img src="/img/1.jpg" alt="` + esc(stripTags(p.title)) + `">`)
		}
		b.WriteString(`<table class="details">`)
		if p.price != "" {
			b.WriteString(`<tr><td>Price</td><td class="price">` + esc(p.price) + `</td></tr>`)
		}
		if p.qty != "" {
			b.WriteString(`<tr><td>Qty</td><td>` + esc(p.qty) + `</td></tr>`)
		}
		if p.vendor != "" {
			b.WriteString(`<tr><td>Vendor</td><td class="vendor"><a href="/v/` + esc(p.vendor) + `">` + esc(p.vendor) + `</a></td></tr>`)
		}
		if p.shipsFrom != "" {
			b.WriteString(`<tr><td>Ships from</td><td class="ships-from">` + esc(p.shipsFrom) + `</td></tr>`)
		}
		if p.shipsTo != "" {
			b.WriteString(`<tr><td>Ships to</td><td class="ships-to">` + esc(p.shipsTo) + `</td></tr>`)
		}
		b.WriteString(`</table><div class="description">`)
		for _, para := range p.paras {
			b.WriteString(`<p>` + para + `</p>`)
		}
		b.WriteString(`</div>`)
		if p.btc {
			b.WriteString(`<p>BTC: ` + btcAddr(r) + `</p>`)
		}
		if p.price != "" {
			b.WriteString(`<form><input type="number" value="1"><button type="submit">` + esc(p.lang.buyNow[r.IntN(len(p.lang.buyNow))]) + `</button></form>`)
		}
		b.WriteString(`</div><aside class="sidebar"><h4>` + esc(p.lang.navWords[1]) + `</h4><ul><li>Cannabis</li><li>Stimulants</li><li>Opioids</li><li>Benzos</li></ul></aside></div>`)
	case "search":
		b.WriteString(head(p, p.title))
		b.WriteString(nav(p, r))
		b.WriteString(`<main><h1>` + p.title + `</h1><div class="results">`)
		for _, c := range p.items {
			b.WriteString(`<div class="result-card"><h3><a href="/item/` + fmt.Sprint(r.IntN(9999)) + `">` + c.title + `</a></h3><span class="price">` + esc(c.price) + `</span> <span class="seller">` + esc(c.vendor) + `</span> <a class="btn" href="#">` + esc(p.lang.buyNow[0]) + `</a></div>`)
		}
		for _, para := range p.paras {
			b.WriteString(`<p>` + para + `</p>`)
		}
		b.WriteString(`</div></main>`)
	case "vendor":
		b.WriteString(head(p, esc(p.vendor)))
		b.WriteString(nav(p, r))
		b.WriteString(`<div class="profile"><h1>` + esc(p.vendor) + `</h1><div class="bio">`)
		for _, para := range p.paras {
			b.WriteString(`<p>` + para + `</p>`)
		}
		b.WriteString(`</div><h2>Listings</h2><table class="products">`)
		for _, c := range p.items {
			b.WriteString(`<tr><td>` + c.title + `</td><td class="price">` + esc(c.price) + `</td></tr>`)
		}
		b.WriteString(`</table>`)
		if p.pgp {
			b.WriteString(`<pre>` + pgpBlock() + `</pre>`)
		}
		b.WriteString(`</div>`)
	case "forum":
		b.WriteString(head(p, p.title))
		b.WriteString(nav(p, r))
		b.WriteString(`<div class="thread"><h1>` + p.title + `</h1>`)
		for i, po := range p.posts {
			fmt.Fprintf(&b, `<div class="post"><div class="author">%s</div><div class="meta">#%d</div><div class="content">%s</div><a href="#">Reply</a></div>`, esc(po.author), i+1, po.body)
		}
		b.WriteString(`</div>`)
	case "news":
		b.WriteString(head(p, p.title))
		b.WriteString(nav(p, r))
		b.WriteString(`<article><h1>` + p.title + `</h1><p class="byline">` + esc(p.vendor) + ` · 2026-0` + fmt.Sprint(1+r.IntN(9)) + `-1` + fmt.Sprint(r.IntN(9)) + `</p>`)
		for _, para := range p.paras {
			b.WriteString(`<p>` + para + `</p>`)
		}
		b.WriteString(`</article>`)
	case "shop":
		b.WriteString(head(p, p.title))
		b.WriteString(`<header class="header"><div class="logo">` + esc(p.site) + `</div></header>`)
		b.WriteString(`<div class="product-detail"><h1>` + p.title + `</h1><table class="spec">`)
		if p.price != "" {
			b.WriteString(`<tr><th>Price</th><td>` + esc(p.price) + `</td></tr>`)
		}
		if p.qty != "" {
			b.WriteString(`<tr><th>MOQ</th><td>` + esc(p.qty) + `</td></tr>`)
		}
		b.WriteString(`</table>`)
		for _, para := range p.paras {
			b.WriteString(`<p>` + para + `</p>`)
		}
		b.WriteString(`</div>`)
	default: // "page": rules, static pages
		b.WriteString(head(p, p.title))
		b.WriteString(nav(p, r))
		b.WriteString(`<div class="content"><h1>` + p.title + `</h1><ol>`)
		for _, para := range p.paras {
			b.WriteString(`<li>` + para + `</li>`)
		}
		b.WriteString(`</ol></div>`)
	}
	b.WriteString(footer(p))
	b.WriteString(`</body></html>`)
	return b.String()
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

const b58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// btcAddr is a random base58 string shaped like an address; the corpus does
// not need valid checksums (entity tests use their own fixtures).
func btcAddr(r *rand.Rand) string {
	var b strings.Builder
	b.WriteByte('1')
	for i := 0; i < 33; i++ {
		b.WriteByte(b58[r.IntN(len(b58))])
	}
	return b.String()
}

func pgpBlock() string {
	return "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ0000BYJKwYBBAHaRw8BAQdAsyntheticsyntheticsyntheticsyntheticAAAA\n=AbCd\n-----END PGP PUBLIC KEY BLOCK-----"
}
