//! Photos (and later videos) of posts: upload, processing, storage and authorised serving.
#[cfg(feature = "ssr")]
pub mod budget;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod process;
#[cfg(feature = "ssr")]
pub mod processing;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod sweep;
#[cfg(feature = "ssr")]
pub mod video;
