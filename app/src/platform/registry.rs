//! What the job runner can do, filled in by the features (`<feature>::jobs::register`) and handed
//! to the runner by the composition (`crate::jobs::registry`). The runner itself knows no feature:
//! it claims a job, looks its kind up here and runs the handler.
use std::{future::Future, pin::Pin};

use super::{jobs::Job, state::AppState, worker::Runner};
use crate::error::AppError;

/// Why a job failed; it is retried with backoff (and given up after a few attempts).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The payload does not fit the kind (a bug, or a job queued by an older version).
    #[error("bad payload: {0}")]
    Payload(#[from] serde_json::Error),
    #[error(transparent)]
    App(#[from] AppError),
    /// A mail server or push service did not take the message this time.
    #[error("not delivered: {0}")]
    Delivery(String),
    /// The work itself failed (a photo that could not be processed, a publication that failed).
    #[error("{0}")]
    Failed(String),
    #[error("unknown job kind {0}")]
    Unknown(String),
}

pub type JobResult = Result<(), JobError>;
type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// Runs one job of its kind.
pub type Handler = for<'a> fn(&'a Runner, &'a Job) -> Boxed<'a, JobResult>;
/// Work on the app state without a job: at start, on a schedule, or while cleaning up.
pub type Hook = for<'a> fn(&'a AppState) -> Boxed<'a, Result<(), AppError>>;

/// The payload of `job` as `T`.
pub fn payload<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T, JobError> {
    Ok(serde_json::from_str(&job.payload)?)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Mail, push, notifications, summaries: mostly waiting on the network.
    General,
    /// Photos and videos: CPU and memory, runners of their own so a mail never waits behind them.
    Media,
}

struct Kind {
    kind: &'static str,
    lane: Lane,
    run: Handler,
}

struct Timed {
    name: &'static str,
    every_secs: i64,
    run: Hook,
}

#[derive(Default)]
pub struct Registry {
    kinds: Vec<Kind>,
    on_start: Vec<(&'static str, Hook)>,
    timed: Vec<Timed>,
    cleanups: Vec<(&'static str, Hook)>,
}

impl Registry {
    /// Jobs of `kind` are run by `run`, in `lane`.
    pub fn job(&mut self, kind: &'static str, lane: Lane, run: Handler) -> &mut Self {
        self.kinds.push(Kind { kind, lane, run });
        self
    }

    /// `run` once when the runner starts (keys, re-rendering older rows).
    pub fn on_start(&mut self, name: &'static str, run: Hook) -> &mut Self {
        self.on_start.push((name, run));
        self
    }

    /// `run` by the scheduling runner at most every `every_secs` (0: on every round).
    pub fn every(&mut self, name: &'static str, every_secs: i64, run: Hook) -> &mut Self {
        self.timed.push(Timed {
            name,
            every_secs,
            run,
        });
        self
    }

    /// `run` by the housekeeping job (`jobs::PURGE_JOB`), in the order registered.
    pub fn cleanup(&mut self, name: &'static str, run: Hook) -> &mut Self {
        self.cleanups.push((name, run));
        self
    }

    pub(super) fn handler(&self, kind: &str) -> Option<Handler> {
        self.kinds.iter().find(|k| k.kind == kind).map(|k| k.run)
    }

    /// The kinds of `lane`.
    pub(super) fn kinds_of(&self, lane: Lane) -> Vec<&'static str> {
        self.kinds
            .iter()
            .filter(|k| k.lane == lane)
            .map(|k| k.kind)
            .collect()
    }

    pub(super) fn starts(&self) -> impl Iterator<Item = &(&'static str, Hook)> {
        self.on_start.iter()
    }

    /// The timed hooks as (name, interval, hook).
    pub(super) fn timed(&self) -> impl Iterator<Item = (&'static str, i64, Hook)> + '_ {
        self.timed.iter().map(|t| (t.name, t.every_secs, t.run))
    }

    pub(super) fn cleanups(&self) -> impl Iterator<Item = &(&'static str, Hook)> {
        self.cleanups.iter()
    }
}
