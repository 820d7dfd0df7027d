-- 0002: the persistent crawl frontier and visited set, per crawl target, so a
-- killed crawl resumes where it stopped. state: queued (waiting), inflight
-- (handed to a fetcher), visited (done in this pass), dropped (given up in this
-- pass), idle (known from an earlier pass; only its hash matters).
CREATE TABLE frontier (
    target       TEXT    NOT NULL,
    url          TEXT    NOT NULL,
    site         TEXT    NOT NULL DEFAULT '',
    depth        INTEGER NOT NULL DEFAULT 0,
    parent       TEXT    NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   TEXT    NOT NULL DEFAULT '',
    state        TEXT    NOT NULL CHECK (state IN ('queued','inflight','visited','dropped','idle')),
    seq          INTEGER NOT NULL,               -- push order, for breadth-first pops
    content_hash TEXT    NOT NULL DEFAULT '',    -- hash seen in this pass
    last_hash    TEXT    NOT NULL DEFAULT '',    -- hash from the previous pass
    err_class    TEXT    NOT NULL DEFAULT '',
    reason       TEXT    NOT NULL DEFAULT '',
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (target, url)
);
CREATE INDEX frontier_due ON frontier(target, state, seq);
