//! Pupils of a school: adding one by hand, placing them in a class group, and a pupil's page.
use super::model::{parse_date, GuardianLink, PupilDetail, PupilRow, SchoolSummary};
use super::server::{access, class_group, current_year, groups_of, manage, Access};
use crate::{
    accounts::model::parse_name,
    error::AppError,
    platform::{auth::Actor, db::Db},
    with_db, with_tx,
};

pub struct NewPupil {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: String,
    pub group_id: i64,
}

pub async fn add_pupil(
    db: &Db,
    actor: &Actor,
    school_id: i64,
    input: NewPupil,
) -> Result<i64, AppError> {
    manage(actor, school_id)?;
    let first = parse_name(&input.first_name, "first_name")?;
    let last = parse_name(&input.last_name, "last_name")?;
    let birth = parse_date(&input.birth_date)?;
    let year_id = class_group(db, school_id, input.group_id).await?;
    let id = with_tx!(db, |tx| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO pupils (school_id, first_name, last_name, birth_date, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(school_id)
        .bind(&first)
        .bind(&last)
        .bind(&birth)
        .bind(db.clock().now())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO placements (pupil_id, school_year_id, group_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(year_id)
        .bind(input.group_id)
        .execute(&mut *tx)
        .await?;
        id
    });
    Ok(id)
}

pub(crate) async fn pupil_school(db: &Db, pupil_id: i64) -> Result<i64, AppError> {
    let row: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT school_id FROM pupils WHERE id = $1"
    )
    .bind(pupil_id)
    .fetch_optional(pool)
    .await)?;
    row.map(|r| r.0).ok_or(AppError::NotFound)
}

/// Places a pupil in a class group for that group's school year, replacing an earlier placement in
/// the same year. Access follows at once: membership is derived from this row.
pub async fn place_pupil(
    db: &Db,
    actor: &Actor,
    pupil_id: i64,
    group_id: i64,
) -> Result<(), AppError> {
    let school_id = pupil_school(db, pupil_id).await?;
    manage(actor, school_id)?;
    let year_id = class_group(db, school_id, group_id).await?;
    with_db!(db, |pool| sqlx::query(
        "INSERT INTO placements (pupil_id, school_year_id, group_id) VALUES ($1, $2, $3) \
         ON CONFLICT (pupil_id, school_year_id) DO UPDATE SET group_id = excluded.group_id"
    )
    .bind(pupil_id)
    .bind(year_id)
    .bind(group_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn pupil_detail(db: &Db, actor: &Actor, pupil_id: i64) -> Result<PupilDetail, AppError> {
    let school_id = pupil_school(db, pupil_id).await?;
    let level = access(actor, school_id)?;
    let year = current_year(db, school_id).await?;
    let pupil: PupilRow = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.id, p.first_name, TRIM(p.prefix || ' ' || p.last_name) AS last_name, g.id AS group_id, g.name AS group_name FROM pupils p \
         LEFT JOIN placements pl ON pl.pupil_id = p.id AND pl.school_year_id = $2 \
         LEFT JOIN groups g ON g.id = pl.group_id WHERE p.id = $1"
    )
    .bind(pupil_id)
    .bind(year.id)
    .fetch_one(pool)
    .await
    })?;
    let school: SchoolSummary = with_db!(db, |pool| sqlx::query_as(
        "SELECT id, name FROM schools WHERE id = $1"
    )
    .bind(school_id)
    .fetch_one(pool)
    .await)?;
    let can_invite = super::people::may_invite_for(db, actor, school_id, pupil_id).await?;
    let mut guardians: Vec<GuardianLink> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email, gs.phone, gs.no_access, u.active FROM guardianships gs \
         JOIN users u ON u.id = gs.user_id WHERE gs.pupil_id = $1 ORDER BY u.name"
    )
    .bind(pupil_id)
    .fetch_all(pool)
    .await
    })?;
    if !can_invite {
        for g in &mut guardians {
            g.email = None;
            g.phone = None;
        }
    }
    let invitations = if can_invite {
        super::invitations::for_pupil(db, pupil_id).await?
    } else {
        Vec::new()
    };
    let groups = groups_of(db, school_id, year.id)
        .await?
        .into_iter()
        .filter(|g| g.kind == "class")
        .collect();
    Ok(PupilDetail {
        pupil,
        school,
        guardians,
        groups,
        can_manage: level != Access::Teach,
        can_invite,
        invitations,
        now: db.clock().now(),
    })
}
