//! The archive, the form, and the send card on a newsletter's own page (its preview).
mod archive;
mod form;
mod send;

pub use archive::NewslettersPage;
pub use form::NewsletterFormPage;
pub use send::SendCard;
