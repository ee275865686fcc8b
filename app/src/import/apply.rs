//! Applying a plan: groups first, then pupils, leavers, guardians and teachers, each in batches of
//! at most `BATCH`, each batch its own transaction that also counts the run's progress. SQLite's
//! write lock is held for one batch at a time, so sign-ins and jobs go on during an import. After a
//! crash the run is planned again: what was applied is no longer in the plan, so nothing is done
//! twice and nobody is invited twice.
use std::collections::HashMap;

use super::plan::{GuardianWork, Plan, PupilWork, TeacherWork};
use crate::{
    accounts::{
        jobs::INVITATION_JOB,
        server::{InvitationJob, INVITE_SECS},
    },
    error::AppError,
    platform::{db::Db, jobs::ENQUEUE_AT_SQL, secrets},
    with_db, with_tx,
};

/// Queues invitation `$id`'s mail in transaction `$tx`, due at `$due` (`$at` is now). A macro, as
/// each backend's arm of `with_tx!` has its own transaction type.
macro_rules! queue_mail {
    ($tx:ident, $id:expr, $due:expr, $at:expr) => {{
        let (payload, key) = mail_job($id)?;
        sqlx::query(ENQUEUE_AT_SQL)
            .bind(INVITATION_JOB)
            .bind(payload)
            .bind(key)
            .bind($due)
            .bind($at)
            .execute(&mut *$tx)
            .await?;
    }};
}

pub const BATCH: usize = 100;

/// Who applies and where.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub school_id: i64,
    pub year_id: i64,
    pub run_id: i64,
    /// `None`: `kring import`; the invitations go out in the school's name.
    pub actor_id: Option<i64>,
    /// When applying began; bulk invitation mails are spread from here.
    pub started_at: i64,
    pub mail_per_minute: u32,
}

pub async fn apply(db: &Db, t: &Target, plan: &Plan) -> Result<(), AppError> {
    groups(db, t, plan).await?;
    let groups = group_ids(db, t).await?;
    for batch in plan.pupils.chunks(BATCH) {
        pupils(db, t, batch, &groups).await?;
    }
    for batch in plan.leaving.chunks(BATCH) {
        leavers(db, t, batch).await?;
    }
    let keys = pupil_ids(db, t).await?;
    for batch in plan.guardians.chunks(BATCH) {
        guardians(db, t, batch, &keys).await?;
    }
    for batch in plan.teachers.chunks(BATCH) {
        teachers(db, t, batch, &groups).await?;
    }
    Ok(())
}

const PROGRESS: &str = "UPDATE import_runs SET done = done + $2 WHERE id = $1";

async fn groups(db: &Db, t: &Target, plan: &Plan) -> Result<(), AppError> {
    if plan.new_groups.is_empty() {
        return Ok(());
    }
    with_tx!(db, |tx| {
        for g in &plan.new_groups {
            sqlx::query(
                "INSERT INTO groups (school_id, school_year_id, kind, name) VALUES ($1, $2, 'class', $3) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(t.school_id)
            .bind(t.year_id)
            .bind(&g.name)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(PROGRESS)
            .bind(t.run_id)
            .bind(plan.new_groups.len() as i64)
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

async fn group_ids(db: &Db, t: &Target) -> Result<HashMap<String, i64>, AppError> {
    let rows: Vec<(i64, String)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT id, name FROM groups WHERE school_id = $1 AND school_year_id = $2 AND kind = 'class'"
    )
    .bind(t.school_id)
    .bind(t.year_id)
    .fetch_all(pool)
    .await
    })?;
    Ok(rows.into_iter().map(|(id, name)| (name, id)).collect())
}

async fn pupil_ids(db: &Db, t: &Target) -> Result<HashMap<String, i64>, AppError> {
    let rows: Vec<(i64, String)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id, pupil_key FROM pupils WHERE school_id = $1 AND pupil_key IS NOT NULL"
    )
    .bind(t.school_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows.into_iter().map(|(id, key)| (key, id)).collect())
}

async fn pupils(
    db: &Db,
    t: &Target,
    batch: &[PupilWork],
    groups: &HashMap<String, i64>,
) -> Result<(), AppError> {
    let at = db.clock().now();
    with_tx!(db, |tx| {
        for p in batch {
            let row = &p.row;
            let id = match p.id {
                Some(id) => {
                    // A file without a date of birth keeps the one Kring has.
                    sqlx::query(
                        "UPDATE pupils SET first_name = $2, prefix = $3, last_name = $4, \
                         birth_date = COALESCE($5, birth_date) WHERE id = $1",
                    )
                    .bind(id)
                    .bind(&row.first_name)
                    .bind(&row.prefix)
                    .bind(&row.last_name)
                    .bind(&row.birth_date)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                None => {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO pupils (school_id, pupil_key, first_name, prefix, last_name, birth_date, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(t.school_id)
                    .bind(&row.key)
                    .bind(&row.first_name)
                    .bind(&row.prefix)
                    .bind(&row.last_name)
                    .bind(&row.birth_date)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    id
                }
            };
            // The group was made in the first step; a name not found is a bug, not a row error.
            let group = *groups.get(&p.group).ok_or(AppError::Internal)?;
            sqlx::query(
                "INSERT INTO placements (pupil_id, school_year_id, group_id) VALUES ($1, $2, $3) \
                 ON CONFLICT (pupil_id, school_year_id) DO UPDATE SET group_id = excluded.group_id",
            )
            .bind(id)
            .bind(t.year_id)
            .bind(group)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(PROGRESS)
            .bind(t.run_id)
            .bind(batch.len() as i64)
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

/// A leaver's placement for this year ends: their families lose the class group at once. The pupil,
/// their guardians and last year's placements stay.
async fn leavers(db: &Db, t: &Target, batch: &[i64]) -> Result<(), AppError> {
    with_tx!(db, |tx| {
        for id in batch {
            sqlx::query("DELETE FROM placements WHERE pupil_id = $1 AND school_year_id = $2")
                .bind(id)
                .bind(t.year_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(PROGRESS)
            .bind(t.run_id)
            .bind(batch.len() as i64)
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

/// The invitations this run made so far: the next one's place in the mail schedule.
async fn invited_so_far(db: &Db, run_id: i64) -> Result<i64, AppError> {
    let (n,): (i64,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM invitations WHERE import_run_id = $1"
    )
    .bind(run_id)
    .fetch_one(pool)
    .await)?;
    Ok(n)
}

/// When the `slot`-th invitation mail of the run may go: at most `mail_per_minute` a minute.
fn mail_at(t: &Target, slot: i64) -> i64 {
    t.started_at + slot / i64::from(t.mail_per_minute.max(1)) * 60
}

async fn guardians(
    db: &Db,
    t: &Target,
    batch: &[GuardianWork],
    keys: &HashMap<String, i64>,
) -> Result<(), AppError> {
    let mut slot = invited_so_far(db, t.run_id).await?;
    let at = db.clock().now();
    with_tx!(db, |tx| {
        for g in batch {
            let pupils = |list: &[String]| -> Result<Vec<i64>, AppError> {
                list.iter()
                    .map(|k| keys.get(k).copied().ok_or(AppError::Internal))
                    .collect()
            };
            if let Some(user_id) = g.user_id {
                for pupil in pupils(&g.link)? {
                    sqlx::query(
                        "INSERT INTO guardianships (pupil_id, user_id, phone) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    )
                    .bind(pupil)
                    .bind(user_id)
                    .bind(&g.phone)
                    .execute(&mut *tx)
                    .await?;
                }
                for pupil in &g.block {
                    sqlx::query(
                        "UPDATE guardianships SET no_access = TRUE WHERE pupil_id = $1 AND user_id = $2",
                    )
                    .bind(pupil)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            let invite = pupils(&g.invite)?;
            let Some(first) = invite.first() else {
                continue;
            };
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO invitations (token_hash, email, name, kind, school_id, pupil_id, invited_by, \
                 created_at, expires_at, import_run_id, phone) \
                 VALUES ($1, $2, $3, 'guardian', $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            // The real token is made when the mail is sent; until then the row holds an unusable hash.
            .bind(secrets::hash_token(&secrets::new_token()))
            .bind(&g.email)
            .bind(&g.name)
            .bind(t.school_id)
            .bind(first)
            .bind(t.actor_id)
            .bind(at)
            .bind(at + INVITE_SECS)
            .bind(t.run_id)
            .bind(&g.phone)
            .fetch_one(&mut *tx)
            .await?;
            for pupil in &invite {
                sqlx::query(
                    "INSERT INTO invitation_pupils (invitation_id, pupil_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(pupil)
                .execute(&mut *tx)
                .await?;
            }
            queue_mail!(tx, id, mail_at(t, slot), at);
            slot += 1;
        }
        sqlx::query(PROGRESS)
            .bind(t.run_id)
            .bind(batch.len() as i64)
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

/// The invitation mail's job: the same kind, payload and key as a single invitation's (NT-01).
fn mail_job(invitation_id: i64) -> Result<(String, String), AppError> {
    let payload =
        serde_json::to_string(&InvitationJob { invitation_id }).map_err(|_| AppError::Internal)?;
    Ok((payload, format!("invite:{invitation_id}")))
}

async fn teachers(
    db: &Db,
    t: &Target,
    batch: &[TeacherWork],
    groups: &HashMap<String, i64>,
) -> Result<(), AppError> {
    let mut slot = invited_so_far(db, t.run_id).await?;
    let at = db.clock().now();
    with_tx!(db, |tx| {
        for work in batch {
            let (names, invitation) = match work {
                TeacherWork::Link {
                    user_id,
                    groups: names,
                } => {
                    for id in names.iter().filter_map(|n| groups.get(n)) {
                        sqlx::query(
                            "INSERT INTO group_staff (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        )
                        .bind(id)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                    }
                    (names, None)
                }
                TeacherWork::Invite {
                    email,
                    name,
                    groups: names,
                } => {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO invitations (token_hash, email, name, kind, school_id, role, invited_by, \
                         created_at, expires_at, import_run_id) \
                         VALUES ($1, $2, $3, 'staff', $4, 'teacher', $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(secrets::hash_token(&secrets::new_token()))
                    .bind(email)
                    .bind(name)
                    .bind(t.school_id)
                    .bind(t.actor_id)
                    .bind(at)
                    .bind(at + INVITE_SECS)
                    .bind(t.run_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    (names, Some(id))
                }
            };
            if let Some(id) = invitation {
                for group in names.iter().filter_map(|n| groups.get(n)) {
                    sqlx::query(
                        "INSERT INTO invitation_groups (invitation_id, group_id) VALUES ($1, $2)",
                    )
                    .bind(id)
                    .bind(group)
                    .execute(&mut *tx)
                    .await?;
                }
                queue_mail!(tx, id, mail_at(t, slot), at);
                slot += 1;
            }
        }
        sqlx::query(PROGRESS)
            .bind(t.run_id)
            .bind(batch.len() as i64)
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}
