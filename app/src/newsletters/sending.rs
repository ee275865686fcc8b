//! Sending a newsletter: now or at a chosen time (a job), taking a scheduled one back, and
//! publishing it, which announces it like a post.
use chrono::TimeZone;
use chrono_tz::Tz;

use super::server::editable;
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db, jobs, state::AppState},
    policy::{self, Sql},
    with_db, with_tx,
};

pub const PUBLISH_JOB: &str = "newsletter.publish";
/// A newsletter is scheduled at least this far ahead; anything sooner is "send now".
const MIN_AHEAD_SECS: i64 = 60;

#[derive(serde::Serialize, serde::Deserialize)]
pub struct PublishJob {
    pub post_id: i64,
    pub at: i64,
}

/// Sends a draft now (`at` None) or schedules it. Refused while it has no title, or when the
/// school wants every photo to say who is in it and one does not.
/// Sends the newsletter now or schedules it; answers how many parents and carers it reaches.
pub async fn send(
    state: &AppState,
    actor: &Actor,
    id: i64,
    at: Option<i64>,
) -> Result<i64, AppError> {
    let db = &state.db;
    let post = editable(db, actor, id).await?;
    if !post.unsent() {
        return Err(AppError::validation(
            "newsletter",
            crate::error::Invalid::NewsletterAlreadySent,
        ));
    }
    if post.title.as_deref().is_none_or(str::is_empty) {
        return Err(AppError::validation(
            "newsletter",
            crate::error::Invalid::NewsletterTitleRequired,
        ));
    }
    if crate::consent::server::tags_required(db, post.school_id).await? {
        let (untagged,): (i64,) = with_db!(db, |pool| sqlx::query_as(
            crate::consent::server::UNTAGGED_MEDIA
        )
        .bind(id)
        .fetch_one(pool)
        .await)?;
        if untagged > 0 {
            return Err(AppError::validation(
                "media",
                crate::error::Invalid::MediaTagsRequired,
            ));
        }
    }
    match at {
        None => {
            publish(db, id, None).await?;
        }
        Some(at) => {
            if at < db.clock().now() + MIN_AHEAD_SECS {
                return Err(AppError::validation(
                    "at",
                    crate::error::Invalid::NewsletterAtPast,
                ));
            }
            let payload = serde_json::to_string(&PublishJob { post_id: id, at })
                .map_err(|_| AppError::Internal)?;
            with_tx!(db, |tx| {
                sqlx::query(
                    "UPDATE posts SET draft_state = 'scheduled', publish_at = $2 WHERE id = $1",
                )
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                // Rescheduling queues a new job; the old one finds another time and does nothing.
                sqlx::query(
                    "INSERT INTO jobs (kind, payload, idempotency_key, run_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING",
                )
                .bind(PUBLISH_JOB)
                .bind(payload)
                .bind(format!("{PUBLISH_JOB}.{id}.{at}"))
                .bind(at)
                .bind(db.clock().now())
                .execute(&mut *tx)
                .await?;
            });
        }
    }
    state.wake_jobs();
    audience_size(db, id).await
}

/// How many parents and carers a post reaches today (for the "sent to 23" confirmation).
async fn audience_size(db: &Db, post_id: i64) -> Result<i64, AppError> {
    let today = db.clock().today();
    let (n,): (i64,) = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM (");
        policy::guardians_of_post(&mut q, &today, post_id);
        q.add(") audience");
        q.build_query_as().fetch_one(pool).await
    })?;
    Ok(n)
}

/// A scheduled newsletter goes back to being a draft.
pub async fn unschedule(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    editable(db, actor, id).await?;
    with_db!(db, |pool| {
        sqlx::query(
        "UPDATE posts SET draft_state = 'draft', publish_at = NULL WHERE id = $1 AND draft_state = 'scheduled'"
    )
    .bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Publishes a draft (`scheduled_at` None) or the scheduled newsletter of that moment; anything
/// else (sent already, rescheduled, deleted) is left alone. It takes the moment of sending as its
/// date, and waits for photos still being processed like a post does. Answers whether it changed.
pub async fn publish(db: &Db, id: i64, scheduled_at: Option<i64>) -> Result<bool, AppError> {
    let at = db.clock().now();
    let changed = with_tx!(db, |tx| {
        let status: Option<(String,)> = sqlx::query_as(
            "UPDATE posts SET status = CASE WHEN EXISTS (SELECT 1 FROM media m WHERE m.post_id = posts.id \
                 AND m.status IN ('receiving', 'uploaded')) THEN 'processing' ELSE 'published' END, \
               draft_state = NULL, created_at = $2, updated_at = $2, publish_at = NULL \
             WHERE id = $1 AND kind = 'newsletter' AND ( \
               ($3 = 0 AND draft_state IS NOT NULL) OR (draft_state = 'scheduled' AND publish_at = $3)) \
             RETURNING status",
        )
        .bind(id)
        .bind(at)
        .bind(scheduled_at.unwrap_or(0))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((status,)) = &status {
            if status == "published" {
                crate::announce_in_tx!(tx, crate::platform::events::Event::Post(id), at);
            }
        }
        status.is_some()
    });
    Ok(changed)
}

pub fn local_time(tz: Tz, at: i64) -> String {
    tz.timestamp_opt(at, 0)
        .single()
        .map(|t| t.format("%d-%m-%Y %H:%M").to_string())
        .unwrap_or_default()
}

pub(super) fn local_date(tz: Tz, at: i64) -> String {
    tz.timestamp_opt(at, 0)
        .single()
        .map(|t| t.format("%d-%m-%Y").to_string())
        .unwrap_or_default()
}

/// "2026-11-27T16:00" from a `datetime-local` field, in the foundation's time zone.
pub fn parse_local(tz: Tz, raw: &str) -> Option<i64> {
    let naive = chrono::NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").ok()?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp())
}

/// Queues the publication job's work: `jobs` calls this with the job's payload.
pub async fn run_publish(state: &AppState, job: &jobs::Job) -> Result<(), String> {
    let p: PublishJob = job.payload().map_err(|e| e.to_string())?;
    publish(&state.db, p.post_id, Some(p.at))
        .await
        .map_err(|e| e.to_string())?;
    state.wake_jobs();
    Ok(())
}
