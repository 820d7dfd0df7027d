-- 0004: named leases, so two fentinel processes on one database do not crawl
-- the same target or deliver the same alerts at once. A lease belongs to one
-- process (host, pid, random token) until it is released or expires; its
-- holder renews it while working.
CREATE TABLE leases (
    name        TEXT    PRIMARY KEY,             -- e.g. 'crawl:market-a', 'outbox', 'serve'
    token       TEXT    NOT NULL,                -- random, per acquisition
    host        TEXT    NOT NULL,
    pid         INTEGER NOT NULL,
    command     TEXT    NOT NULL DEFAULT '',     -- e.g. 'serve', 'crawl'
    acquired_at TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL
);
