//! Things that happened and that people may need to hear about. A feature announces an event in
//! the transaction that makes it happen (`announce_in_tx!`), so a crash can never keep the change
//! and lose the news; `notify` registers the job that fans it out to the people it concerns.
use serde::{Deserialize, Serialize};

use super::{db::Db, jobs, state::AppState};
use crate::error::AppError;

/// The fan-out job's kind (handled by `notify`).
pub const FAN_OUT_JOB: &str = "notify.fan_out";

/// Something people should hear about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    Post(i64),
    Comment(i64),
    Report(i64),
    ConsentRound(i64),
    /// The school removed a comment: its author hears why.
    CommentRemoved(i64),
    /// A report was handled: its reporter hears whether the post or comment stays.
    ReportResolved(i64),
}

impl Event {
    /// The fan-out job's (kind, payload, idempotency key), for `jobs::ENQUEUE_SQL` inside the
    /// transaction that makes the event happen.
    pub fn job(self) -> (&'static str, String, String) {
        (
            FAN_OUT_JOB,
            serde_json::to_string(&self).unwrap_or_default(),
            self.job_key(),
        )
    }

    fn job_key(self) -> String {
        format!("notify.{}", self.key())
    }

    pub fn key(self) -> String {
        match self {
            Event::Post(id) => format!("post:{id}"),
            Event::Comment(id) => format!("comment:{id}"),
            Event::Report(id) => format!("report:{id}"),
            Event::ConsentRound(id) => format!("consent:{id}"),
            Event::CommentRemoved(id) => format!("removed:{id}"),
            Event::ReportResolved(id) => format!("outcome:{id}"),
        }
    }
}

/// Queues the fan-out of `$event` inside the transaction `$tx` that makes it happen (`with_tx!`), so
/// a crash can never keep the change and lose its notifications. `$at` is the current time.
#[macro_export]
macro_rules! announce_in_tx {
    ($tx:ident, $event:expr, $at:expr) => {{
        let (kind, payload, key) = $event.job();
        sqlx::query($crate::platform::jobs::ENQUEUE_SQL)
            .bind(kind)
            .bind(payload)
            .bind(key)
            .bind($at)
            .execute(&mut *$tx)
            .await?;
    }};
}

/// Queues the fan-out of an event; announcing the same event twice does nothing.
pub async fn announce(state: &AppState, event: Event) -> Result<(), AppError> {
    announce_in(&state.db, event).await?;
    state.wake_jobs();
    Ok(())
}

pub async fn announce_in(db: &Db, event: Event) -> Result<(), AppError> {
    jobs::enqueue(db, FAN_OUT_JOB, &event, &event.job_key()).await
}
