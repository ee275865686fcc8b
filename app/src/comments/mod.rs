//! Comments under a post: plain text from the families of the one group the post went to, removable
//! by the staff of that group and the directie, deletable by their author.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
