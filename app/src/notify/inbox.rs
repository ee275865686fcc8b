//! The in-app list of notifications: what each person was told about, checked against the reading
//! rules again when it is read (an item about a post they may no longer read is not shown).
use super::model::{excerpt, Kind, MailFailure, Notice, Notification, NotificationList, PushText};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db},
    policy::{self, Sql, Viewer},
    with_db,
};

pub type ItemRow = (
    i64,
    String,
    Option<i64>,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Which of a person's notifications to read.
#[derive(Clone, Copy)]
pub enum Which {
    /// The newest, for the in-app list.
    Latest(i64),
    One(i64),
    /// Those made in [from, to) that the person wants by e-mail (the summaries), oldest first.
    MailedBetween(i64, i64),
}

/// Whether e-mail is on for this kind (urgent posts are always on) and the item is not muted.
const WANTED_BY_MAIL: &str = "(n.urgent = TRUE OR (\
   COALESCE((SELECT nc.email FROM notification_channels nc WHERE nc.user_id = n.user_id AND nc.kind = n.kind), TRUE) = TRUE \
   AND NOT EXISTS (SELECT 1 FROM group_mutes gm JOIN post_groups mpg ON mpg.group_id = gm.group_id \
                   WHERE gm.user_id = n.user_id AND mpg.post_id = n.post_id)))";

/// The notifications of `v` chosen by `which`, with their post, comment author, group, school and
/// the number of photos `v` may see; an item about a post `v` may no longer read is left out.
pub async fn items(db: &Db, v: &Viewer, which: Which) -> Result<Vec<ItemRow>, AppError> {
    Ok(with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT n.id, n.kind, n.post_id, n.created_at, n.read_at, p.title, p.body, \
               COALESCE(cu.name, pu.name), \
               (SELECT g.name FROM post_groups pg JOIN groups g ON g.id = pg.group_id \
                WHERE pg.post_id = n.post_id ORDER BY g.kind DESC, g.name LIMIT 1), \
               (SELECT s.name FROM schools s WHERE s.id = p.school_id), \
               (SELECT COUNT(*) FROM media m WHERE m.post_id = n.post_id AND m.status = 'ready' AND ",
        );
        policy::media_visible(&mut q, v, "m");
        q.add(
            "), c.removed_reason, r.kind, r.resolution \
             FROM notifications n \
             LEFT JOIN posts p ON p.id = n.post_id \
             LEFT JOIN users pu ON pu.id = p.author_id \
             LEFT JOIN comments c ON c.id = n.comment_id \
             LEFT JOIN users cu ON cu.id = c.author_id \
             LEFT JOIN reports r ON r.id = n.report_id \
             WHERE (n.kind <> 'comment' OR c.removed_at IS NULL) AND n.user_id = ",
        )
        .id(v.user_id)
        .add(" AND (n.post_id IS NULL OR n.kind = 'report' OR n.post_id IN (");
        policy::readable_posts(&mut q, v);
        q.add("))");
        match which {
            Which::Latest(limit) => q
                .add(" ORDER BY n.created_at DESC, n.id DESC LIMIT ")
                .id(limit),
            Which::One(id) => q.add(" AND n.id = ").id(id),
            Which::MailedBetween(from, to) => q
                .add(" AND n.created_at >= ")
                .id(from)
                .add(" AND n.created_at < ")
                .id(to)
                .add(" AND ")
                .add(WANTED_BY_MAIL)
                .add(" ORDER BY n.created_at, n.id"),
        };
        q.build_query_as().fetch_all(pool).await
    })?)
}

pub fn to_notification(row: ItemRow) -> Option<Notification> {
    let (
        id,
        kind,
        post_id,
        created_at,
        read_at,
        title,
        body,
        author,
        group,
        school,
        photos,
        reason,
        report_kind,
        resolution,
    ) = row;
    let kind = Kind::parse(&kind)?;
    let notice = if kind == Kind::Moderation {
        Some(match (reason, resolution) {
            (Some(reason), _) => Notice::CommentRemoved { reason },
            (None, Some(resolution)) => Notice::Report {
                comment: report_kind.as_deref() == Some("comment"),
                removed: resolution == "removed",
            },
            (None, None) => return None,
        })
    } else {
        None
    };
    let href = match (kind, post_id) {
        (Kind::Report, _) => "/moderatie".to_string(),
        (Kind::Consent, _) => "/toestemming".to_string(),
        (Kind::Comment | Kind::Moderation, Some(p)) => format!("/bericht/{p}#reacties"),
        (_, Some(p)) => format!("/bericht/{p}"),
        _ => "/".to_string(),
    };
    // A moderation item speaks for itself (`Notice::text`); the post is not its subject.
    let subject = title
        .filter(|t| !t.trim().is_empty() && notice.is_none())
        .or_else(|| {
            body.filter(|_| notice.is_none())
                .map(|b| crate::platform::markup::to_text(&b))
        })
        .map(|t| excerpt(&t, 90))
        .unwrap_or_default();
    Some(Notification {
        id,
        kind,
        href,
        subject,
        // For a moderation item that would be the person themself.
        author: author.filter(|_| notice.is_none()).unwrap_or_default(),
        group: group.unwrap_or_default(),
        school: school.unwrap_or_default(),
        photos,
        created_at,
        unread: read_at.is_none(),
        notice,
    })
}

/// The newest notifications of the signed-in person.
pub async fn list(db: &Db, actor: &Actor) -> Result<NotificationList, AppError> {
    let rows = items(db, &Viewer::new(db, actor), Which::Latest(60)).await?;
    Ok(NotificationList {
        items: rows.into_iter().filter_map(to_notification).collect(),
        now: db.clock().now(),
    })
}

pub async fn unread_count(db: &Db, actor: &Actor) -> Result<i64, AppError> {
    let (n,): (i64,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL"
    )
    .bind(actor.user_id)
    .fetch_one(pool)
    .await)?;
    Ok(n)
}

pub async fn mark_all_read(db: &Db, actor: &Actor) -> Result<(), AppError> {
    with_db!(db, |pool| sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL"
    )
    .bind(actor.user_id)
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Opening a post marks its notifications read.
pub async fn mark_post_read(db: &Db, user_id: i64, post_id: i64) -> Result<(), AppError> {
    with_db!(db, |pool| {
        sqlx::query(
        "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND post_id = $2 AND read_at IS NULL"
    )
    .bind(user_id)
    .bind(post_id)
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Recent bounces of the people this actor manages: all for a foundation admin, the families and
/// staff of their schools for the directie, nothing for anyone else (the check is in the query).
pub async fn mail_failures(db: &Db, actor: &Actor) -> Result<Vec<MailFailure>, AppError> {
    let rows: Vec<(String, String, i64)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT u.name, f.reason, f.created_at FROM mail_failures f JOIN users u ON u.id = f.user_id \
         WHERE f.created_at > $2 AND ( \
           EXISTS (SELECT 1 FROM users a WHERE a.id = $1 AND a.is_admin = TRUE) \
           OR EXISTS (SELECT 1 FROM staff_roles d WHERE d.user_id = $1 AND d.role = 'directie' AND ( \
             d.school_id IN (SELECT school_id FROM staff_roles WHERE user_id = f.user_id) \
             OR d.school_id IN (SELECT p.school_id FROM pupils p JOIN guardianships g ON g.pupil_id = p.id \
                                WHERE g.user_id = f.user_id)))) \
         ORDER BY f.created_at DESC LIMIT 50"
    )
    .bind(actor.user_id)
    .bind(db.clock().now() - 30 * 86400)
    .fetch_all(pool)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(name, reason, created_at)| MailFailure {
            name,
            reason,
            created_at,
        })
        .collect())
}

/// The words of one notification for its own person (the service worker shows them).
pub async fn push_text(db: &Db, actor: &Actor, id: i64) -> Result<PushText, AppError> {
    use crate::i18n::*;
    let row = items(db, &Viewer::new(db, actor), Which::One(id)).await?;
    let n = row
        .into_iter()
        .next()
        .and_then(to_notification)
        .ok_or(AppError::NotFound)?;
    let l = if actor.locale == "en" {
        Locale::en
    } else {
        Locale::nl
    };
    let title = match n.kind {
        Kind::Urgent => td_string!(l, notify.push_urgent, group = &n.group).to_string(),
        Kind::Comment => td_string!(l, notify.push_comment, name = &n.author).to_string(),
        Kind::Report => td_string!(l, notify.push_report).to_string(),
        Kind::Consent => td_string!(l, notify.push_consent).to_string(),
        Kind::Newsletter => td_string!(l, notify.push_newsletter, group = &n.group).to_string(),
        Kind::Moderation => td_string!(l, notify.push_moderation).to_string(),
        _ => td_string!(l, notify.push_post, group = &n.group).to_string(),
    };
    let body = match &n.notice {
        Some(notice) => notice.text(l),
        None => n.subject,
    };
    Ok(PushText {
        title,
        body,
        url: n.href,
    })
}
