-- Which guardian has opened which post (read receipts for the author and the directie).
CREATE TABLE post_views (
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
