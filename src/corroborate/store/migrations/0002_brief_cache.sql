-- Rendered-ready briefs of stories, cached. A cached brief is keyed by the story,
-- the exact member set and the options, and is dropped as soon as the story's
-- membership changes (triggers below), so it can never be served stale.

CREATE TABLE briefs (
    story_id INTEGER NOT NULL REFERENCES stories(id),
    members_hash TEXT NOT NULL,
    options_hash TEXT NOT NULL,
    brief BLOB NOT NULL,
    PRIMARY KEY (story_id, members_hash, options_hash)
);

CREATE TRIGGER briefs_drop_on_join AFTER INSERT ON memberships
BEGIN
    DELETE FROM briefs WHERE story_id = NEW.story_id;
END;

CREATE TRIGGER briefs_drop_on_move AFTER UPDATE OF story_id ON memberships
BEGIN
    DELETE FROM briefs WHERE story_id IN (OLD.story_id, NEW.story_id);
END;

CREATE TRIGGER briefs_drop_on_leave AFTER DELETE ON memberships
BEGIN
    DELETE FROM briefs WHERE story_id = OLD.story_id;
END;
