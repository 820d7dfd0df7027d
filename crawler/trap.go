package crawler

import (
	"crypto/sha256"
	"hash/fnv"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Trap reasons, as counted in Stats.Traps.
const (
	TrapLongURL       = "long-url"       // URL longer than maxURLLen
	TrapDeepPath      = "deep-path"      // more than maxPathSegments path segments
	TrapRepeatSegment = "repeat-segment" // a path segment or block of segments repeats
	TrapManyParams    = "many-params"    // too many query parameters or too long a value
	TrapGrowingQuery  = "growing-query"  // the query keeps growing from parent to child
	TrapQueryVariants = "query-variants" // too many distinct queries on one path
	TrapPagination    = "pagination"     // too many pages of one paginated listing
	TrapCalendar      = "calendar"       // too many date-like URLs of one shape
	TrapDuplicate     = "duplicate"      // same body as another URL of the site
	TrapNearDuplicate = "near-duplicate" // too many pages of the same shape on a site
)

// Trap limits.
const (
	maxURLLen        = 2048
	maxPathSegments  = 16
	maxParams        = 16
	maxParamLen      = 256
	maxQueryVariants = 200
	maxPagination    = 20000 // pages of one paginated listing (?page=N, /page/N)
	calendarLimit    = 24
	nearDupLimit     = 30
)

// urlTrap applies the stateless trap rules to a candidate URL and returns
// the trap reason, or "" when the URL looks sane.
func urlTrap(u *url.URL) string {
	if len(u.String()) > maxURLLen {
		return TrapLongURL
	}
	var segs []string
	for _, s := range strings.Split(u.Path, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) > maxPathSegments {
		return TrapDeepPath
	}
	if repeatingSegments(segs) {
		return TrapRepeatSegment
	}
	q := u.Query()
	n := 0
	for _, vs := range q {
		for _, v := range vs {
			n++
			if len(v) > maxParamLen {
				return TrapManyParams
			}
		}
	}
	if n > maxParams {
		return TrapManyParams
	}
	return ""
}

// repeatingSegments reports a path segment that occurs three times or more,
// or a block of 1 to 4 segments repeated back to back (a/b/a/b), the shape
// relative-link loops produce.
func repeatingSegments(segs []string) bool {
	count := map[string]int{}
	for _, s := range segs {
		count[s]++
		if count[s] >= 3 {
			return true
		}
	}
	for size := 1; size <= 4; size++ {
		for i := 0; i+2*size <= len(segs); i++ {
			same := true
			for k := 0; k < size; k++ {
				if segs[i+k] != segs[i+size+k] {
					same = false
					break
				}
			}
			if same {
				return true
			}
		}
	}
	return false
}

var (
	datePathRe  = regexp.MustCompile(`(^|/)(19|20|21)\d\d([/-](0?[1-9]|1[0-2]))([/-]\d{1,2})?(/|$)`)
	dateValueRe = regexp.MustCompile(`^(19|20|21)\d\d(-(0?[1-9]|1[0-2]))?(-\d{1,2})?$`)
	digitsRe    = regexp.MustCompile(`\d+`)
	calendarKey = map[string]bool{"year": true, "month": true, "day": true, "date": true, "week": true, "y": true, "m": true, "d": true, "cal": true, "ym": true}
)

// calendarTemplate returns the shape of a date-like URL (digits replaced,
// query keys only), or "" when the URL is not date-like.
func calendarTemplate(u *url.URL) string {
	dated := datePathRe.MatchString(u.Path)
	q := u.Query()
	for k, vs := range q {
		if calendarKey[strings.ToLower(k)] {
			dated = true
		}
		for _, v := range vs {
			if dateValueRe.MatchString(v) {
				dated = true
			}
		}
	}
	if !dated {
		return ""
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return u.Host + digitsRe.ReplaceAllString(u.Path, "#") + "?" + strings.Join(keys, "&")
}

// trapGuard holds the stateful trap rules of one Run.
type trapGuard struct {
	mu       sync.Mutex
	variants map[string]int // host+path -> distinct queries admitted
	pages    map[string]int // host+path -> pagination links admitted
	calendar map[string]int // calendar template -> URLs admitted
	// The per-page sets below grow with the crawl, so they keep 64-bit FNV-1a
	// hashes of their keys rather than the strings (about 8× less memory at
	// 100,000 pages); a collision at that size is vanishingly unlikely.
	bodies   map[uint64]uint64   // hash(site|content hash) -> hash(first URL)
	shapes   map[uint64]int      // hash(site|shape hash) -> pages seen
	admitted map[uint64]struct{} // hash(URL) of URLs already admitted (counted once)
}

// key64 is the 64-bit FNV-1a hash of the parts joined by '|'.
func key64(parts ...string) uint64 {
	h := fnv.New64a()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{'|'})
		}
		h.Write([]byte(p))
	}
	return h.Sum64()
}

func newTrapGuard() *trapGuard {
	return &trapGuard{
		variants: map[string]int{},
		pages:    map[string]int{},
		calendar: map[string]int{},
		bodies:   map[uint64]uint64{},
		shapes:   map[uint64]int{},
		admitted: map[uint64]struct{}{},
	}
}

// admit applies the stateless rules and the stateful URL rules to a link
// found on parent. It returns the trap reason, or "" to admit the URL (the
// URL is then counted against its path and calendar budgets). Pagination
// links (another page of the same listing) have their own, larger budget:
// an endless run of pages with the same shape is cut by the near-duplicate
// rule, a genuinely huge category by MaxPages.
func (g *trapGuard) admit(u, parent *url.URL, pagination bool) string {
	if r := urlTrap(u); r != "" {
		return r
	}
	if parent != nil && growingQuery(u, parent) {
		return TrapGrowingQuery
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	key := key64(u.String())
	if _, ok := g.admitted[key]; ok {
		return ""
	}
	k := u.Host + u.Path
	if pagination {
		k = u.Host + pagePathRe.ReplaceAllString(u.Path, "/")
		if g.pages[k] >= maxPagination {
			return TrapPagination
		}
	} else if u.RawQuery != "" && g.variants[k] >= maxQueryVariants {
		return TrapQueryVariants
	}
	t := calendarTemplate(u)
	if t != "" && g.calendar[t] >= calendarLimit {
		return TrapCalendar
	}
	switch {
	case pagination:
		g.pages[k]++
	case u.RawQuery != "":
		g.variants[k]++
	}
	if t != "" {
		g.calendar[t]++
	}
	g.admitted[key] = struct{}{}
	return ""
}

// growingQuery reports a child on the same path whose query keeps every
// parameter of the parent and adds more, or extends one of its values.
func growingQuery(u, parent *url.URL) bool {
	if u.Host != parent.Host || u.Path != parent.Path || parent.RawQuery == "" {
		return false
	}
	pq, cq := parent.Query(), u.Query()
	grew := false
	for k, pvs := range pq {
		cvs, ok := cq[k]
		if !ok {
			return false
		}
		if len(cvs) > len(pvs) {
			grew = true
		}
		for i, pv := range pvs {
			if i >= len(cvs) {
				return false
			}
			switch {
			case cvs[i] == pv:
			case len(cvs[i]) > len(pv) && strings.HasPrefix(cvs[i], pv):
				grew = true
			default:
				return false
			}
		}
	}
	if len(cq) > len(pq) {
		grew = true
	}
	return grew
}

// body checks a fetched body against the site's earlier pages. It returns
// TrapDuplicate when another URL of the site had the very same body,
// TrapNearDuplicate when more than nearDupLimit pages of the site had the
// same shape (text with digits and month names removed), or "".
func (g *trapGuard) body(site, pageURL, hash string, body []byte) string {
	shape := shapeHash(body)
	g.mu.Lock()
	defer g.mu.Unlock()
	k, u := key64(site, hash), key64(pageURL)
	if first, ok := g.bodies[k]; ok && first != u {
		return TrapDuplicate
	}
	g.bodies[k] = u
	sk := key64(site, shape)
	g.shapes[sk]++
	if g.shapes[sk] > nearDupLimit {
		return TrapNearDuplicate
	}
	return ""
}

var monthWords = strings.Fields("january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun")

var monthSet = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range monthWords {
		m[w] = true
	}
	return m
}()

// shapeHash hashes the words of a body with digits, month and day names
// removed, so pages that differ only in dates and counters collide.
func shapeHash(body []byte) string {
	h := sha256.New()
	words := strings.FieldsFunc(strings.ToLower(string(body)), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	for _, w := range words {
		if monthSet[w] {
			continue
		}
		h.Write([]byte(w))
		h.Write([]byte{' '})
	}
	return string(h.Sum(nil)[:12])
}
