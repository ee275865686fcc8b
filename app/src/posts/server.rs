//! Post rules and queries. Authorisation lives in the queries: a post the actor may not see is
//! simply not found (AC-02).
use super::{
    markup,
    model::{ComposeOptions, Cursor, FeedPage, GroupRef, NewPost, PostView, PAGE_SIZE},
};
use crate::{
    error::AppError,
    media::model::MediaLimits,
    platform::{
        auth::Actor,
        db::Db,
        state::AppState,
        visibility::{readable_posts, POSTABLE_GROUPS, VISIBLE_GROUPS},
    },
    with_db, with_tx,
};

const POST_COLUMNS: &str =
    "p.id, p.school_id, p.author_id, u.name AS author_name, p.title, p.body, p.body_html, p.render_version, \
     p.urgent, p.pinned, COALESCE(p.draft_state, p.status) AS status, p.comments_open, p.created_at, p.updated_at, p.kind, p.publish_at, \
     (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id AND c.removed_at IS NULL) AS comment_count";

/// The feed of every group the actor may see: on the first page the pinned posts first, then the
/// others newest first.
pub async fn feed(db: &Db, actor: &Actor, cursor: Cursor) -> Result<FeedPage, AppError> {
    let readable = readable_posts();
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id \
         WHERE p.id IN ({readable}) AND p.draft_state IS NULL AND p.pinned = $6 \
           AND (p.created_at < $3 OR (p.created_at = $3 AND p.id < $4)) \
         ORDER BY p.created_at DESC, p.id DESC LIMIT $5"
    );
    let fetch = |pinned: bool, cursor: Cursor, limit: i64| {
        let sql = sql.clone();
        async move {
            with_db!(db, |pool| sqlx::query_as::<_, PostView>(&sql)
                .bind(actor.user_id)
                .bind(db.clock().today())
                .bind(cursor.created_at)
                .bind(cursor.id)
                .bind(limit)
                .bind(pinned)
                .fetch_all(pool)
                .await)
        }
    };
    let pinned = if cursor.id == i64::MAX {
        fetch(true, cursor, 20).await?
    } else {
        Vec::new()
    };
    let posts = fetch(false, cursor, PAGE_SIZE + 1).await?;
    let can_post = !postable_groups(db, actor).await?.is_empty();
    page(db, actor, posts, pinned, None, can_post).await
}

/// One group's page: its pinned posts, then the rest newest first. Unknown and not-visible groups
/// are both `NotFound`.
pub async fn group_feed(
    db: &Db,
    actor: &Actor,
    group_id: i64,
    cursor: Cursor,
) -> Result<FeedPage, AppError> {
    let group_sql = format!(
        "SELECT g.id, g.name, g.kind FROM groups g WHERE g.id = $3 AND g.id IN ({VISIBLE_GROUPS})"
    );
    let group: GroupRef = with_db!(db, |pool| sqlx::query_as(&group_sql)
        .bind(actor.user_id)
        .bind(db.clock().today())
        .bind(group_id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound)?;
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id \
         WHERE p.id IN (SELECT pg.post_id FROM post_groups pg WHERE pg.group_id = $1) \
           AND p.pinned = $2 AND (p.created_at < $3 OR (p.created_at = $3 AND p.id < $4)) \
           AND (p.status = 'published' OR p.author_id = $6) AND p.draft_state IS NULL \
         ORDER BY p.created_at DESC, p.id DESC LIMIT $5"
    );
    let fetch = |pinned: bool, cursor: Cursor, limit: i64| {
        let sql = sql.clone();
        async move {
            with_db!(db, |pool| sqlx::query_as::<_, PostView>(&sql)
                .bind(group_id)
                .bind(pinned)
                .bind(cursor.created_at)
                .bind(cursor.id)
                .bind(limit)
                .bind(actor.user_id)
                .fetch_all(pool)
                .await)
        }
    };
    let first_page = cursor.id == i64::MAX;
    let pinned = if first_page {
        fetch(true, cursor, 50).await?
    } else {
        Vec::new()
    };
    let posts = fetch(false, cursor, PAGE_SIZE + 1).await?;
    let can_post = postable_groups(db, actor).await?.contains(&group_id);
    page(db, actor, posts, pinned, Some(group), can_post).await
}

async fn page(
    db: &Db,
    actor: &Actor,
    mut posts: Vec<PostView>,
    mut pinned: Vec<PostView>,
    group: Option<GroupRef>,
    can_post: bool,
) -> Result<FeedPage, AppError> {
    let next = if posts.len() as i64 > PAGE_SIZE {
        posts.truncate(PAGE_SIZE as usize);
        posts.last().map(Cursor::of)
    } else {
        None
    };
    let mut all: Vec<&mut PostView> = posts.iter_mut().chain(pinned.iter_mut()).collect();
    decorate(db, actor, &mut all).await?;
    let admin_only = group.is_none()
        && posts.is_empty()
        && pinned.is_empty()
        && crate::accounts::server::admin_only(db, actor).await?;
    Ok(FeedPage {
        posts,
        pinned,
        next,
        now: db.clock().now(),
        group,
        can_post,
        admin_only,
    })
}

/// Fills in HTML, the viewer's visible groups (one query for the whole page) and edit rights.
async fn decorate(db: &Db, actor: &Actor, posts: &mut [&mut PostView]) -> Result<(), AppError> {
    if posts.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (0..posts.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT pg.post_id, g.id, g.name, g.kind FROM post_groups pg JOIN groups g ON g.id = pg.group_id \
         WHERE pg.group_id IN ({VISIBLE_GROUPS}) AND pg.post_id IN ({}) ORDER BY g.name",
        placeholders.join(", ")
    );
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let rows: Vec<(i64, i64, String, String)> = with_db!(db, |pool| {
        let mut q = sqlx::query_as(&sql)
            .bind(actor.user_id)
            .bind(db.clock().today());
        for id in &ids {
            q = q.bind(*id);
        }
        q.fetch_all(pool).await
    })?;
    let media = crate::media::server::of_posts(db, actor, &ids).await?;
    for post in posts.iter_mut() {
        post.can_edit = post.author_id == actor.user_id || actor.is_directie_of(post.school_id);
    }
    // Why photos failed is for the author and the directie: a parent's page pays no query for it.
    let editable: Vec<i64> = posts.iter().filter(|p| p.can_edit).map(|p| p.id).collect();
    let failures = crate::media::server::failures_of_posts(db, &editable).await?;
    // Only newsletters have attachments: a page of ordinary posts pays no query for them.
    let newsletters: Vec<i64> = posts
        .iter()
        .filter(|p| p.is_newsletter())
        .map(|p| p.id)
        .collect();
    let attachments = crate::newsletters::server::attachments_of(db, &newsletters).await?;
    for post in posts.iter_mut() {
        post.media = media
            .iter()
            .filter(|m| m.post_id == post.id)
            .cloned()
            .collect();
        // Rendered when written; only a row older than the current rules (until the start-up job
        // has reached it) is rendered here.
        if post.render_version != markup::VERSION {
            post.body_html = markup::render(&post.body);
        }
        post.attachments = attachments
            .iter()
            .filter(|a| a.post_id == post.id)
            .cloned()
            .collect();
        if post.can_edit {
            let pending = crate::media::server::PENDING;
            post.failed_media = failures
                .iter()
                .filter(|f| f.0 == post.id && f.1 != pending)
                .map(|f| f.1.clone())
                .collect();
            post.pending_media = failures
                .iter()
                .filter(|f| f.0 == post.id && f.1 == pending)
                .count();
        } else {
            // Readers get the rendered HTML only: half the bytes on a parent's phone.
            post.body.clear();
        }
        post.groups = rows
            .iter()
            .filter(|r| r.0 == post.id)
            .map(|r| GroupRef {
                id: r.1,
                name: r.2.clone(),
                kind: r.3.clone(),
            })
            .collect();
    }
    Ok(())
}

/// One post that the actor may see; otherwise `NotFound`, exactly as for an id that never existed.
pub async fn get(db: &Db, actor: &Actor, post_id: i64) -> Result<PostView, AppError> {
    let readable = readable_posts();
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id \
         WHERE p.id = $3 AND p.id IN ({readable})"
    );
    let mut post: PostView = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .bind(db.clock().today())
        .bind(post_id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound)?;
    decorate(db, actor, &mut [&mut post]).await?;
    Ok(post)
}

pub async fn postable_groups(db: &Db, actor: &Actor) -> Result<Vec<i64>, AppError> {
    Ok(postable(db, actor)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect())
}

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
    // Both ways in (`POSTABLE_GROUPS`) need a staff role, and the actor's roles were read fresh for
    // this request: a parent's page, which asks on every request, pays no query for it.
    if actor.roles.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT g.id, g.name, g.kind FROM groups g \
         LEFT JOIN school_years sy ON sy.id = g.school_year_id \
         WHERE g.id IN ({POSTABLE_GROUPS}) AND (sy.id IS NULL OR (sy.starts_on <= $2 AND sy.ends_on >= $2)) \
         ORDER BY CASE g.kind WHEN 'school' THEN 0 WHEN 'class' THEN 1 ELSE 2 END, g.name"
    );
    let groups: Vec<GroupRef> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .bind(db.clock().today())
        .fetch_all(pool)
        .await)?;
    Ok(groups)
}

/// The school all chosen groups belong to; a post never spans schools.
async fn school_of_groups(db: &Db, groups: &[i64]) -> Result<i64, AppError> {
    let placeholders: Vec<String> = (0..groups.len()).map(|i| format!("${}", i + 1)).collect();
    let sql = format!(
        "SELECT DISTINCT school_id FROM groups WHERE id IN ({})",
        placeholders.join(", ")
    );
    let schools: Vec<(i64,)> = with_db!(db, |pool| {
        let mut q = sqlx::query_as(&sql);
        for g in groups {
            q = q.bind(*g);
        }
        q.fetch_all(pool).await
    })?;
    match schools.as_slice() {
        [(school,)] => Ok(*school),
        _ => Err(AppError::validation("groups", "post_groups_one_school")),
    }
}

async fn check_postable(db: &Db, actor: &Actor, groups: &[i64]) -> Result<i64, AppError> {
    let allowed = postable_groups(db, actor).await?;
    if allowed.is_empty() {
        return Err(AppError::Forbidden);
    }
    if groups.iter().any(|g| !allowed.contains(g)) {
        return Err(AppError::validation("groups", "post_groups_not_yours"));
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
        return Err(AppError::validation("media", "media_tags_required"));
    }
    let comments_open =
        post.comments && crate::comments::server::allowed_for_groups(db, &post.groups).await?;
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
                return Err(AppError::validation("media", "media_missing"));
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
                return Err(AppError::validation("tags", "tag_not_in_group"));
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
            return Err(AppError::validation("media", "media_post_too_big"));
        }
        if waiting > 0 {
            sqlx::query("UPDATE posts SET status = 'processing' WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        } else {
            // Stored with the post, so a crash cannot lose the notifications.
            crate::announce_in_tx!(tx, crate::notify::server::Event::Post(id), at);
        }
        id
    });
    Ok(id)
}

/// The author, or the directie of the post's school, may change or remove a post.
pub async fn editable(db: &Db, actor: &Actor, post_id: i64) -> Result<PostView, AppError> {
    let post = get(db, actor, post_id).await?;
    if post.can_edit {
        Ok(post)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn update(db: &Db, actor: &Actor, post_id: i64, post: NewPost) -> Result<(), AppError> {
    let existing = editable(db, actor, post_id).await?;
    let school_id = check_postable(db, actor, &post.groups).await?;
    if school_id != existing.school_id {
        return Err(AppError::validation("groups", "post_groups_one_school"));
    }
    let allowed = crate::comments::server::allowed_for_groups(db, &post.groups).await?;
    if existing.comment_count > 0 {
        // Its families' names and words would be shown to another group: the groups stay as they are.
        let current: Vec<(i64,)> = with_db!(db, |pool| sqlx::query_as(
            "SELECT group_id FROM post_groups WHERE post_id = $1 ORDER BY group_id"
        )
        .bind(post_id)
        .fetch_all(pool)
        .await)?;
        let current: Vec<i64> = current.into_iter().map(|(g,)| g).collect();
        if current != post.groups {
            return Err(AppError::validation("groups", "post_has_comments"));
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
    crate::media::server::queue_purge(state, &format!("post.{post_id}")).await
}

/// Staff who may post to one of the post's groups may pin or unpin it.
pub async fn set_pinned(
    db: &Db,
    actor: &Actor,
    post_id: i64,
    pinned: bool,
) -> Result<(), AppError> {
    let post = get(db, actor, post_id).await?;
    let allowed = postable_groups(db, actor).await?;
    if !post.groups.iter().any(|g| allowed.contains(&g.id)) {
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

/// The groups of this school year (and school and staff groups) that the actor may read.
pub async fn my_groups(db: &Db, actor: &Actor) -> Result<Vec<GroupRef>, AppError> {
    let sql = format!(
        "SELECT g.id, g.name, g.kind FROM groups g \
         LEFT JOIN school_years sy ON sy.id = g.school_year_id \
         WHERE g.id IN ({VISIBLE_GROUPS}) AND (sy.id IS NULL OR (sy.starts_on <= $2 AND sy.ends_on >= $2)) \
         ORDER BY CASE g.kind WHEN 'school' THEN 0 WHEN 'class' THEN 1 ELSE 2 END, g.name"
    );
    let groups: Vec<GroupRef> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .bind(db.clock().today())
        .fetch_all(pool)
        .await)?;
    Ok(groups)
}
