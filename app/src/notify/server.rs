//! Who is told about what, and how. An event (a post published, a comment, a report, a consent
//! round) is announced as one durable job; that job writes the in-app notifications of everyone who
//! may see it and queues one delivery job per person and channel, each with its own idempotency key
//! (LD-02). The in-app list is read in `inbox.rs`.
use serde::{Deserialize, Serialize};

use super::model::{Channels, Frequency, Kind};
use crate::{
    error::AppError,
    platform::{db::Db, jobs},
    policy::{self, Sql},
    with_db,
};

pub use super::inbox::{
    items, list, mail_failures, mark_all_read, mark_post_read, push_text, to_notification,
    unread_count, ItemRow, Which,
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
            let today = db.clock().today();
            with_db!(db, |pool| {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO notifications (user_id, kind, item_key, post_id, urgent, created_at) SELECT u.user_id, ",
                );
                q.text(kind.as_str())
                    .add(", ")
                    .text(&key)
                    .add(", ")
                    .id(id)
                    .add(", ")
                    .flag(urgent)
                    .add(", ")
                    .id(at)
                    .add(" FROM (");
                policy::guardians_of_post(&mut q, &today, id);
                q.add(") u WHERE u.user_id <> (SELECT author_id FROM posts WHERE id = ")
                    .id(id)
                    .add(") ON CONFLICT (user_id, item_key) DO NOTHING");
                q.build().execute(pool).await.map(|r| r.rows_affected())
            })?;
            (kind, urgent)
        }
        Event::Comment(id) => {
            // The families of the post's group and the post's author; never the commenter.
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
            let today = db.clock().today();
            with_db!(db, |pool| {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO notifications (user_id, kind, item_key, post_id, comment_id, created_at) SELECT u.user_id, ",
                );
                q.text(Kind::Comment.as_str())
                    .add(", ")
                    .text(&key)
                    .add(", ")
                    .id(post_id)
                    .add(", ")
                    .id(id)
                    .add(", ")
                    .id(at)
                    .add(" FROM (");
                policy::guardians_of_post(&mut q, &today, post_id);
                q.add(" UNION SELECT author_id FROM posts WHERE id = ")
                    .id(post_id)
                    .add(") u WHERE u.user_id <> (SELECT author_id FROM comments WHERE id = ")
                    .id(id)
                    .add(") ON CONFLICT (user_id, item_key) DO NOTHING");
                q.build().execute(pool).await.map(|r| r.rows_affected())
            })?;
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
