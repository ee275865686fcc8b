-- Photos and videos. A post with media is 'processing' until every item is ready or refused;
-- families see only 'published' posts.
ALTER TABLE posts ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('processing', 'published'));

-- status: receiving (bytes arriving), uploaded (waiting for the job), ready, failed (refused while
-- processing; `failure` names why), discarded (files to be deleted, then the row).
CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    uploader_id INTEGER NOT NULL REFERENCES users(id),
    post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    position INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('image', 'video')),
    status TEXT NOT NULL CHECK (status IN ('receiving', 'uploaded', 'ready', 'failed', 'discarded')),
    original_key TEXT,
    bytes INTEGER NOT NULL DEFAULT 0,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    failure TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX media_post ON media (post_id, position);
CREATE INDEX media_status ON media (status, created_at);

CREATE TABLE media_files (
    media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    variant TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (media_id, variant)
);
