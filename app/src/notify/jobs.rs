//! Notifications: the fan-out of an event to the people it concerns, their e-mails (at once or in
//! a summary) and Web Push; the summaries' schedule, the push keys, and pruning gone subscriptions.
use super::{
    deliver, digest, push,
    server::{self as notify, Event, MailJob, PushJob},
};
use crate::{
    error::AppError,
    platform::{
        jobs::Job,
        registry::{payload, JobError, JobResult, Lane, Registry},
        state::AppState,
        worker::{Runner, Sent},
    },
    with_db,
};

pub fn register(registry: &mut Registry) {
    registry
        .on_start("push keys", |state| Box::pin(push::ensure_keys(&state.db)))
        .every("e-mail summaries", 0, |state| {
            Box::pin(digest::schedule(state))
        })
        .cleanup("push subscriptions", |state| {
            Box::pin(async move { push::prune(&state.db).await.map(|_| ()) })
        })
        .job(notify::FAN_OUT_JOB, Lane::General, |runner, job| {
            Box::pin(fan_out(runner, job))
        })
        .job(notify::PUSH_JOB, Lane::General, |runner, job| {
            Box::pin(push_one(runner, job))
        })
        .job(notify::MAIL_JOB, Lane::General, |runner, job| {
            Box::pin(item_mail(runner, job))
        })
        .job(digest::RUN_JOB, Lane::General, |runner, job| {
            Box::pin(digest_run(runner, job))
        })
        .job(digest::MAIL_JOB, Lane::General, |runner, job| {
            Box::pin(digest_mail(runner, job))
        });
}

async fn fan_out(runner: &Runner, job: &Job) -> JobResult {
    let event: Event = payload(job)?;
    notify::fan_out(&runner.state.db, event).await?;
    runner.state.wake_jobs();
    Ok(())
}

async fn push_one(runner: &Runner, job: &Job) -> JobResult {
    let p: PushJob = payload(job)?;
    push::send(
        &runner.state,
        &runner.http,
        p.notification_id,
        p.subscription_id,
    )
    .await
    .map_err(JobError::Delivery)
}

async fn item_mail(runner: &Runner, job: &Job) -> JobResult {
    let p: MailJob = payload(job)?;
    let state = &runner.state;
    let mail = deliver::item_mail(state, p.notification_id).await?;
    if let Sent::Refused(reason) = runner.send(job, mail).await? {
        if let Some(user) = owner(state, p.notification_id).await? {
            deliver::record_failure(state, user, &job.kind, &reason).await?;
        }
    }
    Ok(())
}

async fn digest_run(runner: &Runner, job: &Job) -> JobResult {
    let run: digest::RunJob = payload(job)?;
    let queued = digest::run(&runner.state, run).await?;
    tracing::info!(
        frequency = run.frequency.as_str(),
        queued,
        "e-mail summaries queued"
    );
    Ok(())
}

async fn digest_mail(runner: &Runner, job: &Job) -> JobResult {
    let p: digest::MailJob = payload(job)?;
    let state = &runner.state;
    let mail = deliver::digest_mail(state, p).await?;
    if let Sent::Refused(reason) = runner.send(job, mail).await? {
        deliver::record_failure(state, p.user_id, &job.kind, &reason).await?;
    }
    Ok(())
}

/// Whose notification this is (a refused mail is recorded for them).
async fn owner(state: &AppState, notification_id: i64) -> Result<Option<i64>, AppError> {
    let db = &state.db;
    let row: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT user_id FROM notifications WHERE id = $1"
    )
    .bind(notification_id)
    .fetch_optional(pool)
    .await)?;
    Ok(row.map(|(u,)| u))
}
