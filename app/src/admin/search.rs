//! Finding people and the state of invitations across schools, for the foundation admin (every
//! school) and a directie (people of their own school only).
use super::model::{InvitationCount, PersonRow};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db},
    with_db,
};

/// The schools whose people and invitations an actor may look up.
enum Scope {
    /// The foundation admin: every school.
    Every,
    /// A directie: their own schools, as an SQL list of ids (numbers from the actor's roles).
    Own(String),
}

impl Scope {
    /// `None` for a teacher, who has the administration screens but nobody to look up; anyone
    /// without a staff role is refused.
    fn of(actor: &Actor) -> Result<Option<Scope>, AppError> {
        if actor.is_admin {
            return Ok(Some(Scope::Every));
        }
        if actor.roles.is_empty() {
            return Err(AppError::NotFound);
        }
        let own: Vec<String> = actor
            .roles
            .iter()
            .filter(|r| r.role.runs_office())
            .map(|r| r.school_id.to_string())
            .collect();
        Ok((!own.is_empty()).then(|| Scope::Own(own.join(", "))))
    }

    /// An SQL condition: `TRUE` for every school, else `within` made for the list of ids.
    fn condition(&self, within: impl FnOnce(&str) -> String) -> String {
        match self {
            Scope::Every => "TRUE".to_string(),
            Scope::Own(list) => within(list),
        }
    }
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
    let Some(scope) = Scope::of(actor)? else {
        return Ok(None);
    };
    if q.trim().chars().count() < 2 {
        return Ok(Some(Vec::new()));
    }
    let within = scope.condition(|list| {
        format!(
            "(EXISTS (SELECT 1 FROM staff_roles sr WHERE sr.user_id = u.id AND sr.school_id IN ({list})) \
             OR EXISTS (SELECT 1 FROM guardianships g JOIN pupils p ON p.id = g.pupil_id \
                        WHERE g.user_id = u.id AND p.school_id IN ({list})))"
        )
    });
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
    let Some(scope) = Scope::of(actor)? else {
        return Ok(None);
    };
    let within = scope.condition(|list| format!("s.id IN ({list})"));
    let sql = format!(
        "SELECT s.id AS school_id, s.name AS school, \
           COUNT(i.id) AS open, COUNT(CASE WHEN i.expires_at <= $1 THEN 1 END) AS expired \
         FROM schools s JOIN invitations i ON i.school_id = s.id \
           AND i.used_at IS NULL AND i.revoked_at IS NULL \
         WHERE {within} GROUP BY s.id, s.name ORDER BY s.name"
    );
    Ok(Some(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(db.clock().now())
        .fetch_all(pool)
        .await)?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_text_is_taken_literally() {
        assert_eq!(super::contains_pattern(" Jan "), "%jan%");
        assert_eq!(super::contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
