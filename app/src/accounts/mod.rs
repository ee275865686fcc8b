pub mod api;
#[cfg(feature = "ssr")]
mod invitations;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
