//! Sign-in, password reset and the interface language (invitations: `invitations.rs`). No answer reveals whether an e-mail has an account
//! (AU-02); tokens are single use, expire, and are stored only as hashes (AU-03).
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

pub use super::invitations::{
    accept_invitation, guardian_link, invitation_info, invite, mail_invitation, Grant,
    GuardianLink, InvitationJob,
};
pub use super::model::InviteOutcome;
use super::model::{Email, NewPassword};
use crate::{
    error::AppError,
    platform::{
        auth::{self, Actor},
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
    // Counted before the check: parallel guesses cannot all slip past the limit (DS-01).
    let guess = state.throttle.begin_guess(&email)?;
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
        return Err(AppError::validation(
            "password",
            crate::error::Invalid::LoginFailed,
        ));
    }
    guess.was_right();
    let actor = match id {
        Some(id) => auth::load_actor(&state.db, id).await?,
        None => None,
    }
    .ok_or_else(|| AppError::validation("password", crate::error::Invalid::LoginFailed))?;
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
        let key = format!("reset:{user_id}:{}", state.db.clock().now() / 60);
        jobs::enqueue(
            &state.db,
            super::jobs::RESET_JOB,
            &ResetJob { user_id },
            &key,
        )
        .await?;
        state.wake_jobs();
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
    let at = state.db.clock().now();
    let user_id: i64 = with_tx!(&state.db, |tx| {
        let row: Option<(i64, bool)> = sqlx::query_as(
            "SELECT r.user_id, u.active FROM password_resets r JOIN users u ON u.id = r.user_id \
             WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2",
        )
        .bind(secrets::hash_token(token))
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        let (user_id, active) =
            row.ok_or_else(|| AppError::validation("token", crate::error::Invalid::TokenInvalid))?;
        // A deactivated account keeps its password and its link: the school decides, not the link.
        if !active {
            return Err(AppError::validation(
                "token",
                crate::error::Invalid::AccountInactive,
            ));
        }
        let used = sqlx::query(
            "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
        )
        .bind(secrets::hash_token(token))
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if used != 1 {
            return Err(AppError::validation(
                "token",
                crate::error::Invalid::TokenInvalid,
            ));
        }
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
        .ok_or_else(|| AppError::validation("token", crate::error::Invalid::TokenInvalid))?;
    let token = auth::start_session(&state.db, &actor).await?;
    Ok((actor, token))
}

pub async fn set_locale(db: &Db, actor: &Actor, locale: &str) -> Result<(), AppError> {
    if !["nl", "en"].contains(&locale) {
        return Err(AppError::validation(
            "locale",
            crate::error::Invalid::InvalidForm,
        ));
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
