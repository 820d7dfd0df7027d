package detect

import (
	"math/bits"
	"net/url"
	"strings"

	"github.com/fentinel/fentinel"
)

// pathKinds maps a URL path segment (lower case, extension dropped) to the
// page kind it suggests. Words from the market software families seen on
// onion markets, in the seven corpus languages where markets translate
// their paths.
var pathKinds = func() map[string]string {
	m := map[string]string{}
	add := func(kind string, words ...string) {
		for _, w := range words {
			m[w] = kind
		}
	}
	add(fentinel.PageListing, "listing", "item", "product", "offer", "oferta", "angebot", "artikel", "produto",
		"producto", "produit", "p", "detail", "details", "товар", "商品")
	add(fentinel.PageIndex, "index", "home", "category", "categories", "cat", "c", "browse", "search", "shop",
		"market", "marketplace", "catalog", "catalogue", "catalogo", "katalog", "kategorie", "kategorien", "categoria",
		"categorias", "categorie", "tag", "tags", "listings", "products", "items", "results", "vendors", "sellers",
		"каталог", "категория", "поиск", "分类", "搜索")
	add(fentinel.PageVendor, "vendor", "v", "seller", "user", "u", "profile", "member", "store", "vendedor",
		"verkaufer", "verkaeufer", "vendeur", "fornecedor", "proveedor", "продавец", "卖家")
	add(fentinel.PageForum, "forum", "forums", "thread", "threads", "topic", "topics", "t", "post", "posts",
		"viewtopic", "board", "boards", "discussion", "форум")
	add(fentinel.PageArticle, "news", "blog", "article", "articles", "wiki", "rules", "terms", "faq", "guide",
		"guides", "help", "about", "support", "noticias", "nachrichten", "actualites", "новости", "правила", "新闻")
	return m
}()

// kindRank orders kinds from the most to the least specific: a listing
// under a shop path ("/shop/item/12") is a listing, a thread in a news
// board ("/forum/news/thread/5") a forum post.
var kindRank = map[string]int{
	fentinel.PageListing: 5, fentinel.PageForum: 4, fentinel.PageArticle: 3, fentinel.PageVendor: 2, fentinel.PageIndex: 1,
}

// pageKind guesses what sort of page doc is, from its URL path and, when
// the path says nothing, from its structure (elements naming several
// vendors make an index). "" when neither tells.
func pageKind(rawURL string, doc *document) string {
	kind := urlKind(rawURL)
	if kind == "" && doc != nil && doc.vendorMulti {
		kind = fentinel.PageIndex
	}
	return kind
}

// urlKind reads the page kind from the path (and search query) of rawURL,
// without a full URL parse.
func urlKind(rawURL string) string {
	i := schemeEnd(rawURL)
	if i < 0 {
		return ""
	}
	rest := rawURL[i+3:]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		return fentinel.PageIndex // "http://host": the home page
	}
	path := rest[j:]
	best, bare, end := walkPath(path)
	query := ""
	if end < len(path) && path[end] == '?' {
		query = path[end+1:]
		if h := strings.IndexByte(query, '#'); h >= 0 {
			query = query[:h]
		}
	}
	if best == "" && bare {
		best = fentinel.PageIndex // the home page, or "/?q=…" search
	}
	if best == "" || best == fentinel.PageIndex {
		for rest := query; rest != ""; {
			kv, tail, _ := strings.Cut(rest, "&")
			rest = tail
			if k, _, _ := strings.Cut(kv, "="); k == "q" || k == "search" || k == "query" {
				return fentinel.PageIndex
			}
		}
	}
	return best
}

// Classes of path bytes for walkPath (urlPathClass).
const (
	upPlain  = iota // nothing to note
	upFold          // an upper-case ASCII letter or a non-ASCII byte: the segment needs lower-casing
	upDot           // '.', which may start an extension
	upSlash         // '/', which ends a segment
	upEnd           // '?' or '#', which ends the path
	upEscape        // '%': the path is read unescaped (escapedPathKind)
)

// urlPathClass is the walkPath class of every byte.
var urlPathClass = func() (t [256]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = upFold
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = upFold
	}
	t['.'], t['/'], t['?'], t['#'], t['%'] = upDot, upSlash, upEnd, upEnd, upEscape
	return t
}()

// walkPath reads the page kind of the segments of path, up to its query
// or fragment, in one walk over its bytes: best is the most specific kind
// a segment names (kindRank), each segment read without its extension and
// lower-cased; bare reports whether that part of path is nothing but
// slashes; end is the index of the first '?' or '#', or len(path). It
// finds what splitting the path at "?#", unescaping it when it holds a
// '%' (escapedPathKind does that), trimming its slashes and cutting it at
// each '/' finds.
func walkPath(path string) (best string, bare bool, end int) {
	bare = true
	seg, dot, fold := 0, -1, false // the current segment's start, its last '.', and whether it needs lower-casing
	end = len(path)
walk:
	for k := 0; k < len(path); k++ {
		for urlPathClass[path[k]] == upPlain { // most bytes: a tight loop
			if k++; k == len(path) {
				break walk
			}
		}
		switch urlPathClass[path[k]] {
		case upFold:
			fold = true
		case upDot:
			dot = k
		case upSlash:
			if k > seg {
				best, bare = segmentKind(path[seg:k], dot-seg, fold, best), false
			}
			seg, dot, fold = k+1, -1, false
		case upEnd:
			end = k
			break walk
		default: // upEscape
			return escapedPathKind(path)
		}
	}
	if end > seg {
		best, bare = segmentKind(path[seg:end], dot-seg, fold, best), false
	}
	return best, bare, end
}

// segmentKind is best, or the kind the path segment seg names if that is
// more specific: seg is read without its extension (from its last '.', at
// index dot, when that is not its first byte) and lower-cased when fold
// is set (fold may be set needlessly, never wrongly: lowerSegment changes
// only what needs it).
func segmentKind(seg string, dot int, fold bool, best string) string {
	if dot > 0 {
		seg = seg[:dot] // "news.html", "viewtopic.php"
	}
	if fold {
		seg = lowerSegment(seg)
	}
	if k := pathKind(seg); k != "" && rankOf(k) > rankOf(best) {
		return k
	}
	return best
}

// escapedPathKind is walkPath for a path with a '%' before its query or
// fragment: the path is read unescaped (when it unescapes), with
// strings.Trim and strings.Cut.
func escapedPathKind(path string) (best string, bare bool, end int) {
	end = len(path)
	if k := indexQueryOrFragment(path); k >= 0 {
		end = k
	}
	p := path[:end]
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	trimmed := strings.Trim(p, "/")
	for rest := trimmed; rest != ""; {
		seg, tail, _ := strings.Cut(rest, "/")
		rest = tail
		if seg != "" {
			best = segmentKind(seg, strings.LastIndexByte(seg, '.'), true, best)
		}
	}
	return best, trimmed == "", end
}

// pathKindIndex finds the pathKinds words; pathKindOf holds their kinds.
var pathKindIndex, pathKindOf = wordIndexOf(pathKinds)

// pathKind is pathKinds[seg], "" when seg is not a kind word.
func pathKind(seg string) string {
	if !pathKindIndex.mayHave(seg) {
		return ""
	}
	if i := pathKindIndex.probe(seg); i >= 0 {
		return pathKindOf[i]
	}
	return ""
}

// rankOf is kindRank[k] (0 for "" and unknown kinds) as a switch.
func rankOf(k string) int {
	switch k {
	case fentinel.PageListing:
		return 5
	case fentinel.PageForum:
		return 4
	case fentinel.PageArticle:
		return 3
	case fentinel.PageVendor:
		return 2
	case fentinel.PageIndex:
		return 1
	}
	return 0
}

// indexQueryOrFragment is strings.IndexAny(path, "?#"): both are ASCII, so
// a byte scan finds what the rune scan finds; eight bytes a step.
func indexQueryOrFragment(path string) int {
	const ones = 0x0101010101010101
	i := 0
	for ; i+8 <= len(path); i += 8 {
		x := le64(path, i)
		if z := nulBytes(x^'?'*ones) | nulBytes(x^'#'*ones); z != 0 {
			return i + bits.TrailingZeros64(z)>>3
		}
	}
	for ; i < len(path); i++ {
		if path[i] == '?' || path[i] == '#' {
			return i
		}
	}
	return -1
}

// schemeEnd is strings.Index(rawURL, "://"), answered without a search
// for the usual http and https addresses (neither prefix holds an earlier
// colon).
func schemeEnd(rawURL string) int {
	switch {
	case strings.HasPrefix(rawURL, "http://"):
		return len("http")
	case strings.HasPrefix(rawURL, "https://"):
		return len("https")
	}
	return strings.Index(rawURL, "://")
}

// lowerSegment is strings.ToLower(seg), which returns seg itself when it
// is ASCII without an upper-case letter: that test is made here eight
// bytes a step (a path segment is often a long id) before falling back to
// strings.ToLower.
func lowerSegment(seg string) string {
	const ones, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(seg); i += 8 {
		x := le64(seg, i)
		// For bytes below 0x80 the sums stay within their byte: the high
		// bit of x+0x3f.. marks bytes >= 'A', that of x+0x25.. bytes > 'Z'.
		if x&hi != 0 || (x+(0x80-'A')*ones)&^(x+(0x80-'Z'-1)*ones)&hi != 0 {
			return strings.ToLower(seg)
		}
	}
	for ; i < len(seg); i++ {
		if c := seg[i]; c >= 0x80 || c >= 'A' && c <= 'Z' {
			return strings.ToLower(seg)
		}
	}
	return seg
}
