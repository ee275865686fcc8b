//! The archive, the form, and the send card on a newsletter's own page (its preview).
mod archive;
mod form;
mod send;

pub use archive::NewslettersPage;
pub use form::NewsletterFormPage;
pub use send::SendCard;

use crate::i18n::*;

/// The sentence for a newsletter refusal key ("newsletter_…").
pub fn error_text(i18n: leptos_i18n::I18nContext<Locale>, key: &str) -> String {
    match key {
        "newsletter_title_required" => t_string!(i18n, newsletter.err_title_required),
        "newsletter_already_sent" => t_string!(i18n, newsletter.err_already_sent),
        "newsletter_at_past" => t_string!(i18n, newsletter.err_at_past),
        "newsletter_at_invalid" => t_string!(i18n, newsletter.err_at_invalid),
        "newsletter_not_pdf" => t_string!(i18n, newsletter.err_not_pdf),
        "newsletter_file_too_big" => t_string!(i18n, newsletter.err_file_too_big),
        "newsletter_too_many_files" => t_string!(i18n, newsletter.err_too_many_files),
        "newsletter_heading_too_long" => t_string!(i18n, newsletter.err_heading_too_long),
        "newsletter_not_allowed" => t_string!(i18n, newsletter.err_not_allowed),
        _ => t_string!(i18n, errors.invalid_form),
    }
    .to_string()
}
