package crawler

import (
	"maps"
	"sync"

	"github.com/fentinel/fentinel"
)

// Blocked reasons, as counted in Stats.Blocked.
const (
	BlockedQueue   = "queue"   // DDoS-queue page (waited out at its advertised refresh)
	BlockedCaptcha = "captcha" // captcha page: needs a human, site deferred
	BlockedLogin   = "login"   // login wall (redirect to a login page)
	// BlockedSessionExpired is the key Apply uses for Stats.SessionExpired.
	BlockedSessionExpired = "session-expired"
)

// Skip reasons, as counted in Stats.SkippedBy.
const (
	SkipNonText       = "non-text"        // response Content-Type is not text/html or text/plain
	SkipRedirectScope = "redirect-scope"  // redirect to a host outside the scope refused
	SkipDuplicate     = TrapDuplicate     // same body as another URL of the site
	SkipNearDuplicate = TrapNearDuplicate // too many pages of one shape
	SkipHostCap       = "host-cap"        // pages-per-host cap reached
	SkipStatus        = "status"          // non-2xx status, not retried
)

// Stats are the counters of one Run. Maps are never nil in a snapshot.
type Stats struct {
	Requests       int            // HTTP requests sent (attempts)
	Fetched        int            // 2xx text pages handed to the handler
	Unchanged      int            // of Fetched: same content hash as the previous pass
	Skipped        int            // responses not handed on (sum of SkippedBy)
	SkippedBy      map[string]int // by Skip* reason
	Errors         map[string]int // failed attempts by error class (Class* constants)
	Blocked        map[string]int // by Blocked* reason
	SessionExpired int            // login walls met on a site that had cookies configured
	Retries        int            // attempts scheduled again after a failure
	Dropped        int            // URLs given up after their last attempt
	Deferred       int            // URLs left for a later pass (waits past the retry horizon)
	Traps          map[string]int // links refused by trap defences, by Trap* reason
	OutOfScope     int            // links to hosts outside the scope, not followed
	NonTextLinks   int            // links to images, media, archives and other non-text URLs, never requested
	DepthCapped    int            // links beyond MaxDepth, not followed
	Queued         int            // new URLs added to the frontier
	Bytes          int64          // body bytes read, after decompression
	WireBytes      int64          // bytes read from the SOCKS proxy, before decompression
	Truncated      int            // bodies cut at MaxBodyBytes
	HostsDown      int            // times a site was marked down
	MirrorsFound   int            // mirror hosts detected from mirror lists
	Failovers      int            // switches of a failing site to another host of its mirror group
	Pending        int            // frontier items left when Run returned
}

// Apply copies the counters a crawl-run record keeps into run. Expired
// sessions are reported in run.Blocked under BlockedSessionExpired.
func (s Stats) Apply(run *fentinel.CrawlRun) {
	run.Fetched = s.Fetched
	run.Skipped = s.Skipped
	run.Errors = maps.Clone(s.Errors)
	run.Blocked = maps.Clone(s.Blocked)
	if s.SessionExpired > 0 {
		if run.Blocked == nil {
			run.Blocked = map[string]int{}
		}
		run.Blocked[BlockedSessionExpired] = s.SessionExpired
	}
}

// ErrorCount is the number of failed attempts, all classes together.
func (s Stats) ErrorCount() int {
	n := 0
	for _, v := range s.Errors {
		n += v
	}
	return n
}

type statsBox struct {
	mu sync.Mutex
	s  Stats
}

func newStatsBox() *statsBox {
	return &statsBox{s: Stats{
		SkippedBy: map[string]int{}, Errors: map[string]int{}, Blocked: map[string]int{}, Traps: map[string]int{},
	}}
}

func (b *statsBox) update(f func(s *Stats)) {
	b.mu.Lock()
	f(&b.s)
	b.mu.Unlock()
}

func (b *statsBox) skip(reason string) {
	b.update(func(s *Stats) { s.Skipped++; s.SkippedBy[reason]++ })
}

func (b *statsBox) snapshot() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.s
	out.SkippedBy = maps.Clone(b.s.SkippedBy)
	out.Errors = maps.Clone(b.s.Errors)
	out.Blocked = maps.Clone(b.s.Blocked)
	out.Traps = maps.Clone(b.s.Traps)
	return out
}
