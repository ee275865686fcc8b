//! Shared UI pieces: the layout, error and loading notices, relative times.
pub mod feedback;
pub mod layout;
pub mod time;
