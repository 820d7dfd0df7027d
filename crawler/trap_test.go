package crawler

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestURLTrap(t *testing.T) {
	o := "http://" + testOnion("trap")
	tests := []struct {
		url, want string
	}{
		{o + "/category/pills?page=3", ""},
		{o + "/a/b/c/d", ""},
		{o + "/page/2/page/3", ""},
		{o + "/a/b/a/b", TrapRepeatSegment},
		{o + "/x/x", TrapRepeatSegment},
		{o + "/a/b/c/a/d/a", TrapRepeatSegment},
		{o + "/" + strings.Repeat("s/", 4) + "end", TrapRepeatSegment},
		{o + "/" + strings.Repeat("seg", 1) + "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", TrapDeepPath},
		{o + "/?q=" + strings.Repeat("x", 300), TrapManyParams},
		{o + "/?" + manyParams(17), TrapManyParams},
		{o + "/?" + manyParams(10), ""},
		{o + "/" + strings.Repeat("y", 2100), TrapLongURL},
	}
	for _, tt := range tests {
		if got := urlTrap(mustURL(t, tt.url)); got != tt.want {
			t.Errorf("urlTrap(%.80s) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func manyParams(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf("p%d=%d", i, i))
	}
	return strings.Join(parts, "&")
}

func TestGrowingQuery(t *testing.T) {
	o := "http://" + testOnion("grow")
	tests := []struct {
		parent, child string
		want          bool
	}{
		{o + "/s?a=1", o + "/s?a=1&b=2", true},
		{o + "/s?a=1", o + "/s?a=11", true},
		{o + "/s?a=1", o + "/s?a=1&a=1", true},
		{o + "/s?a=1", o + "/s?a=2", false},
		{o + "/s?page=1", o + "/s?page=2", false},
		{o + "/s?a=1", o + "/t?a=1&b=2", false},
		{o + "/s", o + "/s?a=1", false},
	}
	for _, tt := range tests {
		if got := growingQuery(mustURL(t, tt.child), mustURL(t, tt.parent)); got != tt.want {
			t.Errorf("growingQuery(%s <- %s) = %v, want %v", tt.child, tt.parent, got, tt.want)
		}
	}
}

func TestTrapGuardCalendar(t *testing.T) {
	g := newTrapGuard()
	o := "http://" + testOnion("cal")
	admitted := 0
	var reason string
	for y := 2020; y < 2040; y++ {
		for m := 1; m <= 12; m++ {
			u := mustURL(t, fmt.Sprintf("%s/calendar/%d/%02d", o, y, m))
			if r := g.admit(u, nil, false); r == "" {
				admitted++
			} else {
				reason = r
			}
		}
	}
	if admitted != calendarLimit || reason != TrapCalendar {
		t.Fatalf("admitted %d calendar URLs (last reason %q), want %d then %q", admitted, reason, calendarLimit, TrapCalendar)
	}
	// Query-style calendars too.
	g = newTrapGuard()
	admitted = 0
	for d := 0; d < 100; d++ {
		if g.admit(mustURL(t, fmt.Sprintf("%s/events?date=%d-%02d-01", o, 2031+d/12, d%12+1)), nil, false) == "" {
			admitted++
		}
	}
	if admitted != calendarLimit {
		t.Fatalf("admitted %d query-calendar URLs, want %d", admitted, calendarLimit)
	}
	// Ordinary pagination is not a calendar.
	if calendarTemplate(mustURL(t, o+"/category/opioids?page=2")) != "" {
		t.Fatal("pagination taken for a calendar")
	}
}

func TestTrapGuardQueryVariants(t *testing.T) {
	g := newTrapGuard()
	o := "http://" + testOnion("var")
	admitted := 0
	for i := 0; i < 500; i++ {
		if g.admit(mustURL(t, fmt.Sprintf("%s/search?q=%d", o, i)), nil, false) == "" {
			admitted++
		}
	}
	if admitted != maxQueryVariants {
		t.Fatalf("admitted %d query variants, want %d", admitted, maxQueryVariants)
	}
	// Pagination has its own, larger budget.
	paged := 0
	for i := 0; i < 500; i++ {
		if g.admit(mustURL(t, fmt.Sprintf("%s/category/pills?page=%d", o, i)), nil, true) == "" {
			paged++
		}
	}
	if paged != 500 {
		t.Fatalf("admitted %d of 500 pagination links", paged)
	}
	// The same URL seen again is not counted twice.
	g = newTrapGuard()
	u := mustURL(t, o+"/search?q=1")
	for i := 0; i < 2*maxQueryVariants; i++ {
		if r := g.admit(u, nil, false); r != "" {
			t.Fatalf("repeat %d of one URL refused: %s", i, r)
		}
	}
}

func TestTrapGuardBodies(t *testing.T) {
	g := newTrapGuard()
	body := []byte("<html><body>same page</body></html>")
	h := "h1"
	if r := g.body("s", "u1", h, body); r != "" {
		t.Fatalf("first body: %q", r)
	}
	if r := g.body("s", "u1", h, body); r != "" {
		t.Fatalf("same URL again: %q", r)
	}
	if r := g.body("s", "u2", h, body); r != TrapDuplicate {
		t.Fatalf("same body other URL: %q, want duplicate", r)
	}
	if r := g.body("t", "u3", h, body); r != "" {
		t.Fatalf("same body other site: %q", r)
	}
	// Calendar-like pages differing only in dates share a shape.
	near := ""
	for i := 0; i < nearDupLimit+5; i++ {
		b := []byte(fmt.Sprintf("<h1>Events %d March %d</h1><p>No events on day %d.</p>", 2030+i, i, i))
		near = g.body("s", fmt.Sprintf("c%d", i), fmt.Sprintf("hash%d", i), b)
	}
	if near != TrapNearDuplicate {
		t.Fatalf("near duplicates not caught: %q", near)
	}
	if shapeHash([]byte("Listing: Fentanyl powder 5g")) == shapeHash([]byte("Listing: Xanax bars 5g")) {
		t.Fatal("different listings share a shape")
	}
}
