//! Media rules and queries: the life of an upload (receiving → uploaded → ready / failed →
//! discarded) and which files a viewer may fetch. The job that processes uploads is in
//! `processing.rs`, the sweep that deletes what nobody can see any more in `sweep.rs`.
use super::model::{MediaView, Variant};
use crate::{
    error::AppError,
    platform::{
        auth::Actor,
        db::Db,
        jobs, secrets,
        state::AppState,
        visibility::{media_visible, photo_consented},
    },
    with_db,
};

pub const PROCESS_JOB: &str = "media.process";
pub const PURGE_JOB: &str = "media.purge";
/// Uploads never attached to a post are discarded after a day; a receiving upload whose process
/// died is discarded after an hour.
pub(super) const DRAFT_SECS: i64 = 24 * 3600;
pub(super) const RECEIVING_SECS: i64 = 3600;

#[derive(serde::Serialize, serde::Deserialize)]
pub struct ProcessJob {
    pub media_id: i64,
}

pub fn original_key(uid: &str) -> String {
    format!("incoming/{uid}")
}

pub(super) fn variant_key(uid: &str, variant: Variant) -> String {
    format!("m/{uid}/{}.jpg", variant.as_str())
}

/// Staff who may post somewhere may upload.
pub async fn may_upload(db: &Db, actor: &Actor) -> Result<bool, AppError> {
    Ok(!crate::posts::server::postable_groups(db, actor)
        .await?
        .is_empty())
}

pub struct Receiving {
    pub id: i64,
    pub uid: String,
    pub key: String,
}

/// Records an upload before its bytes arrive, so a crash mid-upload leaves a row the sweep finds.
pub async fn begin(db: &Db, actor: &Actor, kind: &str) -> Result<Receiving, AppError> {
    let uid = secrets::new_token()[..22].to_string();
    let key = original_key(&uid);
    let (id,): (i64,) = with_db!(db, |pool| sqlx::query_as(
        "INSERT INTO media (uid, uploader_id, kind, status, original_key, created_at) \
         VALUES ($1, $2, $3, 'receiving', $4, $5) RETURNING id"
    )
    .bind(&uid)
    .bind(actor.user_id)
    .bind(kind)
    .bind(&key)
    .bind(db.clock().now())
    .fetch_one(pool)
    .await)?;
    Ok(Receiving { id, uid, key })
}

/// All bytes are stored: queue the processing job.
pub async fn received(state: &AppState, id: i64, bytes: u64) -> Result<(), AppError> {
    with_db!(&state.db, |pool| sqlx::query(
        "UPDATE media SET status = 'uploaded', bytes = $2 WHERE id = $1 AND status = 'receiving'"
    )
    .bind(id)
    .bind(bytes as i64)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    jobs::enqueue(
        &state.db,
        PROCESS_JOB,
        &ProcessJob { media_id: id },
        &format!("{PROCESS_JOB}.{id}"),
    )
    .await?;
    state.wake_jobs();
    Ok(())
}

/// A refused or broken upload: the row goes (its bytes were never kept or are aborted by the caller).
pub async fn abandon(db: &Db, id: i64) {
    let result = with_db!(db, |pool| sqlx::query("DELETE FROM media WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()));
    if let Err(e) = result {
        tracing::warn!(media = id, error = %e, "could not remove an abandoned upload; the sweep will");
    }
}

/// Ready media of these posts, in order. The caller has already checked the posts are readable.
pub async fn of_posts(
    db: &Db,
    actor: &Actor,
    post_ids: &[i64],
) -> Result<Vec<MediaView>, AppError> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    let visible = media_visible("m");
    let consented = photo_consented("t.pupil_id");
    let placeholders: Vec<String> = (3..post_ids.len() + 3).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT m.post_id, m.uid, m.kind, m.width, m.height, EXISTS (SELECT 1 FROM media_tags t WHERE t.media_id = m.id \
           AND NOT {consented}) AS restricted FROM media m \
         WHERE m.status = 'ready' AND m.post_id IN ({}) AND {visible} ORDER BY m.post_id, m.position, m.id",
        placeholders.join(", ")
    );
    Ok(with_db!(db, |pool| {
        let mut q = sqlx::query_as(&sql)
            .bind(actor.user_id)
            .bind(db.clock().today());
        for id in post_ids {
            q = q.bind(*id);
        }
        q.fetch_all(pool).await
    })?)
}

/// Items of these posts whose processing failed after the upload (for example a video ffmpeg
/// could not read): (post id, refusal key), for the author's notice.
/// The mark `failures_of_posts` gives an item still being processed.
pub const PENDING: &str = "media_pending";

/// Why items of these posts failed (their refusal keys), and `PENDING` for each item that is
/// still being processed: for the author and the directie.
pub async fn failures_of_posts(db: &Db, post_ids: &[i64]) -> Result<Vec<(i64, String)>, AppError> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=post_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT post_id, CASE WHEN status = 'failed' THEN COALESCE(failure, 'media_failed') ELSE '{PENDING}' END FROM media \
         WHERE status IN ('failed', 'receiving', 'uploaded') AND post_id IN ({}) ORDER BY post_id, position, id",
        placeholders.join(", ")
    );
    Ok(with_db!(db, |pool| {
        let mut q = sqlx::query_as(&sql);
        for id in post_ids {
            q = q.bind(*id);
        }
        q.fetch_all(pool).await
    })?)
}

#[derive(sqlx::FromRow)]
pub struct StoredFile {
    pub storage_key: String,
    pub content_type: String,
    pub bytes: i64,
}

/// The stored file behind a media URL, if this actor may see it: the item must pass the one
/// visibility rule (`media_visible`), or the actor uploaded it and it is not yet part of a post.
pub async fn file(
    db: &Db,
    actor: &Actor,
    uid: &str,
    variant: Variant,
) -> Result<Option<StoredFile>, AppError> {
    let visible = media_visible("m");
    let sql = format!(
        "SELECT f.storage_key, f.content_type, f.bytes FROM media_files f JOIN media m ON m.id = f.media_id \
         WHERE m.uid = $3 AND f.variant = $4 AND m.status = 'ready' \
           AND ((m.post_id IS NULL AND m.uploader_id = $1) OR {visible})"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .bind(db.clock().today())
        .bind(uid)
        .bind(variant.as_str())
        .fetch_optional(pool)
        .await)?)
}

/// The uploads of a form that was refused: discarded at once, so they are neither processed nor
/// kept; the purge job deletes their files (DS-01).
pub async fn discard_uploads(state: &AppState, actor: &Actor, uids: &[String]) {
    if uids.is_empty() {
        return;
    }
    for uid in uids {
        let result = with_db!(&state.db, |pool| {
            sqlx::query(
            "UPDATE media SET status = 'discarded' WHERE uid = $1 AND uploader_id = $2 AND post_id IS NULL"
        )
        .bind(uid)
        .bind(actor.user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not discard a refused upload; the sweep will");
        }
    }
    if let Err(e) = queue_purge(state, &format!("refused.{}", uids[0])).await {
        tracing::warn!(error = %e, "could not queue the purge; the sweep will");
    }
}

pub async fn queue_purge(state: &AppState, why: &str) -> Result<(), AppError> {
    jobs::enqueue(&state.db, PURGE_JOB, &(), &format!("{PURGE_JOB}.{why}")).await?;
    state.wake_jobs();
    Ok(())
}
