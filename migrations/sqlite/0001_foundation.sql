-- Kring foundation schema (SQLite). Times are UTC unix seconds; dates are 'YYYY-MM-DD' text.
CREATE TABLE schools (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE school_years (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    UNIQUE (school_id, name)
);

-- kind: 'class' (belongs to a school year), 'school' (one per school), 'staff'.
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    school_year_id INTEGER REFERENCES school_years(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('class', 'school', 'staff')),
    name TEXT NOT NULL,
    UNIQUE (school_id, school_year_id, name)
);
CREATE UNIQUE INDEX one_school_group_per_school ON groups (school_id) WHERE kind = 'school';

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    locale TEXT NOT NULL DEFAULT 'nl',
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL
);

-- role: 'directie' or 'teacher'.
CREATE TABLE staff_roles (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('directie', 'teacher')),
    PRIMARY KEY (user_id, school_id, role)
);

CREATE TABLE group_staff (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

CREATE TABLE pupils (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_date TEXT,
    created_at INTEGER NOT NULL
);

-- One class group per pupil per school year; moving a pupil updates this row.
CREATE TABLE placements (
    pupil_id INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    school_year_id INTEGER NOT NULL REFERENCES school_years(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (pupil_id, school_year_id)
);

CREATE TABLE guardianships (
    pupil_id INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    no_access BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (pupil_id, user_id)
);
CREATE INDEX guardianships_user ON guardianships (user_id);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT,
    body TEXT NOT NULL,
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX posts_created ON posts (created_at DESC, id DESC);

CREATE TABLE post_groups (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, group_id)
);
CREATE INDEX post_groups_group ON post_groups (group_id, post_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- kind: 'staff' (role + school) or 'guardian' (pupil). Only the SHA-256 of the token is stored.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'guardian')),
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    role TEXT,
    pupil_id INTEGER REFERENCES pupils(id) ON DELETE CASCADE,
    invited_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

-- Durable background work. status: 'pending', 'running', 'done', 'failed'.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at INTEGER NOT NULL,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_due ON jobs (status, run_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
