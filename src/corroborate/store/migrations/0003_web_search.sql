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
