package detect

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/marketsim"
)

func TestURLKind(t *testing.T) {
	const h = "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"
	for _, c := range []struct{ url, want string }{
		{h, fentinel.PageIndex},
		{h + "/", fentinel.PageIndex},
		{h + "/?q=fentanyl", fentinel.PageIndex},
		{h + "/listing/3", fentinel.PageListing},
		{h + "/item/7/lsd-blotters", fentinel.PageListing},
		{h + "/shop/item/12", fentinel.PageListing},
		{h + "/vendor/NitroSynth/item/4", fentinel.PageListing},
		{h + "/product.php?id=9", fentinel.PageListing},
		{h + "/category/opioids?page=2", fentinel.PageIndex},
		{h + "/browse/opioids", fentinel.PageIndex},
		{h + "/search?q=m30", fentinel.PageIndex},
		{h + "/listings?sort=new", fentinel.PageIndex},
		{h + "/vendors", fentinel.PageIndex},
		{h + "/v/NitroSynth", fentinel.PageVendor},
		{h + "/vendor/ChemSynth7", fentinel.PageVendor},
		{h + "/%D0%BF%D1%80%D0%BE%D0%B4%D0%B0%D0%B2%D0%B5%D1%86/x", fentinel.PageVendor}, // /продавец/x
		{h + "/forum/thread/5", fentinel.PageForum},
		{h + "/forum/news/thread/5", fentinel.PageForum},
		{h + "/viewtopic.php?t=4", fentinel.PageForum},
		{h + "/news/fentanyl-deaths", fentinel.PageArticle},
		{h + "/rules", fentinel.PageArticle},
		{h + "/terms#escrow", fentinel.PageArticle},
		{h + "/wallet", ""},
		{h + "/en-news-01.html", ""}, // a file named after its topic says nothing
		{"not a url", ""},
		{"", ""},
	} {
		if got := urlKind(c.url); got != c.want {
			t.Errorf("urlKind(%q) = %q, want %q", strings.TrimPrefix(c.url, h), got, c.want)
		}
	}
}

// TestSimulatorPageKinds fetches the simulator's pages through its SOCKS
// proxy: the home pages are indexes, every ground-truth listing a listing,
// news, forum and rules pages articles or forum posts, and the category
// and vendor pages linked from the home page indexes and vendors.
func TestSimulatorPageKinds(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sim, err := marketsim.Start(ctx, marketsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	d := defaultDetector(t)
	c := simClient(t, sim)
	kindOf := func(u string) string { return d.Detect(simFetch(t, c, u)).PageKind }

	links := regexp.MustCompile(`href="(/(?:category|browse|vendor|v)/[^"?]+)"`)
	for _, m := range sim.Markets() {
		home := simFetch(t, c, m.Home())
		if k := d.Detect(home).PageKind; k != fentinel.PageIndex {
			t.Errorf("%s: kind %q, want index", m.Home(), k)
		}
		seen := map[string]bool{}
		for _, l := range links.FindAllStringSubmatch(string(home.Body), -1) {
			path := l[1]
			if seen[path] {
				continue
			}
			seen[path] = true
			want := fentinel.PageIndex
			if strings.HasPrefix(path, "/v/") || strings.HasPrefix(path, "/vendor/") {
				want = fentinel.PageVendor
			}
			if k := kindOf("http://" + m.Onion + path); k != want {
				t.Errorf("%s%s: kind %q, want %q", m.Onion, path, k, want)
			}
		}
		if len(seen) == 0 {
			t.Errorf("%s: no category or vendor links on the home page", m.Name)
		}
	}
	counts := map[string]int{}
	for _, l := range sim.Truth() {
		if l.Gate != "" {
			continue
		}
		want := fentinel.PageListing
		switch l.Kind {
		case marketsim.KindNews, marketsim.KindRules:
			want = fentinel.PageArticle
		case marketsim.KindHarmReduction, marketsim.KindPharmacology:
			want = "" // forum or news path depending on the layout
		}
		k := kindOf(l.URL)
		counts[k]++
		if want != "" && k != want {
			t.Errorf("%s (%s): kind %q, want %q", l.URL, l.Kind, k, want)
		}
		if want == "" && k != fentinel.PageForum && k != fentinel.PageArticle {
			t.Errorf("%s (%s): kind %q, want forum or article", l.URL, l.Kind, k)
		}
	}
	t.Logf("ground-truth pages by kind: %v", counts)
}

// TestURLHelpersEqualStrings: indexQueryOrFragment is strings.IndexAny(s,
// "?#"), schemeEnd is strings.Index(s, "://") and
// lowerSegment is strings.ToLower on every rune in every position of a
// segment, the ASCII range boundaries and scheme prefixes.
func TestURLHelpersEqualStrings(t *testing.T) {
	texts := []string{"", ":", "://", ":/", "a:/b://c", "http://x", "x:", "x:/", "::://", "abc@[]`{}", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghzZ"}
	for r := rune(0); r < 0x3000; r++ {
		for _, f := range []string{"%c", "abcdefg%c", "%cabcdefgh", "abcdefghijklmnop%cq"} {
			texts = append(texts, strings.Replace(f, "%c", string(r), 1))
		}
	}
	texts = append(texts, "\xff", "abcdefgh\xff", "\u212a", "\u0130stanbul")
	texts = append(texts, "abcdefgh?", "abcdefg#h", "a/b/c/d/e/f/g?h#i", "12345678901234567#", "\xff\xfe?#", "http://", "https://", "http:/", "https:", "httpx://", "http://a://b", "https://a", "xhttp://", "HTTP://x")
	for _, s := range texts {
		if got, want := indexQueryOrFragment(s), strings.IndexAny(s, "?#"); got != want {
			t.Fatalf("indexQueryOrFragment(%q) = %d, want %d", s, got, want)
		}
		if got, want := schemeEnd(s), strings.Index(s, "://"); got != want {
			t.Fatalf("schemeEnd(%q) = %d, want %d", s, got, want)
		}
		if got, want := lowerSegment(s), strings.ToLower(s); got != want {
			t.Fatalf("lowerSegment(%q) = %q, want %q", s, got, want)
		}
	}
}
