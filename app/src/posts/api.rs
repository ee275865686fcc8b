//! Post server functions: authenticate, parse, call `posts::server`, return the shared view types.
use leptos::prelude::*;

use super::model::{ComposeOptions, PostForm, PostView};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::ctx;

#[server(endpoint = "compose_options")]
pub async fn load_compose() -> Result<ComposeOptions, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::compose_options(&state.db, &actor, state.settings.media_limits).await
        }
        .await,
    )
}

#[server(endpoint = "create_post")]
pub async fn create_post(post: PostForm) -> Result<i64, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let post = super::model::NewPost::parse(post)?;
            let id = super::server::create(&state.db, &actor, post, &state.settings.media_limits)
                .await?;
            // Its notifications were queued with it.
            state.wake_jobs();
            leptos_axum::redirect(&format!("/bericht/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(endpoint = "update_post")]
pub async fn update_post(post_id: i64, post: PostForm) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let post = super::model::NewPost::parse(post)?;
            super::server::update(&state.db, &actor, post_id, post).await?;
            leptos_axum::redirect(&format!("/bericht/{post_id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "delete_post")]
pub async fn delete_post(post_id: i64) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::delete(&state, &actor, post_id, None).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "pin_post")]
pub async fn pin_post(post_id: i64, pinned: bool) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::set_pinned(&state.db, &actor, post_id, pinned).await?;
            leptos_axum::redirect(&format!("/bericht/{post_id}"));
            Ok(())
        }
        .await,
    )
}

/// A post as its editor finds it: for its author and the directie of its school.
#[server(endpoint = "post_for_edit")]
pub async fn post_for_edit(post_id: i64) -> Result<PostView, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::for_edit(&state.db, &actor, post_id).await
        }
        .await,
    )
}
