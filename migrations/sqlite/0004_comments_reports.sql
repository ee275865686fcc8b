-- Comments on posts, reports of posts and comments, and their handling.
-- The author opens or closes comments per post; only a post to one class group may have them, so no
-- parent's name is shown outside their own group.
ALTER TABLE posts ADD COLUMN comments_open BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_by_post ON comments (post_id, created_at);

-- A report keeps a snapshot of what was reported, so the moderator sees it even after an edit or a
-- removal. The post's author and the directie of the school see it in their queue.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    -- 'post' or 'comment': still known after the comment itself is gone.
    kind TEXT NOT NULL,
    comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
    post_author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reporter_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    snapshot_author TEXT NOT NULL,
    snapshot_text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    resolution TEXT,
    resolution_note TEXT
);
CREATE INDEX reports_open ON reports (school_id, resolved_at);

-- Why something was removed, next to who and when.
ALTER TABLE audit_log ADD COLUMN note TEXT;
