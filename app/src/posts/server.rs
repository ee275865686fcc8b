//! Writing posts: create, change, pin and delete. Reading them is the feed's (`feed::read`); who
//! may do what is `policy`'s.
use super::model::{ComposeOptions, GroupRef, NewPost, PostView, POST_COLUMNS, POST_FROM};
use crate::{
    error::AppError,
    media::model::MediaLimits,
    platform::{auth::Actor, db::Db, markup, state::AppState},
    policy::{self, PostRef, Sql, Viewer},
    with_db, with_tx,
};

/// The groups this actor may post to: their own groups, and for directie every group and the
/// school group (a school-wide post) of their school.
pub async fn compose_options(
    db: &Db,
    actor: &Actor,
    limits: MediaLimits,
) -> Result<ComposeOptions, AppError> {
    Ok(ComposeOptions {
        groups: postable(db, actor).await?,
        limits,
        candidates: crate::consent::server::tag_candidates(db, actor).await?,
        tags_required: crate::consent::server::tags_required_for(db, actor).await?,
    })
}

async fn postable(db: &Db, actor: &Actor) -> Result<Vec<GroupRef>, AppError> {
    // Both ways in need a staff role, and the actor's roles were read fresh for this request: a
    // parent's page, which asks on every request, pays no query for it.
    if actor.roles.is_empty() {
        return Ok(Vec::new());
    }
    let v = Viewer::new(db, actor);
    Ok(with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT g.id, g.name, g.kind FROM groups g \
             LEFT JOIN school_years sy ON sy.id = g.school_year_id WHERE g.id IN (",
        );
        policy::postable_groups(&mut q, &v);
        q.add(") AND (sy.id IS NULL OR (");
        policy::this_year(&mut q, "sy", &v.today);
        q.add(
            ")) ORDER BY CASE g.kind WHEN 'school' THEN 0 WHEN 'class' THEN 1 ELSE 2 END, g.name",
        );
        q.build_query_as().fetch_all(pool).await
    })?)
}

/// The school all chosen groups belong to; a post never spans schools.
async fn school_of_groups(db: &Db, groups: &[i64]) -> Result<i64, AppError> {
    let schools: Vec<(i64,)> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new("SELECT DISTINCT school_id FROM groups WHERE id IN ");
        q.ids(groups);
        q.build_query_as().fetch_all(pool).await
    })?;
    match schools.as_slice() {
        [(school,)] => Ok(*school),
        _ => Err(AppError::validation(
            "groups",
            crate::error::Invalid::PostGroupsOneSchool,
        )),
    }
}

async fn check_postable(db: &Db, actor: &Actor, groups: &[i64]) -> Result<i64, AppError> {
    let allowed = policy::postable_group_ids(db, &Viewer::new(db, actor)).await?;
    if allowed.is_empty() {
        return Err(AppError::Forbidden);
    }
    if groups.iter().any(|g| !allowed.contains(g)) {
        return Err(AppError::validation(
            "groups",
            crate::error::Invalid::PostGroupsNotYours,
        ));
    }
    school_of_groups(db, groups).await
}

/// Creates a post with its uploaded media. A post whose photos are still being processed stays
/// "processing" (families see nothing of it) until the media job publishes it.
pub async fn create(
    db: &Db,
    actor: &Actor,
    post: NewPost,
    limits: &MediaLimits,
) -> Result<i64, AppError> {
    let school_id = check_postable(db, actor, &post.groups).await?;
    if post.untagged().next().is_some()
        && crate::consent::server::tags_required(db, school_id).await?
    {
        return Err(AppError::validation(
            "media",
            crate::error::Invalid::MediaTagsRequired,
        ));
    }
    let comments_open = post.comments && policy::comments_allowed(db, &post.groups).await?;
    let at = db.clock().now();
    let id = with_tx!(db, |tx| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO posts (school_id, author_id, title, body, urgent, pinned, created_at, updated_at, comments_open, body_html, render_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10) RETURNING id",
        )
        .bind(school_id)
        .bind(actor.user_id)
        .bind(&post.title)
        .bind(&post.body)
        .bind(post.urgent)
        .bind(post.pinned)
        .bind(at)
        .bind(comments_open)
        .bind(markup::render(&post.body))
        .bind(markup::VERSION)
        .fetch_one(&mut *tx)
        .await?;
        for group in &post.groups {
            sqlx::query("INSERT INTO post_groups (post_id, group_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*group)
                .execute(&mut *tx)
                .await?;
        }
        for (position, uid) in post.media.iter().enumerate() {
            // Only the uploader's own finished uploads that belong to no post yet.
            let attached = sqlx::query(
                "UPDATE media SET post_id = $1, position = $2 \
                 WHERE uid = $3 AND uploader_id = $4 AND post_id IS NULL AND status IN ('uploaded', 'ready')",
            )
            .bind(id)
            .bind(position as i64)
            .bind(uid)
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if attached != 1 {
                return Err(AppError::validation(
                    "media",
                    crate::error::Invalid::MediaMissing,
                ));
            }
        }
        for uid in &post.no_children {
            sqlx::query("UPDATE media SET no_children = TRUE WHERE post_id = $1 AND uid = $2")
                .bind(id)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
        }
        for (uid, pupil) in &post.tags {
            // Only children of the post's groups this school year (any child of the school for a
            // school-wide post).
            let (allowed,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM pupils p WHERE p.id = $1 AND p.school_id = $2 AND ( \
                   EXISTS (SELECT 1 FROM placements pl JOIN school_years sy ON sy.id = pl.school_year_id \
                           WHERE pl.pupil_id = p.id AND sy.starts_on <= $3 AND sy.ends_on >= $3 \
                             AND pl.group_id IN (SELECT group_id FROM post_groups WHERE post_id = $4)) \
                   OR EXISTS (SELECT 1 FROM post_groups pg JOIN groups g ON g.id = pg.group_id \
                              WHERE pg.post_id = $4 AND g.kind = 'school'))",
            )
            .bind(*pupil)
            .bind(school_id)
            .bind(db.clock().today())
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if allowed != 1 {
                return Err(AppError::validation(
                    "tags",
                    crate::error::Invalid::TagNotInGroup,
                ));
            }
            sqlx::query(crate::consent::server::INSERT_TAG)
                .bind(uid)
                .bind(*pupil)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let (waiting, bytes): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(CASE WHEN status = 'uploaded' THEN 1 END), CAST(COALESCE(SUM(bytes), 0) AS BIGINT) FROM media WHERE post_id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if bytes as u64 > limits.post_bytes {
            return Err(AppError::validation(
                "media",
                crate::error::Invalid::MediaPostTooBig,
            ));
        }
        if waiting > 0 {
            sqlx::query("UPDATE posts SET status = 'processing' WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        } else {
            // Stored with the post, so a crash cannot lose the notifications.
            crate::announce_in_tx!(tx, crate::platform::events::Event::Post(id), at);
        }
        id
    });
    Ok(id)
}

/// The author, or the directie of the post's school, may change or remove a post.
pub async fn editable(db: &Db, actor: &Actor, post_id: i64) -> Result<PostRef, AppError> {
    let v = Viewer::new(db, actor);
    let post = policy::readable_post(db, &v, post_id).await?;
    if policy::may_edit(&v, post.author_id, post.school_id) {
        Ok(post)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A post as its editor finds it, with all its groups.
pub async fn for_edit(db: &Db, actor: &Actor, post_id: i64) -> Result<PostView, AppError> {
    let post = editable(db, actor, post_id).await?;
    let sql = format!("{POST_COLUMNS}{POST_FROM} p.id = $1");
    let mut view: PostView = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(post.id)
        .fetch_one(pool)
        .await)?;
    view.groups = with_db!(db, |pool| sqlx::query_as(
        "SELECT g.id, g.name, g.kind FROM post_groups pg JOIN groups g ON g.id = pg.group_id \
         WHERE pg.post_id = $1 ORDER BY g.name"
    )
    .bind(post.id)
    .fetch_all(pool)
    .await)?;
    view.can_edit = true;
    Ok(view)
}

pub async fn update(db: &Db, actor: &Actor, post_id: i64, post: NewPost) -> Result<(), AppError> {
    let existing = editable(db, actor, post_id).await?;
    let school_id = check_postable(db, actor, &post.groups).await?;
    if school_id != existing.school_id {
        return Err(AppError::validation(
            "groups",
            crate::error::Invalid::PostGroupsOneSchool,
        ));
    }
    let allowed = policy::comments_allowed(db, &post.groups).await?;
    let (comments,): (i64,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM comments WHERE post_id = $1 AND removed_at IS NULL"
    )
    .bind(post_id)
    .fetch_one(pool)
    .await)?;
    if comments > 0 {
        // Its families' names and words would be shown to another group: the groups stay as they are.
        let current: Vec<(i64,)> = with_db!(db, |pool| sqlx::query_as(
            "SELECT group_id FROM post_groups WHERE post_id = $1 ORDER BY group_id"
        )
        .bind(post_id)
        .fetch_all(pool)
        .await)?;
        let current: Vec<i64> = current.into_iter().map(|(g,)| g).collect();
        if current != post.groups {
            return Err(AppError::validation(
                "groups",
                crate::error::Invalid::PostHasComments,
            ));
        }
    }
    with_tx!(db, |tx| {
        sqlx::query(
            "UPDATE posts SET title = $2, body = $3, urgent = $4, pinned = $5, updated_at = $6, comments_open = $7, \
               body_html = $8, render_version = $9 WHERE id = $1",
        )
        .bind(post_id)
        .bind(&post.title)
        .bind(&post.body)
        .bind(post.urgent)
        .bind(post.pinned)
        .bind(db.clock().now())
        .bind(post.comments && allowed)
        .bind(markup::render(&post.body))
        .bind(markup::VERSION)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM post_groups WHERE post_id = $1")
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        for group in &post.groups {
            sqlx::query("INSERT INTO post_groups (post_id, group_id) VALUES ($1, $2)")
                .bind(post_id)
                .bind(*group)
                .execute(&mut *tx)
                .await?;
        }
    });
    Ok(())
}

/// Deletes a post; its photos are marked for deletion in the same transaction and the purge job
/// removes the files, not only the rows (PR-05). Open reports about it (or its comments) are
/// resolved as removed, with the note when a report's handling is why it goes.
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    post_id: i64,
    note: Option<&str>,
) -> Result<(), AppError> {
    let db = &state.db;
    editable(db, actor, post_id).await?;
    let at = db.clock().now();
    with_tx!(db, |tx| {
        sqlx::query(
            "UPDATE reports SET resolved_at = $2, resolved_by = $3, resolution = 'removed', resolution_note = $4 \
             WHERE post_id = $1 AND resolved_at IS NULL",
        )
        .bind(post_id)
        .bind(at)
        .bind(actor.user_id)
        .bind(note)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE media SET status = 'discarded' WHERE post_id = $1")
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(crate::newsletters::server::DETACH_ALL)
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM posts WHERE id = $1")
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO audit_log (actor_id, action, object_kind, object_id, created_at, note) \
             VALUES ($1, 'delete', 'post', $2, $3, $4)",
        )
        .bind(actor.user_id)
        .bind(post_id)
        .bind(at)
        .bind(note)
        .execute(&mut *tx)
        .await?;
    });
    crate::platform::jobs::queue_purge(state, &format!("post.{post_id}")).await
}

/// Staff who may post to one of the post's groups may pin or unpin it.
pub async fn set_pinned(
    db: &Db,
    actor: &Actor,
    post_id: i64,
    pinned: bool,
) -> Result<(), AppError> {
    let v = Viewer::new(db, actor);
    let post = policy::readable_post(db, &v, post_id).await?;
    if !policy::power_over(db, &v, &post).await?.pin {
        return Err(AppError::Forbidden);
    }
    with_db!(db, |pool| sqlx::query(
        "UPDATE posts SET pinned = $2 WHERE id = $1"
    )
    .bind(post_id)
    .bind(pinned)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
