//! How errors and waiting look. Every error the server can give has a Dutch (and English) sentence.
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::{error::AppError, i18n::*};

/// The sentence for an error, in the user's language.
pub fn error_text(i18n: leptos_i18n::I18nContext<Locale>, err: &AppError) -> String {
    let s: String = match err {
        AppError::NotFound => t_string!(i18n, errors.not_found).into(),
        AppError::Unauthorized => t_string!(i18n, errors.unauthorized).into(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).into(),
        AppError::Conflict(_) => t_string!(i18n, errors.conflict).into(),
        AppError::RateLimited { retry_after } => {
            t_string!(i18n, errors.rate_limited, seconds = *retry_after).to_string()
        }
        AppError::Internal => t_string!(i18n, errors.internal).into(),
        AppError::Request(_) => t_string!(i18n, errors.request).into(),
        AppError::Validation { message, .. } => match message.as_str() {
            "email_invalid" => t_string!(i18n, errors.email_invalid).into(),
            "password_too_short" => t_string!(i18n, errors.password_too_short).into(),
            "password_too_long" => t_string!(i18n, errors.password_too_long).into(),
            "password_common" => t_string!(i18n, errors.password_common).into(),
            "password_mismatch" => t_string!(i18n, errors.password_mismatch).into(),
            "name_required" => t_string!(i18n, errors.name_required).into(),
            "name_too_long" => t_string!(i18n, errors.name_too_long).into(),
            "post_body_required" => t_string!(i18n, errors.post_body_required).into(),
            "post_body_too_long" => t_string!(i18n, errors.post_body_too_long).into(),
            "post_title_too_long" => t_string!(i18n, errors.post_title_too_long).into(),
            "post_groups_required" => t_string!(i18n, errors.post_groups_required).into(),
            "post_groups_one_school" => t_string!(i18n, errors.post_groups_one_school).into(),
            "post_groups_not_yours" => t_string!(i18n, errors.post_groups_not_yours).into(),
            "login_failed" => t_string!(i18n, errors.login_failed).into(),
            "token_invalid" => t_string!(i18n, errors.token_invalid).into(),
            "account_inactive" => t_string!(i18n, errors.account_inactive).into(),
            "invite_admin_account" => t_string!(i18n, errors.invite_admin_account).into(),
            "invite_staff_account" => t_string!(i18n, errors.invite_staff_account).into(),
            "role_invalid" => t_string!(i18n, errors.role_invalid).into(),
            "date_invalid" => t_string!(i18n, errors.date_invalid).into(),
            "group_exists" => t_string!(i18n, errors.group_exists).into(),
            "school_exists" => t_string!(i18n, errors.school_exists).into(),
            "group_required" => t_string!(i18n, errors.group_required).into(),
            "not_staff_of_school" => t_string!(i18n, errors.not_staff_of_school).into(),
            "cannot_deactivate_self" => t_string!(i18n, errors.cannot_deactivate_self).into(),
            "comment_required" => t_string!(i18n, errors.comment_required).into(),
            "comment_too_long" => t_string!(i18n, errors.comment_too_long).into(),
            "comments_closed" => t_string!(i18n, errors.comments_closed).into(),
            "reason_required" => t_string!(i18n, errors.reason_required).into(),
            "reason_too_long" => t_string!(i18n, errors.reason_too_long).into(),
            "post_has_comments" => t_string!(i18n, errors.post_has_comments).into(),
            "report_reason_required" => t_string!(i18n, errors.report_reason_required).into(),
            "report_details_required" => t_string!(i18n, errors.report_details_required).into(),
            "report_details_too_long" => t_string!(i18n, errors.report_details_too_long).into(),
            "report_own" => t_string!(i18n, errors.report_own).into(),
            "decision_required" => t_string!(i18n, errors.decision_required).into(),
            "report_already_resolved" => t_string!(i18n, errors.report_already_resolved).into(),
            "consent_title_required" => t_string!(i18n, errors.consent_title_required).into(),
            "consent_text_too_long" => t_string!(i18n, errors.consent_text_too_long).into(),
            "consent_round_open" => t_string!(i18n, errors.consent_round_open).into(),
            "consent_answer_required" => t_string!(i18n, errors.consent_answer_required).into(),
            "tag_not_in_group" => t_string!(i18n, errors.tag_not_in_group).into(),
            "media_tags_required" => t_string!(i18n, errors.media_tags_required).into(),
            "consent_not_pending" => t_string!(i18n, errors.consent_not_pending).into(),
            "consent_no_round" => t_string!(i18n, errors.consent_no_round).into(),
            "consent_confirm_mail" => t_string!(i18n, errors.consent_confirm_mail).into(),
            "newsletter_title_required" => t_string!(i18n, newsletter.err_title_required).into(),
            "newsletter_already_sent" => t_string!(i18n, newsletter.err_already_sent).into(),
            "newsletter_at_past" => t_string!(i18n, newsletter.err_at_past).into(),
            "newsletter_at_invalid" => t_string!(i18n, newsletter.err_at_invalid).into(),
            "newsletter_not_pdf" => t_string!(i18n, newsletter.err_not_pdf).into(),
            "newsletter_file_too_big" => t_string!(i18n, newsletter.err_file_too_big).into(),
            "newsletter_too_many_files" => t_string!(i18n, newsletter.err_too_many_files).into(),
            "newsletter_heading_too_long" => {
                t_string!(i18n, newsletter.err_heading_too_long).into()
            }
            "newsletter_not_allowed" => t_string!(i18n, newsletter.err_not_allowed).into(),
            "media_missing" => t_string!(i18n, media.missing).into(),
            "media_post_too_big" => t_string!(i18n, media.post_too_big).into(),
            "media_too_many" => t_string!(i18n, media.too_many).into(),
            "media_not_allowed" => t_string!(i18n, media.not_allowed).into(),
            _ => t_string!(i18n, errors.invalid_form).into(),
        },
    };
    s
}

/// The result of a form's server function, shown above the form.
#[component]
pub fn FormError<T: Clone + Send + Sync + 'static>(
    #[prop(into)] result: Signal<Option<Result<T, AppError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match result.get() {
        Some(Err(err)) => Some(view! {
            <p class="notice error" role="alert">{error_text(i18n, &err)}</p>
        }),
        _ => None,
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" aria-live="polite">{t!(i18n, common.loading)}</p> }
}

/// What a page shows when its data could not be had: the login page for a visitor who is not
/// signed in, a plain "not found" otherwise (the HTTP status was set by the server function).
pub fn page_error(err: AppError) -> AnyView {
    match err {
        AppError::Unauthorized => view! { <Redirect path="/inloggen"/> }.into_any(),
        AppError::NotFound => view! { <NotFound/> }.into_any(),
        other => view! { <ErrorPage err=other/> }.into_any(),
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="card empty">
            <h1>{t!(i18n, errors.not_found_title)}</h1>
            <p>{t!(i18n, errors.not_found)}</p>
            <a class="button" href="/">{t!(i18n, nav.back_home)}</a>
        </section>
    }
}

#[component]
fn ErrorPage(err: AppError) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(
            http::StatusCode::from_u16(err.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    view! {
        <section class="card empty">
            <h1>{t!(i18n, errors.title)}</h1>
            <p role="alert">{error_text(i18n, &err)}</p>
            <a class="button" href="/">{t!(i18n, nav.back_home)}</a>
        </section>
    }
}
