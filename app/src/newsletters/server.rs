//! Newsletter rules and queries. A newsletter is a post of kind "newsletter" to one school group.
//! Until it is sent it has a `draft_state` and the status "processing", so `policy::readable_posts` shows
//! it to its author only (the preview); publishing is the same status change and announcement as
//! for a post, so families get it by the feed's rule.
use chrono_tz::Tz;

use super::model::{
    Archive, Draft, DraftForm, FormPhoto, NewsletterEdit, NewsletterItem, MAX_ATTACHMENTS,
};
use crate::{
    error::AppError,
    media::model::{MediaLimits, MAX_FILES_PER_POST},
    platform::{auth::Actor, db::Db},
    policy::{self, Sql, Viewer},
    posts::model::GroupRef,
    with_db, with_tx,
};

pub use super::attachments::{add_attachment, attachment_file, purge, StoredFile, DETACH_ALL};
pub use super::sending::{
    local_time, parse_local, publish, run_publish, send, unschedule, PublishJob, PUBLISH_JOB,
};

/// The school groups the actor may send a newsletter to: those of the schools they lead.
pub async fn schools(db: &Db, actor: &Actor) -> Result<Vec<GroupRef>, AppError> {
    let v = Viewer::new(db, actor);
    Ok(with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT g.id, g.name, g.kind FROM groups g WHERE g.kind = 'school' AND g.id IN (",
        );
        policy::postable_groups(&mut q, &v);
        q.add(") ORDER BY g.name");
        q.build_query_as().fetch_all(pool).await
    })?)
}

/// A newsletter the actor may change: their own (drafts are only readable by their author), or a
/// published one of a school they lead.
pub(super) async fn editable(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<crate::posts::model::PostView, AppError> {
    let post = crate::feed::read::editable_post(db, actor, id).await?;
    if !post.is_newsletter() {
        return Err(AppError::NotFound);
    }
    Ok(post)
}

/// What the form shows: an empty newsletter, or an existing one split into its sections.
pub async fn edit_data(
    db: &Db,
    actor: &Actor,
    id: Option<i64>,
) -> Result<NewsletterEdit, AppError> {
    let schools = schools(db, actor).await?;
    if schools.is_empty() {
        return Err(AppError::Forbidden);
    }
    let Some(id) = id else {
        return Ok(NewsletterEdit {
            id: None,
            group_id: schools[0].id,
            schools,
            title: String::new(),
            intro: String::new(),
            sections: Vec::new(),
            photos: Vec::new(),
            attachments: Vec::new(),
            status: "draft".into(),
        });
    };
    let post = editable(db, actor, id).await?;
    let (intro, sections) = super::model::split(&post.body);
    let marks: Vec<(String, bool, bool)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT m.uid, m.no_children, EXISTS (SELECT 1 FROM media_tags t WHERE t.media_id = m.id) \
         FROM media m WHERE m.post_id = $1 AND m.status <> 'discarded'"
    )
    .bind(id)
    .fetch_all(pool)
    .await
    })?;
    let photos = post
        .media
        .iter()
        .map(|m| {
            let mark = marks.iter().find(|x| x.0 == m.uid);
            FormPhoto {
                media: m.clone(),
                no_children: mark.is_some_and(|x| x.1),
                tagged: mark.is_some_and(|x| x.2),
            }
        })
        .collect();
    Ok(NewsletterEdit {
        id: Some(id),
        group_id: post.groups.first().map_or(schools[0].id, |g| g.id),
        schools,
        title: post.title.clone().unwrap_or_default(),
        intro,
        sections,
        photos,
        attachments: post.attachments.clone(),
        status: post.status.clone(),
    })
}

/// Saves a draft (new or existing) with newly uploaded photos (`media`, their uids) and PDFs
/// (`files`, attachment uids stored by the route). Answers the newsletter's id.
pub async fn save(
    db: &Db,
    actor: &Actor,
    form: &DraftForm,
    media: &[String],
    files: &[String],
    limits: &MediaLimits,
) -> Result<i64, AppError> {
    let draft = Draft::parse(form).map_err(|key| AppError::validation("form", key))?;
    let schools = schools(db, actor).await?;
    let Some(group) = schools.iter().find(|g| g.id == form.group_id) else {
        return Err(AppError::Forbidden);
    };
    let school_sql = "SELECT school_id FROM groups WHERE id = $1";
    let (school_id,): (i64,) = with_db!(db, |pool| sqlx::query_as(school_sql)
        .bind(group.id)
        .fetch_one(pool)
        .await)?;
    let existing = match form.id {
        Some(id) => Some(editable(db, actor, id).await?),
        None => None,
    };
    if existing.as_ref().is_some_and(|p| p.school_id != school_id) {
        return Err(AppError::validation(
            "groups",
            crate::error::Invalid::PostGroupsOneSchool,
        ));
    }
    if let Some(sent) = existing.as_ref().filter(|p| !p.unsent()) {
        if draft.title.is_none() {
            return Err(AppError::validation(
                "title",
                crate::error::Invalid::NewsletterTitleRequired,
            ));
        }
        // Families see a sent newsletter's new photos as soon as they are processed: a school
        // that wants every photo to say who is in it gets no untagged photo that way (PR-01).
        if !media.is_empty() && crate::consent::server::tags_required(db, sent.school_id).await? {
            return Err(AppError::validation(
                "media",
                crate::error::Invalid::MediaTagsRequired,
            ));
        }
    }
    let at = db.clock().now();
    let html = crate::platform::markup::render(&draft.body);
    let version = crate::platform::markup::VERSION;
    let id = with_tx!(db, |tx| {
        let id = match &existing {
            Some(p) => {
                sqlx::query(
                    "UPDATE posts SET title = $2, body = $3, updated_at = $4, body_html = $5, render_version = $6 WHERE id = $1",
                )
                .bind(p.id)
                .bind(&draft.title)
                .bind(&draft.body)
                .bind(at)
                .bind(&html)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                p.id
            }
            None => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO posts (school_id, author_id, title, body, created_at, updated_at, kind, status, draft_state, body_html, render_version) \
                     VALUES ($1, $2, $3, $4, $5, $5, 'newsletter', 'processing', 'draft', $6, $7) RETURNING id",
                )
                .bind(school_id)
                .bind(actor.user_id)
                .bind(&draft.title)
                .bind(&draft.body)
                .bind(at)
                .bind(&html)
                .bind(version)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO post_groups (post_id, group_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(group.id)
                    .execute(&mut *tx)
                    .await?;
                id
            }
        };
        for uid in &form.remove_media {
            sqlx::query("UPDATE media SET status = 'discarded' WHERE post_id = $1 AND uid = $2")
                .bind(id)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
        }
        for uid in &form.remove_files {
            sqlx::query("UPDATE attachments SET post_id = NULL, created_at = 0 WHERE post_id = $1 AND uid = $2")
                .bind(id)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
        }
        // The form sends a mark for every photo it shows; photos new in this save have none yet.
        sqlx::query("UPDATE media SET no_children = FALSE WHERE post_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for uid in &form.no_children {
            sqlx::query("UPDATE media SET no_children = TRUE WHERE post_id = $1 AND uid = $2")
                .bind(id)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
        }
        let (photos, bytes, last): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(bytes), 0) AS BIGINT), CAST(COALESCE(MAX(position), -1) AS BIGINT) \
             FROM media WHERE post_id = $1 AND status <> 'discarded'",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if photos as usize + media.len() > MAX_FILES_PER_POST {
            return Err(AppError::validation(
                "media",
                crate::error::Invalid::MediaTooMany,
            ));
        }
        for (i, uid) in media.iter().enumerate() {
            let attached = sqlx::query(
                "UPDATE media SET post_id = $1, position = $2 \
                 WHERE uid = $3 AND uploader_id = $4 AND post_id IS NULL AND status IN ('uploaded', 'ready')",
            )
            .bind(id)
            .bind(last + 1 + i as i64)
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
        let (new_bytes,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT) FROM media WHERE post_id = $1 AND status <> 'discarded'",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if new_bytes > bytes && new_bytes as u64 > limits.post_bytes {
            return Err(AppError::validation(
                "media",
                crate::error::Invalid::MediaPostTooBig,
            ));
        }
        let (count, last_file): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(MAX(position), -1) AS BIGINT) FROM attachments WHERE post_id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if count as usize + files.len() > MAX_ATTACHMENTS {
            return Err(AppError::validation(
                "attachments",
                crate::error::Invalid::NewsletterTooManyFiles,
            ));
        }
        for (i, uid) in files.iter().enumerate() {
            sqlx::query("UPDATE attachments SET post_id = $1, position = $2 WHERE uid = $3 AND post_id IS NULL")
                .bind(id)
                .bind(last_file + 1 + i as i64)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
        }
        id
    });
    Ok(id)
}

/// The published newsletters the actor may read (newest first) and their own unsent ones.
pub async fn archive(db: &Db, actor: &Actor, tz: Tz) -> Result<Archive, AppError> {
    let v = Viewer::new(db, actor);
    let items: Vec<NewsletterItem> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT p.id, s.name AS school_name, p.title, COALESCE(p.draft_state, p.status) AS status, p.created_at, p.publish_at \
             FROM posts p JOIN schools s ON s.id = p.school_id WHERE p.kind = 'newsletter' AND p.id IN (",
        );
        policy::readable_posts(&mut q, &v);
        q.add(") ORDER BY p.created_at DESC, p.id DESC LIMIT 500");
        q.build_query_as().fetch_all(pool).await
    })?;
    let (mut drafts, mut published): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|n| n.status == "draft" || n.status == "scheduled");
    for n in drafts.iter_mut() {
        n.when = local_time(tz, n.publish_at.unwrap_or(n.created_at));
    }
    for n in published.iter_mut() {
        n.when = super::sending::local_date(tz, n.created_at);
    }
    Ok(Archive {
        published,
        drafts,
        can_write: !schools(db, actor).await?.is_empty(),
    })
}
