//! The read model: the feed, a group's page and a post's page, built from the reading rules in
//! `policy`. A post the viewer may not see is simply not found (AC-02).
use super::parts::{self, ItemTrouble};
use crate::{
    error::AppError,
    platform::markup,
    platform::{auth::Actor, db::Db},
    policy::{self, Sql, Viewer},
    posts::model::{Cursor, FeedPage, GroupRef, PostView, PAGE_SIZE, POST_COLUMNS, POST_FROM},
    with_db,
};

/// Which posts one page of a listing reads.
#[derive(Clone, Copy)]
enum Listing {
    /// Every group the viewer reads.
    Feed,
    /// One group (already checked to be visible).
    Group(i64),
}

/// The ids of one part of a listing: pinned or not, before `cursor`, newest first. Only ids are
/// sorted: the columns, counts and receipts are read for the page's rows alone.
fn part<Q: Sql>(q: &mut Q, v: &Viewer, listing: Listing, pinned: bool, cursor: Cursor, limit: i64) {
    if pinned {
        // Few posts are pinned: start from their index and ask the rule of each.
        q.add("SELECT id FROM (SELECT p.id FROM posts p WHERE p.pinned = TRUE AND ");
        policy::listed_post(q, v, "p");
    } else {
        // Start from the viewer's groups, not from the newest posts of the whole foundation.
        q.add("SELECT id FROM (SELECT p.id FROM ");
        policy::listed_post_rows(q, v, "p");
        q.add(" WHERE p.pinned = FALSE");
    }
    if let Listing::Group(group) = listing {
        q.add(" AND p.id IN (SELECT pg.post_id FROM post_groups pg WHERE pg.group_id = ")
            .id(group)
            .add(")");
    }
    q.add(" AND (p.created_at < ")
        .id(cursor.created_at)
        .add(" OR (p.created_at = ")
        .id(cursor.created_at)
        .add(" AND p.id < ")
        .id(cursor.id)
        .add(")) ORDER BY p.created_at DESC, p.id DESC LIMIT ")
        .id(limit)
        .add(if pinned { ") pinned_part" } else { ") rest" });
}

/// One page of a listing in one query: up to `pinned` pinned posts (only on the first page), and
/// `limit` others before `cursor`, each newest first, with whether the viewer has seen each.
async fn fetch(
    db: &Db,
    v: &Viewer,
    listing: Listing,
    cursor: Cursor,
    pinned: i64,
    limit: i64,
) -> Result<(Vec<PostView>, Vec<PostView>), AppError> {
    let first_page = cursor.id == i64::MAX;
    let rows: Vec<PostView> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(POST_COLUMNS);
        q.add(", EXISTS (SELECT 1 FROM post_views sv WHERE sv.post_id = p.id AND sv.user_id = ")
            .id(v.user_id)
            .add(") AS seen")
            .add(POST_FROM)
            .add("p.id IN (");
        if first_page {
            part(&mut q, v, listing, true, cursor, pinned);
            q.add(" UNION ALL ");
        }
        part(&mut q, v, listing, false, cursor, limit);
        q.add(")");
        q.build_query_as().fetch_all(pool).await
    })?;
    let (mut pinned, mut posts): (Vec<PostView>, Vec<PostView>) =
        rows.into_iter().partition(|p| p.pinned);
    for list in [&mut pinned, &mut posts] {
        list.sort_by_key(|p| std::cmp::Reverse((p.created_at, p.id)));
    }
    Ok((pinned, posts))
}

/// The feed of every group the actor may see: on the first page the pinned posts first, then the
/// others newest first.
pub async fn feed(db: &Db, actor: &Actor, cursor: Cursor) -> Result<FeedPage, AppError> {
    let v = Viewer::new(db, actor).with_groups(db).await?;
    let (pinned, posts) = fetch(db, &v, Listing::Feed, cursor, 20, PAGE_SIZE + 1).await?;
    let can_post = !policy::postable_group_ids(db, &v).await?.is_empty();
    page(db, actor, &v, posts, pinned, None, can_post).await
}

/// One group's page: its pinned posts, then the rest newest first. Unknown and not-visible groups
/// are both `NotFound`.
pub async fn group_feed(
    db: &Db,
    actor: &Actor,
    group_id: i64,
    cursor: Cursor,
) -> Result<FeedPage, AppError> {
    let v = Viewer::new(db, actor).with_groups(db).await?;
    let group: GroupRef = with_db!(db, |pool| {
        let mut q =
            sqlx::QueryBuilder::new("SELECT g.id, g.name, g.kind FROM groups g WHERE g.id = ");
        q.id(group_id).add(" AND g.id IN (");
        policy::visible_groups(&mut q, &v);
        q.add(")");
        q.build_query_as().fetch_optional(pool).await
    })?
    .ok_or(AppError::NotFound)?;
    let listing = Listing::Group(group_id);
    let (pinned, posts) = fetch(db, &v, listing, cursor, 50, PAGE_SIZE + 1).await?;
    let can_post = policy::postable_group_ids(db, &v)
        .await?
        .contains(&group_id);
    page(db, actor, &v, posts, pinned, Some(group), can_post).await
}

async fn page(
    db: &Db,
    actor: &Actor,
    v: &Viewer,
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
    decorate(db, v, &mut all).await?;
    let admin_only = group.is_none()
        && posts.is_empty()
        && pinned.is_empty()
        && policy::reads_no_posts(db, v, actor.is_admin).await?;
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

/// One post that the actor may see, whole (its page); otherwise `NotFound`, exactly as for an id
/// that never existed. To only ask whether a post may be read, use `policy::readable_post`.
pub async fn post(db: &Db, actor: &Actor, post_id: i64) -> Result<PostView, AppError> {
    let v = Viewer::new(db, actor).with_groups(db).await?;
    let mut post: PostView = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(POST_COLUMNS);
        q.add(POST_FROM);
        q.add("p.id = ").id(post_id).add(" AND p.id IN (");
        policy::readable_posts(&mut q, &v);
        q.add(")");
        q.build_query_as().fetch_optional(pool).await
    })?
    .ok_or(AppError::NotFound)?;
    decorate(db, &v, &mut [&mut post]).await?;
    Ok(post)
}

/// One post whole, for its author or the directie of its school (`Forbidden` for other readers):
/// the newsletter form and the photo tags start from it.
pub async fn editable_post(db: &Db, actor: &Actor, post_id: i64) -> Result<PostView, AppError> {
    let post = post(db, actor, post_id).await?;
    if post.can_edit {
        Ok(post)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Fills in HTML, the viewer's visible groups (one query for the whole page) and edit rights.
async fn decorate(db: &Db, v: &Viewer, posts: &mut [&mut PostView]) -> Result<(), AppError> {
    if posts.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let rows: Vec<(i64, i64, String, String)> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT pg.post_id, g.id, g.name, g.kind FROM post_groups pg JOIN groups g ON g.id = pg.group_id \
             WHERE pg.post_id IN ",
        );
        q.ids(&ids).add(" AND pg.group_id IN (");
        policy::visible_groups(&mut q, v);
        q.add(") ORDER BY g.name");
        q.build_query_as().fetch_all(pool).await
    })?;
    let media = parts::media_of(db, v, &ids).await?;
    for post in posts.iter_mut() {
        post.can_edit = policy::may_edit(v, post.author_id, post.school_id);
    }
    // Why photos failed is for the author and the directie: a parent's page pays no query for it.
    let editable: Vec<i64> = posts.iter().filter(|p| p.can_edit).map(|p| p.id).collect();
    let troubles = parts::troubles_of(db, &editable).await?;
    // Only newsletters have attachments: a page of ordinary posts pays no query for them.
    let newsletters: Vec<i64> = posts
        .iter()
        .filter(|p| p.is_newsletter())
        .map(|p| p.id)
        .collect();
    let attachments = parts::attachments_of(db, &newsletters).await?;
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
            let mine = || troubles.iter().filter(|t| t.0 == post.id).map(|t| &t.1);
            post.failed_media = mine()
                .filter_map(|t| match t {
                    ItemTrouble::Failed(key) => Some(key.clone()),
                    ItemTrouble::Pending => None,
                })
                .collect();
            post.pending_media = mine().filter(|t| **t == ItemTrouble::Pending).count();
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

/// The groups of this school year (and school and staff groups) that the actor may read.
pub async fn my_groups(db: &Db, actor: &Actor) -> Result<Vec<GroupRef>, AppError> {
    let v = Viewer::new(db, actor);
    Ok(with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT g.id, g.name, g.kind FROM groups g \
             LEFT JOIN school_years sy ON sy.id = g.school_year_id WHERE g.id IN (",
        );
        policy::visible_groups(&mut q, &v);
        q.add(") AND (sy.id IS NULL OR (");
        policy::this_year(&mut q, "sy", &v.today);
        q.add(
            ")) ORDER BY CASE g.kind WHEN 'school' THEN 0 WHEN 'class' THEN 1 ELSE 2 END, g.name",
        );
        q.build_query_as().fetch_all(pool).await
    })?)
}
