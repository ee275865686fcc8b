//! Kring's integration tests, in one binary: it links the whole app once instead of once per file.
//! Each module starts the real router on port 0 with a fresh database, on SQLite and PostgreSQL
//! (`db_tests!`), and talks HTTP like a browser does.
#[macro_use]
mod common;

mod access;
mod access_feeds;
mod access_plain;
mod accounts;
mod album;
mod clock;
mod comments;
mod compression;
mod consent;
mod exhaustion;
mod head;
mod ids;
mod import;
mod invitations;
mod limits;
mod media;
mod newsletters;
mod notify;
mod notify_crash;
mod objects;
mod panics;
mod platform;
mod policy;
mod posts;
mod push;
mod s3;
mod showcase;
