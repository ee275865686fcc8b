//! Invitations that were sent but not yet used: shown where they were made (a pupil's guardians, a
//! school's team) with their date and state, sent again or taken back by whoever may invite for
//! that pupil or school (AC-06). Anyone else gets `NotFound`, as for an id that never existed.
use super::{
    model::PendingInvitation,
    people::may_invite_for,
    server::{access, lead},
};
use crate::{
    accounts::server::{mail_invitation, INVITE_SECS},
    error::AppError,
    platform::{auth::Actor, db::Db, state::AppState},
    with_db,
};

const COLUMNS: &str = "id, name, email, kind, role, pupil_id, created_at, expires_at";

/// The open (or expired, not yet used or revoked) guardian invitations for a pupil, also those of
/// an import that invite a guardian for this pupil and siblings at once.
pub async fn for_pupil(db: &Db, pupil_id: i64) -> Result<Vec<PendingInvitation>, AppError> {
    open(
        db,
        "(pupil_id = $1 OR id IN (SELECT invitation_id FROM invitation_pupils WHERE pupil_id = $1)) \
         AND kind = 'guardian'",
        pupil_id,
    )
    .await
}

/// The open (or expired) staff invitations of a school.
pub async fn for_school_staff(db: &Db, school_id: i64) -> Result<Vec<PendingInvitation>, AppError> {
    open(db, "school_id = $1 AND kind = 'staff'", school_id).await
}

/// `filter` is one of the two constant conditions above, never user input.
async fn open(db: &Db, filter: &'static str, id: i64) -> Result<Vec<PendingInvitation>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations WHERE {filter} \
         AND used_at IS NULL AND revoked_at IS NULL ORDER BY created_at DESC, id DESC"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_all(pool)
        .await)?)
}

#[derive(sqlx::FromRow)]
struct Target {
    school_id: i64,
    kind: String,
    pupil_id: Option<i64>,
}

/// The invitation, if this actor may act on it: a guardian invitation by those who may invite for
/// the pupil, a staff invitation by the school's directie (or an admin).
async fn target(db: &Db, actor: &Actor, invitation_id: i64) -> Result<(), AppError> {
    let found: Option<Target> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT school_id, kind, pupil_id FROM invitations WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL"
    )
    .bind(invitation_id)
    .fetch_optional(pool)
    .await
    })?;
    let t = found.ok_or(AppError::NotFound)?;
    match (t.kind.as_str(), t.pupil_id) {
        ("guardian", Some(pupil)) => {
            if may_invite_for(db, actor, t.school_id, pupil).await? {
                Ok(())
            } else {
                // Those who see the pupil's page learn they may not; others learn nothing.
                Err(match access(actor, t.school_id) {
                    Ok(_) => AppError::Forbidden,
                    Err(e) => e,
                })
            }
        }
        _ => lead(actor, t.school_id),
    }
}

/// Sends the invitation again with a fresh link and a fresh 14 days.
pub async fn resend(state: &AppState, actor: &Actor, invitation_id: i64) -> Result<(), AppError> {
    let db = &state.db;
    target(db, actor, invitation_id).await?;
    let at = db.clock().now();
    with_db!(db, |pool| sqlx::query(
        "UPDATE invitations SET expires_at = $2 WHERE id = $1"
    )
    .bind(invitation_id)
    .bind(at + INVITE_SECS)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    // A key of its own per sending (NT-01): the first mail's key is done already.
    let key = format!("invite:{invitation_id}:resent:{at}");
    mail_invitation(state, invitation_id, &key).await
}

/// Takes the invitation back: its link stops working at once.
pub async fn revoke(db: &Db, actor: &Actor, invitation_id: i64) -> Result<(), AppError> {
    target(db, actor, invitation_id).await?;
    with_db!(db, |pool| sqlx::query(
        "UPDATE invitations SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"
    )
    .bind(invitation_id)
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
