//! The account e-mails (invitation, password reset), sent by the job runner. Each makes its token
//! when it is sent, so no usable link ever sits in the database; a retry simply makes a new one.
use super::server::{InvitationJob, ResetJob, INVITE_SECS, RESET_SECS};
use crate::{
    error::AppError,
    i18n::*,
    platform::{
        jobs::Job,
        mail::{html_body, Mail},
        registry::{payload, JobResult, Lane, Registry},
        secrets,
        state::AppState,
        worker::Runner,
    },
    with_db,
};

pub const INVITATION_JOB: &str = "mail.invitation";
pub const RESET_JOB: &str = "mail.password_reset";

pub fn register(registry: &mut Registry) {
    registry
        .job(INVITATION_JOB, Lane::General, |runner, job| {
            Box::pin(invitation(runner, job))
        })
        .job(RESET_JOB, Lane::General, |runner, job| {
            Box::pin(reset(runner, job))
        });
}

async fn invitation(runner: &Runner, job: &Job) -> JobResult {
    let mail = invitation_mail(&runner.state, payload(job)?).await?;
    runner.send(job, mail).await?;
    Ok(())
}

async fn reset(runner: &Runner, job: &Job) -> JobResult {
    let mail = reset_mail(&runner.state, payload(job)?).await?;
    runner.send(job, mail).await?;
    Ok(())
}

fn locale(code: &str) -> Locale {
    if code == "en" {
        Locale::en
    } else {
        Locale::nl
    }
}

#[derive(sqlx::FromRow)]
struct InviteRow {
    email: String,
    name: String,
    school: String,
    /// The language of the account the address already has, if any.
    account_locale: Option<String>,
}

async fn invitation_mail(state: &AppState, job: InvitationJob) -> Result<Option<Mail>, AppError> {
    let db = &state.db;
    let row: Option<InviteRow> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT i.email, i.name, s.name AS school, u.locale AS account_locale \
         FROM invitations i JOIN schools s ON s.id = i.school_id LEFT JOIN users u ON u.email = i.email \
         WHERE i.id = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2"
    )
    .bind(job.invitation_id)
    .bind(db.clock().now())
    .fetch_optional(pool)
    .await
    })?;
    // Used or expired meanwhile: nothing to send.
    let Some(row) = row else { return Ok(None) };
    let token = secrets::new_token();
    with_db!(db, |pool| sqlx::query(
        "UPDATE invitations SET token_hash = $2 WHERE id = $1"
    )
    .bind(job.invitation_id)
    .bind(secrets::hash_token(&token))
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    let link = state.settings.link(&format!("/uitnodiging?token={token}"));
    let l = row.account_locale.as_deref().map_or(Locale::nl, locale);
    let days = INVITE_SECS / 86400;
    let subject = td_string!(l, mail.invite_subject, school = &row.school).to_string();
    let hello = td_string!(l, mail.hello, name = &row.name).to_string();
    // Only the address's owner reads this: they learn that their account is asked, not linked.
    let (body, button) = if row.account_locale.is_some() {
        (
            td_string!(l, mail.invite_body_existing, school = &row.school).to_string(),
            td_string!(l, mail.invite_button_existing).to_string(),
        )
    } else {
        (
            td_string!(l, mail.invite_body, school = &row.school).to_string(),
            td_string!(l, mail.invite_button).to_string(),
        )
    };
    let expires = td_string!(l, mail.invite_expires, days = days).to_string();
    Ok(Some(Mail {
        to: row.email,
        text: format!("{hello}\n\n{body}\n\n{button}: {link}\n\n{expires}\n"),
        html: html_body(&subject, &[hello, body, expires], &button, &link),
        subject,
        unsubscribe: None,
    }))
}

async fn reset_mail(state: &AppState, job: ResetJob) -> Result<Option<Mail>, AppError> {
    let db = &state.db;
    let row: Option<(String, String, String)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT email, name, locale FROM users WHERE id = $1 AND active = TRUE"
    )
    .bind(job.user_id)
    .fetch_optional(pool)
    .await)?;
    let Some((email, name, code)) = row else {
        return Ok(None);
    };
    let token = secrets::new_token();
    let at = db.clock().now();
    with_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(secrets::hash_token(&token))
    .bind(job.user_id)
    .bind(at)
    .bind(at + RESET_SECS)
    .execute(pool).await.map(|r| r.rows_affected())
    })?;
    let link = state
        .settings
        .link(&format!("/wachtwoord-instellen?token={token}"));
    let l = locale(&code);
    let subject = td_string!(l, mail.reset_subject).to_string();
    let hello = td_string!(l, mail.hello, name = &name).to_string();
    let body = td_string!(l, mail.reset_body).to_string();
    let ignore = td_string!(l, mail.reset_ignore).to_string();
    let button = td_string!(l, mail.reset_button).to_string();
    Ok(Some(Mail {
        to: email,
        text: format!("{hello}\n\n{body}\n\n{button}: {link}\n\n{ignore}\n"),
        html: html_body(&subject, &[hello, body, ignore], &button, &link),
        subject,
        unsubscribe: None,
    }))
}
