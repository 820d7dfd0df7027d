package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// SaveResult says what SavePage did with a page.
type SaveResult struct {
	PageID       int64    // the stored page observation
	FindingID    int64    // 0 when the page was not flagged
	New          bool     // the listing became a finding with this page
	Changed      bool     // a known finding changed materially (see Changes)
	Changes      []string // the material changes, e.g. "new substance: carfentanil"
	AlertsQueued int      // outbox rows written
}

// Observation is one fetched page with the detector's verdict on it.
type Observation struct {
	Page    fentinel.Page
	Verdict fentinel.Verdict
}

// Change kinds, as they appear at the start of AlertEvent.Changes entries.
const (
	changeSubstance = "new substance"
	changeStock     = "back in stock"
	changeVendor    = "new vendor"
	changePrice     = "price"
)

// defaultPricePct is the price change (percent) that counts as material when
// no route configures one.
const defaultPricePct = 20

type change struct {
	kind string
	text string
	pct  float64 // for price changes
}

// SavePage stores one fetched page and its verdict in one transaction: the
// page row; for a flagged page, the finding upsert keyed by (site, URL) with
// first_seen/last_seen; and, when the listing is new or changed materially
// (new substance, back in stock, new vendor, price change beyond a route's
// percentage), one outbox row per route that matches and whose trigger fired.
// An unchanged listing queues nothing. A dismissed listing that changes
// materially is alerted again and goes back to status "new".
func (db *DB) SavePage(ctx context.Context, p fentinel.Page, v fentinel.Verdict, routes []fentinel.Route) (SaveResult, error) {
	res, err := db.SavePages(ctx, []Observation{{Page: p, Verdict: v}}, routes)
	if err != nil {
		return SaveResult{}, err
	}
	return res[0], nil
}

// SavePages stores a batch of observations in one transaction, with the same
// semantics as SavePage for each. Batches make bulk ingest much faster.
func (db *DB) SavePages(ctx context.Context, obs []Observation, routes []fentinel.Route) ([]SaveResult, error) {
	if len(obs) == 0 {
		return nil, nil
	}
	db.prepareWanted(ctx)
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: save pages: begin: %w", err)
	}
	defer tx.Rollback()
	s := &saver{db: db, tx: tx, stmts: map[string]*sql.Stmt{}, routes: routes, now: db.now()}
	defer s.close()
	out := make([]SaveResult, len(obs))
	for i, o := range obs {
		r, err := s.save(ctx, o.Page, o.Verdict)
		if err != nil {
			db.cache.clear()
			return nil, fmt.Errorf("store: save page %s: %w", o.Page.URL, err)
		}
		out[i] = r
	}
	if err := tx.Commit(); err != nil {
		db.cache.clear()
		return nil, fmt.Errorf("store: save pages: commit: %w", err)
	}
	db.wrote.Store(true)
	for _, k := range s.newHosts {
		db.cache.hosts.Store(k, struct{}{})
	}
	if db.cache.n.Load() > maxCachedIDs {
		db.cache.clear() // crude bound: start again rather than grow without limit
	}
	for k, id := range s.newIDs {
		if _, loaded := db.cache.ids.LoadOrStore(k, id); !loaded {
			db.cache.n.Add(1)
		}
	}
	return out, nil
}

// saver holds one write transaction and its prepared statements.
type saver struct {
	db     *DB
	tx     *sql.Tx
	stmts  map[string]*sql.Stmt
	routes []fentinel.Route
	now    time.Time
	// newHosts and newIDs are cache entries to publish once the transaction commits.
	newHosts []string
	newIDs   map[string]int64
}

func (s *saver) close() {
	for _, st := range s.stmts {
		st.Close()
	}
}

func (s *saver) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts[q]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if parent := s.db.prepared(q); parent != nil {
		// The writer pool has one connection, so the statement prepared on
		// the DB is reused by the transaction, not prepared again.
		st = s.tx.StmtContext(ctx, parent)
	} else {
		var err error
		if st, err = s.tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
	}
	s.stmts[q] = st
	return st, nil
}

func (s *saver) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *saver) queryRow(ctx context.Context, q string, args ...any) (*sql.Row, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(ctx, args...), nil
}

const insertPageSQL = `INSERT INTO pages(run_id, site, url, final_url, status, fetched_at, content_hash,
	content_type, size, truncated, depth, flagged, score, rules_version)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// stored is the part of a finding row that change detection reads.
type stored struct {
	id                  int64
	title               string
	substances, classes []string
	price               float64
	currency            string
	vendor              string
	inStock             sql.NullInt64
	status              string
	firstSeen, lastSeen string
	seq                 int64
	basePrice           float64
	baseCurrency        string
	listingID           int64
	lastSHA             string // hash of the latest evidence snapshot
}

func (s *saver) save(ctx context.Context, p fentinel.Page, v fentinel.Verdict) (SaveResult, error) {
	seen := p.FetchedAt
	if seen.IsZero() {
		seen = s.now
	}
	var runID any
	if p.RunID != 0 {
		runID = p.RunID
	}
	res, err := s.exec(ctx, insertPageSQL, runID, p.Site, p.URL, p.FinalURL, p.Status, ts(seen),
		p.ContentHash(), p.ContentType(), len(p.Body), boolInt(p.Truncated), p.Depth,
		boolInt(v.Flagged), v.Score, v.RulesVersion)
	if err != nil {
		return SaveResult{}, fmt.Errorf("insert page: %w", err)
	}
	pageID, err := res.LastInsertId()
	if err != nil {
		return SaveResult{}, err
	}
	out := SaveResult{PageID: pageID}
	if err := s.recordSite(ctx, p, seen); err != nil {
		return out, err
	}
	ex := v.Extracted
	if !v.Flagged && (ex.Price <= 0 || ex.Title == "") {
		return out, nil // not a listing
	}
	text := pageText(p.Body, p.ContentType())
	stock := stockState(text)
	listingID, err := s.recordListing(ctx, p, v, seen, pageID, stock)
	if err != nil {
		return out, err
	}
	if !v.Flagged {
		return out, nil
	}

	old, found, err := s.loadFinding(ctx, p.Site, p.URL)
	if err != nil {
		return out, err
	}
	if !found {
		id, err := s.insertFinding(ctx, p, v, seen, pageID, stock, listingID)
		if err != nil {
			return out, err
		}
		out.FindingID, out.New = id, true
		ev := s.event(fentinel.EventNewFinding, id, p, v, seen, seen, nil)
		n, err := s.queue(ctx, id, 1, ev, v.Severity, v.Classes, p.Site, v.PageKind, func(r fentinel.Route) bool { return r.OnNew })
		if err != nil {
			return out, err
		}
		out.AlertsQueued = n
		if err := s.afterFinding(ctx, id, false, "", ex.Title, p, v, seen, pageID, text); err != nil {
			return out, err
		}
		return out, nil
	}
	out.FindingID = old.id

	changes := s.detectChanges(old, v, stock)
	subs := union(old.substances, v.Substances)
	classes := union(old.classes, v.Classes)
	title := ex.Title
	if title == "" {
		title = old.title
	}
	price, currency := old.price, old.currency
	if ex.Price > 0 {
		price, currency = ex.Price, strings.ToUpper(ex.Currency)
	}
	vendor := old.vendor
	if ex.Vendor != "" {
		vendor = ex.Vendor
	}
	inStock := old.inStock
	if stock >= 0 {
		inStock = sql.NullInt64{Int64: int64(stock), Valid: true}
	}
	firstSeen, lastSeen := old.firstSeen, old.lastSeen
	if ts(seen) < firstSeen {
		firstSeen = ts(seen)
	}
	if ts(seen) > lastSeen {
		lastSeen = ts(seen)
	}
	seq, basePrice, baseCurrency, status := old.seq, old.basePrice, old.baseCurrency, old.status
	if len(changes) > 0 {
		seq++
		basePrice, baseCurrency = price, currency
		if status == fentinel.StatusDismissed {
			status = fentinel.StatusNew
		}
		out.Changed = true
		for _, c := range changes {
			out.Changes = append(out.Changes, c.text)
		}
	}
	subsJSON, _ := json.Marshal(subs)
	classesJSON, _ := json.Marshal(classes)
	if _, err := s.exec(ctx, `UPDATE findings SET title=?, score=?, severity=?, substances=?, classes=?, price=?, currency=?,
		vendor=?, snippet=?, in_stock=?, status=?, first_seen=?, last_seen=?, last_page_id=?, event_seq=?, base_price=?, base_currency=?,
		page_kind=?, listing_id=?
		WHERE id=?`,
		title, v.Score, int(v.Severity), string(subsJSON), string(classesJSON), price, currency, vendor, snippetOf(v),
		inStock, status, firstSeen, lastSeen, pageID, seq, basePrice, baseCurrency, v.PageKind, listingID, old.id); err != nil {
		return out, fmt.Errorf("update finding %d: %w", old.id, err)
	}
	for _, sub := range v.Substances {
		if _, err := s.exec(ctx, `INSERT OR IGNORE INTO finding_substances(finding_id, substance) VALUES (?, ?)`, old.id, sub); err != nil {
			return out, fmt.Errorf("finding %d substance %s: %w", old.id, sub, err)
		}
	}
	if len(changes) > 0 {
		if old.status == fentinel.StatusDismissed {
			if err := s.reopened(ctx, old.id, out.Changes, seen); err != nil {
				return out, err
			}
		}
		merged := v
		merged.Substances, merged.Classes = subs, classes
		merged.Extracted.Title, merged.Extracted.Price, merged.Extracted.Currency, merged.Extracted.Vendor = title, price, currency, vendor
		ev := s.event(fentinel.EventChangedFinding, old.id, p, merged, parseTS(firstSeen), seen, out.Changes)
		n, err := s.queue(ctx, old.id, seq, ev, v.Severity, classes, p.Site, v.PageKind, func(r fentinel.Route) bool { return routeWants(r, changes) })
		if err != nil {
			return out, err
		}
		out.AlertsQueued = n
	}
	// A finding linked to a listing was indexed when it was (or by migration 3).
	if err := s.afterFinding(ctx, old.id, old.listingID != 0, old.lastSHA, title, p, v, seen, pageID, text); err != nil {
		return out, err
	}
	return out, nil
}

func (s *saver) loadFinding(ctx context.Context, site, url string) (stored, bool, error) {
	row, err := s.queryRow(ctx, `SELECT id, title, substances, classes, price, currency, vendor, in_stock, status,
		first_seen, last_seen, event_seq, base_price, base_currency, coalesce(listing_id, 0),
		coalesce((SELECT sha256 FROM snapshots s WHERE s.finding_id = findings.id ORDER BY s.id DESC LIMIT 1), '')
		FROM findings WHERE site=? AND url=?`, site, url)
	if err != nil {
		return stored{}, false, err
	}
	var st stored
	var subs, classes string
	err = row.Scan(&st.id, &st.title, &subs, &classes, &st.price, &st.currency, &st.vendor, &st.inStock, &st.status,
		&st.firstSeen, &st.lastSeen, &st.seq, &st.basePrice, &st.baseCurrency, &st.listingID, &st.lastSHA)
	if errors.Is(err, sql.ErrNoRows) {
		return stored{}, false, nil
	}
	if err != nil {
		return stored{}, false, fmt.Errorf("load finding %s: %w", url, err)
	}
	if err := errors.Join(json.Unmarshal([]byte(subs), &st.substances), json.Unmarshal([]byte(classes), &st.classes)); err != nil {
		return stored{}, false, fmt.Errorf("finding %d: %w", st.id, err)
	}
	return st, true, nil
}

// insertFinding inserts a new finding, linked to its listing.
func (s *saver) insertFinding(ctx context.Context, p fentinel.Page, v fentinel.Verdict, seen time.Time, pageID int64, stock int, listingID int64) (int64, error) {
	ex := v.Extracted
	subs, classes := union(nil, v.Substances), union(nil, v.Classes)
	subsJSON, _ := json.Marshal(subs)
	classesJSON, _ := json.Marshal(classes)
	var inStock any
	if stock >= 0 {
		inStock = stock
	}
	cur := strings.ToUpper(ex.Currency)
	res, err := s.exec(ctx, `INSERT INTO findings(site, url, title, score, severity, substances, classes, price, currency,
		vendor, snippet, in_stock, status, first_seen, last_seen, last_page_id, event_seq, base_price, base_currency, page_kind, listing_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, 1, ?, ?, ?, ?)`,
		p.Site, p.URL, ex.Title, v.Score, int(v.Severity), string(subsJSON), string(classesJSON), ex.Price, cur,
		ex.Vendor, snippetOf(v), inStock, ts(seen), ts(seen), pageID, ex.Price, cur, v.PageKind, listingID)
	if err != nil {
		return 0, fmt.Errorf("insert finding: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for _, sub := range subs {
		if _, err := s.exec(ctx, `INSERT OR IGNORE INTO finding_substances(finding_id, substance) VALUES (?, ?)`, id, sub); err != nil {
			return 0, fmt.Errorf("finding %d substance %s: %w", id, sub, err)
		}
	}
	return id, nil
}

// detectChanges compares a new verdict with the stored finding.
func (s *saver) detectChanges(old stored, v fentinel.Verdict, stock int) []change {
	var out []change
	for _, sub := range v.Substances {
		if !slices.Contains(old.substances, sub) {
			out = append(out, change{kind: changeSubstance, text: changeSubstance + ": " + sub})
		}
	}
	if stock == 1 && old.inStock.Valid && old.inStock.Int64 == 0 {
		out = append(out, change{kind: changeStock, text: changeStock})
	}
	ex := v.Extracted
	if ex.Vendor != "" && old.vendor != "" && !strings.EqualFold(ex.Vendor, old.vendor) {
		out = append(out, change{kind: changeVendor, text: fmt.Sprintf("%s: %s (was %s)", changeVendor, ex.Vendor, old.vendor)})
	}
	if ex.Price > 0 && old.basePrice > 0 && strings.EqualFold(ex.Currency, old.baseCurrency) {
		pct := (ex.Price - old.basePrice) / old.basePrice * 100
		if math.Abs(pct) > s.minPricePct() {
			out = append(out, change{kind: changePrice, pct: math.Abs(pct), text: fmt.Sprintf("%s: %s -> %s %s (%+.0f%%)",
				changePrice, fmtPrice(old.basePrice), fmtPrice(ex.Price), strings.ToUpper(ex.Currency), pct)})
		}
	}
	return out
}

// minPricePct is the smallest price change any route alerts on.
func (s *saver) minPricePct() float64 {
	min := 0.0
	for _, r := range s.routes {
		if p := r.OnChange.PriceChangePct; p > 0 && (min == 0 || p < min) {
			min = p
		}
	}
	if min == 0 {
		return defaultPricePct
	}
	return min
}

// routeWants reports whether one of the route's change triggers fired.
func routeWants(r fentinel.Route, changes []change) bool {
	for _, c := range changes {
		switch c.kind {
		case changeSubstance:
			if r.OnChange.NewSubstance {
				return true
			}
		case changeStock:
			if r.OnChange.BackInStock {
				return true
			}
		case changeVendor:
			if r.OnChange.NewVendor {
				return true
			}
		case changePrice:
			if r.OnChange.PriceChangePct > 0 && c.pct > r.OnChange.PriceChangePct {
				return true
			}
		}
	}
	return false
}

func (s *saver) event(typ string, id int64, p fentinel.Page, v fentinel.Verdict, firstSeen, at time.Time, changes []string) fentinel.AlertEvent {
	ex := v.Extracted
	return fentinel.AlertEvent{
		Type:       typ,
		FindingID:  id,
		URL:        p.URL,
		Site:       p.Site,
		Title:      ex.Title,
		Score:      v.Score,
		Severity:   v.Severity,
		Substances: nonNil(v.Substances),
		Classes:    v.Classes,
		Price:      ex.Price,
		Currency:   strings.ToUpper(ex.Currency),
		Vendor:     ex.Vendor,
		Snippet:    snippetOf(v),
		PageKind:   v.PageKind,
		Changes:    changes,
		FirstSeen:  firstSeen.UTC(),
		OccurredAt: at.UTC(),
	}
}

// AlertID is the stable outbox id (and Standard Webhooks webhook-id) of the
// seq-th event of a finding for one sink.
func AlertID(findingID, seq int64, sink string) string {
	sum := sha256.Sum256([]byte(strconv.FormatInt(findingID, 10) + ":" + strconv.FormatInt(seq, 10) + ":" + sink))
	return "msg_" + hex.EncodeToString(sum[:16])
}

// queue writes one outbox row per route that matches and wants the event.
func (s *saver) queue(ctx context.Context, findingID, seq int64, ev fentinel.AlertEvent, sev fentinel.Severity, classes []string, site, pageKind string, wants func(fentinel.Route) bool) (int, error) {
	if len(s.routes) == 0 {
		return 0, nil
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return 0, fmt.Errorf("encode alert event: %w", err)
	}
	n := 0
	done := map[string]bool{}
	for _, r := range s.routes {
		if done[r.Sink] || !r.Matches(sev, classes, site, pageKind) || !wants(r) {
			continue
		}
		done[r.Sink] = true
		res, err := s.exec(ctx, `INSERT OR IGNORE INTO alert_outbox(id, finding_id, event_seq, sink, event_type, payload, state,
			attempts, next_attempt, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
			AlertID(findingID, seq, r.Sink), findingID, seq, r.Sink, ev.Type, string(payload), ts(s.now), ts(s.now))
		if err != nil {
			return n, fmt.Errorf("queue alert for %s: %w", r.Sink, err)
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n++
		}
	}
	return n, nil
}

// reopened records that a dismissed finding changed and is open again.
func (s *saver) reopened(ctx context.Context, findingID int64, changes []string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO triage(finding_id, status, note, analyst, at) VALUES (?, 'new', ?, 'fentinel', ?)`,
		findingID, "reopened after a material change: "+strings.Join(changes, "; "), ts(at))
	if err != nil {
		return fmt.Errorf("reopen finding %d: %w", findingID, err)
	}
	return nil
}

// snippetOf picks the short evidence snippet for a verdict: the first
// substance evidence, else the first evidence.
func snippetOf(v fentinel.Verdict) string {
	var sn string
	for _, e := range v.Evidence {
		if e.Kind == fentinel.EvidenceSubstance && e.Snippet != "" {
			sn = e.Snippet
			break
		}
	}
	if sn == "" && len(v.Evidence) > 0 {
		sn = v.Evidence[0].Snippet
	}
	sn = strings.Join(strings.Fields(sn), " ")
	if len(sn) > 300 {
		sn = capString(sn, 300)
	}
	return sn
}

// capString cuts s to at most n bytes (see cutUTF8) and marks the cut with
// an ellipsis; a string that fits is returned as is.
func capString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cutUTF8(s, n) + "…"
}

func fmtPrice(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

func union(a, b []string) []string {
	set := map[string]bool{}
	out := []string{}
	for _, l := range [][]string{a, b} {
		for _, s := range l {
			if s != "" && !set[s] {
				set[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
