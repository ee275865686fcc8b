//! Kring: the shared application crate. Each feature folder holds its types (`model`), server
//! functions (`api`), pages, and server-only rules and queries (`server`, behind `ssr`).
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod accounts;
pub mod admin;
mod app;
pub mod error;
pub mod posts;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

pub use app::{shell, App};
