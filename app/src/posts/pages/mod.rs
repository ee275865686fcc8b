pub mod card;
pub mod compose;
pub mod edit;
pub mod feed;
pub mod form;
pub mod group;
pub mod groups;
pub mod post;
mod receipts;
