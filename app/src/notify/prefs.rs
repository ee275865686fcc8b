//! Preferences: which channels per kind, how often e-mail comes, muted groups; read and written
//! for the settings page, the unsubscribe link and the consent mail.
use super::model::{Channels, Frequency, Kind, MutableGroup, NewPrefs, Prefs};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db},
    policy::{self, Sql, Viewer},
    with_db, with_tx,
};

/// The kinds this person can get: family kinds for guardians, staff kinds for staff.
async fn kinds_for(db: &Db, actor: &Actor) -> Result<Vec<Kind>, AppError> {
    let (children,): (i64,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM guardianships WHERE user_id = $1 AND no_access = FALSE"
    )
    .bind(actor.user_id)
    .fetch_one(pool)
    .await)?;
    Ok(Kind::ALL
        .into_iter()
        .filter(|k| (children > 0 && k.for_families()) || (actor.is_staff() && k.for_staff()))
        .collect())
}

pub async fn prefs(db: &Db, actor: &Actor) -> Result<Prefs, AppError> {
    let uid = actor.user_id;
    let frequency: Option<(String,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT email_frequency FROM notification_settings WHERE user_id = $1"
    )
    .bind(uid)
    .fetch_optional(pool)
    .await)?;
    let chosen: Vec<(String, bool, bool)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT kind, push, email FROM notification_channels WHERE user_id = $1"
    )
    .bind(uid)
    .fetch_all(pool)
    .await)?;
    let kinds = kinds_for(db, actor).await?;
    let family = kinds.contains(&Kind::Post);
    let channels = kinds
        .into_iter()
        .map(|kind| {
            chosen
                .iter()
                .find(|(k, _, _)| k == kind.as_str())
                .map(|(_, push, email)| Channels {
                    kind,
                    push: *push,
                    email: *email,
                })
                .unwrap_or_else(|| Channels::default_for(kind))
        })
        .collect();
    let v = Viewer::new(db, actor);
    let groups: Vec<(i64, String, String, i64)> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT g.id, g.name, s.name, \
               (SELECT COUNT(*) FROM group_mutes gm WHERE gm.group_id = g.id AND gm.user_id = ",
        );
        q.id(uid)
            .add(") FROM groups g JOIN schools s ON s.id = g.school_id WHERE g.id IN (");
        policy::visible_groups(&mut q, &v);
        q.add(") ORDER BY s.name, g.kind DESC, g.name");
        q.build_query_as().fetch_all(pool).await
    })?;
    let (push_devices, failures): (i64, i64) = with_db!(db, |pool| sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1), \
                (SELECT COUNT(*) FROM mail_failures WHERE user_id = $1 AND created_at > $2)"
    )
    .bind(uid)
    .bind(db.clock().now() - 30 * 86400)
    .fetch_one(pool)
    .await)?;
    // Muting is about posts, which only families are told about.
    let groups = if family { groups } else { Vec::new() };
    Ok(Prefs {
        frequency: frequency
            .and_then(|(f,)| Frequency::parse(&f))
            .unwrap_or_default(),
        channels,
        groups: groups
            .into_iter()
            .map(|(id, name, school, muted)| MutableGroup {
                id,
                name,
                school,
                muted: muted > 0,
            })
            .collect(),
        push_devices,
        email_failed: failures > 0,
    })
}

/// Stores the preferences. Only groups the person can see can be muted (checked in the query).
pub async fn save_prefs(db: &Db, actor: &Actor, new: &NewPrefs) -> Result<(), AppError> {
    let uid = actor.user_id;
    let at = db.clock().now();
    let v = Viewer::new(db, actor);
    with_tx!(db, |tx| {
        sqlx::query(
            "INSERT INTO notification_settings (user_id, email_frequency, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET email_frequency = excluded.email_frequency, updated_at = excluded.updated_at",
        )
        .bind(uid)
        .bind(new.frequency.as_str())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM notification_channels WHERE user_id = $1")
            .bind(uid)
            .execute(&mut *tx)
            .await?;
        for ch in &new.channels {
            sqlx::query(
                "INSERT INTO notification_channels (user_id, kind, push, email) VALUES ($1, $2, $3, $4)",
            )
            .bind(uid)
            .bind(ch.kind.as_str())
            .bind(ch.push)
            .bind(ch.email)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM group_mutes WHERE user_id = $1")
            .bind(uid)
            .execute(&mut *tx)
            .await?;
        for group in &new.muted {
            let mut q =
                sqlx::QueryBuilder::new("INSERT INTO group_mutes (user_id, group_id) SELECT ");
            q.id(uid)
                .add(", g.id FROM groups g WHERE g.id = ")
                .id(*group)
                .add(" AND g.id IN (");
            policy::visible_groups(&mut q, &v);
            q.add(") ON CONFLICT DO NOTHING");
            q.build().execute(&mut *tx).await?;
        }
    });
    Ok(())
}

/// Whether this person wants e-mail about `kind` (the default is yes).
pub async fn wants_email(db: &Db, user_id: i64, kind: Kind) -> Result<bool, AppError> {
    let row: Option<(bool,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT email FROM notification_channels WHERE user_id = $1 AND kind = $2"
    )
    .bind(user_id)
    .bind(kind.as_str())
    .fetch_optional(pool)
    .await)?;
    Ok(row.is_none_or(|(e,)| e))
}

/// Turns every e-mail off (the unsubscribe link); urgent posts still arrive (by push or e-mail).
pub async fn email_off(db: &Db, user_id: i64) -> Result<(), AppError> {
    with_tx!(db, |tx| {
        for kind in Kind::ALL {
            sqlx::query(
                "INSERT INTO notification_channels (user_id, kind, push, email) VALUES ($1, $2, TRUE, FALSE) \
                 ON CONFLICT (user_id, kind) DO UPDATE SET email = FALSE",
            )
            .bind(user_id)
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
        }
    });
    Ok(())
}
