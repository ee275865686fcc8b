//! Administration rules and queries. Foundation admins manage every school; directie their own
//! school; the administratie its pupils, groups, guardians and imports; teachers may look up
//! pupils of their school. Anyone else gets `NotFound`, as for a school that does not exist.
//! People (invitations, access, accounts) are in `people`, pupils in `pupils`.
use super::model::{
    parse_label, GroupStaff, GroupView, PupilRow, SchoolDetail, SchoolSummary, StaffRow, YearView,
};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db},
    with_db, with_tx,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Admins and the directie: the school itself, its staff and its people.
    Manage,
    /// The administratie: pupils, groups, guardians, invitations and imports.
    Office,
    /// Teachers: look up pupils of the school.
    Teach,
}

pub fn access(actor: &Actor, school_id: i64) -> Result<Access, AppError> {
    if actor.is_admin || actor.is_directie_of(school_id) {
        Ok(Access::Manage)
    } else if actor.is_office_of(school_id) {
        Ok(Access::Office)
    } else if actor.is_staff_of(school_id) {
        Ok(Access::Teach)
    } else {
        Err(AppError::NotFound)
    }
}

/// Pupils, groups, guardians, invitations and imports: admins, directie and administratie.
pub fn manage(actor: &Actor, school_id: i64) -> Result<(), AppError> {
    match access(actor, school_id)? {
        Access::Manage | Access::Office => Ok(()),
        Access::Teach => Err(AppError::Forbidden),
    }
}

/// The school itself and who works there (staff invitations, roles): admins and the directie.
pub(super) fn lead(actor: &Actor, school_id: i64) -> Result<(), AppError> {
    match access(actor, school_id)? {
        Access::Manage => Ok(()),
        Access::Office | Access::Teach => Err(AppError::Forbidden),
    }
}

pub async fn schools(db: &Db, actor: &Actor) -> Result<Vec<SchoolSummary>, AppError> {
    let rows: Vec<SchoolSummary> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT id, name FROM schools WHERE $1 = TRUE OR id IN (SELECT school_id FROM staff_roles WHERE user_id = $2) ORDER BY name"
    )
    .bind(actor.is_admin)
    .bind(actor.user_id)
    .fetch_all(pool)
    .await
    })?;
    Ok(rows)
}

/// Creates a school with its current school year, its school group and a staff group.
pub async fn create_school(db: &Db, actor: &Actor, name: &str) -> Result<i64, AppError> {
    if !actor.is_admin {
        return Err(AppError::Forbidden);
    }
    let name = parse_label(name, "name")?;
    let (year, starts, ends) = db.clock().current_school_year();
    let id = with_tx!(db, |tx| {
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO schools (name, created_at) VALUES ($1, $2) RETURNING id")
                .bind(&name)
                .bind(db.clock().now())
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query("INSERT INTO school_years (school_id, name, starts_on, ends_on) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(&year)
            .bind(&starts)
            .bind(&ends)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO groups (school_id, kind, name) VALUES ($1, 'school', 'Hele school'), ($1, 'staff', 'Team')")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        id
    });
    Ok(id)
}

/// Gives a school a new name (the admin, or the school's directie).
pub async fn rename_school(
    db: &Db,
    actor: &Actor,
    school_id: i64,
    name: &str,
) -> Result<(), AppError> {
    lead(actor, school_id)?;
    let name = parse_label(name, "name")?;
    let renamed = with_db!(db, |pool| sqlx::query(
        "UPDATE schools SET name = $2 WHERE id = $1"
    )
    .bind(school_id)
    .bind(&name)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::validation("name", crate::error::Invalid::SchoolExists),
        other => other,
    })?;
    // Only the admin gets this far for a school that does not exist.
    if renamed == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The school year that contains today, created on first use.
/// Whether imports keep guardians' phone numbers: the school's choice, made by its directie.
pub async fn set_store_phones(
    db: &Db,
    actor: &Actor,
    school_id: i64,
    store: bool,
) -> Result<(), AppError> {
    lead(actor, school_id)?;
    with_db!(db, |pool| sqlx::query(
        "UPDATE schools SET store_phones = $2 WHERE id = $1"
    )
    .bind(school_id)
    .bind(store)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    if !store {
        // Turned off: the numbers kept so far go too (the minimum, domain.md).
        with_db!(db, |pool| {
            sqlx::query(
            "UPDATE guardianships SET phone = NULL WHERE pupil_id IN (SELECT id FROM pupils WHERE school_id = $1)"
        )
        .bind(school_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn current_year(db: &Db, school_id: i64) -> Result<YearView, AppError> {
    let (name, starts, ends) = db.clock().current_school_year();
    let find = || async {
        with_db!(db, |pool| {
            sqlx::query_as::<_, YearView>(
            "SELECT id, name, starts_on, ends_on FROM school_years WHERE school_id = $1 AND name = $2"
        )
        .bind(school_id)
        .bind(&name)
        .fetch_optional(pool)
        .await
        })
    };
    if let Some(year) = find().await? {
        return Ok(year);
    }
    with_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO school_years (school_id, name, starts_on, ends_on) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
    )
    .bind(school_id)
    .bind(&name)
    .bind(&starts)
    .bind(&ends)
    .execute(pool).await.map(|r| r.rows_affected())
    })?;
    find().await?.ok_or(AppError::Internal)
}

pub(super) async fn groups_of(
    db: &Db,
    school_id: i64,
    year_id: i64,
) -> Result<Vec<GroupView>, AppError> {
    let rows: Vec<GroupView> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT g.id, g.name, g.kind, \
                (SELECT COUNT(*) FROM placements pl WHERE pl.group_id = g.id) AS pupil_count \
         FROM groups g WHERE g.school_id = $1 AND (g.school_year_id = $2 OR g.school_year_id IS NULL) \
         ORDER BY CASE g.kind WHEN 'school' THEN 0 WHEN 'class' THEN 1 ELSE 2 END, g.name"
    )
    .bind(school_id)
    .bind(year_id)
    .fetch_all(pool)
    .await
    })?;
    Ok(rows)
}

pub async fn school_detail(
    db: &Db,
    actor: &Actor,
    school_id: i64,
) -> Result<SchoolDetail, AppError> {
    let level = access(actor, school_id)?;
    let (id, name, store_phones): (i64, String, bool) = with_db!(db, |pool| sqlx::query_as(
        "SELECT id, name, store_phones FROM schools WHERE id = $1"
    )
    .bind(school_id)
    .fetch_optional(pool)
    .await)?
    .ok_or(AppError::NotFound)?;
    let school = SchoolSummary { id, name };
    let year = current_year(db, school_id).await?;
    let groups = groups_of(db, school_id, year.id).await?;
    let pupils: Vec<PupilRow> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.id, p.first_name, TRIM(p.prefix || ' ' || p.last_name) AS last_name, g.id AS group_id, g.name AS group_name FROM pupils p \
         LEFT JOIN placements pl ON pl.pupil_id = p.id AND pl.school_year_id = $2 \
         LEFT JOIN groups g ON g.id = pl.group_id \
         WHERE p.school_id = $1 ORDER BY g.name, p.last_name, p.first_name"
    )
    .bind(school_id)
    .bind(year.id)
    .fetch_all(pool)
    .await
    })?;
    let staff: Vec<StaffRow> = with_db!(db, |pool| sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email, sr.role, u.active FROM staff_roles sr \
         JOIN users u ON u.id = sr.user_id WHERE sr.school_id = $1 ORDER BY u.name, sr.role"
    )
    .bind(school_id)
    .fetch_all(pool)
    .await)?;
    let group_staff: Vec<GroupStaff> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT gs.group_id, gs.user_id FROM group_staff gs JOIN groups g ON g.id = gs.group_id WHERE g.school_id = $1"
    )
    .bind(school_id)
    .fetch_all(pool)
    .await
    })?;
    let invitations = if level == Access::Manage {
        super::invitations::for_school_staff(db, school_id).await?
    } else {
        Vec::new()
    };
    Ok(SchoolDetail {
        me: actor.user_id,
        invitations,
        now: db.clock().now(),
        is_directie: actor.is_directie_of(school.id),
        school,
        year,
        groups,
        pupils,
        staff,
        group_staff,
        can_manage: level != Access::Teach,
        can_lead: level == Access::Manage,
        store_phones,
    })
}

pub async fn create_group(
    db: &Db,
    actor: &Actor,
    school_id: i64,
    name: &str,
    kind: &str,
) -> Result<i64, AppError> {
    manage(actor, school_id)?;
    let name = parse_label(name, "name")?;
    let year_id = match kind {
        "class" => Some(current_year(db, school_id).await?.id),
        "staff" => None,
        _ => {
            return Err(AppError::validation(
                "kind",
                crate::error::Invalid::InvalidForm,
            ))
        }
    };
    let (id,): (i64,) = with_db!(db, |pool| sqlx::query_as(
        "INSERT INTO groups (school_id, school_year_id, kind, name) VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(school_id)
    .bind(year_id)
    .bind(kind)
    .bind(&name)
    .fetch_one(pool)
    .await)
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::validation("name", crate::error::Invalid::GroupExists),
        other => other,
    })?;
    Ok(id)
}

/// The class group `group_id` of `school_id` with its school year.
pub(super) async fn class_group(db: &Db, school_id: i64, group_id: i64) -> Result<i64, AppError> {
    let row: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT school_year_id FROM groups WHERE id = $1 AND school_id = $2 AND kind = 'class'"
    )
    .bind(group_id)
    .bind(school_id)
    .fetch_optional(pool)
    .await)?;
    row.map(|r| r.0)
        .ok_or_else(|| AppError::validation("group_id", crate::error::Invalid::GroupRequired))
}
