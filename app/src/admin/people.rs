//! People in a school: inviting guardians and staff, "geen toegang", who teaches which group, and
//! (de)activating accounts. Every change checks the actor against the target person or pupil, not
//! only the actor's role (AC-06).
use super::{
    model::StaffRole,
    pupils::pupil_school,
    server::{access, lead, manage},
};
use crate::{
    accounts::server::{invite, Grant, InviteOutcome},
    error::AppError,
    platform::{auth::Actor, db::Db, state::AppState},
    with_db, with_tx,
};

/// Whether the actor may invite guardians for this pupil: the school's directie, or staff of the
/// group the pupil is placed in this school year. Not the foundation admin, and not a teacher of
/// another group.
pub(super) async fn may_invite_for(
    db: &Db,
    actor: &Actor,
    school_id: i64,
    pupil_id: i64,
) -> Result<bool, AppError> {
    if actor.is_directie_of(school_id) || actor.is_office_of(school_id) {
        return Ok(true);
    }
    if !actor.is_staff_of(school_id) {
        return Ok(false);
    }
    let row: Option<(i64,)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT pl.group_id FROM placements pl JOIN school_years sy ON sy.id = pl.school_year_id \
         JOIN group_staff gs ON gs.group_id = pl.group_id \
         WHERE pl.pupil_id = $1 AND gs.user_id = $2 AND sy.starts_on <= $3 AND sy.ends_on >= $3"
    )
    .bind(pupil_id)
    .bind(actor.user_id)
    .bind(db.clock().today())
    .fetch_optional(pool)
    .await
    })?;
    Ok(row.is_some())
}

/// The pupil's own teachers and the directie invite guardians (AC-06).
pub async fn invite_guardian(
    state: &AppState,
    actor: &Actor,
    pupil_id: i64,
    name: &str,
    email: &str,
) -> Result<InviteOutcome, AppError> {
    let school_id = pupil_school(&state.db, pupil_id).await?;
    if !may_invite_for(&state.db, actor, school_id, pupil_id).await? {
        // Those who may see the pupil's page learn that they may not invite; anyone else learns
        // nothing about the pupil.
        return Err(match access(actor, school_id) {
            Ok(_) => AppError::Forbidden,
            Err(e) => e,
        });
    }
    invite(
        state,
        actor,
        school_id,
        name,
        email,
        Grant::Guardian { pupil_id },
    )
    .await
}

/// Admins and directie invite staff.
pub async fn invite_staff(
    state: &AppState,
    actor: &Actor,
    school_id: i64,
    name: &str,
    email: &str,
    role: &str,
) -> Result<InviteOutcome, AppError> {
    lead(actor, school_id)?;
    let role = StaffRole::parse(role)?;
    invite(
        state,
        actor,
        school_id,
        name,
        email,
        Grant::Staff {
            role: role.as_str().to_string(),
        },
    )
    .await
}

/// Marks a guardian link "no access" (e.g. a court decision) or lifts it.
pub async fn set_guardian_access(
    db: &Db,
    actor: &Actor,
    pupil_id: i64,
    user_id: i64,
    no_access: bool,
) -> Result<(), AppError> {
    let school_id = pupil_school(db, pupil_id).await?;
    manage(actor, school_id)?;
    let done = with_db!(db, |pool| sqlx::query(
        "UPDATE guardianships SET no_access = $3 WHERE pupil_id = $1 AND user_id = $2"
    )
    .bind(pupil_id)
    .bind(user_id)
    .bind(no_access)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Adds or removes a staff member of the school to or from one of its groups.
pub async fn set_group_staff(
    db: &Db,
    actor: &Actor,
    group_id: i64,
    user_id: i64,
    member: bool,
) -> Result<(), AppError> {
    let row: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT school_id FROM groups WHERE id = $1"
    )
    .bind(group_id)
    .fetch_optional(pool)
    .await)?;
    let school_id = row.ok_or(AppError::NotFound)?.0;
    manage(actor, school_id)?;
    let is_staff: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT user_id FROM staff_roles WHERE user_id = $1 AND school_id = $2 \
         AND role IN ('directie', 'teacher') LIMIT 1"
    )
    .bind(user_id)
    .bind(school_id)
    .fetch_optional(pool)
    .await)?;
    if is_staff.is_none() {
        return Err(AppError::validation(
            "user_id",
            crate::error::Invalid::NotStaffOfSchool,
        ));
    }
    let sql = if member {
        "INSERT INTO group_staff (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM group_staff WHERE group_id = $1 AND user_id = $2"
    };
    with_db!(db, |pool| sqlx::query(sql)
        .bind(group_id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deactivates or reactivates an account. Admins may do so for anyone; a directie only for people
/// wholly within their own school (AC-06). Deactivation ends the person's sessions at once.
pub async fn set_user_active(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    active: bool,
) -> Result<(), AppError> {
    if !actor.is_admin && !within_own_schools(db, actor, user_id).await? {
        return Err(AppError::NotFound);
    }
    if user_id == actor.user_id {
        return Err(AppError::validation(
            "user_id",
            crate::error::Invalid::CannotDeactivateSelf,
        ));
    }
    with_tx!(db, |tx| {
        let done = sqlx::query("UPDATE users SET active = $2 WHERE id = $1")
            .bind(user_id)
            .bind(active)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
    });
    Ok(())
}

/// Whether every staff role and every guardianship of the account lies in a school the actor leads
/// as directie, and there is at least one. Staff of another school, a parent whose other child goes
/// to another school of the foundation, and admins are out of a directie's reach.
async fn within_own_schools(db: &Db, actor: &Actor, user_id: i64) -> Result<bool, AppError> {
    let own: Vec<i64> = actor
        .roles
        .iter()
        .filter(|r| r.role == crate::roles::Role::Directie)
        .map(|r| r.school_id)
        .collect();
    if own.is_empty() {
        return Ok(false);
    }
    // An admin account counts as a school nobody leads (-1).
    let schools: Vec<(i64,)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT school_id FROM staff_roles WHERE user_id = $1 \
         UNION SELECT p.school_id FROM guardianships gs JOIN pupils p ON p.id = gs.pupil_id WHERE gs.user_id = $1 \
         UNION SELECT -1 FROM users WHERE id = $1 AND is_admin = TRUE"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    })?;
    Ok(!schools.is_empty() && schools.iter().all(|(s,)| own.contains(s)))
}
