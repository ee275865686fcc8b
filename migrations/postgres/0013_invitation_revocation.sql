-- An invitation can be taken back before it is used (the school invited a wrong address).
ALTER TABLE invitations ADD COLUMN revoked_at BIGINT;
