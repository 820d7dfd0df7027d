package detect

import "sync"

// pageState is the per-call working memory of Detect, pooled as one
// object: the page reader, its document, the matcher's state and the
// judge's scratch. Taking them from one pool costs one Get and one Put a
// page instead of four (sync.Pool's pinning is a fixed cost that small
// pages feel). The separate pools stay for the entry points that need only
// one part (parseFast, findMatchesInto, tests and tools).
type pageState struct {
	fp  fastParser
	doc document
	ms  matchState
	scr scratch
}

var pageStatePool = sync.Pool{New: func() any {
	ps := &pageState{}
	ps.fp.init()
	ps.scr.init()
	return ps
}}
