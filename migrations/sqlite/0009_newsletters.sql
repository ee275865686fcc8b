-- The composed newsletter (nieuwsbrief): a post of kind 'newsletter' to the school group. Until it
-- is sent it has a draft_state ('draft', or 'scheduled' with publish_at) and the status
-- 'processing', which every reading rule already keeps from families; sending clears draft_state
-- and publishes it like any post, so the feed, visibility, consent and notification rules apply.
ALTER TABLE posts ADD COLUMN kind TEXT NOT NULL DEFAULT 'post';
ALTER TABLE posts ADD COLUMN draft_state TEXT CHECK (draft_state IN ('draft', 'scheduled'));
ALTER TABLE posts ADD COLUMN publish_at INTEGER;
CREATE INDEX posts_kind ON posts (kind, created_at DESC, id DESC);

-- A photo the author marked as showing no recognisable child (for schools that require tags).
ALTER TABLE media ADD COLUMN no_children BOOLEAN NOT NULL DEFAULT FALSE;

-- PDF attachments of a newsletter. A removed attachment (or one of a deleted post) loses its post
-- and the purge job deletes its file, then its row.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    storage_key TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX attachments_post ON attachments (post_id, position);
