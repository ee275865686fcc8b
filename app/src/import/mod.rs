//! Bringing a school into Kring from its student administration (LAS): a CSV of pupils and
//! guardians or an EDEXML file, read (`parse`), compared with the school (`plan`) and applied in
//! small transactions by a job (`apply`). `kring import` and the import screens share all of it.
pub mod api;
#[cfg(feature = "ssr")]
pub mod apply;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod parse;
#[cfg(feature = "ssr")]
pub mod plan;
pub mod roster;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod runs;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;
