//! How people hear about things: per-kind channel preferences, the in-app list, e-mail (at once, or
//! in a daily or weekly summary) and Web Push. Who is told about what is decided by the same
//! visibility rule as the feed (`policy`), checked again when each message is sent.
pub mod api;
#[cfg(feature = "ssr")]
pub mod deliver;
#[cfg(feature = "ssr")]
pub mod digest;
#[cfg(feature = "ssr")]
mod inbox;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod prefs;
#[cfg(feature = "ssr")]
pub mod push;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;
