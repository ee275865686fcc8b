//! Durable background work: one job table with retries, backoff and idempotency keys (LD-02).
//! A job is claimed with a lease; if the process dies (kill -9) the lease runs out and another run
//! picks the job up again, so nothing is lost. Handlers must be safe to run twice.
use std::time::Duration;

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::db::{Db, Pool};
use crate::{error::AppError, with_db};

/// The housekeeping job: finished jobs are forgotten and every feature's cleanup runs (files of
/// deleted posts, stale drafts, gone push subscriptions). Named before it did more than media.
pub const PURGE_JOB: &str = "media.purge";

/// Queues the housekeeping job once per `why` (a deleted post, a refused form, the sweep's slot).
pub async fn queue_purge(state: &super::state::AppState, why: &str) -> Result<(), AppError> {
    enqueue(&state.db, PURGE_JOB, &(), &format!("{PURGE_JOB}.{why}")).await?;
    state.wake_jobs();
    Ok(())
}

/// How long a claimed job is leased when the settings do not say otherwise.
pub const LEASE_SECS: i64 = 300;
const MAX_ATTEMPTS: i64 = 8;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
}

impl Job {
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        serde_json::from_str(&self.payload).map_err(|e| {
            tracing::error!(job = self.id, error = %e, "bad job payload");
            AppError::Internal
        })
    }
}

/// The insert behind `enqueue`, for use inside a transaction (`with_tx!`) so that the job is stored
/// together with the change that caused it: binds kind, JSON payload, idempotency key, now.
pub const ENQUEUE_SQL: &str =
    "INSERT INTO jobs (kind, payload, idempotency_key, run_at, created_at) VALUES ($1, $2, $3, $4, $4) \
     ON CONFLICT (idempotency_key) DO NOTHING";

/// `ENQUEUE_SQL` for work due later (bulk mail spread over minutes): binds kind, JSON payload,
/// idempotency key, due time, now.
pub const ENQUEUE_AT_SQL: &str =
    "INSERT INTO jobs (kind, payload, idempotency_key, run_at, created_at) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (idempotency_key) DO NOTHING";

/// Enqueues work once per idempotency key: enqueuing the same key again is a no-op.
pub async fn enqueue<T: Serialize>(
    db: &Db,
    kind: &str,
    payload: &T,
    key: &str,
) -> Result<(), AppError> {
    enqueue_new(db, kind, payload, key).await.map(|_| ())
}

/// Like `enqueue`; answers whether the job is new (false: the key was queued before).
pub async fn enqueue_new<T: Serialize>(
    db: &Db,
    kind: &str,
    payload: &T,
    key: &str,
) -> Result<bool, AppError> {
    let payload = serde_json::to_string(payload).map_err(|_| AppError::Internal)?;
    let at = db.clock().now();
    let inserted = with_db!(db, |pool| {
        sqlx::query(ENQUEUE_SQL)
            .bind(kind)
            .bind(payload)
            .bind(key)
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(inserted > 0)
}

/// Enqueues many (kind, JSON payload, idempotency key) at once, in one transaction.
pub async fn enqueue_many(db: &Db, items: &[(&str, String, String)]) -> Result<(), AppError> {
    if items.is_empty() {
        return Ok(());
    }
    let at = db.clock().now();
    crate::with_tx!(db, |tx| {
        for (kind, payload, key) in items {
            sqlx::query(
                "INSERT INTO jobs (kind, payload, idempotency_key, run_at, created_at) VALUES ($1, $2, $3, $4, $4) \
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(kind)
            .bind(payload)
            .bind(key)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
    });
    Ok(())
}

/// A lane of the job queue: its own runners claim only its own kinds, so mail and push never wait
/// behind photo and video work (DS-01). A lane names its kinds (`only`), or takes every kind but
/// the named ones.
#[derive(Clone, Debug)]
pub struct Lane {
    pub kinds: Vec<&'static str>,
    pub only: bool,
}

impl Lane {
    /// The `kind` condition; kinds are constants of the code, never input.
    fn condition(&self) -> String {
        if self.kinds.is_empty() {
            return if self.only { "FALSE" } else { "TRUE" }.to_string();
        }
        let list: Vec<String> = self.kinds.iter().map(|k| format!("'{k}'")).collect();
        let not = if self.only { "" } else { "NOT " };
        format!("kind {not}IN ({})", list.join(", "))
    }
}

/// Takes the next job of `lane` to run and leases it to this runner for `lease_secs`: first a job
/// whose runner died (its lease ran out), then the oldest due one. Several runners may claim at
/// once: SQLite serialises the writes, and PostgreSQL skips rows another runner is claiming. Each of
/// the two lookups walks the `(status, run_at)` index and stops at the first row of the lane, so a
/// queue of ten thousand mails costs the same per claim as a queue of ten.
pub async fn claim(db: &Db, lease_secs: i64, lane: &Lane) -> Result<Option<Job>, AppError> {
    let lock = match db.pool {
        Pool::Sqlite(_) => "",
        Pool::Postgres(_) => "FOR UPDATE SKIP LOCKED",
    };
    let kinds = lane.condition();
    let expired = format!(
        "SELECT id FROM jobs WHERE status = 'running' AND locked_until < $1 AND {kinds} ORDER BY run_at, id LIMIT 1 {lock}"
    );
    let due = format!(
        "SELECT id FROM jobs WHERE status = 'pending' AND run_at <= $1 AND {kinds} ORDER BY run_at, id LIMIT 1 {lock}"
    );
    for pick in [expired, due] {
        let at = db.clock().now();
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $2 \
             WHERE id = ({pick}) AND (status = 'pending' OR locked_until < $1) \
             RETURNING id, kind, payload, attempts"
        );
        let job = with_db!(db, |pool| {
            sqlx::query_as::<_, Job>(&sql)
                .bind(at)
                .bind(at + lease_secs)
                .fetch_optional(pool)
                .await
        })?;
        if job.is_some() {
            return Ok(job);
        }
    }
    Ok(None)
}

pub async fn complete(db: &Db, id: i64) -> Result<(), AppError> {
    with_db!(db, |pool| {
        sqlx::query(
        "UPDATE jobs SET status = 'done', locked_until = NULL, finished_at = $2, last_error = NULL WHERE id = $1"
    )
    .bind(id)
    .bind(db.clock().now())
    .execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// How long finished jobs are kept (for the admin's queue view and for idempotency).
pub const KEEP_DONE_SECS: i64 = 30 * 24 * 3600;

/// Deletes jobs that finished more than `KEEP_DONE_SECS` ago, so the table does not grow for ever
/// (the sweep alone adds one row every 15 minutes). Failed jobs stay for an admin to see.
pub async fn forget_done(db: &Db) -> Result<u64, AppError> {
    Ok(with_db!(db, |pool| sqlx::query(
        "DELETE FROM jobs WHERE status = 'done' AND finished_at < $1"
    )
    .bind(db.clock().now() - KEEP_DONE_SECS)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Schedules a retry with exponential backoff, or gives up after `MAX_ATTEMPTS`.
/// `error` must not contain personal data: it is shown to admins.
pub async fn fail(db: &Db, job: &Job, error: &str) -> Result<(), AppError> {
    let (status, run_at) = if job.attempts >= MAX_ATTEMPTS {
        ("failed", db.clock().now())
    } else {
        ("pending", db.clock().now() + backoff_secs(job.attempts))
    };
    with_db!(db, |pool| {
        sqlx::query(
        "UPDATE jobs SET status = $2, run_at = $3, locked_until = NULL, last_error = $4 WHERE id = $1"
    )
    .bind(job.id)
    .bind(status)
    .bind(run_at)
    .bind(error)
    .execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub fn backoff_secs(attempts: i64) -> i64 {
    (15_i64 << attempts.clamp(0, 20)).min(6 * 3600)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCounts {
    pub pending: i64,
    pub failed: i64,
}

pub async fn counts(db: &Db) -> Result<QueueCounts, AppError> {
    let (pending, failed): (i64, i64) = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status IN ('pending', 'running') THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) FROM jobs"
    )
    .fetch_one(pool)
    .await
    })?;
    Ok(QueueCounts { pending, failed })
}

/// How long the runner sleeps when there is nothing to do and nobody wakes it.
pub const IDLE_POLL: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_secs(1), 30);
        assert!(backoff_secs(3) > backoff_secs(2));
        assert_eq!(backoff_secs(30), 6 * 3600);
    }
}
