-- A page reads the media of its posts by post and status. Without statistics SQLite otherwise picks
-- media_status and walks every ready item of the foundation.
CREATE INDEX media_post_status ON media (post_id, status, position);
