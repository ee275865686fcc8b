//! Comment rules and queries. Reading and writing go through `policy::readable_post`, so a comment
//! on a post the actor may not see is simply not found (AC-02).
use super::model::{CommentText, CommentView, Comments, Reason};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db, events::Event},
    policy::{self, PostRef, Sql, Viewer},
    with_db, with_tx,
};

async fn allowed_for_post(db: &Db, post_id: i64) -> Result<bool, AppError> {
    let groups: Vec<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT group_id FROM post_groups WHERE post_id = $1"
    )
    .bind(post_id)
    .fetch_all(pool)
    .await)?;
    let ids: Vec<i64> = groups.into_iter().map(|(g,)| g).collect();
    policy::comments_allowed(db, &ids).await
}

/// The author of the post, the directie of its school, and staff of its groups may remove comments
/// and handle reports about it (`policy::Power::moderate`).
async fn may_moderate(db: &Db, v: &Viewer, post: &PostRef) -> Result<bool, AppError> {
    Ok(policy::power_over(db, v, post).await?.moderate)
}

const AUDIT: &str =
    "INSERT INTO audit_log (actor_id, action, object_kind, object_id, created_at, note) \
     VALUES ($1, $2, 'comment', $3, $4, $5)";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    author_id: i64,
    author_name: String,
    body: String,
    created_at: i64,
    removed: bool,
}

/// The comments of a post the actor may read, oldest first.
pub async fn list(db: &Db, actor: &Actor, post_id: i64) -> Result<Comments, AppError> {
    let v = Viewer::new(db, actor);
    let post = policy::readable_post(db, &v, post_id).await?;
    let allowed = allowed_for_post(db, post_id).await?;
    let rows: Vec<Row> = if allowed {
        with_db!(db, |pool| sqlx::query_as(
            "SELECT c.id, c.author_id, u.name AS author_name, c.body, c.created_at, \
               c.removed_at IS NOT NULL AS removed \
             FROM comments c JOIN users u ON u.id = c.author_id \
             WHERE c.post_id = $1 ORDER BY c.created_at, c.id"
        )
        .bind(post.id)
        .fetch_all(pool)
        .await)?
    } else {
        Vec::new()
    };
    let can_remove = !rows.is_empty() && may_moderate(db, &v, &post).await?;
    Ok(Comments {
        comments: rows
            .into_iter()
            // A removed comment keeps its place, but neither its text nor who wrote it.
            .map(|r| CommentView {
                mine: !r.removed && r.author_id == actor.user_id,
                can_remove: can_remove && !r.removed,
                id: r.id,
                author_name: if r.removed {
                    String::new()
                } else {
                    r.author_name
                },
                body: if r.removed { String::new() } else { r.body },
                created_at: r.created_at,
                removed: r.removed,
            })
            .collect(),
        allowed,
        open: post.comments_open,
        now: db.clock().now(),
    })
}

pub async fn add(db: &Db, actor: &Actor, post_id: i64, text: CommentText) -> Result<i64, AppError> {
    let post = policy::readable_post(db, &Viewer::new(db, actor), post_id).await?;
    if !post.published || !post.comments_open || !allowed_for_post(db, post_id).await? {
        return Err(AppError::validation(
            "body",
            crate::error::Invalid::CommentsClosed,
        ));
    }
    let at = db.clock().now();
    let id = crate::with_tx!(db, |tx| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO comments (post_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(post_id)
        .bind(actor.user_id)
        .bind(text.as_str())
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        crate::announce_in_tx!(tx, Event::Comment(id), at);
        id
    });
    Ok(id)
}

/// A comment of a post the actor may read, not removed: (post id, author id, author name, text).
pub async fn find(
    db: &Db,
    actor: &Actor,
    comment_id: i64,
) -> Result<(i64, i64, String, String), AppError> {
    let v = Viewer::new(db, actor);
    with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT c.post_id, c.author_id, u.name, c.body FROM comments c JOIN users u ON u.id = c.author_id \
             WHERE c.removed_at IS NULL AND c.id = ",
        );
        q.id(comment_id).add(" AND c.post_id IN (");
        policy::readable_posts(&mut q, &v);
        q.add(")");
        q.build_query_as().fetch_optional(pool).await
    })?
    .ok_or(AppError::NotFound)
}

/// The author of a comment deletes it. Returns the post id.
pub async fn delete_own(db: &Db, actor: &Actor, comment_id: i64) -> Result<i64, AppError> {
    let (post_id, author_id, _, _) = find(db, actor, comment_id).await?;
    if author_id != actor.user_id {
        return Err(AppError::Forbidden);
    }
    with_tx!(db, |tx| {
        sqlx::query("DELETE FROM comments WHERE id = $1")
            .bind(comment_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(AUDIT)
            .bind(actor.user_id)
            .bind("delete")
            .bind(comment_id)
            .bind(db.clock().now())
            .bind(None::<&str>)
            .execute(&mut *tx)
            .await?;
    });
    Ok(post_id)
}

/// Staff of the group, the post's author or the directie remove a comment for everyone: its text
/// is wiped and a placeholder stays. Who and why go to the audit log, open reports about it are
/// resolved with the same reason, and the author and the reporters are told (through their
/// notifications). Returns the post id.
pub async fn remove(
    db: &Db,
    actor: &Actor,
    comment_id: i64,
    reason: &Reason,
) -> Result<i64, AppError> {
    let (post_id, _, _, _) = find(db, actor, comment_id).await?;
    let v = Viewer::new(db, actor);
    let post = policy::readable_post(db, &v, post_id).await?;
    if !may_moderate(db, &v, &post).await? {
        return Err(AppError::Forbidden);
    }
    let at = db.clock().now();
    with_tx!(db, |tx| {
        let reports: Vec<(i64,)> = sqlx::query_as(
            "UPDATE reports SET resolved_at = $2, resolved_by = $3, resolution = 'removed', resolution_note = $4 \
             WHERE comment_id = $1 AND resolved_at IS NULL RETURNING id",
        )
        .bind(comment_id)
        .bind(at)
        .bind(actor.user_id)
        .bind(reason.as_str())
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE comments SET body = '', removed_at = $2, removed_reason = $3 WHERE id = $1",
        )
        .bind(comment_id)
        .bind(at)
        .bind(reason.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(AUDIT)
            .bind(actor.user_id)
            .bind("remove")
            .bind(comment_id)
            .bind(at)
            .bind(Some(reason.as_str()))
            .execute(&mut *tx)
            .await?;
        crate::announce_in_tx!(tx, Event::CommentRemoved(comment_id), at);
        for (report_id,) in reports {
            crate::announce_in_tx!(tx, Event::ReportResolved(report_id), at);
        }
    });
    Ok(post_id)
}
