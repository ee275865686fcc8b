-- A comment the school removes stays as a placeholder ("Reactie verwijderd door de school"): its text
-- is wiped, the moment and the reason are kept so its author can be told why.
ALTER TABLE comments ADD COLUMN removed_at BIGINT;
ALTER TABLE comments ADD COLUMN removed_reason TEXT;
