-- 0005: what sort of page a finding is (listing, index, vendor, forum,
-- article; '' unknown), from the detector's verdict, so analysts and
-- alert routes can put listings first. Findings of earlier versions stay ''
-- until they are seen again.
ALTER TABLE findings ADD COLUMN page_kind TEXT NOT NULL DEFAULT '';
CREATE INDEX findings_page_kind ON findings(page_kind, last_seen);

DROP VIEW v_findings;
CREATE VIEW v_findings AS
SELECT f.id, f.site, f.url, f.title, f.score,
       CASE f.severity WHEN 1 THEN 'low' WHEN 2 THEN 'medium' WHEN 3 THEN 'high' WHEN 4 THEN 'critical' ELSE 'none' END AS severity,
       (SELECT group_concat(substance, ',') FROM finding_substances s WHERE s.finding_id = f.id) AS substances,
       f.price, f.currency, f.vendor, f.in_stock, f.status, f.first_seen, f.last_seen, f.snippet, f.listing_id,
       (SELECT count(*) FROM snapshots sn WHERE sn.finding_id = f.id) AS snapshots,
       f.page_kind
FROM findings f;
