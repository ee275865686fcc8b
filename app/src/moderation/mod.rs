//! Reports of posts and comments by families, and the queue where the post's author and the
//! directie handle them.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
