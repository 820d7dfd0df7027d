package crawler

import (
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAnalyzeBlocks(t *testing.T) {
	base := mustURL(t, "http://"+testOnion("an")+"/x")
	tests := []struct {
		file                     string
		queue, captcha, password bool
		refresh                  int
	}{
		{"queue.html", true, false, false, 10},
		{"captcha.html", false, true, false, -1},
		{"login.html", false, false, true, -1},
		{"listing.html", false, false, false, -1},
	}
	for _, tt := range tests {
		a := analyze(readFixture(t, tt.file), base)
		if a.queue != tt.queue || a.captcha != tt.captcha || a.password != tt.password || a.refresh != tt.refresh {
			t.Errorf("%s: queue=%v captcha=%v password=%v refresh=%d; want %v %v %v %d",
				tt.file, a.queue, a.captcha, a.password, a.refresh, tt.queue, tt.captcha, tt.password, tt.refresh)
		}
	}
	// A meta refresh alone (a redirect page) is not a queue.
	a := analyze([]byte(`<meta http-equiv="Refresh" content="0; url=/home"><p>Moved</p>`), base)
	if a.queue || a.refresh != 0 {
		t.Errorf("plain refresh: queue=%v refresh=%d", a.queue, a.refresh)
	}
	// A listing that merely mentions the word captcha in text is not a captcha page.
	a = analyze([]byte(`<title>Listing</title><p>Our captcha keeps bots out.</p>`), base)
	if a.captcha {
		t.Error("text mention taken for a captcha page")
	}
}

func TestAnalyzeLinks(t *testing.T) {
	o := testOnion("links")
	other := testOnion("other")
	body := strings.ReplaceAll(string(readFixture(t, "listing.html")), "OTHERHOST", other)
	base := mustURL(t, "http://"+o+"/shop/opioids?page=2")
	a := analyze([]byte(body), base)
	if a.title != "Opioids - page 2" {
		t.Errorf("title = %q", a.title)
	}
	got := map[string]bool{}
	for _, l := range a.links {
		got[l.url.String()+map[bool]string{true: " [pag]", false: ""}[l.pagination]] = true
	}
	want := []string{
		"http://" + o + "/shop/listing/17#reviews",
		"http://" + o + "/shop/listing/18",
		"http://" + o + "/shop/?page=1",
		"http://" + o + "/shop/?page=3 [pag]",
		"http://" + o + "/logout",
		"http://" + other + "/",
		"http://" + o + "/frame",
	}
	for _, w := range want {
		if !got[w] {
			keys := make([]string, 0, len(got))
			for k := range got {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			t.Errorf("missing link %q; got %q", w, keys)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "javascript") || strings.HasPrefix(k, "mailto") {
			t.Errorf("non-http link kept: %s", k)
		}
	}
}

func TestPaginationAndLogin(t *testing.T) {
	o := "http://" + testOnion("pg")
	tests := []struct {
		u, base string
		want    bool
	}{
		{o + "/cat/pills?page=3", o + "/cat/pills?page=2", true},
		{o + "/cat/pills?page=3&sort=new", o + "/cat/pills?page=2", false},
		{o + "/cat/pills?sort=new", o + "/cat/pills", false},
		{o + "/cat/pills/page/4", o + "/cat/pills/page/3", true},
		{o + "/cat/pills/page/2", o + "/cat/pills", true},
		{o + "/cat/other?page=2", o + "/cat/pills?page=1", false},
	}
	for _, tt := range tests {
		if got := isPaginationURL(mustURL(t, tt.u), mustURL(t, tt.base)); got != tt.want {
			t.Errorf("isPaginationURL(%s, %s) = %v, want %v", tt.u, tt.base, got, tt.want)
		}
	}
	for p, want := range map[string]bool{"/login": true, "/user/login": true, "/signin.php": true, "/listing/login-tips": false, "/blog/authors": false} {
		if got := isLoginURL(&url.URL{Path: p}); got != want {
			t.Errorf("isLoginURL(%s) = %v", p, got)
		}
	}
	for p, want := range map[string]bool{"/logout": true, "/account/sign-out": true, "/login": true, "/listing/9": false} {
		if got := neverFollow(&url.URL{Path: p}); got != want {
			t.Errorf("neverFollow(%s) = %v", p, got)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte(`<a href="/x">x</a><meta http-equiv=refresh content=5>queue`))
	f.Add([]byte("<html><body><<<a href='\x00'>"))
	base, _ := url.Parse("http://" + testOnion("fz") + "/")
	f.Fuzz(func(t *testing.T, b []byte) {
		a := analyze(b, base)
		for _, l := range a.links {
			if l.url.Scheme != "http" && l.url.Scheme != "https" {
				t.Fatalf("non-http link %s", l.url)
			}
		}
	})
}

func TestAnalyzeMirrors(t *testing.T) {
	o, m1, m2, other := testOnion("home"), testOnion("m1"), testOnion("m2"), testOnion("other-market")
	body := `<html><head><title>Market</title></head><body>
<div class="mirrors"><h3>Mirrors</h3><ul><li><a href="http://` + m1 + `/">m1</a></li><li><a href="http://` + m2 + `/x">m2</a></li></ul></div>
<p>Partner: <a href="http://` + other + `/">other market</a></p></body></html>`
	a := analyze([]byte(body), mustURL(t, "http://"+o+"/"))
	if len(a.mirrors) != 2 || a.mirrors[0] != m1 || a.mirrors[1] != m2 {
		t.Fatalf("mirrors = %v, want [%s %s]", a.mirrors, m1, m2)
	}
	a = analyze([]byte(`<title>Official mirrors</title><a href="http://`+other+`/">x</a>`), mustURL(t, "http://"+o+"/"))
	if len(a.mirrors) != 1 {
		t.Fatalf("mirror page: %v", a.mirrors)
	}
}

func TestCaptchaWidgetOnOrdinaryPage(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<title>Fentanyl patches 100mcg</title><h1>Listing</h1>`)
	for i := 0; i < 12; i++ {
		b.WriteString(`<a href="/listing/` + string(rune('a'+i)) + `">item</a>`)
	}
	b.WriteString(`<form action="/review"><img src="/captcha.png"><input name="captcha"></form>`)
	if a := analyze([]byte(b.String()), mustURL(t, "http://"+testOnion("cw")+"/listing/1")); a.captcha {
		t.Error("review-form captcha took the listing for a captcha wall")
	}
}
