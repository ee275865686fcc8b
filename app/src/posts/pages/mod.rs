pub mod compose;
pub mod edit;
pub mod form;
