//! A newsletter's PDF attachments: recorded when stored, served only to readers of their
//! newsletter, and purged (file, then row) once removed or their newsletter is deleted.
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db, state::AppState},
    policy::{self, Sql, Viewer},
    with_db,
};

/// Uploaded attachments that never reached a saved draft are purged after this long.
const LOOSE_SECS: i64 = 3600;
/// Detaches the attachments of post `$1` (it is being deleted): the next purge removes their files.
/// A detached attachment is dated 0, so it does not wait like a fresh upload.
pub const DETACH_ALL: &str =
    "UPDATE attachments SET post_id = NULL, created_at = 0 WHERE post_id = $1";

/// Records a stored PDF; it belongs to nothing until `save` attaches it.
pub async fn add_attachment(
    db: &Db,
    uid: &str,
    name: &str,
    bytes: u64,
    key: &str,
) -> Result<(), AppError> {
    with_db!(db, |pool| sqlx::query(
        "INSERT INTO attachments (uid, name, bytes, storage_key, position, created_at) \
         VALUES ($1, $2, $3, $4, 0, $5)"
    )
    .bind(uid)
    .bind(name)
    .bind(bytes as i64)
    .bind(key)
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub struct StoredFile {
    pub name: String,
    pub storage_key: String,
    pub bytes: i64,
}

/// An attachment of a post the actor may read; `None` exactly as for one that never existed.
pub async fn attachment_file(
    db: &Db,
    actor: &Actor,
    uid: &str,
) -> Result<Option<StoredFile>, AppError> {
    let v = Viewer::new(db, actor);
    let row: Option<(String, String, i64)> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT a.name, a.storage_key, a.bytes FROM attachments a WHERE a.uid = ",
        );
        q.text(uid).add(" AND a.post_id IN (");
        policy::readable_posts(&mut q, &v);
        q.add(")");
        q.build_query_as().fetch_optional(pool).await
    })?;
    Ok(row.map(|(name, storage_key, bytes)| StoredFile {
        name,
        storage_key,
        bytes,
    }))
}

/// Attachments just stored for a form that was refused: their files and rows go at once (the file
/// first, so a failure leaves a row the purge finds, never a file nobody knows of).
pub async fn discard(state: &AppState, uids: &[String]) {
    for uid in uids {
        let gone: Result<(), AppError> = async {
            let row: Option<(String,)> = with_db!(&state.db, |pool| sqlx::query_as(
                "SELECT storage_key FROM attachments WHERE uid = $1 AND post_id IS NULL"
            )
            .bind(uid)
            .fetch_optional(pool)
            .await)?;
            let Some((key,)) = row else { return Ok(()) };
            state.storage.delete(&key).await?;
            with_db!(&state.db, |pool| sqlx::query(
                "DELETE FROM attachments WHERE uid = $1 AND post_id IS NULL"
            )
            .bind(uid)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
            Ok(())
        }
        .await;
        if gone.is_err() {
            tracing::warn!("could not discard a refused attachment; the purge will");
        }
    }
}

/// Deletes the files of removed attachments (and of deleted newsletters), then their rows.
pub async fn purge(state: &AppState) -> Result<(), AppError> {
    let db = &state.db;
    let loose: Vec<(i64, String)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id, storage_key FROM attachments WHERE post_id IS NULL AND created_at < $1"
    )
    .bind(db.clock().now() - LOOSE_SECS)
    .fetch_all(pool)
    .await)?;
    for (id, key) in loose {
        state.storage.delete(&key).await?;
        with_db!(db, |pool| sqlx::query(
            "DELETE FROM attachments WHERE id = $1 AND post_id IS NULL"
        )
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}
