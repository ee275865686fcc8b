//! Post server functions: authenticate, parse, call `posts::server`, return the shared view types.
use leptos::prelude::*;

use super::model::{ComposeOptions, FeedPage, PostForm, PostView};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::ctx;

#[server(endpoint = "feed")]
pub async fn feed(cursor: Option<String>) -> Result<FeedPage, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let cursor = super::model::Cursor::parse(cursor.as_deref());
            let page = super::server::feed(&state.db, &actor, cursor).await?;
            // Without JavaScript nothing reports what was on screen: serving the page counts.
            if !ctx::has_cookie(super::model::SCRIPT_COOKIE).await? {
                let ids: Vec<i64> = page
                    .pinned
                    .iter()
                    .chain(&page.posts)
                    .map(|p| p.id)
                    .collect();
                super::receipts::mark_many_seen(&state.db, &actor, &ids).await?;
            }
            Ok(page)
        }
        .await,
    )
}

/// The feed's posts that a guardian had on screen (sent by the page's `SeenReporter`). Unknown and
/// unreadable ids are ignored: the answer is the same whatever they are.
#[server(endpoint = "posts_seen")]
pub async fn posts_seen(#[server(default)] ids: Vec<i64>) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::receipts::mark_many_seen(&state.db, &actor, &ids).await
        }
        .await,
    )
}

#[server(endpoint = "group_feed")]
pub async fn group_feed(group_id: i64, cursor: Option<String>) -> Result<FeedPage, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let cursor = super::model::Cursor::parse(cursor.as_deref());
            super::server::group_feed(&state.db, &actor, group_id, cursor).await
        }
        .await,
    )
}

#[server(endpoint = "get_post")]
pub async fn get_post(post_id: i64) -> Result<(PostView, i64), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let mut post = super::server::get(&state.db, &actor, post_id).await?;
            post.publish_at_text = post
                .publish_at
                .map(|at| crate::newsletters::server::local_time(state.settings.digest.tz, at));
            super::receipts::mark_seen(&state.db, &actor, post_id).await?;
            Ok((post, state.db.clock().now()))
        }
        .await,
    )
}

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

#[server(endpoint = "my_groups")]
pub async fn my_groups() -> Result<Vec<super::model::GroupRef>, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::my_groups(&state.db, &actor).await
        }
        .await,
    )
}

#[server(endpoint = "read_receipts")]
pub async fn read_receipts(post_id: i64) -> Result<super::model::ReadReceipts, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::receipts::read_receipts(&state.db, &actor, post_id).await
        }
        .await,
    )
}
