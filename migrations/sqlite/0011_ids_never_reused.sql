-- NT-01: ids are never reused. Without AUTOINCREMENT, SQLite gives a new row the largest id + 1,
-- so deleting the newest post (or comment, notification, ...) hands its id to the next one, whose job
-- idempotency key ("notify.post:N") then exists already and its notifications are never sent.
-- SQLite cannot add AUTOINCREMENT to a table, so every table with an integer id is rebuilt the way
-- https://www.sqlite.org/lang_altertable.html#otheralter describes. `Db::migrate` runs migrations on a
-- connection with foreign keys off (a DROP TABLE with them on would cascade into the child tables)
-- and runs `PRAGMA foreign_key_check` afterwards. PostgreSQL's identity columns never reuse an id.

CREATE TABLE schools_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
, require_photo_tags BOOLEAN NOT NULL DEFAULT FALSE);
INSERT INTO schools_new SELECT * FROM schools;
DROP TABLE schools;
ALTER TABLE schools_new RENAME TO schools;

CREATE TABLE school_years_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    UNIQUE (school_id, name)
);
INSERT INTO school_years_new SELECT * FROM school_years;
DROP TABLE school_years;
ALTER TABLE school_years_new RENAME TO school_years;

CREATE TABLE groups_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    school_year_id INTEGER REFERENCES school_years(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('class', 'school', 'staff')),
    name TEXT NOT NULL,
    UNIQUE (school_id, school_year_id, name)
);
INSERT INTO groups_new SELECT * FROM groups;
DROP TABLE groups;
ALTER TABLE groups_new RENAME TO groups;
CREATE UNIQUE INDEX one_school_group_per_school ON groups (school_id) WHERE kind = 'school';

CREATE TABLE users_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    locale TEXT NOT NULL DEFAULT 'nl',
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL
);
INSERT INTO users_new SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE pupils_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_date TEXT,
    created_at INTEGER NOT NULL
);
INSERT INTO pupils_new SELECT * FROM pupils;
DROP TABLE pupils;
ALTER TABLE pupils_new RENAME TO pupils;

CREATE TABLE posts_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT,
    body TEXT NOT NULL,
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
, status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('processing', 'published')), comments_open BOOLEAN NOT NULL DEFAULT FALSE, kind TEXT NOT NULL DEFAULT 'post', draft_state TEXT CHECK (draft_state IN ('draft', 'scheduled')), publish_at INTEGER);
INSERT INTO posts_new SELECT * FROM posts;
DROP TABLE posts;
ALTER TABLE posts_new RENAME TO posts;
CREATE INDEX posts_created ON posts (created_at DESC, id DESC);
CREATE INDEX posts_kind ON posts (kind, created_at DESC, id DESC);

CREATE TABLE invitations_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO invitations_new SELECT * FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_new RENAME TO invitations;

CREATE TABLE jobs_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO jobs_new SELECT * FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_claim ON jobs (status, run_at, id);

CREATE TABLE audit_log_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL
, note TEXT);
INSERT INTO audit_log_new SELECT * FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;

CREATE TABLE media_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    uploader_id INTEGER NOT NULL REFERENCES users(id),
    post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    position INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('image', 'video')),
    status TEXT NOT NULL CHECK (status IN ('receiving', 'uploaded', 'ready', 'failed', 'discarded')),
    original_key TEXT,
    bytes INTEGER NOT NULL DEFAULT 0,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    failure TEXT,
    created_at INTEGER NOT NULL
, no_children BOOLEAN NOT NULL DEFAULT FALSE);
INSERT INTO media_new SELECT * FROM media;
DROP TABLE media;
ALTER TABLE media_new RENAME TO media;
CREATE INDEX media_post ON media (post_id, position);
CREATE INDEX media_status ON media (status, created_at);
CREATE INDEX media_post_status ON media (post_id, status, position);

CREATE TABLE comments_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO comments_new SELECT * FROM comments;
DROP TABLE comments;
ALTER TABLE comments_new RENAME TO comments;
CREATE INDEX comments_by_post ON comments (post_id, created_at);

CREATE TABLE reports_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    -- 'post' or 'comment': still known after the comment itself is gone.
    kind TEXT NOT NULL,
    comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
    post_author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reporter_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    snapshot_author TEXT NOT NULL,
    snapshot_text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    resolution TEXT,
    resolution_note TEXT
);
INSERT INTO reports_new SELECT * FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
CREATE INDEX reports_open ON reports (school_id, resolved_at);

CREATE TABLE consent_purposes_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (school_id, kind)
);
INSERT INTO consent_purposes_new SELECT * FROM consent_purposes;
DROP TABLE consent_purposes;
ALTER TABLE consent_purposes_new RENAME TO consent_purposes;

CREATE TABLE consent_texts_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose_id INTEGER NOT NULL REFERENCES consent_purposes(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    explanation TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (purpose_id, version)
);
INSERT INTO consent_texts_new SELECT * FROM consent_texts;
DROP TABLE consent_texts;
ALTER TABLE consent_texts_new RENAME TO consent_texts;

CREATE TABLE consent_rounds_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    school_year_id INTEGER NOT NULL REFERENCES school_years(id) ON DELETE CASCADE,
    strict BOOLEAN NOT NULL DEFAULT FALSE,
    lock_date TEXT,
    opened_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    opened_at INTEGER NOT NULL,
    UNIQUE (school_id, school_year_id)
);
INSERT INTO consent_rounds_new SELECT * FROM consent_rounds;
DROP TABLE consent_rounds;
ALTER TABLE consent_rounds_new RENAME TO consent_rounds;

CREATE TABLE consent_answers_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pupil_id INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose_id INTEGER NOT NULL REFERENCES consent_purposes(id) ON DELETE CASCADE,
    text_id INTEGER NOT NULL REFERENCES consent_texts(id),
    round_id INTEGER REFERENCES consent_rounds(id) ON DELETE SET NULL,
    answer BOOLEAN NOT NULL,
    pending BOOLEAN NOT NULL DEFAULT FALSE,
    answered_at INTEGER NOT NULL,
    confirmed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    confirmed_at INTEGER
);
INSERT INTO consent_answers_new SELECT * FROM consent_answers;
DROP TABLE consent_answers;
ALTER TABLE consent_answers_new RENAME TO consent_answers;
CREATE INDEX consent_answers_pupil ON consent_answers (pupil_id, purpose_id);

CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    item_key TEXT NOT NULL,
    post_id INTEGER REFERENCES posts(id) ON DELETE CASCADE,
    comment_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    report_id INTEGER REFERENCES reports(id) ON DELETE CASCADE,
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    UNIQUE (user_id, item_key)
);
INSERT INTO notifications_new SELECT * FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_post ON notifications (post_id);
CREATE INDEX notifications_item ON notifications (item_key);

CREATE TABLE push_subscriptions_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_hash TEXT,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    refreshed_at INTEGER NOT NULL
);
INSERT INTO push_subscriptions_new SELECT * FROM push_subscriptions;
DROP TABLE push_subscriptions;
ALTER TABLE push_subscriptions_new RENAME TO push_subscriptions;
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

CREATE TABLE mail_failures_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO mail_failures_new SELECT * FROM mail_failures;
DROP TABLE mail_failures;
ALTER TABLE mail_failures_new RENAME TO mail_failures;
CREATE INDEX mail_failures_created ON mail_failures (created_at);

CREATE TABLE attachments_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    storage_key TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO attachments_new SELECT * FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_post ON attachments (post_id, position);

-- Ids deleted before this migration may have left their keys behind: start above them.
INSERT INTO sqlite_sequence (name, seq) SELECT 'posts', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'posts');
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(CAST(substr(idempotency_key, 13) AS INTEGER)), 0) FROM jobs WHERE idempotency_key LIKE 'notify.post:%')) WHERE name = 'posts';
INSERT INTO sqlite_sequence (name, seq) SELECT 'comments', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'comments');
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(CAST(substr(idempotency_key, 16) AS INTEGER)), 0) FROM jobs WHERE idempotency_key LIKE 'notify.comment:%')) WHERE name = 'comments';
INSERT INTO sqlite_sequence (name, seq) SELECT 'reports', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'reports');
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(CAST(substr(idempotency_key, 15) AS INTEGER)), 0) FROM jobs WHERE idempotency_key LIKE 'notify.report:%')) WHERE name = 'reports';
INSERT INTO sqlite_sequence (name, seq) SELECT 'consent_rounds', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'consent_rounds');
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(CAST(substr(idempotency_key, 16) AS INTEGER)), 0) FROM jobs WHERE idempotency_key LIKE 'notify.consent:%')) WHERE name = 'consent_rounds';
INSERT INTO sqlite_sequence (name, seq) SELECT 'notifications', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'notifications');
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(CAST(substr(idempotency_key, 4) AS INTEGER)), 0) FROM jobs WHERE idempotency_key LIKE 'nm.%')) WHERE name = 'notifications';
INSERT INTO sqlite_sequence (name, seq) SELECT 'invitations', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'invitations');
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(CAST(substr(idempotency_key, 8) AS INTEGER)), 0) FROM jobs WHERE idempotency_key LIKE 'invite:%')) WHERE name = 'invitations';
