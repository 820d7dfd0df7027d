-- 0001: the end-to-end core: crawl runs, fetched pages, findings and the alert outbox.
-- Timestamps are UTC text in a fixed-width form (2026-11-28T01:40:00.123Z), so they
-- sort as strings and SQLite's date functions read them.

CREATE TABLE crawl_runs (
    id               INTEGER PRIMARY KEY,
    target           TEXT    NOT NULL DEFAULT '',
    started_at       TEXT    NOT NULL,
    finished_at      TEXT,
    status           TEXT    NOT NULL DEFAULT 'running',  -- running, finished, failed, interrupted
    fetched          INTEGER NOT NULL DEFAULT 0,
    skipped          INTEGER NOT NULL DEFAULT 0,
    errors_json      TEXT    NOT NULL DEFAULT '{}',       -- error class -> count
    blocked_json     TEXT    NOT NULL DEFAULT '{}',       -- queue, captcha, login -> count
    new_findings     INTEGER NOT NULL DEFAULT 0,
    changed_findings INTEGER NOT NULL DEFAULT 0,
    error            TEXT    NOT NULL DEFAULT ''
);

-- One row per fetch of a page (an observation), flagged or not.
CREATE TABLE pages (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER REFERENCES crawl_runs(id) ON DELETE SET NULL,
    site          TEXT    NOT NULL,
    url           TEXT    NOT NULL,
    final_url     TEXT    NOT NULL DEFAULT '',
    status        INTEGER NOT NULL DEFAULT 0,
    fetched_at    TEXT    NOT NULL,
    content_hash  TEXT    NOT NULL DEFAULT '',   -- hex SHA-256 of the body
    content_type  TEXT    NOT NULL DEFAULT '',
    size          INTEGER NOT NULL DEFAULT 0,
    truncated     INTEGER NOT NULL DEFAULT 0,
    depth         INTEGER NOT NULL DEFAULT 0,
    flagged       INTEGER NOT NULL DEFAULT 0,
    score         REAL    NOT NULL DEFAULT 0,
    rules_version TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX pages_site_url ON pages(site, url, fetched_at);
CREATE INDEX pages_run ON pages(run_id);

-- One row per flagged listing, keyed by (site, canonical URL).
CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    site        TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    score       REAL    NOT NULL DEFAULT 0,
    severity    INTEGER NOT NULL DEFAULT 0,     -- 0 none, 1 low, 2 medium, 3 high, 4 critical
    substances  TEXT    NOT NULL DEFAULT '[]',  -- JSON array of canonical names (every one ever seen)
    classes     TEXT    NOT NULL DEFAULT '[]',  -- JSON array of substance classes
    price       REAL    NOT NULL DEFAULT 0,
    currency    TEXT    NOT NULL DEFAULT '',
    vendor      TEXT    NOT NULL DEFAULT '',
    snippet     TEXT    NOT NULL DEFAULT '',
    in_stock    INTEGER,                        -- 1, 0, or NULL when the page does not say
    status      TEXT    NOT NULL DEFAULT 'new' CHECK (status IN ('new','confirmed','dismissed','escalated')),
    first_seen  TEXT    NOT NULL,
    last_seen   TEXT    NOT NULL,
    last_page_id INTEGER REFERENCES pages(id) ON DELETE SET NULL,
    event_seq   INTEGER NOT NULL DEFAULT 0,     -- number of alert events (new, changed) so far
    base_price  REAL    NOT NULL DEFAULT 0,     -- price at the last event: price triggers compare with it
    base_currency TEXT  NOT NULL DEFAULT '',
    UNIQUE (site, url)
);
CREATE INDEX findings_last_seen ON findings(last_seen);
CREATE INDEX findings_status ON findings(status, last_seen);

-- Canonical substances per finding, for indexed --substance filters.
CREATE TABLE finding_substances (
    finding_id INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    substance  TEXT    NOT NULL,
    PRIMARY KEY (substance, finding_id)
) WITHOUT ROWID;

-- The alert outbox: one row per (finding event, sink). The id is the stable
-- Standard Webhooks webhook-id; payload is the fentinel.AlertEvent JSON captured
-- when the event happened, so every retry sends the same content.
CREATE TABLE alert_outbox (
    id           TEXT    PRIMARY KEY,
    finding_id   INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    event_seq    INTEGER NOT NULL,
    sink         TEXT    NOT NULL,
    event_type   TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','delivered','dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT    NOT NULL,
    last_error   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    delivered_at TEXT,
    UNIQUE (finding_id, event_seq, sink)
);
CREATE INDEX alert_outbox_due ON alert_outbox(state, next_attempt);

-- Triage history: every review of a finding (findings.status is the latest).
CREATE TABLE triage (
    id         INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    status     TEXT    NOT NULL CHECK (status IN ('new','confirmed','dismissed','escalated')),
    note       TEXT    NOT NULL DEFAULT '',
    analyst    TEXT    NOT NULL DEFAULT '',
    at         TEXT    NOT NULL
);
CREATE INDEX triage_finding ON triage(finding_id, at);
