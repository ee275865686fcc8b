//! Media in the UI: the gallery of a post and the uploader of the compose form.
mod gallery;
mod tags;
pub mod upload;
pub mod viewer;
#[cfg(feature = "hydrate")]
mod xhr;

pub use gallery::Gallery;
pub use upload::Uploader;

use super::model::Refusal;
use crate::i18n::*;

/// The sentence for a refusal a form without JavaScript came back with (`?fout=<key>`): an upload's
/// refusal, or any other form error.
pub fn returned_text(i18n: leptos_i18n::I18nContext<Locale>, key: &str) -> String {
    match crate::error::Invalid::from_key(key) {
        Some(invalid) => crate::ui::feedback::error_text(
            i18n,
            &crate::error::AppError::validation("form", invalid),
        ),
        None if key.starts_with("media_") => refusal_text(i18n, &Refusal::new(key)),
        None => crate::ui::feedback::error_text(
            i18n,
            &crate::error::AppError::validation("form", crate::error::Invalid::InvalidForm),
        ),
    }
}

/// The sentence for a refused upload, in the user's language.
pub fn refusal_text(i18n: leptos_i18n::I18nContext<Locale>, r: &Refusal) -> String {
    let limit = r.limit_mb;
    match r.key.as_str() {
        "media_type_not_allowed" => t_string!(i18n, media.type_not_allowed).to_string(),
        "media_heic_unsupported" => t_string!(i18n, media.heic_unsupported).to_string(),
        "media_not_a_photo" => t_string!(i18n, media.not_a_photo).to_string(),
        "media_video_unavailable" => t_string!(i18n, media.video_unavailable).to_string(),
        "media_too_many_pixels" => t_string!(i18n, media.too_many_pixels).to_string(),
        "media_icc_too_big" => t_string!(i18n, media.icc_too_big).to_string(),
        "media_unreadable" => t_string!(i18n, media.unreadable).to_string(),
        "media_photo_too_big" => t_string!(i18n, media.photo_too_big, limit).to_string(),
        "media_video_too_big" => t_string!(i18n, media.video_too_big, limit).to_string(),
        "media_video_too_long" => t_string!(i18n, media.video_too_long).to_string(),
        "media_post_too_big" => t_string!(i18n, media.post_too_big).to_string(),
        "media_too_many" => t_string!(i18n, media.too_many).to_string(),
        "media_missing" => t_string!(i18n, media.missing).to_string(),
        "media_sign_in" => t_string!(i18n, media.sign_in).to_string(),
        "media_not_allowed" => t_string!(i18n, media.not_allowed).to_string(),
        "media_no_file" => t_string!(i18n, media.no_file).to_string(),
        "media_broken_upload" => t_string!(i18n, media.broken_upload).to_string(),
        "media_network" => t_string!(i18n, media.network).to_string(),
        _ => t_string!(i18n, media.failed).to_string(),
    }
}
