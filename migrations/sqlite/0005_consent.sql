-- Consent (toestemming) per child, per purpose, asked every school year, and the children tagged in
-- photos. The rule that turns answers into what families see lives in app/src/server/visibility.rs.

-- What a school asks consent for. kind 'photos' ("Foto's en video's in Kring") is the purpose Kring
-- itself enforces on tagged photos; the others are recorded for the school's own channels.
CREATE TABLE consent_purposes (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (school_id, kind)
);

-- The wording, versioned: an answer records the version it was given to.
CREATE TABLE consent_texts (
    id INTEGER PRIMARY KEY,
    purpose_id INTEGER NOT NULL REFERENCES consent_purposes(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    explanation TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (purpose_id, version)
);

-- One round per school and school year. strict: answers not confirmed in this round count as no.
-- lock_date ('YYYY-MM-DD'): after it, a guardian's new "yes" waits for staff confirmation (a "no"
-- always counts at once).
CREATE TABLE consent_rounds (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
    school_year_id INTEGER NOT NULL REFERENCES school_years(id) ON DELETE CASCADE,
    strict BOOLEAN NOT NULL DEFAULT FALSE,
    lock_date TEXT,
    opened_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    opened_at INTEGER NOT NULL,
    UNIQUE (school_id, school_year_id)
);

-- Every answer ever given: the history shown to the guardian and the directie. Never updated except
-- to record a staff confirmation of a pending answer.
CREATE TABLE consent_answers (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX consent_answers_pupil ON consent_answers (pupil_id, purpose_id);

-- The answer in force per guardian, child and purpose (the newest answer that is not pending).
CREATE TABLE consent_current (
    pupil_id INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose_id INTEGER NOT NULL REFERENCES consent_purposes(id) ON DELETE CASCADE,
    answer BOOLEAN NOT NULL,
    answer_id INTEGER NOT NULL REFERENCES consent_answers(id) ON DELETE CASCADE,
    round_id INTEGER REFERENCES consent_rounds(id) ON DELETE SET NULL,
    PRIMARY KEY (pupil_id, user_id, purpose_id)
);

-- The children a teacher tagged in a photo or video.
CREATE TABLE media_tags (
    media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    pupil_id INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    PRIMARY KEY (media_id, pupil_id)
);
CREATE INDEX media_tags_pupil ON media_tags (pupil_id);
