//! The job runner: claims due jobs one at a time and runs their handler. Mail jobs make their token
//! at send time, so no usable link ever sits in the database; a retry simply makes a new one.
use std::sync::Arc;

use super::{
    clock::now,
    jobs::{self, Job, IDLE_POLL},
    mail::{html_body, Mail, Mailer},
    secrets,
    state::AppState,
};
use crate::{
    accounts::server::{InvitationJob, LinkedJob, ResetJob, INVITE_SECS, RESET_SECS},
    error::AppError,
    i18n::*,
    media, with_db,
};

/// How often the media sweep runs (stale drafts, files of deleted posts).
const SWEEP_SECS: i64 = 900;

/// Runs jobs until the process ends.
pub async fn run(state: AppState, mailer: Arc<Mailer>) {
    let mut swept_at = 0;
    loop {
        if now() - swept_at >= SWEEP_SECS {
            swept_at = now();
            let slot = format!("sweep.{}", swept_at / SWEEP_SECS);
            if let Err(e) = media::server::queue_purge(&state, &slot).await {
                tracing::error!(error = %e, "could not queue the media sweep");
            }
        }
        match run_due(&state, &mailer).await {
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "job runner error"),
        }
        tokio::select! {
            _ = state.jobs_wake.notified() => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
        }
    }
}

/// Runs every job that is due now; returns how many ran.
pub async fn run_due(state: &AppState, mailer: &Mailer) -> Result<usize, AppError> {
    let mut ran = 0;
    while let Some(job) = jobs::claim(&state.db).await? {
        ran += 1;
        match handle(state, mailer, &job).await {
            Ok(()) => jobs::complete(&state.db, job.id).await?,
            Err(reason) => {
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, %reason, "job failed");
                jobs::fail(&state.db, &job, &reason).await?;
            }
        }
    }
    Ok(ran)
}

async fn handle(state: &AppState, mailer: &Mailer, job: &Job) -> Result<(), String> {
    match job.kind.as_str() {
        media::server::PROCESS_JOB => {
            let p: media::server::ProcessJob = job.payload().map_err(|e| e.to_string())?;
            return media::processing::process(state, p.media_id).await;
        }
        media::server::PURGE_JOB => {
            super::jobs::forget_done(&state.db)
                .await
                .map_err(|e| e.to_string())?;
            return media::sweep::purge(state).await.map_err(|e| e.to_string());
        }
        _ => {}
    }
    let mail = match job.kind.as_str() {
        "mail.invitation" => {
            invitation_mail(state, job.payload().map_err(|e| e.to_string())?).await
        }
        "mail.password_reset" => reset_mail(state, job.payload().map_err(|e| e.to_string())?).await,
        "mail.linked" => linked_mail(state, job.payload().map_err(|e| e.to_string())?).await,
        crate::consent::server::MAIL_JOB => {
            crate::consent::mail::render(state, job.payload().map_err(|e| e.to_string())?).await
        }
        other => return Err(format!("unknown job kind {other}")),
    }
    .map_err(|e| e.to_string())?;
    let Some(mail) = mail else { return Ok(()) };
    mailer.send(&state.settings.mail_from, mail).await?;
    if state.settings.smtp.is_none() {
        tracing::info!(folder = %state.settings.outbox_dir().display(), "mail written to the outbox folder");
    }
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
}

async fn invitation_mail(state: &AppState, job: InvitationJob) -> Result<Option<Mail>, AppError> {
    let db = &state.db;
    let row: Option<InviteRow> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT i.email, i.name, s.name AS school FROM invitations i JOIN schools s ON s.id = i.school_id \
         WHERE i.id = $1 AND i.used_at IS NULL AND i.expires_at > $2"
    )
    .bind(job.invitation_id)
    .bind(now())
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
    let l = Locale::nl;
    let days = INVITE_SECS / 86400;
    let subject = td_string!(l, mail.invite_subject, school = &row.school).to_string();
    let hello = td_string!(l, mail.hello, name = &row.name).to_string();
    let body = td_string!(l, mail.invite_body, school = &row.school).to_string();
    let expires = td_string!(l, mail.invite_expires, days = days).to_string();
    let button = td_string!(l, mail.invite_button).to_string();
    Ok(Some(Mail {
        to: row.email,
        text: format!("{hello}\n\n{body}\n\n{button}: {link}\n\n{expires}\n"),
        html: html_body(&subject, &[hello, body, expires], &button, &link),
        subject,
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
    let at = now();
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
    }))
}

async fn linked_mail(state: &AppState, job: LinkedJob) -> Result<Option<Mail>, AppError> {
    let db = &state.db;
    let row: Option<(String, String, String, String)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT u.email, u.name, u.locale, s.name FROM users u, schools s WHERE u.id = $1 AND s.id = $2 AND u.active = TRUE"
    )
    .bind(job.user_id)
    .bind(job.school_id)
    .fetch_optional(pool)
    .await
    })?;
    let Some((email, name, code, school)) = row else {
        return Ok(None);
    };
    let link = state.settings.link("/");
    let l = locale(&code);
    let subject = td_string!(l, mail.linked_subject, school = &school).to_string();
    let hello = td_string!(l, mail.hello, name = &name).to_string();
    let body = td_string!(l, mail.linked_body, school = &school).to_string();
    let button = td_string!(l, mail.open_kring).to_string();
    Ok(Some(Mail {
        to: email,
        text: format!("{hello}\n\n{body}\n\n{button}: {link}\n"),
        html: html_body(&subject, &[hello, body], &button, &link),
        subject,
    }))
}
