-- Issue 20: a school starts on Kring from its LAS export, and an office (administratie) role.

-- The LAS's pupil key (leerlingnummer) is stable across years: imports match pupils on it, never on
-- names. Pupils made by hand have none until an import gives them one. The prefix (tussenvoegsel)
-- is kept apart so that lists sort on the last name, as Dutch lists do.
ALTER TABLE pupils ADD COLUMN pupil_key TEXT;
ALTER TABLE pupils ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX pupils_key ON pupils (school_id, pupil_key) WHERE pupil_key IS NOT NULL;
CREATE INDEX pupils_school ON pupils (school_id);

-- Kring stores the minimum (domain.md): a guardian's phone number only when the school turns that on.
ALTER TABLE schools ADD COLUMN store_phones BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE guardianships ADD COLUMN phone TEXT;

-- The administratie (office) role. SQLite cannot change a CHECK, so the table is rebuilt
-- (https://www.sqlite.org/lang_altertable.html#otheralter; migrations run with foreign keys off).
CREATE TABLE staff_roles_new (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('directie', 'teacher', 'administratie')),
    PRIMARY KEY (user_id, school_id, role)
);
INSERT INTO staff_roles_new SELECT * FROM staff_roles;
DROP TABLE staff_roles;
ALTER TABLE staff_roles_new RENAME TO staff_roles;

-- An import run: the uploaded file (kept in the database, so every server of a foundation sees it,
-- and deleted after applying or after 24 hours), its progress, and what it changed.
CREATE TABLE import_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    -- NULL: `kring import` on the server (the audit log says "CLI").
    actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('uploaded', 'applying', 'applied', 'failed', 'expired')),
    pupils_file BLOB,
    guardians_file BLOB,
    total INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    summary TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- When applying began: bulk invitations are spread from here at KRING_MAIL_PER_MINUTE.
    started_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX import_runs_school ON import_runs (school_id, created_at);

-- The column mapping of a school's LAS export, remembered for the next import.
-- Keyed on the school, not an id of its own (no rowid: nothing to reuse).
CREATE TABLE import_mappings (
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    mapping TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (school_id)
) WITHOUT ROWID;

-- Invitations: an import invites in the school's name (no inviting person for `kring import`),
-- one invitation per guardian for all their children (`invitation_pupils`), and carries the phone
-- number when the school keeps those. An invitation from an import never makes a staff or admin
-- account a guardian.
CREATE TABLE invitations_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'guardian')),
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    role TEXT,
    pupil_id INTEGER REFERENCES pupils(id) ON DELETE CASCADE,
    invited_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    revoked_at INTEGER,
    import_run_id INTEGER REFERENCES import_runs(id) ON DELETE SET NULL,
    phone TEXT
);
INSERT INTO invitations_new (id, token_hash, email, name, kind, school_id, role, pupil_id, invited_by, created_at, expires_at, used_at, revoked_at)
    SELECT id, token_hash, email, name, kind, school_id, role, pupil_id, invited_by, created_at, expires_at, used_at, revoked_at FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_new RENAME TO invitations;
CREATE INDEX invitations_school_email ON invitations (school_id, email);

CREATE TABLE invitation_pupils (
    invitation_id INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    pupil_id INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, pupil_id)
);
CREATE INDEX invitation_pupils_pupil ON invitation_pupils (pupil_id);
-- A teacher invited by an EDEXML import is linked to their groups when they accept.
CREATE TABLE invitation_groups (
    invitation_id INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, group_id)
);
