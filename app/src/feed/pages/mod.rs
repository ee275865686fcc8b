pub mod card;
pub mod feed;
pub mod group;
pub mod groups;
pub mod post;
mod receipts;
pub mod seen;
