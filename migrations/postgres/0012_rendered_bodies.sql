-- DS-02: a post's markup is rendered and cleaned once, when it is written, not on every view.
-- `render_version` names the rules it was rendered with; a start-up job renders older rows again
-- (0 = never rendered: every post that existed before this migration).
ALTER TABLE posts ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN render_version BIGINT NOT NULL DEFAULT 0;
CREATE INDEX posts_render_version ON posts (render_version);
