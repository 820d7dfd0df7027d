package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/crawler"
	"github.com/fentinel/fentinel/detect"
	"github.com/fentinel/fentinel/store"
)

// pipeline is the path every fetched page takes: detect, then store (which
// queues alerts in the same transaction). It is safe for concurrent use.
type pipeline struct {
	detector *detect.Detector
	db       *store.DB
	routes   []fentinel.Route
	log      *slog.Logger
	// commit, when set, saves pages with group commit (one transaction for
	// the pages that concurrent handle calls hand it at the same time);
	// nil saves each page in a transaction of its own.
	commit *store.Committer

	pages, flagged, newFindings, changed, queued, reused atomic.Int64
}

// handle detects and stores one page. A page the crawler reports unchanged
// since the previous pass (same content hash) reuses the verdict stored for
// it when the rules have not changed either, so it is not detected again; it
// is still recorded, so the finding's last_seen moves on.
func (p *pipeline) handle(ctx context.Context, page fentinel.Page, info crawler.PageInfo) error {
	var v fentinel.Verdict
	reused := false
	if info.Unchanged {
		prev, ok, err := p.db.PreviousVerdict(ctx, page.Site, page.URL, info.ContentHash, p.detector.Version())
		if err != nil {
			return err
		}
		v, reused = prev, ok
	}
	if reused {
		p.reused.Add(1)
	} else {
		v = p.detector.Detect(page)
	}
	return p.record(ctx, page, v)
}

// record stores a page with its verdict and counts it. It returns once the
// page is committed: through p.commit when set, so that concurrent calls
// share transactions, else in a transaction of its own.
func (p *pipeline) record(ctx context.Context, page fentinel.Page, v fentinel.Verdict) error {
	var res store.SaveResult
	var err error
	if p.commit != nil {
		res, err = p.commit.Save(ctx, page, v)
	} else {
		res, err = p.db.SavePage(ctx, page, v, p.routes)
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", page.URL, err)
	}
	p.pages.Add(1)
	if v.Flagged {
		p.flagged.Add(1)
		p.log.Info("flagged", "url", page.URL, "score", v.Score, "severity", v.Severity.String(),
			"substances", v.Substances, "finding", res.FindingID, "new", res.New, "changed", res.Changed)
	}
	if res.New {
		p.newFindings.Add(1)
	}
	if res.Changed {
		p.changed.Add(1)
	}
	p.queued.Add(int64(res.AlertsQueued))
	return nil
}
