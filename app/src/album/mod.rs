//! "Mijn kind": every photo and video in which a guardian's own child is tagged, per school year,
//! and each year as one zip. What is shown goes through `policy::media_visible`, like every
//! other view of a photo, so a photo that also shows a child without consent is left out here too.
pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod zip;
