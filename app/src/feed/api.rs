//! Reading server functions: the feed, a group's page, a post's page, the groups one reads, and
//! what a guardian has seen. Authenticate, call `feed::read`, return the shared view types.
use leptos::prelude::*;

use crate::{
    error::AppError,
    posts::model::{FeedPage, GroupRef, PostView},
};
#[cfg(feature = "ssr")]
use crate::{platform::ctx, posts::model::Cursor};

#[server(endpoint = "feed")]
pub async fn feed(cursor: Option<String>) -> Result<FeedPage, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let cursor = Cursor::parse(cursor.as_deref());
            let page = super::read::feed(&state.db, &actor, cursor).await?;
            // Without JavaScript nothing reports what was on screen: serving the page counts.
            // Only what is new is written, so reading the feed again costs no write.
            if !ctx::has_cookie(crate::posts::model::SCRIPT_COOKIE).await? {
                let ids: Vec<i64> = page
                    .pinned
                    .iter()
                    .chain(&page.posts)
                    .filter(|p| !p.seen)
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
            let cursor = Cursor::parse(cursor.as_deref());
            super::read::group_feed(&state.db, &actor, group_id, cursor).await
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
            let mut post = super::read::post(&state.db, &actor, post_id).await?;
            post.publish_at_text = post.publish_at.map(|at| state.db.clock().local_time(at));
            super::receipts::mark_seen(&state.db, &actor, post_id).await?;
            Ok((post, state.db.clock().now()))
        }
        .await,
    )
}

#[server(endpoint = "my_groups")]
pub async fn my_groups() -> Result<Vec<GroupRef>, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::read::my_groups(&state.db, &actor).await
        }
        .await,
    )
}

#[server(endpoint = "read_receipts")]
pub async fn read_receipts(post_id: i64) -> Result<crate::posts::model::ReadReceipts, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::receipts::read_receipts(&state.db, &actor, post_id).await
        }
        .await,
    )
}
