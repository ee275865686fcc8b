//! Notification server functions: thin wrappers over `notify::server` and `notify::push`.
use leptos::prelude::*;

use super::model::{MailFailure, NotificationList, Prefs, PushText};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::ctx;

/// The in-app list; opening it marks everything read.
#[server(endpoint = "notifications")]
pub async fn load_notifications() -> Result<NotificationList, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let list = super::server::list(&state.db, &actor).await?;
            super::server::mark_all_read(&state.db, &actor).await?;
            Ok(list)
        }
        .await,
    )
}

#[server(endpoint = "notification_prefs")]
pub async fn load_prefs() -> Result<Prefs, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::prefs::prefs(&state.db, &actor).await
        }
        .await,
    )
}

/// `push` and `email` are the kinds whose box is ticked; `muted` the group ids.
#[server(endpoint = "save_notification_prefs")]
pub async fn save_prefs(
    frequency: String,
    #[server(default)] push: Vec<String>,
    #[server(default)] email: Vec<String>,
    #[server(default)] muted: Vec<i64>,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let prefs = super::model::NewPrefs::parse(&frequency, &push, &email, muted)
                .ok_or_else(|| AppError::validation("form", crate::error::Invalid::InvalidForm))?;
            super::prefs::save_prefs(&state.db, &actor, &prefs).await?;
            leptos_axum::redirect("/meldingen/instellingen?opgeslagen=1");
            Ok(())
        }
        .await,
    )
}

/// The public VAPID key for `pushManager.subscribe`.
#[server(endpoint = "push_key")]
pub async fn push_key() -> Result<String, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            ctx::actor().await?;
            super::push::public_key(&state.db).await
        }
        .await,
    )
}

#[server(endpoint = "push_subscribe")]
pub async fn push_subscribe(
    endpoint: String,
    p256dh: String,
    auth: String,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let sub = super::push::Subscription::parse(
                state.settings.outbound,
                &endpoint,
                &p256dh,
                &auth,
            )?;
            let token = ctx::current_token().await?;
            super::push::subscribe(&state.db, &actor, token.as_deref(), &sub).await
        }
        .await,
    )
}

#[server(endpoint = "push_unsubscribe")]
pub async fn push_unsubscribe(endpoint: String) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::push::unsubscribe(&state.db, &actor, &endpoint).await
        }
        .await,
    )
}

/// The words for a push notification, asked by the service worker with the person's own session.
/// Only the person the notification is for gets them, and only while they may see the post.
#[server(endpoint = "push_text")]
pub async fn load_push_text(id: i64) -> Result<PushText, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::push_text(&state.db, &actor, id).await
        }
        .await,
    )
}

/// Mail that did not arrive (bounces) among the people the signed-in admin or directie manages.
#[server(endpoint = "mail_failures")]
pub async fn mail_failures() -> Result<(Vec<MailFailure>, i64), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let list = super::server::mail_failures(&state.db, &actor).await?;
            Ok((list, state.db.clock().now()))
        }
        .await,
    )
}
