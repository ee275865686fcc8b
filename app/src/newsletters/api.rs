//! Newsletter server functions: authenticate, call `newsletters::server`, return the shared types.
//! The form itself posts to the `/nieuwsbrief/opslaan` route (it carries files).
use leptos::prelude::*;

use super::model::{Archive, NewsletterEdit};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::ctx;

#[server(endpoint = "newsletters")]
pub async fn newsletters() -> Result<Archive, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::archive(&state.db, &actor, state.settings.digest.tz).await
        }
        .await,
    )
}

#[server(endpoint = "newsletter_form")]
pub async fn newsletter_form(id: Option<i64>) -> Result<NewsletterEdit, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::edit_data(&state.db, &actor, id).await
        }
        .await,
    )
}

/// Sends a newsletter now (`at` empty) or at `at`, a `datetime-local` value in the foundation's
/// time zone.
#[server(endpoint = "send_newsletter")]
pub async fn send_newsletter(post_id: i64, at: Option<String>) -> Result<i64, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let at = match at.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(raw) => Some(
                    super::server::parse_local(state.settings.digest.tz, raw).ok_or_else(|| {
                        AppError::validation("at", crate::error::Invalid::NewsletterAtInvalid)
                    })?,
                ),
            };
            let reached = super::server::send(&state, &actor, post_id, at).await?;
            let done = if at.is_some() {
                "ingepland"
            } else {
                "verstuurd"
            };
            leptos_axum::redirect(&format!("/bericht/{post_id}?{done}={reached}"));
            Ok(reached)
        }
        .await,
    )
}

#[server(endpoint = "unschedule_newsletter")]
pub async fn unschedule_newsletter(post_id: i64) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::unschedule(&state.db, &actor, post_id).await?;
            leptos_axum::redirect(&format!("/bericht/{post_id}"));
            Ok(())
        }
        .await,
    )
}
