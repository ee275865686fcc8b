//! Report and moderation server functions: authenticate, parse, call `moderation::server`.
use leptos::prelude::*;

use super::model::{Queue, ReportTarget};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::ctx;

#[server(endpoint = "report_target")]
pub async fn load_report_target(
    post_id: i64,
    comment_id: Option<i64>,
) -> Result<ReportTarget, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::preview(&state.db, &actor, post_id, comment_id).await
        }
        .await,
    )
}

#[server(endpoint = "report")]
pub async fn report(
    post_id: i64,
    comment_id: Option<i64>,
    reason: String,
    details: String,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let new = super::model::NewReport::parse(&reason, &details)?;
            super::server::report(&state.db, &actor, post_id, comment_id, new).await?;
            state.wake_jobs();
            leptos_axum::redirect(&format!("/bericht/{post_id}?gemeld=1"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "moderation_queue")]
pub async fn moderation_queue() -> Result<Queue, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::queue(&state.db, &actor).await
        }
        .await,
    )
}

#[server(endpoint = "resolve_report")]
pub async fn resolve_report(
    report_id: i64,
    decision: String,
    note: String,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let decision = super::model::Decision::parse(&decision)?;
            let note = crate::comments::model::Reason::parse(&note)?;
            super::server::resolve(&state, &actor, report_id, decision, &note).await?;
            leptos_axum::redirect("/moderatie");
            Ok(())
        }
        .await,
    )
}
