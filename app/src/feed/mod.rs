//! The feed read model: the feed, a group's page and a post's page, and what a guardian has seen.
//! Posts are written by `posts`; what may be read is decided by `policy`.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod parts;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod receipts;
