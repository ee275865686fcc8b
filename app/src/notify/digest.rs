//! The daily and weekly e-mail summaries: one e-mail per person covering all their children and
//! schools. The runner queues a `digest.run` job per slot (idempotent per slot, so a restart or a
//! second server never sends a slot twice); that job queues one `digest.mail` job per person
//! with an idempotency key per person and slot, in one statement.
use serde::{Deserialize, Serialize};

use super::model::Frequency;
use crate::{
    error::AppError,
    platform::{jobs, schedule::Slot, state::AppState},
    with_db,
};

pub const RUN_JOB: &str = "digest.run";
pub const MAIL_JOB: &str = "digest.mail";

/// A slot missed while Kring was down is still sent if Kring comes back within this time.
const CATCH_UP_SECS: i64 = 12 * 3600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunJob {
    pub frequency: Frequency,
    /// The items of [from, to) go in.
    pub from: i64,
    pub to: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailJob {
    pub user_id: i64,
    pub frequency: Frequency,
    pub from: i64,
    pub to: i64,
}

/// Queues the run of each summary whose slot has come (called by the runner every few seconds).
pub async fn schedule(state: &AppState) -> Result<(), AppError> {
    let at = state.db.clock().now();
    for frequency in [Frequency::Daily, Frequency::Weekly] {
        let to = state.settings.digest.last_slot(slot_of(frequency), at);
        if at - to > CATCH_UP_SECS {
            continue;
        }
        let from = state.settings.digest.last_slot(slot_of(frequency), to - 1);
        queue_run(
            state,
            RunJob {
                frequency,
                from,
                to,
            },
        )
        .await?;
    }
    Ok(())
}

/// Queues one summary run (idempotent per slot). The runner is woken only for a new run: the
/// scheduler asks again on every turn for hours after a slot, and waking it each time would keep
/// it spinning.
pub async fn queue_run(state: &AppState, run: RunJob) -> Result<(), AppError> {
    let key = format!("digest.run.{}.{}", run.frequency.as_str(), run.to);
    if jobs::enqueue_new(&state.db, RUN_JOB, &run, &key).await? {
        state.wake_jobs();
    }
    Ok(())
}

/// Queues one summary mail for everyone with this frequency who has something in the period.
pub async fn run(state: &AppState, run: RunJob) -> Result<u64, AppError> {
    let db = &state.db;
    let freq = run.frequency.as_str();
    let queued = with_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO jobs (kind, payload, idempotency_key, run_at, created_at) \
         SELECT $1, \
           '{\"user_id\":' || CAST(u.id AS TEXT) || ',\"frequency\":\"' || $2 || '\",\"from\":' || $3 || ',\"to\":' || $4 || '}', \
           'digest.' || $2 || '.' || $4 || '.' || CAST(u.id AS TEXT), $5, $5 \
         FROM users u LEFT JOIN notification_settings ns ON ns.user_id = u.id \
         WHERE u.active = TRUE AND COALESCE(ns.email_frequency, 'weekly') = $2 \
           AND EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u.id \
                       AND n.created_at >= CAST($6 AS BIGINT) AND n.created_at < CAST($7 AS BIGINT)) \
         ON CONFLICT (idempotency_key) DO NOTHING"
    )
    .bind(MAIL_JOB)
    .bind(freq)
    .bind(run.from.to_string())
    .bind(run.to.to_string())
    .bind(db.clock().now())
    .bind(run.from)
    .bind(run.to)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    state.wake_jobs();
    Ok(queued)
}

/// Which of the schedule's times a summary of this frequency follows.
fn slot_of(frequency: Frequency) -> Slot {
    match frequency {
        Frequency::Weekly => Slot::Weekly,
        Frequency::Daily | Frequency::Immediately => Slot::Daily,
    }
}
