-- What the web app (`corroborate serve`) lists without running any NLP:
-- full-text search over articles, and the facts of each cached brief that the
-- story list's badges and facets and the outlet pages count.

-- Full-text search over titles and text (FTS5, external content: the text is
-- stored once, in articles). Keyed by `seq`, which is stable (a rowid may change
-- on VACUUM). The triggers keep it in step; the rebuild fills it for a store
-- made before this migration.
CREATE VIRTUAL TABLE articles_search USING fts5(
    title, text,
    content='articles', content_rowid='seq',
    tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO articles_search(articles_search) VALUES ('rebuild');

CREATE TRIGGER articles_search_insert AFTER INSERT ON articles
BEGIN
    INSERT INTO articles_search(rowid, title, text) VALUES (NEW.seq, NEW.title, NEW.text);
END;

CREATE TRIGGER articles_search_delete AFTER DELETE ON articles
BEGIN
    INSERT INTO articles_search(articles_search, rowid, title, text) VALUES ('delete', OLD.seq, OLD.title, OLD.text);
END;

CREATE TRIGGER articles_search_update AFTER UPDATE OF seq, title, text ON articles
BEGIN
    INSERT INTO articles_search(articles_search, rowid, title, text) VALUES ('delete', OLD.seq, OLD.title, OLD.text);
    INSERT INTO articles_search(rowid, title, text) VALUES (NEW.seq, NEW.title, NEW.text);
END;

CREATE INDEX articles_by_outlet ON articles(outlet);
-- Search hits go from an article's seq to its story through these two covering
-- indexes, never through the wide article rows (a search of a 10,000-article store
-- 14 -> 8 ms, measured).
CREATE INDEX articles_seq_id ON articles(seq, id);
CREATE INDEX memberships_article_story ON memberships(article_id, story_id);

-- Each story's size and dates, and its outlets, kept by triggers as memberships
-- change: a story list reads one row per story instead of aggregating every
-- article (26 ms -> ~2 ms for the list of a 10,000-article store, measured).
CREATE TABLE story_facts (
    story_id INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,
    first_date TEXT,                        -- the earliest and latest published date of its articles
    last_date TEXT
);
CREATE TABLE story_outlets (
    story_id INTEGER NOT NULL,
    outlet TEXT NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (story_id, outlet)
) WITHOUT ROWID;
CREATE INDEX story_outlets_by_outlet ON story_outlets(outlet);

INSERT INTO story_facts (story_id, size, first_date, last_date)
    SELECT m.story_id, COUNT(*), MIN(a.published), MAX(a.published)
    FROM memberships m JOIN articles a ON a.id = m.article_id GROUP BY m.story_id;
INSERT INTO story_outlets (story_id, outlet, articles)
    SELECT m.story_id, a.outlet, COUNT(*)
    FROM memberships m JOIN articles a ON a.id = m.article_id WHERE a.outlet IS NOT NULL GROUP BY m.story_id, a.outlet;

-- A story gains an article: counted in (the article row is written before its membership).
CREATE TRIGGER story_facts_join AFTER INSERT ON memberships
BEGIN
    INSERT INTO story_facts (story_id, size, first_date, last_date)
        SELECT NEW.story_id, 1, published, published FROM articles WHERE id = NEW.article_id
        ON CONFLICT(story_id) DO UPDATE SET size = size + 1,
            first_date = CASE WHEN excluded.first_date IS NULL THEN first_date WHEN first_date IS NULL OR excluded.first_date < first_date THEN excluded.first_date ELSE first_date END,
            last_date = CASE WHEN excluded.last_date IS NULL THEN last_date WHEN last_date IS NULL OR excluded.last_date > last_date THEN excluded.last_date ELSE last_date END;
    INSERT INTO story_outlets (story_id, outlet, articles)
        SELECT NEW.story_id, outlet, 1 FROM articles WHERE id = NEW.article_id AND outlet IS NOT NULL
        ON CONFLICT(story_id, outlet) DO UPDATE SET articles = articles + 1;
END;

-- An article moves (a merge) or leaves: both stories are counted again.
CREATE TRIGGER story_facts_move AFTER UPDATE OF story_id ON memberships
BEGIN
    DELETE FROM story_facts WHERE story_id IN (OLD.story_id, NEW.story_id);
    DELETE FROM story_outlets WHERE story_id IN (OLD.story_id, NEW.story_id);
    INSERT INTO story_facts (story_id, size, first_date, last_date)
        SELECT m.story_id, COUNT(*), MIN(a.published), MAX(a.published) FROM memberships m JOIN articles a ON a.id = m.article_id
        WHERE m.story_id IN (OLD.story_id, NEW.story_id) GROUP BY m.story_id;
    INSERT INTO story_outlets (story_id, outlet, articles)
        SELECT m.story_id, a.outlet, COUNT(*) FROM memberships m JOIN articles a ON a.id = m.article_id
        WHERE m.story_id IN (OLD.story_id, NEW.story_id) AND a.outlet IS NOT NULL GROUP BY m.story_id, a.outlet;
END;

CREATE TRIGGER story_facts_leave AFTER DELETE ON memberships
BEGIN
    DELETE FROM story_facts WHERE story_id = OLD.story_id;
    DELETE FROM story_outlets WHERE story_id = OLD.story_id;
    INSERT INTO story_facts (story_id, size, first_date, last_date)
        SELECT m.story_id, COUNT(*), MIN(a.published), MAX(a.published) FROM memberships m JOIN articles a ON a.id = m.article_id
        WHERE m.story_id = OLD.story_id GROUP BY m.story_id;
    INSERT INTO story_outlets (story_id, outlet, articles)
        SELECT m.story_id, a.outlet, COUNT(*) FROM memberships m JOIN articles a ON a.id = m.article_id
        WHERE m.story_id = OLD.story_id AND a.outlet IS NOT NULL GROUP BY m.story_id, a.outlet;
END;

-- An article's date or outlet changes (a new version): its story is counted again.
CREATE TRIGGER story_facts_article_change AFTER UPDATE OF published, outlet ON articles
BEGIN
    DELETE FROM story_facts WHERE story_id = (SELECT story_id FROM memberships WHERE article_id = NEW.id);
    DELETE FROM story_outlets WHERE story_id = (SELECT story_id FROM memberships WHERE article_id = NEW.id);
    INSERT INTO story_facts (story_id, size, first_date, last_date)
        SELECT m.story_id, COUNT(*), MIN(a.published), MAX(a.published) FROM memberships m JOIN articles a ON a.id = m.article_id
        WHERE m.story_id = (SELECT story_id FROM memberships WHERE article_id = NEW.id) GROUP BY m.story_id;
    INSERT INTO story_outlets (story_id, outlet, articles)
        SELECT m.story_id, a.outlet, COUNT(*) FROM memberships m JOIN articles a ON a.id = m.article_id
        WHERE m.story_id = (SELECT story_id FROM memberships WHERE article_id = NEW.id) AND a.outlet IS NOT NULL
        GROUP BY m.story_id, a.outlet;
END;

-- One row per story whose brief is cached: written in the same transaction as
-- the brief (store.summaries), dropped with it when the story's membership changes.
CREATE TABLE story_summary (
    story_id INTEGER PRIMARY KEY REFERENCES stories(id),
    articles INTEGER NOT NULL,              -- articles the brief covers
    independent_sources INTEGER NOT NULL,
    copies INTEGER NOT NULL,                -- copy or rewrite relations
    quotes INTEGER NOT NULL,                -- quote groups
    altered_quotes INTEGER NOT NULL,        -- quote groups that some outlet printed altered
    facts INTEGER NOT NULL,                 -- fact slots
    conflicts INTEGER NOT NULL,             -- fact slots where outlets disagree
    briefed_at TEXT NOT NULL                -- ISO timestamp (UTC)
);

-- What a cached brief found in each article, for the outlet pages and their evidence:
--   kind 'copy'  label duplicate|contained|rewrite, other_article_id the likely original
--   kind 'quote' label the verdict (verbatim, partial, typography, altered, other-speaker)
--   kind 'fact'  label majority|against-majority|disputed (claims of conflicting slots only)
CREATE TABLE brief_findings (
    story_id INTEGER NOT NULL REFERENCES stories(id),
    article_id TEXT NOT NULL REFERENCES articles(id),
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    span_start INTEGER,                     -- the characters of the article's cleaned text it is about
    span_end INTEGER,
    other_article_id TEXT,
    detail TEXT NOT NULL                    -- one line for a reader
);
CREATE INDEX brief_findings_by_article ON brief_findings(article_id);
CREATE INDEX brief_findings_by_story ON brief_findings(story_id);

CREATE TRIGGER summary_drop_on_join AFTER INSERT ON memberships
BEGIN
    DELETE FROM story_summary WHERE story_id = NEW.story_id;
    DELETE FROM brief_findings WHERE story_id = NEW.story_id;
END;

CREATE TRIGGER summary_drop_on_move AFTER UPDATE OF story_id ON memberships
BEGIN
    DELETE FROM story_summary WHERE story_id IN (OLD.story_id, NEW.story_id);
    DELETE FROM brief_findings WHERE story_id IN (OLD.story_id, NEW.story_id);
END;

CREATE TRIGGER summary_drop_on_leave AFTER DELETE ON memberships
BEGIN
    DELETE FROM story_summary WHERE story_id = OLD.story_id;
    DELETE FROM brief_findings WHERE story_id = OLD.story_id;
END;

-- A new version of an article drops its story's briefs (migration 0003): their summary goes too.
CREATE TRIGGER summary_drop_on_new_version AFTER INSERT ON article_versions WHEN NEW.version > 1
BEGIN
    DELETE FROM story_summary WHERE story_id IN (SELECT story_id FROM memberships WHERE article_id = NEW.article_id);
    DELETE FROM brief_findings WHERE story_id IN (SELECT story_id FROM memberships WHERE article_id = NEW.article_id);
END;
