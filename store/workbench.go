package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fentinel/fentinel"
)

// ingestCache remembers site and mirror rows that are committed, and the
// ids of committed listing, vendor and entity rows, so the ingest path skips
// their upserts. The store never deletes these rows; if someone does by
// hand, the failing save clears the cache and the next one works.
type ingestCache struct {
	hosts sync.Map     // site + "\x00" + mirror -> struct{}
	ids   sync.Map     // kind + key -> int64
	n     atomic.Int64 // entries in ids
}

func (c *ingestCache) clear() {
	c.hosts.Clear()
	c.ids.Clear()
	c.n.Store(0)
}

// cachedID returns the id of a vendor or entity row, upserting it (q must
// return the id) unless a committed id is cached.
func (s *saver) cachedID(ctx context.Context, key, q string, args ...any) (int64, error) {
	if id, ok := s.db.cache.ids.Load(key); ok {
		return id.(int64), nil
	}
	if id, ok := s.newIDs[key]; ok {
		return id, nil
	}
	row, err := s.queryRow(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := row.Scan(&id); err != nil {
		return 0, err
	}
	s.remember(key, id)
	return id, nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// recordSite upserts the page's site and the mirror host it came from.
func (s *saver) recordSite(ctx context.Context, p fentinel.Page, seen time.Time) error {
	if p.Site == "" {
		return nil
	}
	site := strings.ToLower(p.Site)
	hosts := []string{site}
	for _, h := range []string{hostOf(p.URL), hostOf(p.FinalURL)} {
		if h != "" && h != site && (len(hosts) < 2 || hosts[1] != h) {
			hosts = append(hosts, h)
		}
	}
	for _, h := range hosts {
		key := site + "\x00" + h
		if _, ok := s.db.cache.hosts.Load(key); ok {
			continue
		}
		if _, err := s.exec(ctx, `INSERT OR IGNORE INTO sites(host, first_seen) VALUES (?, ?)`, site, ts(seen)); err != nil {
			return fmt.Errorf("record site %s: %w", site, err)
		}
		if _, err := s.exec(ctx, `INSERT OR IGNORE INTO site_mirrors(onion, site_id, first_seen)
			SELECT ?, id, ? FROM sites WHERE host = ?`, h, ts(seen), site); err != nil {
			return fmt.Errorf("record mirror %s of %s: %w", h, site, err)
		}
		s.newHosts = append(s.newHosts, key)
	}
	return nil
}

// maxCachedIDs bounds the id cache (about 150 bytes an entry).
const maxCachedIDs = 200_000

// upsertListing inserts or refreshes a listing and returns its id. Plain
// statements with a cached id: a RETURNING upsert cost four times as much
// through the driver.
func (s *saver) upsertListing(ctx context.Context, site, url string, vendorID any, title, at string) (int64, error) {
	key := "l\x00" + site + "\x00" + url
	id, cached := int64(0), false
	if v, ok := s.db.cache.ids.Load(key); ok {
		id, cached = v.(int64), true
	} else if v, ok := s.newIDs[key]; ok {
		id, cached = v, true
	}
	if !cached {
		res, err := s.exec(ctx, `INSERT INTO listings(site, url, vendor_id, title, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(site, url) DO NOTHING`, site, url, vendorID, title, at, at)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			id, err = res.LastInsertId()
			if err != nil {
				return 0, err
			}
			s.remember(key, id)
			return id, nil
		}
		row, err := s.queryRow(ctx, `SELECT id FROM listings WHERE site = ? AND url = ?`, site, url)
		if err != nil {
			return 0, err
		}
		if err := row.Scan(&id); err != nil {
			return 0, err
		}
		s.remember(key, id)
	}
	if _, err := s.exec(ctx, `UPDATE listings SET vendor_id = coalesce(?, vendor_id),
		title = CASE WHEN ? != '' THEN ? ELSE title END,
		first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE id = ?`,
		vendorID, title, title, at, at, id); err != nil {
		return 0, err
	}
	return id, nil
}

// remember queues an id for the cache once the transaction commits.
func (s *saver) remember(key string, id int64) {
	if s.newIDs == nil {
		s.newIDs = map[string]int64{}
	}
	s.newIDs[key] = id
}

// normEntity puts an entity value in the form it is stored and matched in.
func normEntity(e fentinel.Entity) fentinel.Entity {
	e.Kind = strings.ToLower(strings.TrimSpace(e.Kind))
	e.Value = strings.TrimSpace(e.Value)
	e.Network = strings.ToLower(strings.TrimSpace(e.Network))
	switch e.Kind {
	case fentinel.EntityPGP:
		e.Value = strings.ToUpper(strings.ReplaceAll(e.Value, " ", ""))
	case fentinel.EntityEmail, fentinel.EntityOnion:
		e.Value = strings.ToLower(e.Value)
	case fentinel.EntityHandle:
		e.Value = strings.ToLower(strings.TrimPrefix(e.Value, "@"))
	}
	return e
}

// recordListing upserts the listing, its vendor and entities, and adds an
// observation. It returns the listing id.
func (s *saver) recordListing(ctx context.Context, p fentinel.Page, v fentinel.Verdict, seen time.Time, pageID int64, stock int) (int64, error) {
	ex := v.Extracted
	at := ts(seen)
	var vendorID any
	if name := strings.TrimSpace(ex.Vendor); name != "" {
		id, err := s.cachedID(ctx, "v\x00"+p.Site+"\x00"+name,
			`INSERT INTO vendors(site, name, first_seen) VALUES (?, ?, ?)
			ON CONFLICT(site, name) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen) RETURNING id`, p.Site, name, at)
		if err != nil {
			return 0, fmt.Errorf("record vendor %s: %w", name, err)
		}
		vendorID = id
	}
	listingID, err := s.upsertListing(ctx, p.Site, p.URL, vendorID, ex.Title, at)
	if err != nil {
		return 0, fmt.Errorf("record listing: %w", err)
	}
	var inStock any
	if stock >= 0 {
		inStock = stock
	}
	if _, err := s.exec(ctx, `INSERT INTO listing_observations(listing_id, page_id, seen_at, title, price, currency, quantity, unit,
		in_stock, vendor, ships_from, ships_to, flagged, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		listingID, pageID, at, ex.Title, ex.Price, strings.ToUpper(ex.Currency), ex.Quantity, ex.Unit, inStock, ex.Vendor,
		ex.ShipsFrom, ex.ShipsTo, boolInt(v.Flagged), v.Score); err != nil {
		return 0, fmt.Errorf("record observation: %w", err)
	}
	for _, e := range ex.Entities {
		e = normEntity(e)
		if e.Kind == "" || e.Value == "" {
			continue
		}
		entityID, err := s.cachedID(ctx, "e\x00"+e.Kind+"\x00"+e.Value+"\x00"+e.Network,
			`INSERT INTO entities(kind, value, network, first_seen) VALUES (?, ?, ?, ?)
			ON CONFLICT(kind, value, network) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen) RETURNING id`,
			e.Kind, e.Value, e.Network, at)
		if err != nil {
			return 0, fmt.Errorf("record entity %s: %w", e.Kind, err)
		}
		if _, err := s.exec(ctx, `INSERT INTO listing_entities(listing_id, entity_id, first_seen, last_seen) VALUES (?, ?, ?, ?)
			ON CONFLICT(listing_id, entity_id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)`,
			listingID, entityID, at, at); err != nil {
			return 0, fmt.Errorf("link entity %s: %w", e.Kind, err)
		}
		if vendorID != nil {
			if _, err := s.exec(ctx, `INSERT INTO vendor_entities(vendor_id, entity_id, first_seen, last_seen) VALUES (?, ?, ?, ?)
				ON CONFLICT(vendor_id, entity_id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)`,
				vendorID, entityID, at, at); err != nil {
				return 0, fmt.Errorf("link vendor entity %s: %w", e.Kind, err)
			}
		}
	}
	return listingID, nil
}

// gzipPool holds BestSpeed writers: resetting a default-level writer (its
// large hash tables) cost more than compressing a typical listing page.
var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer)
	defer gzipPool.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// cleanHeaders drops cookies (and any credentials) from response headers.
func cleanHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, vs := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Set-Cookie", "Set-Cookie2", "Cookie", "Authorization", "Proxy-Authorization":
			continue
		}
		out[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	return out
}

// afterFinding stores the evidence snapshot when the page content changed
// since the finding's last snapshot (lastSHA, "" for none) and refreshes the
// full-text index with the finding's title (as just stored) and the page's
// text; indexed says the finding may be in the index already. (The finding
// row itself carries its listing_id since its INSERT or UPDATE.)
func (s *saver) afterFinding(ctx context.Context, findingID int64, indexed bool, lastSHA, title string, p fentinel.Page, v fentinel.Verdict, seen time.Time, pageID int64, text string) error {
	hash := p.ContentHash()
	if lastSHA == hash {
		return nil
	}
	gz, err := gzipBytes(p.Body)
	if err != nil {
		return fmt.Errorf("compress snapshot: %w", err)
	}
	headers, err := json.Marshal(cleanHeaders(p.Header))
	if err != nil {
		return fmt.Errorf("encode headers: %w", err)
	}
	verdict, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode verdict: %w", err)
	}
	if _, err := s.exec(ctx, `INSERT INTO snapshots(finding_id, page_id, url, final_url, fetched_at, status, headers_json, content_type,
		sha256, body_size, truncated, body_gz, rules_version, verdict_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		findingID, pageID, p.URL, p.FinalURL, ts(seen), p.Status, string(headers), p.ContentType(), hash, len(p.Body),
		boolInt(p.Truncated), gz, v.RulesVersion, string(verdict)); err != nil {
		return fmt.Errorf("store snapshot: %w", err)
	}
	if indexed {
		if _, err := s.exec(ctx, `DELETE FROM findings_fts WHERE rowid = ?`, findingID); err != nil {
			return fmt.Errorf("index finding %d: %w", findingID, err)
		}
	}
	if _, err := s.exec(ctx, `INSERT INTO findings_fts(rowid, title, body) VALUES (?, ?, ?)`, findingID, title, text); err != nil {
		return fmt.Errorf("index finding %d: %w", findingID, err)
	}
	return nil
}
