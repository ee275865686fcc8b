//! How errors and waiting look. Every error the server can give has a Dutch (and English) sentence.
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::{
    error::{AppError, Invalid},
    i18n::*,
};

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
        AppError::Validation { message, .. } => match message {
            Invalid::AccountInactive => t_string!(i18n, errors.account_inactive).into(),
            Invalid::CannotDeactivateSelf => t_string!(i18n, errors.cannot_deactivate_self).into(),
            Invalid::CommentRequired => t_string!(i18n, errors.comment_required).into(),
            Invalid::CommentTooLong => t_string!(i18n, errors.comment_too_long).into(),
            Invalid::CommentsClosed => t_string!(i18n, errors.comments_closed).into(),
            Invalid::ConsentAnswerRequired => {
                t_string!(i18n, errors.consent_answer_required).into()
            }
            Invalid::ConsentConfirmMail => t_string!(i18n, errors.consent_confirm_mail).into(),
            Invalid::ConsentNoRound => t_string!(i18n, errors.consent_no_round).into(),
            Invalid::ConsentNotPending => t_string!(i18n, errors.consent_not_pending).into(),
            Invalid::ConsentRoundOpen => t_string!(i18n, errors.consent_round_open).into(),
            Invalid::ConsentTextTooLong => t_string!(i18n, errors.consent_text_too_long).into(),
            Invalid::ConsentTitleRequired => t_string!(i18n, errors.consent_title_required).into(),
            Invalid::DateInvalid => t_string!(i18n, errors.date_invalid).into(),
            Invalid::DecisionRequired => t_string!(i18n, errors.decision_required).into(),
            Invalid::EmailInvalid => t_string!(i18n, errors.email_invalid).into(),
            Invalid::GroupExists => t_string!(i18n, errors.group_exists).into(),
            Invalid::GroupRequired => t_string!(i18n, errors.group_required).into(),
            Invalid::InviteAdminAccount => t_string!(i18n, errors.invite_admin_account).into(),
            Invalid::InviteStaffAccount => t_string!(i18n, errors.invite_staff_account).into(),
            Invalid::LoginFailed => t_string!(i18n, errors.login_failed).into(),
            Invalid::MediaMissing => t_string!(i18n, media.missing).into(),
            Invalid::MediaNotAllowed => t_string!(i18n, media.not_allowed).into(),
            Invalid::MediaPostTooBig => t_string!(i18n, media.post_too_big).into(),
            Invalid::MediaTagsRequired => t_string!(i18n, errors.media_tags_required).into(),
            Invalid::MediaTooMany => t_string!(i18n, media.too_many).into(),
            Invalid::NameRequired => t_string!(i18n, errors.name_required).into(),
            Invalid::NameTooLong => t_string!(i18n, errors.name_too_long).into(),
            Invalid::NewsletterAlreadySent => t_string!(i18n, newsletter.err_already_sent).into(),
            Invalid::NewsletterAtInvalid => t_string!(i18n, newsletter.err_at_invalid).into(),
            Invalid::NewsletterAtPast => t_string!(i18n, newsletter.err_at_past).into(),
            Invalid::NewsletterFileTooBig => t_string!(i18n, newsletter.err_file_too_big).into(),
            Invalid::NewsletterNotAllowed => t_string!(i18n, newsletter.err_not_allowed).into(),
            Invalid::NewsletterNotPdf => t_string!(i18n, newsletter.err_not_pdf).into(),
            Invalid::NewsletterTitleRequired => {
                t_string!(i18n, newsletter.err_title_required).into()
            }
            Invalid::NewsletterTooManyFiles => {
                t_string!(i18n, newsletter.err_too_many_files).into()
            }
            Invalid::NotStaffOfSchool => t_string!(i18n, errors.not_staff_of_school).into(),
            Invalid::PasswordCommon => t_string!(i18n, errors.password_common).into(),
            Invalid::PasswordMismatch => t_string!(i18n, errors.password_mismatch).into(),
            Invalid::PasswordTooLong => t_string!(i18n, errors.password_too_long).into(),
            Invalid::PasswordTooShort => t_string!(i18n, errors.password_too_short).into(),
            Invalid::PostBodyRequired => t_string!(i18n, errors.post_body_required).into(),
            Invalid::PostBodyTooLong => t_string!(i18n, errors.post_body_too_long).into(),
            Invalid::PostGroupsNotYours => t_string!(i18n, errors.post_groups_not_yours).into(),
            Invalid::PostGroupsOneSchool => t_string!(i18n, errors.post_groups_one_school).into(),
            Invalid::PostGroupsRequired => t_string!(i18n, errors.post_groups_required).into(),
            Invalid::PostHasComments => t_string!(i18n, errors.post_has_comments).into(),
            Invalid::PostTitleTooLong => t_string!(i18n, errors.post_title_too_long).into(),
            Invalid::ReasonRequired => t_string!(i18n, errors.reason_required).into(),
            Invalid::ReasonTooLong => t_string!(i18n, errors.reason_too_long).into(),
            Invalid::ReportAlreadyResolved => {
                t_string!(i18n, errors.report_already_resolved).into()
            }
            Invalid::ReportDetailsRequired => {
                t_string!(i18n, errors.report_details_required).into()
            }
            Invalid::ReportDetailsTooLong => t_string!(i18n, errors.report_details_too_long).into(),
            Invalid::ReportOwn => t_string!(i18n, errors.report_own).into(),
            Invalid::ReportReasonRequired => t_string!(i18n, errors.report_reason_required).into(),
            Invalid::RoleInvalid => t_string!(i18n, errors.role_invalid).into(),
            Invalid::SchoolExists => t_string!(i18n, errors.school_exists).into(),
            Invalid::TagNotInGroup => t_string!(i18n, errors.tag_not_in_group).into(),
            Invalid::TokenInvalid => t_string!(i18n, errors.token_invalid).into(),
            Invalid::NewsletterHeadingTooLong => {
                t_string!(i18n, newsletter.err_heading_too_long).into()
            }
            Invalid::PushInvalid => t_string!(i18n, errors.push_invalid).into(),
            Invalid::InvalidForm => t_string!(i18n, errors.invalid_form).into(),
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
