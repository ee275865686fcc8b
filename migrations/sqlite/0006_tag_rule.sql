-- A school can require that every photo or video of a post says who is in it (children tagged, or
-- "no recognisable child") before the post can be published.
ALTER TABLE schools ADD COLUMN require_photo_tags BOOLEAN NOT NULL DEFAULT FALSE;
