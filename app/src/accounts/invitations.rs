//! Invitations: who may be invited to what, the mail that carries the link, and accepting it with a
//! new account or an existing one. Tokens are single use, expire, and are stored only as hashes
//! (AU-03); an existing account is never linked before its owner accepts (AC-06).
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::model::InviteOutcome;
use super::model::{parse_name, Email, InvitationInfo, NewPassword};
use super::server::INVITE_SECS;
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

#[derive(Serialize, Deserialize)]
pub struct InvitationJob {
    pub invitation_id: i64,
}

/// What an invitation gives once accepted.
pub enum Grant {
    Guardian { pupil_id: i64 },
    Staff { role: String },
}

/// An account that already exists for an invited address.
#[derive(sqlx::FromRow)]
struct Account {
    id: i64,
    password_hash: Option<String>,
    active: bool,
    is_admin: bool,
    /// Whether the account holds a staff role in any school.
    is_staff: bool,
}

async fn existing_account(db: &Db, email: &Email) -> Result<Option<Account>, AppError> {
    Ok(with_db!(db, |pool| sqlx::query_as(
        "SELECT u.id, u.password_hash, u.active, u.is_admin, \
                EXISTS (SELECT 1 FROM staff_roles sr WHERE sr.user_id = u.id) AS is_staff \
         FROM users u WHERE u.email = $1"
    )
    .bind(email.as_str())
    .fetch_optional(pool)
    .await)?)
}

/// Whether an existing account may become a child's guardian through an invitation (AC-06).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardianLink {
    Allowed,
    /// A staff member whose own child attends the school: only the directie links them, and the
    /// audit log keeps it.
    AllowedAudited,
    /// Refused, with the reason the person is told.
    Refused(crate::error::Invalid),
}

/// An admin never becomes a guardian (an admin who is a parent uses a second account); a staff
/// account only through the directie's invitation.
pub fn guardian_link(is_admin: bool, is_staff: bool, inviter_is_directie: bool) -> GuardianLink {
    if is_admin {
        GuardianLink::Refused(crate::error::Invalid::InviteAdminAccount)
    } else if is_staff && !inviter_is_directie {
        GuardianLink::Refused(crate::error::Invalid::InviteStaffAccount)
    } else if is_staff {
        GuardianLink::AllowedAudited
    } else {
        GuardianLink::Allowed
    }
}

/// Invites a person to a school. The caller has already checked the actor's right to do so. It is
/// always an invitation that the address's owner accepts, also when the address has an account
/// (AC-06): nothing is granted before that, and the answer does not tell the inviter whether the
/// address has an account.
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
    let (kind, role, pupil_id) = match &grant {
        Grant::Guardian { pupil_id } => ("guardian", None, Some(*pupil_id)),
        Grant::Staff { role } => ("staff", Some(role.clone()), None),
    };
    let at = db.clock().now();
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
    mail_invitation(state, invitation_id, &format!("invite:{invitation_id}")).await?;
    Ok(InviteOutcome::Invited)
}

/// Queues the invitation's mail under `key` (one key per sending, NT-01) and wakes the runner.
pub async fn mail_invitation(
    state: &AppState,
    invitation_id: i64,
    key: &str,
) -> Result<(), AppError> {
    jobs::enqueue(
        &state.db,
        super::jobs::INVITATION_JOB,
        &InvitationJob { invitation_id },
        key,
    )
    .await?;
    state.wake_jobs();
    Ok(())
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
    /// `None`: invited by `kring import`, in the school's name.
    invited_by: Option<i64>,
    /// Set when an import made it: then it never makes a staff or admin account a guardian.
    import_run_id: Option<i64>,
    /// Kept only when the school stores guardians' phone numbers.
    phone: Option<String>,
    school: String,
}

impl InvitationRow {
    fn grant(&self) -> Result<Grant, AppError> {
        match (self.kind.as_str(), self.pupil_id, &self.role) {
            ("guardian", Some(pupil_id), _) => Ok(Grant::Guardian { pupil_id }),
            ("staff", _, Some(role)) => Ok(Grant::Staff { role: role.clone() }),
            _ => Err(AppError::Internal),
        }
    }
}

async fn open_invitation(db: &Db, token: &str) -> Result<InvitationRow, AppError> {
    with_db!(db, |pool| sqlx::query_as::<_, InvitationRow>(
        "SELECT i.id, i.email, i.name, i.kind, i.school_id, i.role, i.pupil_id, i.invited_by, i.import_run_id, i.phone, s.name AS school \
         FROM invitations i JOIN schools s ON s.id = i.school_id \
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2"
    )
    .bind(secrets::hash_token(token))
    .bind(db.clock().now())
    .fetch_optional(pool)
    .await)?
    .ok_or(AppError::NotFound)
}

/// What the link shows; only its holder (the address's owner) learns whether an account exists,
/// so that the page asks for the existing password instead of a new one.
pub async fn invitation_info(
    state: &AppState,
    ip: IpAddr,
    token: &str,
) -> Result<InvitationInfo, AppError> {
    state.throttle.check_ip(ip)?;
    let inv = open_invitation(&state.db, token).await?;
    let has_account = existing_account(&state.db, &Email::parse(&inv.email)?)
        .await?
        .is_some();
    Ok(InvitationInfo {
        name: inv.name,
        email: inv.email,
        school: inv.school,
        has_account,
    })
}

/// Who accepts an invitation: a new account with its chosen password, or the existing account
/// that proved its password.
enum Accepting {
    New { hash: String },
    Existing { user_id: i64, audited: bool },
}

async fn inviter_is_directie(db: &Db, inv: &InvitationRow) -> Result<bool, AppError> {
    let Some(invited_by) = inv.invited_by else {
        return Ok(false);
    };
    let row: Option<(i64,)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT user_id FROM staff_roles WHERE user_id = $1 AND school_id = $2 AND role = 'directie'"
    )
    .bind(invited_by)
    .bind(inv.school_id)
    .fetch_optional(pool)
    .await
    })?;
    Ok(row.is_some())
}

/// Checks the existing account's password (throttled like a login) and whether this invitation
/// may link it.
async fn accept_as_existing(
    state: &AppState,
    inv: &InvitationRow,
    email: &Email,
    account: Account,
    password: String,
) -> Result<Accepting, AppError> {
    let guess = state.throttle.begin_guess(email.as_str())?;
    if !secrets::verify_password(password, account.password_hash).await? {
        return Err(AppError::validation(
            "password",
            crate::error::Invalid::LoginFailed,
        ));
    }
    guess.was_right();
    if !account.active {
        return Err(AppError::validation(
            "password",
            crate::error::Invalid::AccountInactive,
        ));
    }
    let audited = match inv.grant()? {
        Grant::Staff { .. } => false,
        Grant::Guardian { .. }
            if inv.import_run_id.is_some() && (account.is_admin || account.is_staff) =>
        {
            // An import never makes staff or an admin a guardian: the directie invites them by hand.
            let why = if account.is_admin {
                crate::error::Invalid::InviteAdminAccount
            } else {
                crate::error::Invalid::InviteStaffAccount
            };
            return Err(AppError::validation("token", why));
        }
        Grant::Guardian { .. } => {
            let directie = inviter_is_directie(&state.db, inv).await?;
            match guardian_link(account.is_admin, account.is_staff, directie) {
                GuardianLink::Allowed => false,
                GuardianLink::AllowedAudited => true,
                GuardianLink::Refused(why) => return Err(AppError::validation("token", why)),
            }
        }
    };
    Ok(Accepting::Existing {
        user_id: account.id,
        audited,
    })
}

/// Uses an invitation: makes the account (or signs in the existing one with its password), grants
/// the access, marks the invitation used, and signs in. All of it happens in one transaction, so a
/// refused or raced acceptance changes nothing.
pub async fn accept_invitation(
    state: &AppState,
    ip: IpAddr,
    token: &str,
    password: String,
    password_confirm: &str,
) -> Result<(Actor, String), AppError> {
    state.throttle.check_ip(ip)?;
    let db = &state.db;
    let inv = open_invitation(db, token).await?;
    let email = Email::parse(&inv.email)?;
    let accepting = match existing_account(db, &email).await? {
        Some(account) => accept_as_existing(state, &inv, &email, account, password).await?,
        None => {
            let password = NewPassword::parse(&password, password_confirm)?;
            Accepting::New {
                hash: secrets::hash_password(password.into_inner()).await?,
            }
        }
    };
    let grant = inv.grant()?;
    let at = db.clock().now();
    let user_id = with_tx!(db, |tx| {
        let used =
            sqlx::query("UPDATE invitations SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL")
                .bind(inv.id)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if used != 1 {
            return Err(AppError::NotFound);
        }
        let (user_id, audited) = match &accepting {
            Accepting::Existing { user_id, audited } => (*user_id, *audited),
            Accepting::New { hash } => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(email.as_str())
                .bind(&inv.name)
                .bind(hash)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                (id, false)
            }
        };
        // ON CONFLICT DO NOTHING: accepting again never lifts a "geen toegang" mark (SQLite needs
        // the WHERE to read an upsert after a SELECT). An
        // invitation from an import covers all of the guardian's children (`invitation_pupils`)
        // or all of the teacher's groups (`invitation_groups`).
        match &grant {
            Grant::Guardian { pupil_id } => {
                sqlx::query(
                    "INSERT INTO guardianships (pupil_id, user_id, phone) SELECT pupil_id, CAST($2 AS BIGINT), CAST($3 AS TEXT) FROM \
                     (SELECT CAST($1 AS BIGINT) AS pupil_id UNION SELECT pupil_id FROM invitation_pupils WHERE invitation_id = $4) p \
                     WHERE TRUE ON CONFLICT DO NOTHING",
                )
                .bind(pupil_id)
                .bind(user_id)
                .bind(&inv.phone)
                .bind(inv.id)
                .execute(&mut *tx)
                .await?;
            }
            Grant::Staff { role } => {
                sqlx::query(
                    "INSERT INTO staff_roles (user_id, school_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(user_id)
                .bind(inv.school_id)
                .bind(role)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO group_staff (group_id, user_id) SELECT group_id, CAST($2 AS BIGINT) FROM invitation_groups \
                     WHERE invitation_id = $1 ON CONFLICT DO NOTHING",
                )
                .bind(inv.id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            }
        };
        let action = if audited {
            "link_staff_as_guardian"
        } else {
            "accept_invitation"
        };
        sqlx::query(
            "INSERT INTO audit_log (actor_id, action, object_kind, object_id, created_at, note) \
             VALUES ($1, $2, 'invitation', $3, $4, $5)",
        )
        .bind(user_id)
        .bind(action)
        .bind(inv.id)
        .bind(at)
        .bind(match inv.invited_by {
            Some(id) => format!("invited_by={id}"),
            None => "invited_by=CLI".to_string(),
        })
        .execute(&mut *tx)
        .await?;
        user_id
    });
    let actor = auth::load_actor(db, user_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let token = auth::start_session(db, &actor).await?;
    Ok((actor, token))
}
