//! Server-only cross-cutting parts: database, state, sessions, jobs, mail, time and the visibility rule.
pub mod auth;
pub mod clock;
pub mod ctx;
pub mod db;
pub mod download;
mod error;
pub mod headers;
pub mod jobs;
pub mod mail;
pub mod markup;
pub mod outbound;
pub mod pwa;
pub mod secrets;
pub mod smtp;
pub mod state;
pub mod storage;
pub mod throttle;
pub mod worker;
