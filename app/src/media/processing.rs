//! The processing job: photos through the pipeline in `photo.rs`, videos through ffmpeg, then
//! the post is published once every item is ready or refused.
use super::{budget, model::Refusal, photo, server::variant_key};
use crate::{
    error::AppError,
    platform::{db::Db, state::AppState},
    with_db, with_tx,
};

#[derive(sqlx::FromRow)]
struct Pending {
    uid: String,
    kind: String,
    status: String,
    original_key: Option<String>,
    bytes: i64,
}

/// The processing job: safe to run twice, and after a kill -9 at any point it either finishes or
/// starts over; a post is published only once every item is ready or refused (LD-02).
pub async fn process(state: &AppState, media_id: i64) -> Result<(), String> {
    let db = &state.db;
    let row: Option<Pending> = with_db!(db, |pool| sqlx::query_as(
        "SELECT uid, kind, status, original_key, bytes FROM media WHERE id = $1"
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
        let head = state
            .storage
            .head(&key, budget::PLAN_BYTES as u64)
            .await
            .map_err(|e| e.to_string())?;
        let size = row.bytes.max(0) as u64;
        let stored = state.storage.clone();
        let key = key.clone();
        let read = || async move { stored.get(&key).await.map(|b| b.to_vec()) };
        photo_within_budget(state, &head, size, read)
            .await?
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
            let kept = store_ready(db, media_id, &row.uid, &done)
                .await
                .map_err(|e| e.to_string())?;
            if !kept {
                // Discarded while it was being processed (its form was refused): what was just
                // made goes too.
                for r in &done.images.renditions {
                    let _ = state
                        .storage
                        .delete(&variant_key(&row.uid, r.variant))
                        .await;
                }
                if let Some((key, _)) = &done.video {
                    let _ = state.storage.delete(key).await;
                }
            }
        }
        Err(refusal) => {
            tracing::info!(media = media_id, reason = %refusal.key, "upload refused while processing");
            with_db!(db, |pool| sqlx::query(
                "UPDATE media SET status = 'failed', failure = $2 WHERE id = $1 AND status = 'uploaded'"
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

/// Decodes a photo of `size` bytes within the memory budget (DS-01): its peak is planned from its
/// first bytes (`head`), the job waits until that much of `KRING_MEDIA_MEMORY_MB` is free, and only
/// then reads the whole file (`read`) and decodes it. A photo whose peak exceeds the whole budget
/// is refused. `Ok(Err(_))` is a refusal, `Err(_)` a retryable failure.
async fn photo_within_budget<F, Fut>(
    state: &AppState,
    head: &[u8],
    size: u64,
    read: F,
) -> Result<Result<photo::Processed, Refusal>, String>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Vec<u8>, AppError>>,
{
    let plan = match budget::plan(head, size) {
        Ok(plan) => plan,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let megabytes = plan.peak_bytes.div_ceil(1024 * 1024);
    if megabytes > u64::from(state.settings.media_memory_mb) {
        tracing::info!(megabytes, "photo needs more memory than the whole budget");
        return Ok(Err(Refusal::new("media_too_many_pixels")));
    }
    let turn = state
        .media_budget
        .clone()
        .acquire_many_owned(megabytes as u32)
        .await
        .map_err(|e| e.to_string())?;
    let bytes = read().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        photo::process_image(&bytes)
    })
    .await
    .map_err(|e| e.to_string())
}

/// What processing made: the image sizes (of the photo, or of a video's poster) and the video.
struct Ready {
    images: photo::Processed,
    /// Storage key and size of the transcoded MP4.
    video: Option<(String, i64)>,
}

pub(super) fn temp_dir(state: &AppState) -> std::path::PathBuf {
    state.settings.data_dir.join("tmp")
}

/// Transcodes a video with ffmpeg in a temporary folder (removed afterwards, or by the sweep after a
/// crash) and makes its poster like a photo. `Ok(Err(_))` is a refusal, `Err(_)` a retryable failure.
async fn process_video(
    state: &AppState,
    uid: &str,
    key: &str,
) -> Result<Result<Ready, Refusal>, String> {
    let Some(ffmpeg) = state.settings.ffmpeg.clone() else {
        return Ok(Err(Refusal::new("media_video_unavailable")));
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
        // The length comes from the container, before any transcode (DS-01).
        let max_secs = state.settings.max_video_secs;
        match super::video::duration_secs(&ffmpeg, &input).await {
            Some(secs) if secs <= max_secs as f64 => {}
            Some(_) => return Ok(Err(Refusal::new("media_video_too_long"))),
            None => return Ok(Err(Refusal::new("media_unreadable"))),
        }
        // One transcode at a time, whatever the number of media runners.
        let turn = state
            .transcodes
            .acquire()
            .await
            .map_err(|e| e.to_string())?;
        let transcoded = super::video::transcode(&ffmpeg, &input, &dir, max_secs).await;
        drop(turn);
        let transcoded = match transcoded {
            Ok(t) => t,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let poster = transcoded.poster;
        let size = poster.len() as u64;
        let head = poster[..poster.len().min(budget::PLAN_BYTES)].to_vec();
        let read = || async move { Ok(poster) };
        let images = match photo_within_budget(state, &head, size, read).await? {
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

/// Records the finished item; `false` when it was discarded meanwhile (nothing is recorded then).
async fn store_ready(db: &Db, media_id: i64, uid: &str, done: &Ready) -> Result<bool, AppError> {
    let (width, height) = (i64::from(done.images.width), i64::from(done.images.height));
    let kept = with_tx!(db, |tx| {
        let updated = sqlx::query(
            "UPDATE media SET status = 'ready', width = $2, height = $3 WHERE id = $1 AND status = 'uploaded'",
        )
        .bind(media_id)
        .bind(width)
        .bind(height)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 1 {
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
        }
        updated == 1
    });
    Ok(kept)
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

/// Publishes the post of this item once none of its items is still waiting, and queues its
/// notifications in the same transaction.
async fn publish_when_done(db: &Db, media_id: i64) -> Result<(), AppError> {
    with_tx!(db, |tx| {
        let published: Option<(i64,)> = sqlx::query_as(
            "UPDATE posts SET status = 'published' WHERE status = 'processing' AND draft_state IS NULL \
               AND id = (SELECT post_id FROM media WHERE id = $1) \
               AND NOT EXISTS (SELECT 1 FROM media m WHERE m.post_id = posts.id AND m.status IN ('receiving', 'uploaded')) \
             RETURNING id",
        )
        .bind(media_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((post_id,)) = published {
            crate::announce_in_tx!(
                tx,
                crate::platform::events::Event::Post(post_id),
                db.clock().now()
            );
        }
    });
    Ok(())
}
