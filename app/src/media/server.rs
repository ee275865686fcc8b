//! Media rules and queries: the life of an upload (receiving → uploaded → ready / failed →
//! discarded) and which files a viewer may fetch. The job that processes uploads is in
//! `processing.rs`, the sweep that deletes what nobody can see any more in `sweep.rs`.
use super::model::Variant;
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db, jobs, secrets, state::AppState},
    policy::{self, Sql, Viewer},
    with_db,
};

pub const PROCESS_JOB: &str = "media.process";
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
    let v = policy::Viewer::new(db, actor);
    Ok(!policy::postable_group_ids(db, &v).await?.is_empty())
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
    let v = Viewer::new(db, actor);
    Ok(with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT f.storage_key, f.content_type, f.bytes FROM media_files f JOIN media m ON m.id = f.media_id \
             WHERE m.status = 'ready' AND m.uid = ",
        );
        q.text(uid)
            .add(" AND f.variant = ")
            .text(variant.as_str())
            .add(" AND ((m.post_id IS NULL AND m.uploader_id = ")
            .id(v.user_id)
            .add(") OR ");
        policy::media_visible(&mut q, &v, "m");
        q.add(")");
        q.build_query_as().fetch_optional(pool).await
    })?)
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
    if let Err(e) = jobs::queue_purge(state, &format!("refused.{}", uids[0])).await {
        tracing::warn!(error = %e, "could not queue the purge; the sweep will");
    }
}
