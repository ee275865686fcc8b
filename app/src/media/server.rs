//! Media rules and queries: the life of an upload (receiving → uploaded → ready / failed →
//! discarded), the processing job, which files a viewer may fetch, and the sweep that deletes what
//! nobody can see any more (UP-05, PR-05).
use super::{
    model::{MediaView, Variant},
    process,
};
use crate::{
    error::AppError,
    server::{
        auth::Actor,
        clock::{now, today},
        db::Db,
        jobs, secrets,
        state::AppState,
        visibility::readable_posts,
    },
    with_db, with_tx,
};

pub const PROCESS_JOB: &str = "media.process";
pub const PURGE_JOB: &str = "media.purge";
/// Uploads never attached to a post are discarded after a day; a receiving upload whose process
/// died is discarded after an hour.
const DRAFT_SECS: i64 = 24 * 3600;
const RECEIVING_SECS: i64 = 3600;

#[derive(serde::Serialize, serde::Deserialize)]
pub struct ProcessJob {
    pub media_id: i64,
}

pub fn original_key(uid: &str) -> String {
    format!("incoming/{uid}")
}

fn variant_key(uid: &str, variant: Variant) -> String {
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
    .bind(now())
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
    state.jobs_wake.notify_one();
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
pub async fn of_posts(db: &Db, post_ids: &[i64]) -> Result<Vec<MediaView>, AppError> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=post_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT post_id, uid, kind, width, height FROM media \
         WHERE status = 'ready' AND post_id IN ({}) ORDER BY post_id, position, id",
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

/// The stored file behind a media URL, if this actor may see it: the item's post must be readable
/// (the one visibility rule), or the actor uploaded it and it is not yet part of a post.
pub async fn file(
    db: &Db,
    actor: &Actor,
    uid: &str,
    variant: Variant,
) -> Result<Option<StoredFile>, AppError> {
    let readable = readable_posts();
    let sql = format!(
        "SELECT f.storage_key, f.content_type, f.bytes FROM media_files f JOIN media m ON m.id = f.media_id \
         WHERE m.uid = $3 AND f.variant = $4 AND m.status = 'ready' \
           AND ((m.post_id IS NULL AND m.uploader_id = $1) OR m.post_id IN ({readable}))"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .bind(today())
        .bind(uid)
        .bind(variant.as_str())
        .fetch_optional(pool)
        .await)?)
}

#[derive(sqlx::FromRow)]
struct Pending {
    uid: String,
    kind: String,
    status: String,
    original_key: Option<String>,
}

/// The processing job: safe to run twice, and after a kill -9 at any point it either finishes or
/// starts over; a post is published only once every item is ready or refused (LD-02).
pub async fn process(state: &AppState, media_id: i64) -> Result<(), String> {
    let db = &state.db;
    let row: Option<Pending> = with_db!(db, |pool| sqlx::query_as(
        "SELECT uid, kind, status, original_key FROM media WHERE id = $1"
    )
    .bind(media_id)
    .fetch_optional(pool)
    .await)
    .map_err(|e| e.to_string())?;
    let Some(row) = row else { return Ok(()) };
    let Some(key) = row.original_key.clone() else {
        return Ok(());
    };
    if row.status != "uploaded" {
        // Finished before a crash: only the original may still need deleting.
        return forget_original(state, media_id, &key).await;
    }
    let outcome = if row.kind == "image" {
        let bytes = state.storage.get(&key).await.map_err(|e| e.to_string())?;
        tokio::task::spawn_blocking(move || process::process_image(&bytes))
            .await
            .map_err(|e| e.to_string())?
            .map(|images| Ready {
                images,
                video: None,
            })
    } else {
        process_video(state, &row.uid, &key).await?
    };
    match outcome {
        Ok(done) => {
            for r in &done.images.renditions {
                state
                    .storage
                    .put(&variant_key(&row.uid, r.variant), r.jpeg.clone())
                    .await
                    .map_err(|e| e.to_string())?;
            }
            store_ready(db, media_id, &row.uid, &done)
                .await
                .map_err(|e| e.to_string())?;
        }
        Err(refusal) => {
            tracing::info!(media = media_id, reason = %refusal.key, "upload refused while processing");
            with_db!(db, |pool| sqlx::query(
                "UPDATE media SET status = 'failed', failure = $2 WHERE id = $1"
            )
            .bind(media_id)
            .bind(&refusal.key)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
            .map_err(|e| e.to_string())?;
        }
    }
    publish_when_done(db, media_id)
        .await
        .map_err(|e| e.to_string())?;
    forget_original(state, media_id, &key).await
}

/// What processing made: the image sizes (of the photo, or of a video's poster) and the video.
struct Ready {
    images: process::Processed,
    /// Storage key and size of the transcoded MP4.
    video: Option<(String, i64)>,
}

fn temp_dir(state: &AppState) -> std::path::PathBuf {
    state.settings.data_dir.join("tmp")
}

/// Transcodes a video with ffmpeg in a temporary folder (removed afterwards, or by the sweep after a
/// crash) and makes its poster like a photo. `Ok(Err(_))` is a refusal, `Err(_)` a retryable failure.
async fn process_video(
    state: &AppState,
    uid: &str,
    key: &str,
) -> Result<Result<Ready, super::model::Refusal>, String> {
    let Some(ffmpeg) = state.settings.ffmpeg.clone() else {
        return Ok(Err(super::model::Refusal::new("media_video_unavailable")));
    };
    let dir = temp_dir(state).join(uid);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| e.to_string())?;
    let result = async {
        let input = dir.join("original");
        state
            .storage
            .download_to(key, &input)
            .await
            .map_err(|e| e.to_string())?;
        let transcoded = match super::video::transcode(&ffmpeg, &input, &dir).await {
            Ok(t) => t,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let poster = transcoded.poster;
        let images = match tokio::task::spawn_blocking(move || process::process_image(&poster))
            .await
            .map_err(|e| e.to_string())?
        {
            Ok(images) => images,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let video_key = format!("m/{uid}/video.mp4");
        let size = tokio::fs::metadata(&transcoded.mp4)
            .await
            .map_err(|e| e.to_string())?
            .len();
        state
            .storage
            .upload_from(&video_key, &transcoded.mp4)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Ok(Ready {
            images,
            video: Some((video_key, size as i64)),
        }))
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    result
}

async fn store_ready(db: &Db, media_id: i64, uid: &str, done: &Ready) -> Result<(), AppError> {
    let (width, height) = (i64::from(done.images.width), i64::from(done.images.height));
    with_tx!(db, |tx| {
        if let Some((key, bytes)) = &done.video {
            sqlx::query(
                "INSERT INTO media_files (media_id, variant, storage_key, content_type, width, height, bytes) \
                 VALUES ($1, 'video', $2, 'video/mp4', $3, $4, $5) ON CONFLICT (media_id, variant) DO NOTHING",
            )
            .bind(media_id)
            .bind(key)
            .bind(width)
            .bind(height)
            .bind(*bytes)
            .execute(&mut *tx)
            .await?;
        }
        for r in &done.images.renditions {
            sqlx::query(
                "INSERT INTO media_files (media_id, variant, storage_key, content_type, width, height, bytes) \
                 VALUES ($1, $2, $3, 'image/jpeg', $4, $5, $6) ON CONFLICT (media_id, variant) DO NOTHING",
            )
            .bind(media_id)
            .bind(r.variant.as_str())
            .bind(variant_key(uid, r.variant))
            .bind(i64::from(r.width))
            .bind(i64::from(r.height))
            .bind(r.jpeg.len() as i64)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE media SET status = 'ready', width = $2, height = $3 WHERE id = $1")
            .bind(media_id)
            .bind(width)
            .bind(height)
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

/// The original (with its EXIF and GPS) is deleted as soon as the renditions exist; the key is
/// cleared only afterwards, so a crash in between leaves a trace the sweep follows.
async fn forget_original(state: &AppState, media_id: i64, key: &str) -> Result<(), String> {
    state.storage.delete(key).await.map_err(|e| e.to_string())?;
    with_db!(&state.db, |pool| sqlx::query(
        "UPDATE media SET original_key = NULL WHERE id = $1"
    )
    .bind(media_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Publishes the post of this item once none of its items is still waiting.
async fn publish_when_done(db: &Db, media_id: i64) -> Result<(), AppError> {
    with_db!(db, |pool| {
        sqlx::query(
        "UPDATE posts SET status = 'published' WHERE status = 'processing' \
           AND id = (SELECT post_id FROM media WHERE id = $1) \
           AND NOT EXISTS (SELECT 1 FROM media m WHERE m.post_id = posts.id AND m.status IN ('receiving', 'uploaded'))"
    )
    .bind(media_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn queue_purge(state: &AppState, why: &str) -> Result<(), AppError> {
    jobs::enqueue(&state.db, PURGE_JOB, &(), &format!("{PURGE_JOB}.{why}")).await?;
    state.jobs_wake.notify_one();
    Ok(())
}

/// Removes temporary video folders older than `age` seconds (left by a crash mid-transcode).
fn sweep_temp(state: &AppState, age: i64) {
    let Ok(entries) = std::fs::read_dir(temp_dir(state)) else {
        return;
    };
    let cutoff = std::time::SystemTime::now() - std::time::Duration::from_secs(age as u64);
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < cutoff);
        if old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[derive(sqlx::FromRow)]
struct Doomed {
    id: i64,
    original_key: Option<String>,
}

/// Deletes the files of discarded media, then their rows; discards stale drafts and uploads whose
/// process died; removes originals left by a crash after processing.
pub async fn purge(state: &AppState) -> Result<(), AppError> {
    let db = &state.db;
    let at = now();
    sweep_temp(state, DRAFT_SECS);
    with_db!(db, |pool| sqlx::query(
        "UPDATE media SET status = 'discarded' WHERE \
           (post_id IS NULL AND status IN ('uploaded', 'ready', 'failed') AND created_at < $1) \
           OR (status = 'receiving' AND created_at < $2)"
    )
    .bind(at - DRAFT_SECS)
    .bind(at - RECEIVING_SECS)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    let doomed: Vec<Doomed> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id, original_key FROM media WHERE status = 'discarded' \
         OR (status IN ('ready', 'failed') AND original_key IS NOT NULL)"
    )
    .fetch_all(pool)
    .await)?;
    for item in doomed {
        let files: Vec<(String,)> = with_db!(db, |pool| sqlx::query_as(
            "SELECT f.storage_key FROM media_files f JOIN media m ON m.id = f.media_id \
             WHERE f.media_id = $1 AND m.status = 'discarded'"
        )
        .bind(item.id)
        .fetch_all(pool)
        .await)?;
        for (key,) in &files {
            state.storage.delete(key).await?;
        }
        if let Some(key) = &item.original_key {
            state.storage.delete(key).await?;
        }
        with_db!(db, |pool| sqlx::query(
            "DELETE FROM media WHERE id = $1 AND status = 'discarded'"
        )
        .bind(item.id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        with_db!(db, |pool| sqlx::query(
            "UPDATE media SET original_key = NULL WHERE id = $1"
        )
        .bind(item.id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}
