-- Pinned posts are few: the feed finds them through this index instead of sorting every post of
-- the reader's groups a second time (issue 19).
CREATE INDEX posts_pinned ON posts (created_at DESC, id DESC) WHERE pinned = TRUE;
