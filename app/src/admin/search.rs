//! Finding people and the state of invitations across schools, for the foundation admin (every
//! school) and a directie (people of their own school only), and renaming a school.
use super::{
    model::{parse_label, InvitationCount, PersonRow},
    server::manage,
};
use crate::{
    error::AppError,
    server::{auth::Actor, clock::now, db::Db},
    with_db,
};

/// The schools whose people this actor may look up: `Some(None)` for every school (the foundation
/// admin), `Some(Some(ids))` for a directie's own schools, `None` for a teacher (who has the
/// administration screens but nobody to look up). Anyone without a staff role is refused.
fn managed(actor: &Actor) -> Result<Option<Option<Vec<i64>>>, AppError> {
    if actor.is_admin {
        return Ok(Some(None));
    }
    if actor.roles.is_empty() {
        return Err(AppError::NotFound);
    }
    let own: Vec<i64> = actor
        .roles
        .iter()
        .filter(|r| r.role == "directie")
        .map(|r| r.school_id)
        .collect();
    Ok((!own.is_empty()).then_some(Some(own)))
}

/// A `LIKE` pattern that finds `q` anywhere, with `%`, `_` and `\` in it taken literally.
pub fn contains_pattern(q: &str) -> String {
    let escaped: String = q
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// People whose name or e-mail address contains `q` (at least two characters), at most 50: for a
/// directie only those with a role or a child in their own school.
pub async fn search(db: &Db, actor: &Actor, q: &str) -> Result<Option<Vec<PersonRow>>, AppError> {
    let Some(scope) = managed(actor)? else {
        return Ok(None);
    };
    if q.trim().chars().count() < 2 {
        return Ok(Some(Vec::new()));
    }
    let within = match &scope {
        None => "TRUE".to_string(),
        Some(ids) => {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            let list = list.join(", ");
            format!(
                "(EXISTS (SELECT 1 FROM staff_roles sr WHERE sr.user_id = u.id AND sr.school_id IN ({list})) \
                 OR EXISTS (SELECT 1 FROM guardianships g JOIN pupils p ON p.id = g.pupil_id \
                            WHERE g.user_id = u.id AND p.school_id IN ({list})))"
            )
        }
    };
    let sql = format!(
        "SELECT u.id AS user_id, u.name, u.email, u.active, u.is_admin, \
           (SELECT COUNT(*) FROM staff_roles sr WHERE sr.user_id = u.id) AS roles, \
           (SELECT COUNT(*) FROM guardianships g WHERE g.user_id = u.id) AS children \
         FROM users u \
         WHERE (LOWER(u.name) LIKE $1 ESCAPE '\\' OR u.email LIKE $1 ESCAPE '\\') AND {within} \
         ORDER BY u.name, u.id LIMIT 50"
    );
    Ok(Some(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(contains_pattern(q))
        .fetch_all(pool)
        .await)?))
}

/// Per school the actor manages: invitations waiting to be accepted, and how many of those expired.
pub async fn invitation_counts(
    db: &Db,
    actor: &Actor,
) -> Result<Option<Vec<InvitationCount>>, AppError> {
    let Some(scope) = managed(actor)? else {
        return Ok(None);
    };
    let within = match &scope {
        None => "TRUE".to_string(),
        Some(ids) => format!(
            "s.id IN ({})",
            ids.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let sql = format!(
        "SELECT s.id AS school_id, s.name AS school, \
           COUNT(i.id) AS open, COUNT(CASE WHEN i.expires_at <= $1 THEN 1 END) AS expired \
         FROM schools s JOIN invitations i ON i.school_id = s.id \
           AND i.used_at IS NULL AND i.revoked_at IS NULL \
         WHERE {within} GROUP BY s.id, s.name ORDER BY s.name"
    );
    Ok(Some(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(now())
        .fetch_all(pool)
        .await)?))
}

/// Gives a school a new name (the admin, or the school's directie).
pub async fn rename_school(
    db: &Db,
    actor: &Actor,
    school_id: i64,
    name: &str,
) -> Result<(), AppError> {
    let exists: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id FROM schools WHERE id = $1"
    )
    .bind(school_id)
    .fetch_optional(pool)
    .await)?;
    exists.ok_or(AppError::NotFound)?;
    manage(actor, school_id)?;
    let name = parse_label(name, "name")?;
    with_db!(db, |pool| sqlx::query(
        "UPDATE schools SET name = $2 WHERE id = $1"
    )
    .bind(school_id)
    .bind(&name)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::validation("name", "school_exists"),
        other => other,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_text_is_taken_literally() {
        assert_eq!(super::contains_pattern(" Jan "), "%jan%");
        assert_eq!(super::contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
