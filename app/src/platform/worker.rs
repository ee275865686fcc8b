//! The job runner: claims due jobs and runs the handler the registry names for their kind. It knows
//! no feature: each one registers its jobs, start-up work, timed work and cleanups
//! (`platform::registry`). Mail jobs make their token at send time, so no usable link ever sits in
//! the database; a retry simply makes a new one.
use std::{collections::HashMap, sync::Arc};

use super::{
    jobs::{self, Job, Lane, IDLE_POLL},
    mail::{Mail, Mailer},
    registry::{JobError, Lane as Kind, Registry},
    state::AppState,
};
use crate::error::AppError;

/// What every runner shares.
pub struct Runner {
    pub state: AppState,
    pub mailer: Mailer,
    /// For Web Push; one client keeps connections to the push services open.
    pub http: reqwest::Client,
    registry: Arc<Registry>,
    media_lane: Lane,
    general_lane: Lane,
}

/// What became of a mail.
#[derive(Debug, PartialEq, Eq)]
pub enum Sent {
    /// Nothing to send (used or answered meanwhile).
    Nothing,
    Delivered,
    /// Refused for good (a bounce): not retried; the handler may record it.
    Refused(String),
}

impl Runner {
    pub fn new(state: AppState, mailer: Mailer, registry: Registry) -> Runner {
        // Push endpoints are chosen by users' browsers: never inside the school's network (SS-01).
        let http = super::outbound::client(state.settings.outbound);
        let media = registry.kinds_of(Kind::Media);
        Runner {
            state,
            mailer,
            http,
            registry: Arc::new(registry),
            media_lane: Lane {
                kinds: media.clone(),
                only: true,
            },
            general_lane: Lane {
                kinds: media,
                only: false,
            },
        }
    }

    /// Sends `mail` (if any). A temporary failure is an error, so the job is retried.
    pub async fn send(&self, job: &Job, mail: Option<Mail>) -> Result<Sent, JobError> {
        let Some(mail) = mail else {
            return Ok(Sent::Nothing);
        };
        let settings = &self.state.settings;
        match self.mailer.send(&settings.mail_from, mail).await {
            Ok(()) => {}
            Err(e) if e.permanent => {
                tracing::warn!(job = job.id, reason = %e.reason, "mail refused for good");
                return Ok(Sent::Refused(e.reason));
            }
            Err(e) => return Err(JobError::Delivery(e.reason)),
        }
        if settings.smtp.is_none() {
            tracing::info!(folder = %settings.outbox_dir().display(), "mail written to the outbox folder");
        }
        Ok(Sent::Delivered)
    }
}

/// Runs jobs until the process ends: `job_runners` loops claim general jobs side by side (sending
/// mail and push is mostly waiting), `media_runners` loops take photos and videos, and one general
/// loop also runs the registry's timed work (the sweep, the summaries).
pub async fn run(runner: Runner) {
    let runner = Arc::new(runner);
    let state = &runner.state;
    for (name, start) in runner.registry.starts() {
        if let Err(e) = start(state).await {
            tracing::error!(error = %e, work = name, "start-up work failed");
        }
    }
    for _ in 0..state.settings.media_runners.max(1) {
        let runner = runner.clone();
        tokio::spawn(async move { loop_jobs(&runner, &runner.media_lane, false).await });
    }
    for _ in 1..state.settings.job_runners.max(1) {
        let runner = runner.clone();
        tokio::spawn(async move { loop_jobs(&runner, &runner.general_lane, false).await });
    }
    loop_jobs(&runner, &runner.general_lane, true).await
}

async fn loop_jobs(runner: &Runner, lane: &Lane, schedules: bool) {
    let state = &runner.state;
    let mut last_run: HashMap<&'static str, i64> = HashMap::new();
    loop {
        if schedules {
            for (name, every, hook) in runner.registry.timed() {
                let now = state.db.clock().now();
                if last_run.get(name).is_some_and(|at| now - at < every) {
                    continue;
                }
                last_run.insert(name, now);
                if let Err(e) = hook(state).await {
                    tracing::error!(error = %e, work = name, "timed work failed");
                }
            }
        }
        if let Err(e) = run_due_in(runner, lane).await {
            tracing::error!(error = %e, "job runner error");
        }
        tokio::select! {
            _ = state.jobs_wake.notified() => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
        }
    }
}

/// Runs every job of the general lane that is due now (mail, push, ...); returns how many ran.
pub async fn run_due(runner: &Runner) -> Result<usize, AppError> {
    run_due_in(runner, &runner.general_lane).await
}

/// Runs every photo and video job that is due now; returns how many ran.
pub async fn run_due_media(runner: &Runner) -> Result<usize, AppError> {
    run_due_in(runner, &runner.media_lane).await
}

/// Runs every job of `lane` that is due now; returns how many ran.
async fn run_due_in(runner: &Runner, lane: &Lane) -> Result<usize, AppError> {
    let state = &runner.state;
    let mut ran = 0;
    while let Some(job) = jobs::claim(&state.db, state.settings.job_lease_secs, lane).await? {
        ran += 1;
        match handle(runner, &job).await {
            Ok(()) => jobs::complete(&state.db, job.id).await?,
            Err(reason) => {
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, %reason, "job failed");
                jobs::fail(&state.db, &job, &reason.to_string()).await?;
            }
        }
    }
    Ok(ran)
}

async fn handle(runner: &Runner, job: &Job) -> Result<(), JobError> {
    if job.kind == jobs::PURGE_JOB {
        return housekeeping(runner).await;
    }
    match runner.registry.handler(&job.kind) {
        Some(run) => run(runner, job).await,
        None => Err(JobError::Unknown(job.kind.clone())),
    }
}

/// The housekeeping job: forgets finished jobs, then runs every registered cleanup.
async fn housekeeping(runner: &Runner) -> Result<(), JobError> {
    let state = &runner.state;
    jobs::forget_done(&state.db).await?;
    for (_, cleanup) in runner.registry.cleanups() {
        cleanup(state).await?;
    }
    Ok(())
}
