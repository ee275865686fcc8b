-- How families and staff hear about things: preferences, the in-app list, Web Push subscriptions,
-- server keys (VAPID, unsubscribe signing) and e-mail failures.

-- Missing row: the defaults (weekly summary e-mail).
CREATE TABLE notification_settings (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    email_frequency TEXT NOT NULL CHECK (email_frequency IN ('immediately', 'daily', 'weekly')),
    updated_at INTEGER NOT NULL
);

-- Per kind of message, which channels besides the in-app list. Missing row: the defaults.
CREATE TABLE notification_channels (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    push BOOLEAN NOT NULL,
    email BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE group_mutes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);

-- The in-app list: always complete, whatever channels were chosen. One row per person and item.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_post ON notifications (post_id);
CREATE INDEX notifications_item ON notifications (item_key);

-- A browser's push subscription. The session that made it is kept (as its hash) so logging out
-- removes the device's subscription.
CREATE TABLE push_subscriptions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_hash TEXT,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    refreshed_at INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- Keys Kring makes at first start and keeps: the VAPID key pair and the unsubscribe-link secret.
CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Mail the SMTP server refused for good (bounces); shown to admins. No address or text is kept.
CREATE TABLE mail_failures (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX mail_failures_created ON mail_failures (created_at);
