-- 0003: the analyst workbench: sites and their mirror onions, evidence
-- snapshots, listings observed over time, vendors, entities, full-text search
-- and the views analysts query (v_findings, v_listing_history, v_vendors,
-- v_entities, v_vendor_links).

-- A site is a market (a mirror group), keyed by its primary host.
CREATE TABLE sites (
    id         INTEGER PRIMARY KEY,
    host       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL DEFAULT '',   -- free for analysts to fill in
    first_seen TEXT NOT NULL
);
-- Every onion host a site was fetched from (the primary host included).
CREATE TABLE site_mirrors (
    onion      TEXT    PRIMARY KEY,
    site_id    INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    first_seen TEXT    NOT NULL
);
CREATE INDEX site_mirrors_site ON site_mirrors(site_id);
INSERT INTO sites(host, first_seen) SELECT site, min(fetched_at) FROM pages GROUP BY site;
INSERT OR IGNORE INTO sites(host, first_seen) SELECT site, min(first_seen) FROM findings GROUP BY site;
INSERT INTO site_mirrors(onion, site_id, first_seen) SELECT host, id, first_seen FROM sites;

-- A vendor is a seller name on one site; v_vendor_links joins vendors across
-- sites that share a PGP key, wallet, e-mail or contact handle.
-- (last seen: see v_vendors, from the vendor's listings.)
CREATE TABLE vendors (
    id         INTEGER PRIMARY KEY,
    site       TEXT NOT NULL,
    name       TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    UNIQUE (site, name)
);

-- A listing is one product page (flagged or not) on a site.
CREATE TABLE listings (
    id         INTEGER PRIMARY KEY,
    site       TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    vendor_id  INTEGER REFERENCES vendors(id) ON DELETE SET NULL,
    title      TEXT    NOT NULL DEFAULT '',
    first_seen TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    UNIQUE (site, url)
);
CREATE INDEX listings_vendor ON listings(vendor_id);

-- One row per crawl that saw the listing: what it looked like then.
CREATE TABLE listing_observations (
    id         INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    page_id    INTEGER REFERENCES pages(id) ON DELETE SET NULL,
    seen_at    TEXT    NOT NULL,
    title      TEXT    NOT NULL DEFAULT '',
    price      REAL    NOT NULL DEFAULT 0,
    currency   TEXT    NOT NULL DEFAULT '',
    quantity   REAL    NOT NULL DEFAULT 0,
    unit       TEXT    NOT NULL DEFAULT '',
    in_stock   INTEGER,                     -- 1, 0 or NULL (page does not say)
    vendor     TEXT    NOT NULL DEFAULT '',
    ships_from TEXT    NOT NULL DEFAULT '',
    ships_to   TEXT    NOT NULL DEFAULT '',
    flagged    INTEGER NOT NULL DEFAULT 0,
    score      REAL    NOT NULL DEFAULT 0
);
CREATE INDEX listing_observations_listing ON listing_observations(listing_id, seen_at);

ALTER TABLE findings ADD COLUMN listing_id INTEGER REFERENCES listings(id) ON DELETE SET NULL;
CREATE INDEX findings_listing ON findings(listing_id);
-- Findings stored before this version become listings with one observation.
INSERT OR IGNORE INTO vendors(site, name, first_seen)
    SELECT site, vendor, min(first_seen) FROM findings WHERE vendor != '' GROUP BY site, vendor;
INSERT INTO listings(site, url, vendor_id, title, first_seen, last_seen)
    SELECT f.site, f.url, (SELECT v.id FROM vendors v WHERE v.site = f.site AND v.name = f.vendor), f.title, f.first_seen, f.last_seen
    FROM findings f;
UPDATE findings SET listing_id = (SELECT l.id FROM listings l WHERE l.site = findings.site AND l.url = findings.url);
INSERT INTO listing_observations(listing_id, page_id, seen_at, title, price, currency, in_stock, vendor, flagged, score)
    SELECT listing_id, last_page_id, last_seen, title, price, currency, in_stock, vendor, 1, score FROM findings;

-- Identifiers extracted from pages: btc, xmr, eth, pgp (fingerprint), email, handle, onion.
-- (last seen: see v_entities, from listing_entities.)
CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    network    TEXT NOT NULL DEFAULT '',   -- for handles: telegram, session, wickr, ...
    first_seen TEXT NOT NULL,
    UNIQUE (kind, value, network)
);
CREATE TABLE listing_entities (
    listing_id INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    first_seen TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    PRIMARY KEY (listing_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX listing_entities_entity ON listing_entities(entity_id);
CREATE TABLE vendor_entities (
    vendor_id  INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    first_seen TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    PRIMARY KEY (vendor_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX vendor_entities_entity ON vendor_entities(entity_id);

-- Evidence: a flagged page as fetched, kept whenever its content changes.
CREATE TABLE snapshots (
    id            INTEGER PRIMARY KEY,
    finding_id    INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    page_id       INTEGER REFERENCES pages(id) ON DELETE SET NULL,
    url           TEXT    NOT NULL,
    final_url     TEXT    NOT NULL DEFAULT '',
    fetched_at    TEXT    NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    headers_json  TEXT    NOT NULL DEFAULT '{}',  -- response headers, cookies removed
    content_type  TEXT    NOT NULL DEFAULT '',
    sha256        TEXT    NOT NULL,               -- hex SHA-256 of the raw body
    body_size     INTEGER NOT NULL,
    truncated     INTEGER NOT NULL DEFAULT 0,
    body_gz       BLOB    NOT NULL,               -- raw body, gzip-compressed
    rules_version TEXT    NOT NULL DEFAULT '',
    verdict_json  TEXT    NOT NULL DEFAULT '{}'   -- score, evidence, extracted fields
);
CREATE INDEX snapshots_finding ON snapshots(finding_id);
CREATE INDEX snapshots_sha256 ON snapshots(sha256);

-- Full-text search over listing titles and page text; rowid = findings.id.
CREATE VIRTUAL TABLE findings_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO findings_fts(rowid, title, body) SELECT id, title, snippet FROM findings;

CREATE VIEW v_findings AS
SELECT f.id, f.site, f.url, f.title, f.score,
       CASE f.severity WHEN 1 THEN 'low' WHEN 2 THEN 'medium' WHEN 3 THEN 'high' WHEN 4 THEN 'critical' ELSE 'none' END AS severity,
       (SELECT group_concat(substance, ',') FROM finding_substances s WHERE s.finding_id = f.id) AS substances,
       f.price, f.currency, f.vendor, f.in_stock, f.status, f.first_seen, f.last_seen, f.snippet, f.listing_id,
       (SELECT count(*) FROM snapshots sn WHERE sn.finding_id = f.id) AS snapshots
FROM findings f;

CREATE VIEW v_listing_history AS
SELECT l.id AS listing_id, f.id AS finding_id, l.site, l.url, o.seen_at, o.title, o.price, o.currency,
       o.quantity, o.unit, o.in_stock, o.vendor, o.ships_from, o.ships_to, o.flagged, o.score
FROM listing_observations o
JOIN listings l ON l.id = o.listing_id
LEFT JOIN findings f ON f.listing_id = l.id;

CREATE VIEW v_vendor_links AS
SELECT DISTINCT a.vendor_id AS vendor_id, b.vendor_id AS linked_vendor_id,
       va.site AS site, va.name AS name, vb.site AS linked_site, vb.name AS linked_name,
       e.kind, e.value, e.network
FROM vendor_entities a
JOIN vendor_entities b ON a.entity_id = b.entity_id AND a.vendor_id != b.vendor_id
JOIN vendors va ON va.id = a.vendor_id
JOIN vendors vb ON vb.id = b.vendor_id
JOIN entities e ON e.id = a.entity_id
WHERE e.kind IN ('pgp', 'btc', 'xmr', 'eth', 'email', 'handle') AND va.site != vb.site;

CREATE VIEW v_vendors AS
SELECT v.id, v.site, v.name, v.first_seen,
       (SELECT max(l.last_seen) FROM listings l WHERE l.vendor_id = v.id) AS last_seen,
       (SELECT count(*) FROM listings l WHERE l.vendor_id = v.id) AS listings,
       (SELECT count(*) FROM listings l JOIN findings f ON f.listing_id = l.id WHERE l.vendor_id = v.id) AS findings,
       (SELECT group_concat(e.kind || ':' || e.value, ' ') FROM vendor_entities ve JOIN entities e ON e.id = ve.entity_id
         WHERE ve.vendor_id = v.id) AS entities,
       (SELECT group_concat(DISTINCT k.linked_site || '/' || k.linked_name) FROM v_vendor_links k WHERE k.vendor_id = v.id) AS linked
FROM vendors v;

CREATE VIEW v_entities AS
SELECT e.id, e.kind, e.value, e.network, e.first_seen,
       (SELECT max(le.last_seen) FROM listing_entities le WHERE le.entity_id = e.id) AS last_seen,
       (SELECT count(*) FROM listing_entities le WHERE le.entity_id = e.id) AS listings,
       (SELECT count(DISTINCT l.site) FROM listing_entities le JOIN listings l ON l.id = le.listing_id WHERE le.entity_id = e.id) AS sites,
       (SELECT count(*) FROM vendor_entities ve WHERE ve.entity_id = e.id) AS vendors
FROM entities e;
