//! The job runner: claims due jobs one at a time and runs their handler. Mail jobs make their token
//! at send time, so no usable link ever sits in the database; a retry simply makes a new one.
use std::sync::Arc;

use super::{
    jobs::{self, Job, IDLE_POLL},
    mail::{html_body, Mail, Mailer},
    secrets,
    state::AppState,
};
use crate::{
    accounts::server::{InvitationJob, ResetJob, INVITE_SECS, RESET_SECS},
    error::AppError,
    i18n::*,
    media, with_db,
};

/// How often the media sweep runs (stale drafts, files of deleted posts).
const SWEEP_SECS: i64 = 900;

/// What every runner shares.
pub struct Runner {
    pub state: AppState,
    pub mailer: Mailer,
    /// For Web Push; one client keeps connections to the push services open.
    pub http: reqwest::Client,
}

impl Runner {
    pub fn new(state: AppState, mailer: Mailer) -> Runner {
        // Push endpoints are chosen by users' browsers: never inside the school's network (SS-01).
        let http = super::outbound::client(state.settings.outbound);
        Runner {
            state,
            mailer,
            http,
        }
    }
}

/// The lane of photo and video processing; everything else (mail, push, notifications,
/// summaries, sweeps) has runners of its own.
pub const MEDIA_LANE: jobs::Lane = jobs::Lane {
    kinds: &[media::server::PROCESS_JOB],
    only: true,
};
pub const GENERAL_LANE: jobs::Lane = jobs::Lane {
    kinds: &[media::server::PROCESS_JOB],
    only: false,
};

/// Runs jobs until the process ends: `job_runners` loops claim general jobs side by side (sending
/// mail and push is mostly waiting), `media_runners` loops take photos and videos, and one general
/// loop also queues the sweep and the summaries.
pub async fn run(state: AppState, mailer: Mailer) {
    let runner = Arc::new(Runner::new(state.clone(), mailer));
    if let Err(e) = crate::notify::push::ensure_keys(&state.db).await {
        tracing::error!(error = %e, "could not create the push keys");
    }
    if let Err(e) = crate::posts::rerender::queue_render(&state).await {
        tracing::error!(error = %e, "could not queue the rendering of older posts");
    }
    for _ in 0..state.settings.media_runners.max(1) {
        let runner = runner.clone();
        tokio::spawn(async move { loop_jobs(&runner, MEDIA_LANE, false).await });
    }
    for _ in 1..state.settings.job_runners.max(1) {
        let runner = runner.clone();
        tokio::spawn(async move { loop_jobs(&runner, GENERAL_LANE, false).await });
    }
    loop_jobs(&runner, GENERAL_LANE, true).await
}

async fn loop_jobs(runner: &Runner, lane: jobs::Lane, schedules: bool) {
    let state = &runner.state;
    let mut swept_at = 0;
    loop {
        if schedules {
            if state.db.clock().now() - swept_at >= SWEEP_SECS {
                swept_at = state.db.clock().now();
                let slot = format!("sweep.{}", swept_at / SWEEP_SECS);
                if let Err(e) = media::server::queue_purge(state, &slot).await {
                    tracing::error!(error = %e, "could not queue the media sweep");
                }
            }
            if let Err(e) = crate::notify::digest::schedule(state).await {
                tracing::error!(error = %e, "could not queue the e-mail summaries");
            }
        }
        match run_due_in(runner, lane).await {
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "job runner error"),
        }
        tokio::select! {
            _ = state.jobs_wake.notified() => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
        }
    }
}

/// Runs every job of the general lane that is due now (mail, push, ...); returns how many ran.
pub async fn run_due(runner: &Runner) -> Result<usize, AppError> {
    run_due_in(runner, GENERAL_LANE).await
}

/// Runs every job of `lane` that is due now; returns how many ran.
pub async fn run_due_in(runner: &Runner, lane: jobs::Lane) -> Result<usize, AppError> {
    let state = &runner.state;
    let mut ran = 0;
    while let Some(job) = jobs::claim(&state.db, state.settings.job_lease_secs, lane).await? {
        ran += 1;
        match handle(runner, &job).await {
            Ok(()) => jobs::complete(&state.db, job.id).await?,
            Err(reason) => {
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, %reason, "job failed");
                jobs::fail(&state.db, &job, &reason).await?;
            }
        }
    }
    Ok(ran)
}

fn payload<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T, String> {
    job.payload().map_err(|e| e.to_string())
}

async fn handle(runner: &Runner, job: &Job) -> Result<(), String> {
    use crate::notify::{deliver, digest, push, server as notify};
    let state = &runner.state;
    let text = |e: AppError| e.to_string();
    match job.kind.as_str() {
        media::server::PROCESS_JOB => {
            let p: media::server::ProcessJob = payload(job)?;
            return media::processing::process(state, p.media_id).await;
        }
        media::server::PURGE_JOB => {
            super::jobs::forget_done(&state.db).await.map_err(text)?;
            push::prune(&state.db).await.map_err(text)?;
            crate::newsletters::server::purge(state)
                .await
                .map_err(text)?;
            return media::sweep::purge(state).await.map_err(text);
        }
        crate::posts::rerender::RENDER_JOB => {
            let n = crate::posts::rerender::render_older(&state.db)
                .await
                .map_err(text)?;
            tracing::info!(posts = n, "older posts rendered with today's rules");
            return Ok(());
        }
        crate::newsletters::server::PUBLISH_JOB => {
            return crate::newsletters::server::run_publish(state, job).await;
        }
        notify::FAN_OUT_JOB => {
            let event: notify::Event = payload(job)?;
            notify::fan_out(&state.db, event).await.map_err(text)?;
            state.wake_jobs();
            return Ok(());
        }
        notify::PUSH_JOB => {
            let p: notify::PushJob = payload(job)?;
            return push::send(state, &runner.http, p.notification_id, p.subscription_id).await;
        }
        digest::RUN_JOB => {
            let run: digest::RunJob = payload(job)?;
            let queued = digest::run(state, run).await.map_err(text)?;
            tracing::info!(
                frequency = run.frequency.as_str(),
                queued,
                "e-mail summaries queued"
            );
            return Ok(());
        }
        _ => {}
    }
    let (mail, user) = match job.kind.as_str() {
        "mail.invitation" => (invitation_mail(state, payload(job)?).await, None),
        "mail.password_reset" => (reset_mail(state, payload(job)?).await, None),
        crate::consent::server::MAIL_JOB => (
            crate::consent::mail::render(state, payload(job)?).await,
            None,
        ),
        notify::MAIL_JOB => {
            let p: notify::MailJob = payload(job)?;
            let user = notify_owner(state, p.notification_id).await.map_err(text)?;
            (deliver::item_mail(state, p.notification_id).await, user)
        }
        digest::MAIL_JOB => {
            let p: digest::MailJob = payload(job)?;
            (deliver::digest_mail(state, p).await, Some(p.user_id))
        }
        other => return Err(format!("unknown job kind {other}")),
    };
    let Some(mail) = mail.map_err(text)? else {
        return Ok(());
    };
    match runner.mailer.send(&state.settings.mail_from, mail).await {
        Ok(()) => {}
        // Refused for good (a bounce): recorded for the admins, not retried.
        Err(e) if e.permanent => {
            if let Some(user) = user {
                deliver::record_failure(state, user, &job.kind, &e.reason)
                    .await
                    .map_err(text)?;
            }
            tracing::warn!(job = job.id, reason = %e.reason, "mail refused for good");
            return Ok(());
        }
        Err(e) => return Err(e.reason),
    }
    if state.settings.smtp.is_none() {
        tracing::info!(folder = %state.settings.outbox_dir().display(), "mail written to the outbox folder");
    }
    Ok(())
}

async fn notify_owner(state: &AppState, notification_id: i64) -> Result<Option<i64>, AppError> {
    let db = &state.db;
    let row: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT user_id FROM notifications WHERE id = $1"
    )
    .bind(notification_id)
    .fetch_optional(pool)
    .await)?;
    Ok(row.map(|(u,)| u))
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
