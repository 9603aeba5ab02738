-- Articles, stories and which story each article belongs to.
-- Dates are ISO text (YYYY-MM-DD); removed lines are JSON [[line, text, reason], ...].

CREATE TABLE articles (
    id TEXT PRIMARY KEY,                 -- Article.id, derived from title + text
    seq INTEGER NOT NULL UNIQUE,         -- ingest order
    url TEXT UNIQUE,                     -- NULL when the input gave none
    content_hash TEXT NOT NULL UNIQUE,   -- sha1 of the normalised cleaned text
    title TEXT NOT NULL,
    outlet TEXT,
    published TEXT,
    origin TEXT NOT NULL,
    source_id TEXT,
    text TEXT NOT NULL,
    removed TEXT NOT NULL DEFAULT '[]',
    raw_line_of TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,              -- the clusterer's story id
    title TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    first_date TEXT,
    last_date TEXT,
    live INTEGER NOT NULL DEFAULT 1,     -- 0 once stale or merged: the clusterer no longer loads it
    merged_into INTEGER REFERENCES stories(id),
    state BLOB                           -- the clusterer's state of the story (StoryState.to_bytes)
);

CREATE TABLE memberships (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    story_id INTEGER NOT NULL REFERENCES stories(id)
);
CREATE INDEX memberships_by_story ON memberships(story_id);

-- Stream-wide clustering state (document frequencies, clocks, next story id).
CREATE TABLE clustering (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
