//! What a card shows besides the post itself: its photos and videos, the notice about items that
//! failed, and a newsletter's attachments. One query each for a whole page; the caller has already
//! found the posts readable.
use crate::{
    error::AppError,
    media::model::MediaView,
    platform::db::Db,
    policy::{self, Sql, Viewer},
    posts::model::Attachment,
    with_db,
};

/// Ready media of these posts that the viewer may see, in order.
pub async fn media_of(db: &Db, v: &Viewer, post_ids: &[i64]) -> Result<Vec<MediaView>, AppError> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT m.post_id, m.uid, m.kind, m.width, m.height, \
               EXISTS (SELECT 1 FROM media_tags t WHERE t.media_id = m.id AND NOT ",
        );
        policy::photo_consented(&mut q, v, "t.pupil_id");
        q.add(") AS restricted FROM media m WHERE m.status = 'ready' AND m.post_id IN ")
            .ids(post_ids)
            .add(" AND ");
        policy::media_visible(&mut q, v, "m");
        q.add(" ORDER BY m.post_id, m.position, m.id");
        q.build_query_as().fetch_all(pool).await
    })?)
}

/// What an item of a post is, for its author: failed (its refusal key) or still being processed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemTrouble {
    Failed(String),
    Pending,
}

/// Items of these posts whose processing failed after the upload (for example a video ffmpeg could
/// not read) or is still under way: (post id, trouble), for the author's and directie's notice.
pub async fn troubles_of(db: &Db, post_ids: &[i64]) -> Result<Vec<(i64, ItemTrouble)>, AppError> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, Option<String>)> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT post_id, CASE WHEN status = 'failed' THEN COALESCE(failure, 'media_failed') END FROM media \
             WHERE status IN ('failed', 'receiving', 'uploaded') AND post_id IN ",
        );
        q.ids(post_ids).add(" ORDER BY post_id, position, id");
        q.build_query_as().fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(post, failure)| {
            let trouble = failure.map_or(ItemTrouble::Pending, ItemTrouble::Failed);
            (post, trouble)
        })
        .collect())
}

/// The attachments of these posts, in the author's order.
pub async fn attachments_of(db: &Db, post_ids: &[i64]) -> Result<Vec<Attachment>, AppError> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT post_id, uid, name, bytes FROM attachments WHERE post_id IN ",
        );
        q.ids(post_ids).add(" ORDER BY post_id, position, id");
        q.build_query_as().fetch_all(pool).await
    })?)
}
