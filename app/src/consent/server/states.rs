//! What the answers come to per child: the staff overview and the tagging picker's warnings.
use std::collections::HashMap;

use super::{current_round, purposes};
use crate::consent::model::{ConsentRow, ConsentState, GroupConsent, TagCandidate, PHOTOS};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db},
    policy::{self, Sql, Viewer},
    with_db,
};

/// What consent comes to for each of these pupils (of one school) and each purpose, computed with
/// the same rule as `policy::photo_consented` (tied by `server/tests/it/policy.rs`).
pub async fn states(
    db: &Db,
    school_id: i64,
    pupil_ids: &[i64],
) -> Result<HashMap<(i64, i64), ConsentState>, AppError> {
    let mut out = HashMap::new();
    if pupil_ids.is_empty() {
        return Ok(out);
    }
    let strict_round = current_round(db, school_id)
        .await?
        .filter(|r| r.strict)
        .map(|r| r.id);
    let rows: Vec<(i64, i64, bool, Option<i64>)> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT cc.pupil_id, cc.purpose_id, cc.answer, cc.round_id FROM consent_current cc \
             JOIN guardianships gs ON gs.pupil_id = cc.pupil_id AND gs.user_id = cc.user_id AND gs.no_access = FALSE \
             WHERE cc.pupil_id IN ",
        );
        q.ids(pupil_ids);
        q.build_query_as().fetch_all(pool).await
    })?;
    let mut answers: HashMap<(i64, i64), Vec<Option<bool>>> = HashMap::new();
    for (pupil, purpose, yes, round) in rows {
        // In a strict round a yes that was not confirmed this year has lapsed; a no stays a no.
        let lapsed = yes && strict_round.is_some_and(|r| round != Some(r));
        answers
            .entry((pupil, purpose))
            .or_default()
            .push((!lapsed).then_some(yes));
    }
    for purpose in purposes(db, school_id).await? {
        for pupil in pupil_ids {
            let given = answers
                .get(&(*pupil, purpose.id))
                .cloned()
                .unwrap_or_default();
            out.insert((*pupil, purpose.id), ConsentState::combine(&given));
        }
    }
    Ok(out)
}

/// The staff overview of a class group: children × purposes. For the group's teachers and the
/// directie; anyone else gets `NotFound`.
pub async fn group_overview(
    db: &Db,
    actor: &Actor,
    group_id: i64,
) -> Result<GroupConsent, AppError> {
    let group: Option<(String, i64)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT g.name, g.school_id FROM groups g WHERE g.id = $1 AND g.kind = 'class' AND ( \
           EXISTS (SELECT 1 FROM staff_roles sr WHERE sr.user_id = $2 AND sr.school_id = g.school_id AND sr.role = 'directie') \
           OR EXISTS (SELECT 1 FROM group_staff gs JOIN staff_roles sr ON sr.user_id = gs.user_id AND sr.school_id = g.school_id \
                      WHERE gs.group_id = g.id AND gs.user_id = $2))"
    )
    .bind(group_id)
    .bind(actor.user_id)
    .fetch_optional(pool)
    .await
    })?;
    let (group_name, school_id) = group.ok_or(AppError::NotFound)?;
    let pupils: Vec<(i64, String)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.id, p.first_name || ' ' || CASE WHEN p.prefix = '' THEN '' ELSE p.prefix || ' ' END || p.last_name FROM placements pl JOIN pupils p ON p.id = pl.pupil_id \
         WHERE pl.group_id = $1 ORDER BY p.first_name, p.last_name"
    )
    .bind(group_id)
    .fetch_all(pool)
    .await
    })?;
    let ids: Vec<i64> = pupils.iter().map(|p| p.0).collect();
    let states = states(db, school_id, &ids).await?;
    let purposes = purposes(db, school_id).await?;
    let rows = pupils
        .into_iter()
        .map(|(pupil_id, name)| ConsentRow {
            states: purposes
                .iter()
                .map(|p| {
                    states
                        .get(&(pupil_id, p.id))
                        .copied()
                        .unwrap_or(ConsentState::Unanswered)
                })
                .collect(),
            pupil_id,
            name,
        })
        .collect();
    Ok(GroupConsent {
        group_id,
        group_name,
        school_id,
        purposes,
        rows,
    })
}

/// The children a teacher may tag: those placed this school year in the class groups they may post
/// to, with their photo consent, so the composer can warn before publishing.
pub async fn tag_candidates(db: &Db, actor: &Actor) -> Result<Vec<TagCandidate>, AppError> {
    let v = Viewer::new(db, actor);
    let rows: Vec<(i64, String, i64, i64)> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT p.id, p.first_name || ' ' || CASE WHEN p.prefix = '' THEN '' ELSE p.prefix || ' ' END || p.last_name, pl.group_id, p.school_id FROM placements pl \
             JOIN pupils p ON p.id = pl.pupil_id JOIN school_years sy ON sy.id = pl.school_year_id WHERE ",
        );
        policy::this_year(&mut q, "sy", &v.today);
        q.add(" AND pl.group_id IN (");
        policy::postable_groups(&mut q, &v);
        q.add(") ORDER BY p.first_name, p.last_name");
        q.build_query_as().fetch_all(pool).await
    })?;
    let mut by_school: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &rows {
        by_school.entry(r.3).or_default().push(r.0);
    }
    let mut photo_states = HashMap::new();
    for (school, ids) in by_school {
        let photos = purposes(db, school)
            .await?
            .into_iter()
            .find(|p| p.kind == PHOTOS);
        let states = states(db, school, &ids).await?;
        for id in ids {
            let state = photos
                .as_ref()
                .and_then(|p| states.get(&(id, p.id)).copied())
                .unwrap_or(ConsentState::Unanswered);
            photo_states.insert(id, state);
        }
    }
    Ok(rows
        .into_iter()
        .map(|(pupil_id, name, group_id, school_id)| TagCandidate {
            photos: photo_states
                .get(&pupil_id)
                .copied()
                .unwrap_or(ConsentState::Unanswered),
            pupil_id,
            name,
            group_id,
            school_id,
        })
        .collect())
}
