//! Server-only cross-cutting parts: database and clock, state, sessions, jobs and their runner,
//! events, mail, storage, markup. It uses no feature; who may see what is `policy`'s.
pub mod auth;
pub mod clock;
pub mod ctx;
pub mod db;
pub mod download;
mod error;
pub mod events;
pub mod headers;
pub mod jobs;
pub mod mail;
pub mod markup;
pub mod outbound;
pub mod registry;
pub mod schedule;
pub mod secrets;
pub mod service_worker;
pub mod smtp;
pub mod state;
pub mod storage;
pub mod throttle;
pub mod worker;
