//! Sign-in, password reset and invitations. No answer reveals whether an e-mail has an account
//! (AU-02); tokens are single use, expire, and are stored only as hashes (AU-03).
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

pub use super::model::InviteOutcome;
use super::model::{parse_name, Email, InvitationInfo, NewPassword};
use crate::{
    error::AppError,
    server::{
        auth::{self, Actor},
        clock::now,
        db::Db,
        jobs, secrets,
        state::AppState,
    },
    with_db, with_tx,
};

pub const INVITE_SECS: i64 = 14 * 24 * 3600;
pub const RESET_SECS: i64 = 3600;

#[derive(sqlx::FromRow)]
struct LoginRow {
    id: i64,
    password_hash: Option<String>,
}

/// Checks the password and starts a new session. Unknown e-mail, wrong password and deactivated
/// account all give the same error after the same work.
pub async fn login(
    state: &AppState,
    ip: IpAddr,
    email: &str,
    password: String,
) -> Result<(Actor, String), AppError> {
    state.throttle.check_ip(ip)?;
    let email = email.trim().to_lowercase();
    state.throttle.check_login(&email)?;
    let row: Option<LoginRow> = with_db!(&state.db, |pool| sqlx::query_as(
        "SELECT id, password_hash FROM users WHERE email = $1 AND active = TRUE"
    )
    .bind(&email)
    .fetch_optional(pool)
    .await)?;
    let (id, hash) = match row {
        Some(r) => (Some(r.id), r.password_hash),
        None => (None, None),
    };
    if !secrets::verify_password(password, hash).await? {
        state.throttle.login_failed(&email);
        return Err(AppError::validation("password", "login_failed"));
    }
    let actor = match id {
        Some(id) => auth::load_actor(&state.db, id).await?,
        None => None,
    }
    .ok_or_else(|| AppError::validation("password", "login_failed"))?;
    let token = auth::start_session(&state.db, &actor).await?;
    Ok((actor, token))
}

#[derive(Serialize, Deserialize)]
pub struct ResetJob {
    pub user_id: i64,
}

/// Queues a reset mail if the address belongs to an active account; the answer is the same either way.
pub async fn request_reset(state: &AppState, ip: IpAddr, email: &str) -> Result<(), AppError> {
    state.throttle.check_ip(ip)?;
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    state.throttle.check_account(email.as_str())?;
    let user: Option<(i64,)> = with_db!(&state.db, |pool| sqlx::query_as(
        "SELECT id FROM users WHERE email = $1 AND active = TRUE"
    )
    .bind(email.as_str())
    .fetch_optional(pool)
    .await)?;
    if let Some((user_id,)) = user {
        // One reset mail per account per minute at most.
        let key = format!("reset:{user_id}:{}", now() / 60);
        jobs::enqueue(
            &state.db,
            "mail.password_reset",
            &ResetJob { user_id },
            &key,
        )
        .await?;
        state.jobs_wake.notify_one();
    }
    Ok(())
}

/// Sets a new password from a reset token, ends every other session and signs in.
pub async fn reset_password(
    state: &AppState,
    ip: IpAddr,
    token: &str,
    password: NewPassword,
) -> Result<(Actor, String), AppError> {
    state.throttle.check_ip(ip)?;
    let hash = secrets::hash_password(password.into_inner()).await?;
    let at = now();
    let user_id: i64 = with_tx!(&state.db, |tx| {
        let row: Option<(i64,)> = sqlx::query_as(
            "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
        )
        .bind(secrets::hash_token(token))
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        let (user_id,) = row.ok_or_else(|| AppError::validation("token", "token_invalid"))?;
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user_id)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        user_id
    });
    let actor = auth::load_actor(&state.db, user_id)
        .await?
        .ok_or_else(|| AppError::validation("token", "token_invalid"))?;
    let token = auth::start_session(&state.db, &actor).await?;
    Ok((actor, token))
}

#[derive(Serialize, Deserialize)]
pub struct InvitationJob {
    pub invitation_id: i64,
}

#[derive(Serialize, Deserialize)]
pub struct LinkedJob {
    pub user_id: i64,
    pub school_id: i64,
}

/// What an invitation gives once accepted.
pub enum Grant {
    Guardian { pupil_id: i64 },
    Staff { role: String },
}

async fn existing_user(db: &Db, email: &Email) -> Result<Option<i64>, AppError> {
    let row: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id FROM users WHERE email = $1"
    )
    .bind(email.as_str())
    .fetch_optional(pool)
    .await)?;
    Ok(row.map(|r| r.0))
}

async fn apply_grant(db: &Db, user_id: i64, school_id: i64, grant: &Grant) -> Result<(), AppError> {
    match grant {
        Grant::Guardian { pupil_id } => with_db!(db, |pool| {
            sqlx::query(
            "INSERT INTO guardianships (pupil_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        )
        .bind(pupil_id)
        .bind(user_id)
        .execute(pool).await.map(|r| r.rows_affected())
        })?,
        Grant::Staff { role } => with_db!(db, |pool| {
            sqlx::query(
            "INSERT INTO staff_roles (user_id, school_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        )
        .bind(user_id)
        .bind(school_id)
        .bind(role)
        .execute(pool).await.map(|r| r.rows_affected())
        })?,
    };
    Ok(())
}

/// Invites a person to a school. The caller has already checked the actor's right to do so.
pub async fn invite(
    state: &AppState,
    actor: &Actor,
    school_id: i64,
    name: &str,
    email: &str,
    grant: Grant,
) -> Result<InviteOutcome, AppError> {
    let email = Email::parse(email)?;
    let name = parse_name(name, "name")?;
    let db = &state.db;
    if let Some(user_id) = existing_user(db, &email).await? {
        apply_grant(db, user_id, school_id, &grant).await?;
        let key = format!("linked:{user_id}:{school_id}:{}", now());
        jobs::enqueue(db, "mail.linked", &LinkedJob { user_id, school_id }, &key).await?;
        state.jobs_wake.notify_one();
        return Ok(InviteOutcome::Linked);
    }
    let (kind, role, pupil_id) = match &grant {
        Grant::Guardian { pupil_id } => ("guardian", None, Some(*pupil_id)),
        Grant::Staff { role } => ("staff", Some(role.clone()), None),
    };
    let at = now();
    // The real token is made when the mail is sent; until then the row holds an unusable hash.
    let (invitation_id,): (i64,) = with_db!(db, |pool| {
        sqlx::query_as(
        "INSERT INTO invitations (token_hash, email, name, kind, school_id, role, pupil_id, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
    )
    .bind(secrets::hash_token(&secrets::new_token()))
    .bind(email.as_str())
    .bind(&name)
    .bind(kind)
    .bind(school_id)
    .bind(role)
    .bind(pupil_id)
    .bind(actor.user_id)
    .bind(at)
    .bind(at + INVITE_SECS)
    .fetch_one(pool)
    .await
    })?;
    let key = format!("invite:{invitation_id}");
    jobs::enqueue(
        db,
        "mail.invitation",
        &InvitationJob { invitation_id },
        &key,
    )
    .await?;
    state.jobs_wake.notify_one();
    Ok(InviteOutcome::Invited)
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: i64,
    email: String,
    name: String,
    kind: String,
    school_id: i64,
    role: Option<String>,
    pupil_id: Option<i64>,
    school: String,
}

async fn open_invitation(db: &Db, token: &str) -> Result<InvitationRow, AppError> {
    with_db!(db, |pool| sqlx::query_as::<_, InvitationRow>(
        "SELECT i.id, i.email, i.name, i.kind, i.school_id, i.role, i.pupil_id, s.name AS school \
         FROM invitations i JOIN schools s ON s.id = i.school_id \
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2"
    )
    .bind(secrets::hash_token(token))
    .bind(now())
    .fetch_optional(pool)
    .await)?
    .ok_or(AppError::NotFound)
}

pub async fn invitation_info(
    state: &AppState,
    ip: IpAddr,
    token: &str,
) -> Result<InvitationInfo, AppError> {
    state.throttle.check_ip(ip)?;
    let inv = open_invitation(&state.db, token).await?;
    Ok(InvitationInfo {
        name: inv.name,
        email: inv.email,
        school: inv.school,
    })
}

/// Uses an invitation: makes the account (or finds the one made since), grants the access, marks the
/// invitation used, and signs in.
pub async fn accept_invitation(
    state: &AppState,
    ip: IpAddr,
    token: &str,
    password: NewPassword,
) -> Result<(Actor, String), AppError> {
    state.throttle.check_ip(ip)?;
    let db = &state.db;
    let inv = open_invitation(db, token).await?;
    let hash = secrets::hash_password(password.into_inner()).await?;
    let at = now();
    let used = with_db!(db, |pool| sqlx::query(
        "UPDATE invitations SET used_at = $2 WHERE id = $1 AND used_at IS NULL"
    )
    .bind(inv.id)
    .bind(at)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    if used != 1 {
        return Err(AppError::NotFound);
    }
    let email = Email::parse(&inv.email)?;
    let user_id = match existing_user(db, &email).await? {
        Some(id) => id,
        None => {
            let (id,): (i64,) = with_db!(db, |pool| {
                sqlx::query_as(
                "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
            )
            .bind(email.as_str())
            .bind(&inv.name)
            .bind(&hash)
            .bind(at)
            .fetch_one(pool)
            .await
            })?;
            id
        }
    };
    let grant = match (inv.kind.as_str(), inv.pupil_id, inv.role) {
        ("guardian", Some(pupil_id), _) => Grant::Guardian { pupil_id },
        ("staff", _, Some(role)) => Grant::Staff { role },
        _ => return Err(AppError::Internal),
    };
    apply_grant(db, user_id, inv.school_id, &grant).await?;
    let actor = auth::load_actor(db, user_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let token = auth::start_session(db, &actor).await?;
    Ok((actor, token))
}

pub async fn set_locale(db: &Db, actor: &Actor, locale: &str) -> Result<(), AppError> {
    if !["nl", "en"].contains(&locale) {
        return Err(AppError::validation("locale", "invalid_form"));
    }
    with_db!(db, |pool| sqlx::query(
        "UPDATE users SET locale = $2 WHERE id = $1"
    )
    .bind(actor.user_id)
    .bind(locale)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
