package alert

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fentinel/fentinel"
)

// Length caps for text taken from listings (which criminals write).
const (
	maxTitle   = 160
	maxVendor  = 64
	maxSnippet = 280
	maxURL     = 300
	maxSite    = 100
)

// cleanText makes untrusted listing text safe to show: HTML tags are
// removed and entities decoded (no raw HTML reaches a sink), control and
// bidirectional-override characters dropped, whitespace collapsed, and the
// result cut to max runes with an ellipsis.
func cleanText(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = stripTags(s)
	s = html.UnescapeString(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), isBidiControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return truncate(b.String(), max)
}

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F
}

// stripTags removes anything that looks like an HTML tag or comment.
func stripTags(s string) string {
	if !strings.ContainsRune(s, '<') {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		// Only treat it as a tag when it starts like one: <a, </a, <!, <?.
		if i+1 < len(s) && (isASCIILetter(s[i+1]) || s[i+1] == '/' || s[i+1] == '!' || s[i+1] == '?') {
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				b.WriteString(s[:i])
				break
			}
			b.WriteString(s[:i])
			b.WriteByte(' ')
			s = s[i+j+1:]
			continue
		}
		b.WriteString(s[:i+1])
		s = s[i+1:]
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func truncate(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// defang renders a URL as text that no chat client turns into a live link:
// the scheme becomes hxxp(s) and the dots of the host are bracketed,
// "hxxp://abc[.]onion/listing/7". Duty officers copy it into Tor Browser
// by hand, deliberately, rather than tapping it on a phone.
func defang(raw string) string {
	raw = cleanText(raw, maxURL)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return strings.ReplaceAll(strings.ReplaceAll(raw, "http", "hxxp"), ".", "[.]")
	}
	scheme := strings.Replace(u.Scheme, "http", "hxxp", 1)
	host := strings.ReplaceAll(u.Host, ".", "[.]")
	rest := u.EscapedPath()
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return scheme + "://" + host + rest
}

var (
	reScheme = regexp.MustCompile(`(?i)https?://`)
	reOnion  = regexp.MustCompile(`(?i)\.(onion|i2p)\b`)
	reWWW    = regexp.MustCompile(`(?i)\bwww\.`)
)

// defangText neutralises links inside free text shown to people (titles,
// vendor names, snippets): "http://" becomes "hxxp://", ".onion" becomes
// "[.]onion", so no client renders a tappable link.
func defangText(s string) string {
	s = reScheme.ReplaceAllStringFunc(s, func(m string) string { return "hxxp" + m[4:] })
	s = reOnion.ReplaceAllString(s, "[.]$1")
	return reWWW.ReplaceAllString(s, "www[.]")
}

// defangHost brackets the dots of a host name ("abc[.]onion").
func defangHost(h string) string { return strings.ReplaceAll(h, ".", "[.]") }

// formatPrice renders a price with its currency, or "unknown".
func formatPrice(price float64, currency string) string {
	if price == 0 {
		return "unknown"
	}
	cur := strings.ToUpper(cleanText(currency, 8))
	switch cur {
	case "USD", "":
		if cur == "" {
			return strconv.FormatFloat(price, 'f', -1, 64)
		}
		return "$" + strconv.FormatFloat(price, 'f', 2, 64)
	case "EUR":
		return "€" + strconv.FormatFloat(price, 'f', 2, 64)
	case "GBP":
		return "£" + strconv.FormatFloat(price, 'f', 2, 64)
	}
	return strconv.FormatFloat(price, 'f', -1, 64) + " " + cur
}

// view is an alert event prepared for display: every string cleaned.
type view struct {
	AlertID    string
	Type       string
	FindingID  int64
	URL        string // cleaned, not defanged
	Defanged   string
	Site       string
	Title      string
	Score      float64
	Severity   fentinel.Severity
	Substances []string
	Classes    []string
	Price      string
	RawPrice   float64
	Currency   string
	Vendor     string
	Snippet    string
	PageKind   string
	Changes    []string
	FirstSeen  time.Time
	OccurredAt time.Time
}

func newView(a fentinel.Alert) view {
	ev := a.Event
	v := view{
		AlertID:    a.ID,
		Type:       ev.Type,
		FindingID:  ev.FindingID,
		URL:        cleanText(ev.URL, maxURL),
		Defanged:   defang(ev.URL),
		Site:       cleanText(ev.Site, maxSite),
		Title:      defangText(cleanText(ev.Title, maxTitle)),
		Score:      ev.Score,
		Severity:   ev.Severity,
		Price:      formatPrice(ev.Price, ev.Currency),
		RawPrice:   ev.Price,
		Currency:   strings.ToUpper(cleanText(ev.Currency, 8)),
		Vendor:     defangText(cleanText(ev.Vendor, maxVendor)),
		Snippet:    defangText(cleanText(ev.Snippet, maxSnippet)),
		PageKind:   cleanText(ev.PageKind, 16),
		FirstSeen:  ev.FirstSeen.UTC(),
		OccurredAt: ev.OccurredAt.UTC(),
	}
	for _, s := range ev.Substances {
		v.Substances = append(v.Substances, cleanText(s, 48))
	}
	for _, c := range ev.Classes {
		v.Classes = append(v.Classes, cleanText(c, 24))
	}
	for _, c := range ev.Changes {
		v.Changes = append(v.Changes, cleanText(c, 80))
	}
	if v.Title == "" {
		v.Title = "(untitled listing)"
	}
	if v.Vendor == "" {
		v.Vendor = "unknown"
	}
	return v
}

// substancesText joins the substances for display.
func (v view) substancesText() string {
	if len(v.Substances) == 0 {
		return "unspecified"
	}
	return strings.Join(v.Substances, ", ")
}

// headline is a one-line summary for notifications and subjects:
// "CRITICAL carfentanil — Title (site)".
func (v view) headline() string {
	verb := ""
	if v.Type == fentinel.EventChangedFinding {
		verb = "changed: "
	}
	return fmt.Sprintf("%s %s — %s%s", strings.ToUpper(v.Severity.String()), v.substancesText(), verb, v.Title)
}

// changesText describes what changed, for finding.changed events.
func (v view) changesText() string {
	if len(v.Changes) == 0 {
		return ""
	}
	return strings.Join(v.Changes, "; ")
}

// firstSeenText formats the first-seen time for people.
func (v view) firstSeenText() string {
	if v.FirstSeen.IsZero() {
		return "unknown"
	}
	return v.FirstSeen.Format("2006-01-02 15:04 UTC")
}

// digestID derives a stable id for a digest from the ids of its alerts:
// the same set of alerts always gets the same id, so a retried digest
// carries the same idempotency key.
func digestID(alerts []fentinel.Alert) string {
	ids := make([]string, len(alerts))
	for i, a := range alerts {
		ids[i] = a.ID
	}
	sort.Strings(ids)
	return "dg_" + shortHash(strings.Join(ids, "\n"))
}

// maxSeverity returns the highest severity among alerts.
func maxSeverity(alerts []fentinel.Alert) fentinel.Severity {
	var s fentinel.Severity
	for _, a := range alerts {
		if a.Event.Severity > s {
			s = a.Event.Severity
		}
	}
	return s
}
