//! The sweep (UP-05, PR-05): deletes the files of discarded media and of stale drafts, uploads
//! whose process died, originals left by a crash, and temporary video folders.
use super::{
    processing::temp_dir,
    server::{DRAFT_SECS, RECEIVING_SECS},
};
use crate::{error::AppError, platform::state::AppState, with_db};

/// Removes temporary video folders older than `age` seconds (left by a crash mid-transcode).
fn sweep_temp(state: &AppState, age: i64) {
    let Ok(entries) = std::fs::read_dir(temp_dir(state)) else {
        return;
    };
    // File ages come from the file system's own clock, so they are compared with it, not with
    // Kring's clock (which a test may have set to another day).
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
    let at = db.clock().now();
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
