//! Import server functions: a school's import page, a run's preview and progress, its column
//! mapping, and applying it. The upload itself is a plain route (`routes`), as files are.
use std::collections::HashMap;

use leptos::prelude::*;

use super::model::{ImportHome, RunView};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::ctx;

#[server(endpoint = "import_home")]
pub async fn load_imports(school_id: i64) -> Result<ImportHome, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::home(&state.db, &actor, school_id).await
        }
        .await,
    )
}

#[server(endpoint = "import_run")]
pub async fn import_run(run_id: i64) -> Result<RunView, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::view(&state.db, &actor, run_id).await
        }
        .await,
    )
}

#[server(endpoint = "import_mapping")]
pub async fn import_mapping(
    run_id: i64,
    #[server(default)] columns: HashMap<String, String>,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::set_mapping(&state.db, &actor, run_id, &columns).await?;
            leptos_axum::redirect(&format!("/beheer/import/{run_id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "import_apply")]
pub async fn import_apply(run_id: i64) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::start(&state, &actor, run_id).await?;
            leptos_axum::redirect(&format!("/beheer/import/{run_id}"));
            Ok(())
        }
        .await,
    )
}
