//! Who is told about what, and how. An event (a post published, a comment, a report, a consent
//! round) is announced as one durable job; that job writes the in-app notifications of everyone who
//! may see it and queues one delivery job per person and channel, each with its own idempotency key
//! (LD-02). Preferences, the in-app list and mutes live here too.
use serde::{Deserialize, Serialize};

use super::model::{
    excerpt, Channels, Frequency, Kind, MailFailure, Notice, Notification, NotificationList,
    PushText,
};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db, jobs},
    policy::positional::{media_visible, readable_posts, GUARDIANS_OF_POST},
    with_db,
};

pub use crate::platform::events::{Event, FAN_OUT_JOB};
pub const MAIL_JOB: &str = "notify.mail";
pub const PUSH_JOB: &str = "notify.push";

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct MailJob {
    pub notification_id: i64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct PushJob {
    pub notification_id: i64,
    pub subscription_id: i64,
}

/// What to send one person about one item, from their choices. A pure rule:
/// - urgent posts go out at once whatever the settings: by the channels chosen, and when none was
///   chosen by push where the person has a device, else by e-mail;
/// - a muted group sends nothing (the in-app list still has it);
/// - otherwise push when chosen and a device is registered, e-mail at once only for "immediately"
///   (the daily and weekly summaries pick the rest up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub push: bool,
    pub email_now: bool,
}

pub fn plan(ch: Channels, frequency: Frequency, muted: bool, has_push: bool, urgent: bool) -> Plan {
    if urgent {
        let push = has_push && (ch.push || !ch.email);
        let email_now = ch.email || !push;
        return Plan { push, email_now };
    }
    if muted {
        return Plan {
            push: false,
            email_now: false,
        };
    }
    Plan {
        push: has_push && ch.push,
        email_now: ch.email && frequency == Frequency::Immediately,
    }
}

/// Runs a fan-out job: writes the notifications, then queues the deliveries.
pub async fn fan_out(db: &Db, event: Event) -> Result<(), AppError> {
    let key = event.key();
    let at = db.clock().now();
    let (kind, urgent) = match event {
        Event::Post(id) => {
            let row: Option<(bool, String, i64, String)> = with_db!(db, |pool| sqlx::query_as(
                "SELECT p.urgent, p.status, \
                   (SELECT COUNT(*) FROM post_groups pg JOIN groups g ON g.id = pg.group_id \
                    WHERE pg.post_id = p.id AND g.kind = 'school'), p.kind \
                 FROM posts p WHERE p.id = $1"
            )
            .bind(id)
            .fetch_optional(pool)
            .await)?;
            // Removed meanwhile, or not published yet (its publication announces it again).
            let Some((urgent, status, school_wide, post_kind)) = row else {
                return Ok(());
            };
            if status != "published" {
                return Ok(());
            }
            let kind = if urgent {
                Kind::Urgent
            } else if post_kind == "newsletter" {
                Kind::Newsletter
            } else if school_wide > 0 {
                Kind::SchoolPost
            } else {
                Kind::Post
            };
            let sql = format!(
                "INSERT INTO notifications (user_id, kind, item_key, post_id, urgent, created_at) \
                 SELECT u.user_id, $3, $4, $1, $5, $6 FROM ({GUARDIANS_OF_POST}) u \
                 WHERE u.user_id <> (SELECT author_id FROM posts WHERE id = $1) \
                 ON CONFLICT (user_id, item_key) DO NOTHING"
            );
            with_db!(db, |pool| sqlx::query(&sql)
                .bind(id)
                .bind(db.clock().today())
                .bind(kind.as_str())
                .bind(&key)
                .bind(urgent)
                .bind(at)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()))?;
            (kind, urgent)
        }
        Event::Comment(id) => {
            // The families of the post's group and the post's author; never the commenter.
            let sql = format!(
                "INSERT INTO notifications (user_id, kind, item_key, post_id, comment_id, created_at) \
                 SELECT u.user_id, $3, $4, $1, $5, $6 FROM ({GUARDIANS_OF_POST} \
                   UNION SELECT author_id FROM posts WHERE id = $1) u \
                 WHERE u.user_id <> (SELECT author_id FROM comments WHERE id = $5) \
                 ON CONFLICT (user_id, item_key) DO NOTHING"
            );
            // Removed before its notifications went out: nobody hears of it.
            let post: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
                "SELECT post_id FROM comments WHERE id = $1 AND removed_at IS NULL"
            )
            .bind(id)
            .fetch_optional(pool)
            .await)?;
            let Some((post_id,)) = post else {
                return Ok(());
            };
            with_db!(db, |pool| sqlx::query(&sql)
                .bind(post_id)
                .bind(db.clock().today())
                .bind(Kind::Comment.as_str())
                .bind(&key)
                .bind(id)
                .bind(at)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()))?;
            (Kind::Comment, false)
        }
        Event::Report(id) => {
            // Whoever handles it (as `moderation::server`): the post's author if still staff of
            // the school, and the directie. Never the reporter.
            let sql = "INSERT INTO notifications (user_id, kind, item_key, post_id, report_id, created_at) \
                 SELECT u.user_id, $2, $3, r.post_id, r.id, $4 FROM reports r JOIN ( \
                   SELECT r2.post_author_id AS user_id FROM reports r2 JOIN staff_roles sr \
                     ON sr.user_id = r2.post_author_id AND sr.school_id = r2.school_id WHERE r2.id = $1 \
                   UNION SELECT sr.user_id FROM reports r3 JOIN staff_roles sr \
                     ON sr.school_id = r3.school_id AND sr.role = 'directie' WHERE r3.id = $1) u ON TRUE \
                 WHERE r.id = $1 AND u.user_id <> COALESCE(r.reporter_id, 0) \
                 ON CONFLICT (user_id, item_key) DO NOTHING";
            insert_for(db, sql, id, Kind::Report, &key, at).await?;
            (Kind::Report, false)
        }
        Event::ConsentRound(id) => {
            let sql = "INSERT INTO notifications (user_id, kind, item_key, created_at) \
                 SELECT DISTINCT gs.user_id, $2, $3, $4 FROM consent_rounds cr \
                   JOIN pupils p ON p.school_id = cr.school_id \
                   JOIN placements pl ON pl.pupil_id = p.id AND pl.school_year_id = cr.school_year_id \
                   JOIN guardianships gs ON gs.pupil_id = p.id AND gs.no_access = FALSE \
                 WHERE cr.id = $1 \
                 ON CONFLICT (user_id, item_key) DO NOTHING";
            insert_for(db, sql, id, Kind::Consent, &key, at).await?;
            (Kind::Consent, false)
        }
        Event::CommentRemoved(id) => {
            let sql = "INSERT INTO notifications (user_id, kind, item_key, post_id, comment_id, created_at) \
                 SELECT c.author_id, $2, $3, c.post_id, c.id, $4 FROM comments c \
                 WHERE c.id = $1 AND c.removed_at IS NOT NULL \
                 ON CONFLICT (user_id, item_key) DO NOTHING";
            insert_for(db, sql, id, Kind::Moderation, &key, at).await?;
            (Kind::Moderation, false)
        }
        Event::ReportResolved(id) => {
            // The post is linked while it stays (a removed comment leaves its post in place).
            let sql = "INSERT INTO notifications (user_id, kind, item_key, post_id, report_id, created_at) \
                 SELECT r.reporter_id, $2, $3, \
                   CASE WHEN r.kind = 'comment' OR r.resolution = 'kept' THEN r.post_id END, r.id, $4 \
                 FROM reports r \
                 WHERE r.id = $1 AND r.resolved_at IS NOT NULL AND r.reporter_id IS NOT NULL \
                 ON CONFLICT (user_id, item_key) DO NOTHING";
            insert_for(db, sql, id, Kind::Moderation, &key, at).await?;
            (Kind::Moderation, false)
        }
    };
    dispatch(db, &key, kind, urgent).await
}

/// Writes the notifications of one item with `sql`, whose `$1` is the event's id, `$2` the kind,
/// `$3` the item key and `$4` the time.
async fn insert_for(
    db: &Db,
    sql: &'static str,
    id: i64,
    kind: Kind,
    key: &str,
    at: i64,
) -> Result<(), AppError> {
    with_db!(db, |pool| sqlx::query(sql)
        .bind(id)
        .bind(kind.as_str())
        .bind(key)
        .bind(at)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

type Recipient = (i64, Option<bool>, Option<bool>, Option<String>, i64, i64);

/// Queues the deliveries of one item for everyone who has its notification, by their choices.
async fn dispatch(db: &Db, key: &str, kind: Kind, urgent: bool) -> Result<(), AppError> {
    let rows: Vec<Recipient> = with_db!(db, |pool| sqlx::query_as(
        "SELECT n.id, nc.push, nc.email, ns.email_frequency, \
           (SELECT COUNT(*) FROM push_subscriptions ps WHERE ps.user_id = n.user_id), \
           (SELECT COUNT(*) FROM group_mutes gm JOIN post_groups pg ON pg.group_id = gm.group_id \
            WHERE gm.user_id = n.user_id AND pg.post_id = n.post_id) \
         FROM notifications n \
         LEFT JOIN notification_channels nc ON nc.user_id = n.user_id AND nc.kind = $2 \
         LEFT JOIN notification_settings ns ON ns.user_id = n.user_id \
         WHERE n.item_key = $1"
    )
    .bind(key)
    .bind(kind.as_str())
    .fetch_all(pool)
    .await)?;
    let subscriptions: Vec<(i64, i64)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT n.id, ps.id FROM notifications n JOIN push_subscriptions ps ON ps.user_id = n.user_id \
         WHERE n.item_key = $1"
    )
    .bind(key)
    .fetch_all(pool)
    .await
    })?;
    let mut queued = Vec::new();
    for (id, push, email, frequency, devices, muted) in rows {
        let defaults = Channels::default_for(kind);
        let ch = Channels {
            kind,
            push: push.unwrap_or(defaults.push),
            email: email.unwrap_or(defaults.email),
        };
        let frequency = frequency
            .as_deref()
            .and_then(Frequency::parse)
            .unwrap_or_default();
        let mut p = plan(ch, frequency, muted > 0, devices > 0, urgent);
        // The consent round sends its own e-mail (`consent::mail`), which follows this choice.
        if kind == Kind::Consent {
            p.email_now = false;
        }
        if p.email_now {
            queued.push((
                MAIL_JOB,
                serde_json::to_string(&MailJob {
                    notification_id: id,
                })
                .map_err(|_| AppError::Internal)?,
                format!("nm.{id}"),
            ));
        }
        if p.push {
            for (_, sub) in subscriptions.iter().filter(|(n, _)| *n == id) {
                queued.push((
                    PUSH_JOB,
                    serde_json::to_string(&PushJob {
                        notification_id: id,
                        subscription_id: *sub,
                    })
                    .map_err(|_| AppError::Internal)?,
                    format!("np.{id}.{sub}"),
                ));
            }
        }
    }
    jobs::enqueue_many(db, &queued).await
}

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

/// The columns of a notification with its post, comment author, group, school and the number of
/// photos `$1` may see, for notifications of `$1` whose post is readable on `$2`.
pub fn item_sql(filter: &str) -> String {
    format!(
        "SELECT n.id, n.kind, n.post_id, n.created_at, n.read_at, p.title, p.body, \
           COALESCE(cu.name, pu.name), \
           (SELECT g.name FROM post_groups pg JOIN groups g ON g.id = pg.group_id \
            WHERE pg.post_id = n.post_id ORDER BY g.kind DESC, g.name LIMIT 1), \
           (SELECT s.name FROM schools s WHERE s.id = p.school_id), \
           (SELECT COUNT(*) FROM media m WHERE m.post_id = n.post_id AND m.status = 'ready' AND {visible}), \
           c.removed_reason, r.kind, r.resolution \
         FROM notifications n \
         LEFT JOIN posts p ON p.id = n.post_id \
         LEFT JOIN users pu ON pu.id = p.author_id \
         LEFT JOIN comments c ON c.id = n.comment_id \
         LEFT JOIN users cu ON cu.id = c.author_id \
         LEFT JOIN reports r ON r.id = n.report_id \
         WHERE n.user_id = $1 AND (n.post_id IS NULL OR n.kind = 'report' OR n.post_id IN ({readable})) \
           AND (n.kind <> 'comment' OR c.removed_at IS NULL) AND {filter}",
        readable = readable_posts(),
        visible = media_visible("m"),
    )
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
    let sql = item_sql("TRUE ORDER BY n.created_at DESC, n.id DESC LIMIT 60");
    let rows: Vec<ItemRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .bind(db.clock().today())
        .fetch_all(pool)
        .await)?;
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
    let sql = item_sql("n.id = $3");
    let row: Option<ItemRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .bind(db.clock().today())
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    let n = row.and_then(to_notification).ok_or(AppError::NotFound)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(push: bool, email: bool) -> Channels {
        Channels {
            kind: Kind::Post,
            push,
            email,
        }
    }

    #[test]
    fn weekly_email_waits_for_the_summary_and_push_needs_a_device() {
        let p = plan(ch(true, true), Frequency::Weekly, false, false, false);
        assert_eq!(
            p,
            Plan {
                push: false,
                email_now: false
            }
        );
        let p = plan(ch(true, true), Frequency::Immediately, false, true, false);
        assert!(p.push && p.email_now);
        let p = plan(ch(false, true), Frequency::Daily, false, true, false);
        assert!(!p.push && !p.email_now);
    }

    #[test]
    fn muting_silences_all_but_urgent() {
        let p = plan(ch(true, true), Frequency::Immediately, true, true, false);
        assert!(!p.push && !p.email_now);
        let p = plan(ch(true, false), Frequency::Weekly, true, true, true);
        assert!(p.push && !p.email_now);
    }

    #[test]
    fn urgent_always_reaches_on_at_least_one_channel() {
        for push in [false, true] {
            for email in [false, true] {
                for device in [false, true] {
                    for f in [Frequency::Immediately, Frequency::Daily, Frequency::Weekly] {
                        let p = plan(ch(push, email), f, true, device, true);
                        assert!(p.push || p.email_now, "{push} {email} {device} {f:?}");
                        assert!(!p.push || device);
                    }
                }
            }
        }
        // "Only in Kring" with a device: the urgent post is pushed, not mailed.
        let p = plan(ch(false, false), Frequency::Weekly, false, true, true);
        assert!(p.push && !p.email_now);
        // Without a device it is mailed.
        let p = plan(ch(true, false), Frequency::Weekly, false, false, true);
        assert!(p.email_now && !p.push);
    }
}
