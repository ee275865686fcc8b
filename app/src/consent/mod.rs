//! Consent (toestemming): per child, per purpose, every school year; and the rule that a photo of a
//! child without consent is never shown to other families.
pub mod api;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
