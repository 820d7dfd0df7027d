package alert

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/fentinel/fentinel"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain title", "plain title"},
		{"<b>Carfentanil</b>  99%", "Carfentanil 99%"},
		{"a < b and c > d", "a < b and c > d"},
		{"fent &amp; xylazine &lt;3", "fent & xylazine <3"},
		{"line1\r\nline2\tend", "line1 line2 end"},
		{"rtl \u202Eexe.gnp zero\u200Bwidth", "rtl exe.gnp zerowidth"},
		{"<!-- hidden -->shown", "shown"},
		{"<script>alert(1)</script>x", "alert(1) x"},
		{"\xff\xfebad utf8", "\uFFFDbad utf8"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in, 100); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := cleanText(strings.Repeat("é", 500), 10); utf8.RuneCountInString(got) != 10 || !strings.HasSuffix(got, "…") {
		t.Errorf("truncation: %q", got)
	}
}

func TestDefang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://abc.onion/listing/7", "hxxp://abc[.]onion/listing/7"},
		{"https://abc.onion/l?id=3&x=y", "hxxps://abc[.]onion/l?id=3&x=y"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := defang(tt.in); got != tt.want {
			t.Errorf("defang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := defangText("see HTTP://x.onion and www.example.com"); got != "see hxxp://x[.]onion and www[.]example.com" {
		t.Errorf("defangText = %q", got)
	}
}

var reLive = regexp.MustCompile(`(?i)https?://|\.onion\b`)

// FuzzHumanText checks the invariants every human-facing rendering relies
// on, for arbitrary listing text.
func FuzzHumanText(f *testing.F) {
	for _, s := range []string{
		"<b>Carfentanil</b> <!channel> @here [x](http://evil.example)",
		"\u202Egnp.exe", "a<b", "<<<>>>", "&lt;!here&gt;", "http://a.onion/x", "HtTpS://B.OnIoN",
		"\x00\x01\x7f", strings.Repeat("ü", 300),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := cleanText(s, maxTitle)
		if !utf8.ValidString(c) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		if n := utf8.RuneCountInString(c); n > maxTitle {
			t.Fatalf("%d runes > %d", n, maxTitle)
		}
		for _, r := range c {
			if unicode.IsControl(r) || isBidiControl(r) {
				t.Fatalf("control or bidi rune %U left in %q", r, c)
			}
		}
		d := defangText(c)
		if reLive.MatchString(d) {
			t.Fatalf("live link left in %q (from %q)", d, s)
		}
		if strings.ContainsAny(slackEscape(d), "<>") {
			t.Fatalf("slack text keeps < or >: %q", slackEscape(d))
		}
		te := teamsEscape(d)
		if strings.Contains(te, "](") && !strings.Contains(te, `\]\(`) {
			t.Fatalf("markdown link survives teams escaping: %q", te)
		}
		if strings.ContainsAny(headerSafe(s), "\r\n") {
			t.Fatal("line break in header value")
		}
	})
}

// TestPageKindInAlerts: an alert for an index page says so in every format
// (the webhook JSON, the chat and email facts, PagerDuty's details); an
// alert of unknown kind leaves it out (the golden payloads).
func TestPageKindInAlerts(t *testing.T) {
	a := testAlert("msg_kind", 42)
	a.Event.PageKind = fentinel.PageIndex
	body, err := json.Marshal(NewPayload(a))
	mustNoErr(t, err)
	if !strings.Contains(string(body), `"page_kind":"index"`) {
		t.Errorf("webhook payload lacks the page kind: %s", body)
	}
	slack, err := SlackMessage(a)
	mustNoErr(t, err)
	if !strings.Contains(string(slack), "Page") || !strings.Contains(string(slack), "index") {
		t.Errorf("slack message lacks the page kind: %s", slack)
	}
	mail := string((&Email{}).EmailMessage(a))
	if !regexp.MustCompile(`(?m)^Page: +index\r?$`).MatchString(mail) {
		t.Errorf("email lacks the page kind:\n%s", mail)
	}
	pd := (&PagerDuty{}).event(a)
	if got := pd.Payload.CustomDetails["page_kind"]; got != fentinel.PageIndex {
		t.Errorf("pagerduty page_kind = %v", got)
	}
	plain, err := json.Marshal(NewPayload(testAlert("msg_plain", 43)))
	mustNoErr(t, err)
	if strings.Contains(string(plain), "page_kind") {
		t.Errorf("unknown kind written: %s", plain)
	}
}
