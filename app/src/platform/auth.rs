//! Server-side sessions (SE-01) and the `Actor` every request acts as. Nothing is cached between
//! requests: roles and group access are read fresh, so a removed right stops at the next request (AC-03).
use crate::{error::AppError, with_db};

use super::{db::Db, secrets};

pub const SESSION_COOKIE: &str = "kring_session";
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// Sliding lifetimes: a parent stays signed in on their phone; staff accounts reach more children.
pub const GUARDIAN_SESSION_SECS: i64 = 90 * DAY;
pub const STAFF_SESSION_SECS: i64 = 14 * DAY;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRole {
    pub school_id: i64,
    pub role: crate::roles::Role,
}

/// Whether these roles make someone the directie of `school_id`.
pub fn directie_of(roles: &[StaffRole], school_id: i64) -> bool {
    roles
        .iter()
        .any(|r| r.school_id == school_id && r.role == crate::roles::Role::Directie)
}

/// Whether these roles make someone teaching staff of `school_id` (directie or teacher): the
/// administratie reads no posts and moderates nothing.
pub fn staff_of(roles: &[StaffRole], school_id: i64) -> bool {
    roles
        .iter()
        .any(|r| r.school_id == school_id && r.role.teaches())
}

/// Whether these roles let someone manage the people and imports of `school_id` (directie or
/// administratie).
pub fn office_of(roles: &[StaffRole], school_id: i64) -> bool {
    roles
        .iter()
        .any(|r| r.school_id == school_id && r.role.runs_office())
}

#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: i64,
    pub name: String,
    pub locale: String,
    pub is_admin: bool,
    pub roles: Vec<StaffRole>,
}

impl Actor {
    pub fn is_staff(&self) -> bool {
        self.is_admin || !self.roles.is_empty()
    }

    pub fn is_directie_of(&self, school_id: i64) -> bool {
        directie_of(&self.roles, school_id)
    }

    pub fn is_staff_of(&self, school_id: i64) -> bool {
        staff_of(&self.roles, school_id)
    }

    pub fn is_office_of(&self, school_id: i64) -> bool {
        office_of(&self.roles, school_id)
    }

    pub fn session_secs(&self) -> i64 {
        if self.is_staff() {
            STAFF_SESSION_SECS
        } else {
            GUARDIAN_SESSION_SECS
        }
    }
}

/// One row per staff role of an active user (one row with no role when they have none): the user
/// and their roles in one query.
#[derive(sqlx::FromRow)]
struct ActorRow {
    id: i64,
    name: String,
    locale: String,
    is_admin: bool,
    school_id: Option<i64>,
    role: Option<String>,
}

const ACTOR_COLUMNS: &str = "SELECT u.id, u.name, u.locale, u.is_admin, sr.school_id, sr.role";
const ROLES_JOIN: &str = "LEFT JOIN staff_roles sr ON sr.user_id = u.id";

fn actor_of(rows: Vec<ActorRow>) -> Option<Actor> {
    let first = rows.first()?;
    let mut actor = Actor {
        user_id: first.id,
        name: first.name.clone(),
        locale: first.locale.clone(),
        is_admin: first.is_admin,
        roles: Vec::new(),
    };
    actor.roles = rows
        .into_iter()
        // A role this version does not know gives no power.
        .filter_map(|r| {
            Some(StaffRole {
                school_id: r.school_id?,
                role: crate::roles::Role::from_db(&r.role?)?,
            })
        })
        .collect();
    Some(actor)
}

/// Loads an active user as an actor, with their staff roles.
pub async fn load_actor(db: &Db, user_id: i64) -> Result<Option<Actor>, AppError> {
    let sql = format!(
        "{ACTOR_COLUMNS} FROM users u {ROLES_JOIN} WHERE u.id = $1 AND u.active = TRUE \
         ORDER BY sr.school_id, sr.role"
    );
    let rows: Vec<ActorRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(user_id)
        .fetch_all(pool)
        .await)?;
    Ok(actor_of(rows))
}

/// Starts a session with a fresh id (so a planted id never survives login) and returns the token for
/// the cookie. Only the token's hash is stored.
pub async fn start_session(db: &Db, actor: &Actor) -> Result<String, AppError> {
    let token = secrets::new_token();
    let at = db.clock().now();
    with_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)"
    )
    .bind(secrets::hash_token(&token))
    .bind(actor.user_id)
    .bind(at)
    .bind(at + actor.session_secs())
    .execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    last_seen_at: i64,
    #[sqlx(flatten)]
    actor: ActorRow,
}

/// The actor behind a session token, sliding the session's expiry forward (at most once an hour, to
/// keep reads cheap). Session, user and roles come in one query: every page asks this.
pub async fn session_actor(db: &Db, token: &str) -> Result<Option<Actor>, AppError> {
    let hash = secrets::hash_token(token);
    let at = db.clock().now();
    let sql = format!(
        "{ACTOR_COLUMNS}, s.last_seen_at FROM sessions s \
         JOIN users u ON u.id = s.user_id AND u.active = TRUE {ROLES_JOIN} \
         WHERE s.id_hash = $1 AND s.expires_at > $2 ORDER BY sr.school_id, sr.role"
    );
    let rows: Vec<SessionRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(&hash)
        .bind(at)
        .fetch_all(pool)
        .await)?;
    let last_seen = rows.first().map_or(at, |r| r.last_seen_at);
    let Some(actor) = actor_of(rows.into_iter().map(|r| r.actor).collect()) else {
        return Ok(None);
    };
    if at - last_seen > HOUR {
        with_db!(db, |pool| sqlx::query(
            "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3"
        )
        .bind(at)
        .bind(at + actor.session_secs())
        .bind(&hash)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(Some(actor))
}

/// Ends a session; the push subscription made in it goes too (logging out of a shared phone
/// stops its notifications).
pub async fn end_session(db: &Db, token: &str) -> Result<(), AppError> {
    let hash = secrets::hash_token(token);
    for sql in [
        "DELETE FROM push_subscriptions WHERE session_hash = $1",
        "DELETE FROM sessions WHERE id_hash = $1",
    ] {
        with_db!(db, |pool| sqlx::query(sql)
            .bind(&hash)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn end_all_sessions(db: &Db, user_id: i64) -> Result<(), AppError> {
    for sql in [
        "DELETE FROM push_subscriptions WHERE user_id = $1",
        "DELETE FROM sessions WHERE user_id = $1",
    ] {
        with_db!(db, |pool| sqlx::query(sql)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The `Set-Cookie` value for a session token; `None` clears the cookie.
pub fn session_cookie(token: Option<&str>, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// The signed-in actor of a plain axum request (the media routes); any failure is "nobody" (AC-05).
pub async fn actor_from_headers(db: &Db, headers: &http::HeaderMap) -> Option<Actor> {
    let token = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| cookie_value(h, SESSION_COOKIE))?;
    session_actor(db, token).await.ok().flatten()
}

/// Reads one cookie from a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn se01_session_cookie_is_httponly_lax_and_secure_on_https() {
        let c = session_cookie(Some("abc"), 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!session_cookie(Some("abc"), 60, false).contains("Secure"));
        assert!(session_cookie(None, 0, false).contains("Max-Age=0"));
    }

    #[test]
    fn cookie_value_finds_the_named_cookie_only() {
        let h = "a=1; kring_session=tok; other=2";
        assert_eq!(cookie_value(h, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie_value("kring_session_x=1", SESSION_COOKIE), None);
    }
}
