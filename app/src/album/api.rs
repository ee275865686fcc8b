//! Album server function: authenticate, call `album::server`.
use leptos::prelude::*;

use super::model::AlbumChild;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::ctx;

#[server(endpoint = "my_album")]
pub async fn load_album() -> Result<Vec<AlbumChild>, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::album(&state.db, &actor).await
        }
        .await,
    )
}
