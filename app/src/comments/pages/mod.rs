mod list;

pub use list::CommentsSection;
