-- Live sources: what was fetched from which URL (and how to ask again cheaply),
-- every version of an article's text, and the feeds `corroborate watch` follows.
-- Times are ISO 8601 text in UTC with microseconds ("2026-03-10T12:00:00.000000+00:00"),
-- so that they sort and compare as text.

CREATE TABLE fetched (
    url TEXT PRIMARY KEY,                -- the URL asked for, in normal form (fetch.urls.normalise)
    final_url TEXT,                      -- after redirects
    via TEXT,                            -- the feed or sitemap that listed it, if any
    outcome TEXT NOT NULL,               -- pending | stored | duplicate | problem | failed
    article_id TEXT REFERENCES articles(id),  -- the stored article it gave
    message TEXT,                        -- why not stored (problem / failed)
    attempts INTEGER NOT NULL DEFAULT 1, -- fetches that failed in a row (failed: tried again up to a limit)
    etag TEXT,                           -- validators for a conditional GET next time
    last_modified TEXT,
    body_sha1 TEXT,                      -- hash of the last body read
    first_fetched TEXT NOT NULL,
    last_fetched TEXT NOT NULL,
    checks INTEGER NOT NULL DEFAULT 1,   -- times the URL was fetched
    next_check TEXT                      -- when to look for changes after publication (NULL: no more)
);
CREATE INDEX fetched_by_final_url ON fetched(final_url);
CREATE INDEX fetched_by_next_check ON fetched(next_check) WHERE next_check IS NOT NULL;

-- Version 1 is the text first stored (the one that was clustered and is briefed);
-- a later fetch whose cleaned text differs adds the next version, and a URL that
-- answers 404/410 later adds a version with gone = 1 and no text.
CREATE TABLE article_versions (
    article_id TEXT NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    url TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    gone INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, version)
);

-- A story's cached briefs show its articles' changes: a new version drops them.
CREATE TRIGGER briefs_drop_on_new_version AFTER INSERT ON article_versions WHEN NEW.version > 1
BEGIN
    DELETE FROM briefs WHERE story_id IN (SELECT story_id FROM memberships WHERE article_id = NEW.article_id);
END;

CREATE TABLE feeds (
    url TEXT PRIMARY KEY,                -- normal form
    title TEXT,
    every REAL NOT NULL,                 -- seconds between polls when all is well
    active INTEGER NOT NULL DEFAULT 1,   -- 0: no longer in the feeds file
    etag TEXT,
    last_modified TEXT,
    body_sha1 TEXT,
    last_polled TEXT,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0, -- failed polls in a row (each doubles the wait)
    failure_score REAL NOT NULL DEFAULT 0,  -- halves on each poll, +1 on a failed one
    next_poll TEXT,                      -- NULL: at once
    entries INTEGER NOT NULL DEFAULT 0,  -- entries it listed at the last changed poll
    new_articles INTEGER NOT NULL DEFAULT 0  -- articles stored from it, in all
);
