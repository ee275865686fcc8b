//! Account server functions: thin adapters from the request to `accounts::server`.
use leptos::prelude::*;

use super::model::{CurrentUser, InvitationInfo};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::{auth, ctx};

/// Sets the cookie for a session that login, reset or invitation just started, sends the browser
/// home, and answers the account's language.
#[cfg(feature = "ssr")]
fn signed_in(
    state: &crate::platform::state::AppState,
    (actor, token): (auth::Actor, String),
) -> Result<String, AppError> {
    ctx::set_cookie(&auth::session_cookie(
        Some(&token),
        actor.session_secs(),
        state.settings.secure_cookies(),
    ));
    // The interface language follows the account on every device.
    ctx::set_cookie(&format!(
        "i18n_pref_locale={}; Path=/; Max-Age=31536000; SameSite=Lax",
        actor.locale
    ));
    leptos_axum::redirect("/");
    Ok(actor.locale)
}

#[server(endpoint = "current_user")]
pub async fn load_me() -> Result<Option<CurrentUser>, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let Some(actor) = ctx::optional_actor().await? else {
                return Ok(None);
            };
            let viewer = crate::policy::Viewer::new(&state.db, &actor);
            let can_post = !crate::policy::postable_group_ids(&state.db, &viewer)
                .await?
                .is_empty();
            let open_reports = if actor.roles.is_empty() {
                0
            } else {
                crate::moderation::server::open_count(&state.db, &actor).await?
            };
            let (has_children, open_consent) =
                crate::consent::server::banner(&state.db, &actor).await?;
            let unread = crate::notify::server::unread_count(&state.db, &actor).await?;
            Ok(Some(CurrentUser {
                unread,
                open_reports,
                has_children,
                open_consent: open_consent as i64,
                id: actor.user_id,
                name: actor.name.clone(),
                locale: actor.locale.clone(),
                is_admin: actor.is_admin,
                is_staff: actor.is_staff(),
                can_manage: actor.is_staff(),
                can_post,
            }))
        }
        .await,
    )
}

/// The stable login interface: `POST /api/login` with form fields `email` and `password`.
/// Answers the account's interface language, so a running app can switch to it at once.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<String, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let ip = ctx::client_ip().await?;
            signed_in(
                &state,
                super::server::login(&state, ip, &email, password).await?,
            )
        }
        .await,
    )
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            if let Some(token) = ctx::current_token().await? {
                auth::end_session(&state.db, &token).await?;
            }
            ctx::set_cookie(&auth::session_cookie(
                None,
                0,
                state.settings.secure_cookies(),
            ));
            // The browser forgets this site's caches and storage (and with them the service
            // worker): nothing of the session stays on a shared phone.
            ctx::set_header("clear-site-data", "\"cache\", \"storage\"");
            leptos_axum::redirect("/inloggen");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "logout_everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            auth::end_all_sessions(&state.db, actor.user_id).await?;
            ctx::set_cookie(&auth::session_cookie(
                None,
                0,
                state.settings.secure_cookies(),
            ));
            leptos_axum::redirect("/inloggen");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "request_reset")]
pub async fn request_reset(email: String) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let ip = ctx::client_ip().await?;
            super::server::request_reset(&state, ip, &email).await?;
            leptos_axum::redirect("/wachtwoord-vergeten?verstuurd=1");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<String, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let ip = ctx::client_ip().await?;
            let password = super::model::NewPassword::parse(&password, &password_confirm)?;
            signed_in(
                &state,
                super::server::reset_password(&state, ip, &token, password).await?,
            )
        }
        .await,
    )
}

#[server(endpoint = "invitation_info")]
pub async fn load_invitation(token: String) -> Result<InvitationInfo, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let ip = ctx::client_ip().await?;
            super::server::invitation_info(&state, ip, &token).await
        }
        .await,
    )
}

#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    password: String,
    // An existing account accepts with its current password alone.
    #[server(default)] password_confirm: String,
) -> Result<String, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let ip = ctx::client_ip().await?;
            signed_in(
                &state,
                super::server::accept_invitation(&state, ip, &token, password, &password_confirm)
                    .await?,
            )
        }
        .await,
    )
}

#[server(endpoint = "set_locale")]
pub async fn set_locale(locale: String) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::set_locale(&state.db, &actor, &locale).await?;
            ctx::set_cookie(&format!(
                "i18n_pref_locale={locale}; Path=/; Max-Age=31536000; SameSite=Lax"
            ));
            leptos_axum::redirect("/account");
            Ok(())
        }
        .await,
    )
}
