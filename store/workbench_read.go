package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// ListingObservation is a listing as one crawl saw it (a row of v_listing_history).
type ListingObservation struct {
	SeenAt    time.Time `json:"seen_at"`
	Title     string    `json:"title,omitempty"`
	Price     float64   `json:"price,omitempty"`
	Currency  string    `json:"currency,omitempty"`
	Quantity  float64   `json:"quantity,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	InStock   *bool     `json:"in_stock,omitempty"`
	Vendor    string    `json:"vendor,omitempty"`
	ShipsFrom string    `json:"ships_from,omitempty"`
	ShipsTo   string    `json:"ships_to,omitempty"`
	Flagged   bool      `json:"flagged"`
	Score     float64   `json:"score"`
}

// Snapshot is the evidence kept for one fetch of a flagged page (the body is
// read separately with SnapshotBody).
type Snapshot struct {
	ID           int64            `json:"id"`
	FindingID    int64            `json:"finding_id"`
	PageID       int64            `json:"page_id,omitempty"`
	URL          string           `json:"url"`
	FinalURL     string           `json:"final_url,omitempty"`
	FetchedAt    time.Time        `json:"fetched_at"`
	Status       int              `json:"status"`
	Header       http.Header      `json:"headers"`
	ContentType  string           `json:"content_type,omitempty"`
	SHA256       string           `json:"sha256"`
	Size         int              `json:"size"`
	Truncated    bool             `json:"truncated,omitempty"`
	RulesVersion string           `json:"rules_version"`
	Verdict      fentinel.Verdict `json:"verdict"`
}

// VendorLink is another vendor (on another site) that shares an identifier.
type VendorLink struct {
	VendorID int64  `json:"vendor_id"`
	Site     string `json:"site"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Value    string `json:"value"`
}

// Detail is everything the store knows about one finding.
type Detail struct {
	Finding      fentinel.Finding     `json:"finding"`
	InStock      *bool                `json:"in_stock,omitempty"`
	ListingID    int64                `json:"listing_id,omitempty"`
	Evidence     []fentinel.Evidence  `json:"evidence"`
	Extracted    fentinel.Extracted   `json:"extracted"`
	RulesVersion string               `json:"rules_version,omitempty"`
	Entities     []fentinel.Entity    `json:"entities"`
	History      []ListingObservation `json:"history"`
	Snapshots    []Snapshot           `json:"snapshots"`
	Triage       []TriageEntry        `json:"triage"`
	Mirrors      []string             `json:"mirrors,omitempty"`
	VendorLinks  []VendorLink         `json:"vendor_links,omitempty"`
	Alerts       []fentinel.Alert     `json:"alerts,omitempty"`
}

func nullBool(n sql.NullInt64) *bool {
	if !n.Valid {
		return nil
	}
	b := n.Int64 != 0
	return &b
}

// FindingDetail returns a finding with its evidence, extracted fields,
// entities, listing history, snapshots, triage history and alerts.
func (db *DB) FindingDetail(ctx context.Context, id int64) (Detail, error) {
	f, err := db.Finding(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Finding: f}
	wrap := func(err error) error { return fmt.Errorf("store: finding %d detail: %w", id, err) }
	var inStock, listingID sql.NullInt64
	if err := db.r.QueryRowContext(ctx, `SELECT in_stock, listing_id FROM findings WHERE id = ?`, id).Scan(&inStock, &listingID); err != nil {
		return Detail{}, wrap(err)
	}
	d.InStock, d.ListingID = nullBool(inStock), listingID.Int64
	if d.Snapshots, err = db.Snapshots(ctx, id); err != nil {
		return Detail{}, err
	}
	if n := len(d.Snapshots); n > 0 {
		last := d.Snapshots[n-1].Verdict
		d.Evidence, d.Extracted, d.RulesVersion = last.Evidence, last.Extracted, last.RulesVersion
	}
	if d.Entities, err = db.listingEntities(ctx, d.ListingID); err != nil {
		return Detail{}, wrap(err)
	}
	if d.History, err = db.listingHistory(ctx, d.ListingID); err != nil {
		return Detail{}, wrap(err)
	}
	if d.Triage, err = db.Triage(ctx, id); err != nil {
		return Detail{}, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT m.onion FROM site_mirrors m JOIN sites s ON s.id = m.site_id WHERE s.host = ? ORDER BY m.first_seen, m.onion`, f.Site)
	if err != nil {
		return Detail{}, wrap(err)
	}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return Detail{}, wrap(err)
		}
		d.Mirrors = append(d.Mirrors, m)
	}
	rows.Close()
	if d.VendorLinks, err = db.vendorLinksOfListing(ctx, d.ListingID); err != nil {
		return Detail{}, wrap(err)
	}
	arows, err := db.r.QueryContext(ctx, `SELECT `+alertCols+` FROM alert_outbox WHERE finding_id = ? ORDER BY created_at, id`, id)
	if err != nil {
		return Detail{}, wrap(err)
	}
	if d.Alerts, err = scanAlerts(arows); err != nil {
		return Detail{}, wrap(err)
	}
	return d, nil
}

func (db *DB) listingEntities(ctx context.Context, listingID int64) ([]fentinel.Entity, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.kind, e.value, e.network FROM listing_entities le JOIN entities e ON e.id = le.entity_id
		WHERE le.listing_id = ? ORDER BY e.kind, e.value`, listingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []fentinel.Entity{}
	for rows.Next() {
		var e fentinel.Entity
		if err := rows.Scan(&e.Kind, &e.Value, &e.Network); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (db *DB) listingHistory(ctx context.Context, listingID int64) ([]ListingObservation, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT seen_at, title, price, currency, quantity, unit, in_stock, vendor, ships_from, ships_to, flagged, score
		FROM listing_observations WHERE listing_id = ? ORDER BY seen_at, id`, listingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ListingObservation{}
	for rows.Next() {
		var o ListingObservation
		var seen string
		var inStock sql.NullInt64
		if err := rows.Scan(&seen, &o.Title, &o.Price, &o.Currency, &o.Quantity, &o.Unit, &inStock, &o.Vendor, &o.ShipsFrom, &o.ShipsTo, &o.Flagged, &o.Score); err != nil {
			return nil, err
		}
		o.SeenAt, o.InStock = parseTS(seen), nullBool(inStock)
		out = append(out, o)
	}
	return out, rows.Err()
}

func (db *DB) vendorLinksOfListing(ctx context.Context, listingID int64) ([]VendorLink, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT k.linked_vendor_id, k.linked_site, k.linked_name, k.kind, k.value
		FROM listings l JOIN v_vendor_links k ON k.vendor_id = l.vendor_id WHERE l.id = ? ORDER BY k.linked_site, k.linked_name, k.kind`, listingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VendorLink
	for rows.Next() {
		var l VendorLink
		if err := rows.Scan(&l.VendorID, &l.Site, &l.Name, &l.Kind, &l.Value); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Snapshots returns the evidence snapshots of a finding, oldest first.
func (db *DB) Snapshots(ctx context.Context, findingID int64) ([]Snapshot, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, finding_id, page_id, url, final_url, fetched_at, status, headers_json, content_type,
		sha256, body_size, truncated, rules_version, verdict_json FROM snapshots WHERE finding_id = ? ORDER BY fetched_at, id`, findingID)
	if err != nil {
		return nil, fmt.Errorf("store: snapshots of finding %d: %w", findingID, err)
	}
	defer rows.Close()
	out := []Snapshot{}
	for rows.Next() {
		var s Snapshot
		var pageID sql.NullInt64
		var fetched, headers, verdict string
		if err := rows.Scan(&s.ID, &s.FindingID, &pageID, &s.URL, &s.FinalURL, &fetched, &s.Status, &headers, &s.ContentType,
			&s.SHA256, &s.Size, &s.Truncated, &s.RulesVersion, &verdict); err != nil {
			return nil, fmt.Errorf("store: snapshots of finding %d: %w", findingID, err)
		}
		s.PageID, s.FetchedAt = pageID.Int64, parseTS(fetched)
		if err := errors.Join(json.Unmarshal([]byte(headers), &s.Header), json.Unmarshal([]byte(verdict), &s.Verdict)); err != nil {
			return nil, fmt.Errorf("store: snapshot %d: %w", s.ID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ErrCorrupt means stored evidence no longer matches its recorded hash.
var ErrCorrupt = errors.New("evidence does not match its SHA-256")

// SnapshotBody returns the raw body of a snapshot, decompressed and checked
// against its recorded SHA-256.
func (db *DB) SnapshotBody(ctx context.Context, snapshotID int64) ([]byte, error) {
	var gz []byte
	var want string
	err := db.r.QueryRowContext(ctx, `SELECT body_gz, sha256 FROM snapshots WHERE id = ?`, snapshotID).Scan(&gz, &want)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: snapshot %d: %w", snapshotID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: snapshot %d: %w", snapshotID, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("store: snapshot %d: decompress: %w", snapshotID, err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("store: snapshot %d: decompress: %w", snapshotID, err)
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != want {
		return nil, fmt.Errorf("store: snapshot %d: %w", snapshotID, ErrCorrupt)
	}
	return body, nil
}

// SearchHit is a finding that matched a full-text query, with a snippet of
// the matching text (matches marked with ** on either side).
type SearchHit struct {
	fentinel.Finding
	Match string `json:"match"`
}

// ftsOperators are the characters and words that make a query FTS5 syntax.
var ftsOperators = []string{`"`, "*", "(", ")", ":", "^", " AND ", " OR ", " NOT ", "NEAR("}

// ftsQuery turns a plain query into FTS5 syntax: unless the user wrote FTS5
// operators, every word is quoted (so 4-ANPP or "m30" need no escaping) and
// all words must match.
func ftsQuery(q string) string {
	q = strings.TrimSpace(q)
	padded := " " + q + " "
	for _, op := range ftsOperators {
		if strings.Contains(padded, op) {
			return q
		}
	}
	words := strings.Fields(q)
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	return strings.Join(words, " ")
}

// Search finds findings whose listing title or page text match query (FTS5,
// best match first), restricted by the filter.
func (db *DB) Search(ctx context.Context, query string, f fentinel.FindingFilter) ([]SearchHit, error) {
	q := ftsQuery(query)
	if q == "" {
		return nil, fmt.Errorf("store: search: empty query")
	}
	conds, args := findingConds(f)
	where := "findings_fts MATCH ?"
	for _, c := range conds {
		where += " AND " + c
	}
	sqlq := `SELECT ` + findingCols + `, snippet(findings_fts, -1, '**', '**', '…', 16) FROM findings_fts
		JOIN findings f ON f.id = findings_fts.rowid WHERE ` + where + ` ORDER BY rank, f.last_seen DESC`
	args = append([]any{q}, args...)
	if f.Limit > 0 {
		sqlq += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, sqlq, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search %q: %w", query, err)
	}
	defer rows.Close()
	var matches []string
	list, err := scanFindings(rows, func() []any {
		matches = append(matches, "")
		return []any{&matches[len(matches)-1]}
	})
	if err != nil {
		return nil, fmt.Errorf("store: search %q: %w", query, err)
	}
	out := make([]SearchHit, len(list))
	for i := range list {
		out[i] = SearchHit{Finding: list[i], Match: matches[i]}
	}
	return out, nil
}

// Vendor is a seller on one site with its listings, identifiers and links
// to vendors on other sites that share one of them.
type Vendor struct {
	ID        int64             `json:"id"`
	Site      string            `json:"site"`
	Name      string            `json:"name"`
	FirstSeen time.Time         `json:"first_seen"`
	LastSeen  time.Time         `json:"last_seen"`
	Listings  []VendorListing   `json:"listings"`
	Entities  []fentinel.Entity `json:"entities"`
	Links     []VendorLink      `json:"links"`
	Markets   []string          `json:"markets"` // this site and the sites of linked vendors
}

// VendorListing is one listing of a vendor.
type VendorListing struct {
	ID        int64  `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	FindingID int64  `json:"finding_id,omitempty"`
}

// VendorFilter selects vendors; zero values mean "no filter".
type VendorFilter struct {
	Site   string // site host
	Name   string // substring of the vendor name (case-insensitive)
	Linked bool   // only vendors linked to a vendor on another site
	Limit  int
}

// Vendors returns vendors with their listings, identifiers and cross-market links.
func (db *DB) Vendors(ctx context.Context, f VendorFilter) ([]Vendor, error) {
	var conds []string
	var args []any
	if f.Site != "" {
		conds = append(conds, "v.site = ?")
		args = append(args, strings.ToLower(f.Site))
	}
	if f.Name != "" {
		conds = append(conds, "instr(lower(v.name), lower(?)) > 0")
		args = append(args, f.Name)
	}
	if f.Linked {
		conds = append(conds, "v.id IN (SELECT vendor_id FROM v_vendor_links)")
	}
	q := `SELECT v.id, v.site, v.name, v.first_seen, coalesce(v.last_seen, v.first_seen) FROM v_vendors v`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += ` ORDER BY v.last_seen DESC, v.id`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: vendors: %w", err)
	}
	var out []Vendor
	for rows.Next() {
		var v Vendor
		var first, last string
		if err := rows.Scan(&v.ID, &v.Site, &v.Name, &first, &last); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: vendors: %w", err)
		}
		v.FirstSeen, v.LastSeen = parseTS(first), parseTS(last)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: vendors: %w", err)
	}
	for i := range out {
		if err := db.fillVendor(ctx, &out[i]); err != nil {
			return nil, fmt.Errorf("store: vendor %d: %w", out[i].ID, err)
		}
	}
	return out, nil
}

func (db *DB) fillVendor(ctx context.Context, v *Vendor) error {
	rows, err := db.r.QueryContext(ctx, `SELECT l.id, l.url, l.title, coalesce(f.id, 0) FROM listings l
		LEFT JOIN findings f ON f.listing_id = l.id WHERE l.vendor_id = ? ORDER BY l.last_seen DESC, l.id`, v.ID)
	if err != nil {
		return err
	}
	v.Listings = []VendorListing{}
	for rows.Next() {
		var l VendorListing
		if err := rows.Scan(&l.ID, &l.URL, &l.Title, &l.FindingID); err != nil {
			rows.Close()
			return err
		}
		v.Listings = append(v.Listings, l)
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `SELECT e.kind, e.value, e.network FROM vendor_entities ve JOIN entities e ON e.id = ve.entity_id
		WHERE ve.vendor_id = ? ORDER BY e.kind, e.value`, v.ID)
	if err != nil {
		return err
	}
	v.Entities = []fentinel.Entity{}
	for rows.Next() {
		var e fentinel.Entity
		if err := rows.Scan(&e.Kind, &e.Value, &e.Network); err != nil {
			rows.Close()
			return err
		}
		v.Entities = append(v.Entities, e)
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `SELECT linked_vendor_id, linked_site, linked_name, kind, value FROM v_vendor_links
		WHERE vendor_id = ? ORDER BY linked_site, linked_name, kind`, v.ID)
	if err != nil {
		return err
	}
	v.Links = []VendorLink{}
	markets := map[string]bool{v.Site: true}
	for rows.Next() {
		var l VendorLink
		if err := rows.Scan(&l.VendorID, &l.Site, &l.Name, &l.Kind, &l.Value); err != nil {
			rows.Close()
			return err
		}
		v.Links = append(v.Links, l)
		markets[l.Site] = true
	}
	rows.Close()
	for m := range markets {
		v.Markets = append(v.Markets, m)
	}
	sort.Strings(v.Markets)
	return rows.Err()
}

// FindingEntities returns the identifiers on a finding's listing and how
// many times the listing was observed (for exports).
func (db *DB) FindingEntities(ctx context.Context, findingID int64) ([]fentinel.Entity, int, error) {
	var listingID sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT listing_id FROM findings WHERE id = ?`, findingID).Scan(&listingID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("store: entities of finding %d: %w", findingID, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: entities of finding %d: %w", findingID, err)
	}
	es, err := db.listingEntities(ctx, listingID.Int64)
	if err != nil {
		return nil, 0, fmt.Errorf("store: entities of finding %d: %w", findingID, err)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM listing_observations WHERE listing_id = ?`, listingID.Int64).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("store: observations of finding %d: %w", findingID, err)
	}
	return es, n, nil
}
