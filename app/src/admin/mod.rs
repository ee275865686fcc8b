pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod people;
#[cfg(feature = "ssr")]
pub mod server;
