//! Comment server functions: authenticate, parse, call `comments::server`.
use leptos::prelude::*;

use super::model::Comments;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::ctx;

#[server(endpoint = "post_comments")]
pub async fn post_comments(post_id: i64) -> Result<Comments, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::list(&state.db, &actor, post_id).await
        }
        .await,
    )
}

#[server(endpoint = "add_comment")]
pub async fn add_comment(post_id: i64, body: String) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let text = super::model::CommentText::parse(&body)?;
            super::server::add(&state.db, &actor, post_id, text).await?;
            state.wake_jobs();
            leptos_axum::redirect(&format!("/bericht/{post_id}#reacties"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "delete_comment")]
pub async fn delete_comment(comment_id: i64) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let post_id = super::server::delete_own(&state.db, &actor, comment_id).await?;
            leptos_axum::redirect(&format!("/bericht/{post_id}#reacties"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "remove_comment")]
pub async fn remove_comment(comment_id: i64, reason: String) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let reason = super::model::Reason::parse(&reason)?;
            let post_id = super::server::remove(&state.db, &actor, comment_id, &reason).await?;
            state.wake_jobs();
            leptos_axum::redirect(&format!("/bericht/{post_id}#reacties"));
            Ok(())
        }
        .await,
    )
}
