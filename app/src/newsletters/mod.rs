//! The composed newsletter (nieuwsbrief): written in sections with photos and PDFs, previewed,
//! sent now or scheduled, published in the school group, and kept in a browsable archive.
pub mod api;
#[cfg(feature = "ssr")]
mod attachments;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
mod sending;
#[cfg(feature = "ssr")]
pub mod server;
