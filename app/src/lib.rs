//! Kring: the shared application crate. Each feature folder holds its types (`model`), server
//! functions (`api`), pages, and server-only rules and queries (`server`, behind `ssr`).
#![recursion_limit = "256"]

/// The typed translations generated from `locales/*.json` by `build.rs`; not ours to lint.
#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}
pub use generated::i18n;

pub mod accounts;
pub mod admin;
pub mod album;
mod app;
#[cfg(test)]
mod architecture;
#[cfg(feature = "hydrate")]
pub mod client;
pub mod comments;
pub mod consent;
pub mod error;
pub mod feed;
pub mod import;
#[cfg(feature = "ssr")]
pub mod jobs;
mod layout;
pub mod limits;
pub mod links;
pub mod media;
pub mod moderation;
pub mod names;
pub mod newsletters;
pub mod notify;
#[cfg(feature = "ssr")]
pub mod platform;
#[cfg(feature = "ssr")]
pub mod policy;
pub mod posts;
pub mod roles;
pub mod ui;

pub use app::{shell, App};
