//! The one error type every server function returns. It crosses the wire, so it carries only what the
//! user may see: causes are logged on the server and never sent to the browser.
use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Also the answer for objects the actor may not see: "not yours" is "not found".
    #[error("not found")]
    NotFound,
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// The client shows `message` in the user's language.
    #[error("invalid {field}: {message:?}")]
    Validation { field: String, message: Invalid },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many attempts, retry after {retry_after}s")]
    RateLimited { retry_after: u64 },
    #[error("internal error")]
    Internal,
    /// Transport problems: no connection, a broken response.
    #[error("request failed")]
    Request(String),
}

/// Why a form was refused: each has a sentence in Dutch and English (`ui::feedback::error_text`,
/// an exhaustive match, so a new reason cannot go without one). On the wire and in a form's
/// `?fout=` it is its snake_case key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    AccountInactive,
    CannotDeactivateSelf,
    CommentRequired,
    CommentTooLong,
    CommentsClosed,
    ConsentAnswerRequired,
    ConsentConfirmMail,
    ConsentNoRound,
    ConsentNotPending,
    ConsentRoundOpen,
    ConsentTextTooLong,
    ConsentTitleRequired,
    DateInvalid,
    DecisionRequired,
    EmailInvalid,
    GroupExists,
    GroupRequired,
    InviteAdminAccount,
    InviteStaffAccount,
    LoginFailed,
    MediaMissing,
    MediaNotAllowed,
    MediaPostTooBig,
    MediaTagsRequired,
    MediaTooMany,
    NameRequired,
    NameTooLong,
    NewsletterAlreadySent,
    NewsletterAtInvalid,
    NewsletterAtPast,
    NewsletterFileTooBig,
    NewsletterHeadingTooLong,
    NewsletterNotAllowed,
    NewsletterNotPdf,
    NewsletterTitleRequired,
    NewsletterTooManyFiles,
    NotStaffOfSchool,
    PasswordCommon,
    PasswordMismatch,
    PasswordTooLong,
    PasswordTooShort,
    PostBodyRequired,
    PostBodyTooLong,
    PostGroupsNotYours,
    PostGroupsOneSchool,
    PostGroupsRequired,
    PostHasComments,
    PostTitleTooLong,
    PushInvalid,
    ReasonRequired,
    ReasonTooLong,
    ReportAlreadyResolved,
    ReportDetailsRequired,
    ReportDetailsTooLong,
    ReportOwn,
    ReportReasonRequired,
    RoleInvalid,
    SchoolExists,
    TagNotInGroup,
    TokenInvalid,
    InvalidForm,
}

impl Invalid {
    pub const ALL: &'static [Invalid] = &[
        Invalid::AccountInactive,
        Invalid::CannotDeactivateSelf,
        Invalid::CommentRequired,
        Invalid::CommentTooLong,
        Invalid::CommentsClosed,
        Invalid::ConsentAnswerRequired,
        Invalid::ConsentConfirmMail,
        Invalid::ConsentNoRound,
        Invalid::ConsentNotPending,
        Invalid::ConsentRoundOpen,
        Invalid::ConsentTextTooLong,
        Invalid::ConsentTitleRequired,
        Invalid::DateInvalid,
        Invalid::DecisionRequired,
        Invalid::EmailInvalid,
        Invalid::GroupExists,
        Invalid::GroupRequired,
        Invalid::InviteAdminAccount,
        Invalid::InviteStaffAccount,
        Invalid::LoginFailed,
        Invalid::MediaMissing,
        Invalid::MediaNotAllowed,
        Invalid::MediaPostTooBig,
        Invalid::MediaTagsRequired,
        Invalid::MediaTooMany,
        Invalid::NameRequired,
        Invalid::NameTooLong,
        Invalid::NewsletterAlreadySent,
        Invalid::NewsletterAtInvalid,
        Invalid::NewsletterAtPast,
        Invalid::NewsletterFileTooBig,
        Invalid::NewsletterHeadingTooLong,
        Invalid::NewsletterNotAllowed,
        Invalid::NewsletterNotPdf,
        Invalid::NewsletterTitleRequired,
        Invalid::NewsletterTooManyFiles,
        Invalid::NotStaffOfSchool,
        Invalid::PasswordCommon,
        Invalid::PasswordMismatch,
        Invalid::PasswordTooLong,
        Invalid::PasswordTooShort,
        Invalid::PostBodyRequired,
        Invalid::PostBodyTooLong,
        Invalid::PostGroupsNotYours,
        Invalid::PostGroupsOneSchool,
        Invalid::PostGroupsRequired,
        Invalid::PostHasComments,
        Invalid::PostTitleTooLong,
        Invalid::PushInvalid,
        Invalid::ReasonRequired,
        Invalid::ReasonTooLong,
        Invalid::ReportAlreadyResolved,
        Invalid::ReportDetailsRequired,
        Invalid::ReportDetailsTooLong,
        Invalid::ReportOwn,
        Invalid::ReportReasonRequired,
        Invalid::RoleInvalid,
        Invalid::SchoolExists,
        Invalid::TagNotInGroup,
        Invalid::TokenInvalid,
        Invalid::InvalidForm,
    ];

    /// The key, as in URLs and JSON ("comments_closed").
    pub fn key(self) -> &'static str {
        match self {
            Invalid::AccountInactive => "account_inactive",
            Invalid::CannotDeactivateSelf => "cannot_deactivate_self",
            Invalid::CommentRequired => "comment_required",
            Invalid::CommentTooLong => "comment_too_long",
            Invalid::CommentsClosed => "comments_closed",
            Invalid::ConsentAnswerRequired => "consent_answer_required",
            Invalid::ConsentConfirmMail => "consent_confirm_mail",
            Invalid::ConsentNoRound => "consent_no_round",
            Invalid::ConsentNotPending => "consent_not_pending",
            Invalid::ConsentRoundOpen => "consent_round_open",
            Invalid::ConsentTextTooLong => "consent_text_too_long",
            Invalid::ConsentTitleRequired => "consent_title_required",
            Invalid::DateInvalid => "date_invalid",
            Invalid::DecisionRequired => "decision_required",
            Invalid::EmailInvalid => "email_invalid",
            Invalid::GroupExists => "group_exists",
            Invalid::GroupRequired => "group_required",
            Invalid::InviteAdminAccount => "invite_admin_account",
            Invalid::InviteStaffAccount => "invite_staff_account",
            Invalid::LoginFailed => "login_failed",
            Invalid::MediaMissing => "media_missing",
            Invalid::MediaNotAllowed => "media_not_allowed",
            Invalid::MediaPostTooBig => "media_post_too_big",
            Invalid::MediaTagsRequired => "media_tags_required",
            Invalid::MediaTooMany => "media_too_many",
            Invalid::NameRequired => "name_required",
            Invalid::NameTooLong => "name_too_long",
            Invalid::NewsletterAlreadySent => "newsletter_already_sent",
            Invalid::NewsletterAtInvalid => "newsletter_at_invalid",
            Invalid::NewsletterAtPast => "newsletter_at_past",
            Invalid::NewsletterFileTooBig => "newsletter_file_too_big",
            Invalid::NewsletterHeadingTooLong => "newsletter_heading_too_long",
            Invalid::NewsletterNotAllowed => "newsletter_not_allowed",
            Invalid::NewsletterNotPdf => "newsletter_not_pdf",
            Invalid::NewsletterTitleRequired => "newsletter_title_required",
            Invalid::NewsletterTooManyFiles => "newsletter_too_many_files",
            Invalid::NotStaffOfSchool => "not_staff_of_school",
            Invalid::PasswordCommon => "password_common",
            Invalid::PasswordMismatch => "password_mismatch",
            Invalid::PasswordTooLong => "password_too_long",
            Invalid::PasswordTooShort => "password_too_short",
            Invalid::PostBodyRequired => "post_body_required",
            Invalid::PostBodyTooLong => "post_body_too_long",
            Invalid::PostGroupsNotYours => "post_groups_not_yours",
            Invalid::PostGroupsOneSchool => "post_groups_one_school",
            Invalid::PostGroupsRequired => "post_groups_required",
            Invalid::PostHasComments => "post_has_comments",
            Invalid::PostTitleTooLong => "post_title_too_long",
            Invalid::PushInvalid => "push_invalid",
            Invalid::ReasonRequired => "reason_required",
            Invalid::ReasonTooLong => "reason_too_long",
            Invalid::ReportAlreadyResolved => "report_already_resolved",
            Invalid::ReportDetailsRequired => "report_details_required",
            Invalid::ReportDetailsTooLong => "report_details_too_long",
            Invalid::ReportOwn => "report_own",
            Invalid::ReportReasonRequired => "report_reason_required",
            Invalid::RoleInvalid => "role_invalid",
            Invalid::SchoolExists => "school_exists",
            Invalid::TagNotInGroup => "tag_not_in_group",
            Invalid::TokenInvalid => "token_invalid",
            Invalid::InvalidForm => "invalid_form",
        }
    }

    pub fn from_key(key: &str) -> Option<Invalid> {
        Invalid::ALL.iter().copied().find(|i| i.key() == key)
    }
}

impl AppError {
    pub fn validation(field: &str, message: Invalid) -> Self {
        AppError::Validation {
            field: field.to_string(),
            message,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Validation { .. } => 400,
            AppError::Conflict(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Internal | AppError::Request(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Bad or missing arguments from a client are the client's error, not a crash.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::validation("form", Invalid::InvalidForm)
            }
            other => AppError::Request(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_one_key_that_round_trips() {
        let mut keys = std::collections::HashSet::new();
        for invalid in Invalid::ALL {
            assert!(
                keys.insert(invalid.key()),
                "two reasons share {}",
                invalid.key()
            );
            assert_eq!(Invalid::from_key(invalid.key()), Some(*invalid));
            let json = serde_json::to_string(invalid).expect("json");
            assert_eq!(json, format!("\"{}\"", invalid.key()));
        }
        assert_eq!(Invalid::from_key("no_such_reason"), None);
    }
}
