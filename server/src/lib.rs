//! The Kring server: configuration, the router, the CLI commands and the demo seed.
pub mod config;
pub mod http;
pub mod import_cli;
pub mod memory;
pub mod router;
pub mod seed;
pub mod seed_load;
pub mod seed_showcase;
pub mod summary;

use std::sync::Arc;

use app::platform::{
    db::Db, mail::Mailer, state::AppState, storage::Storage, throttle::Throttle, worker,
};
use leptos::config::LeptosOptions;
use tokio::{
    net::TcpListener,
    sync::{Notify, Semaphore},
};

/// Everything a running Kring needs, built from the configuration and an open database.
pub fn app_state(config: &config::Config, db: Db) -> Result<AppState, String> {
    let leptos_options = LeptosOptions::builder()
        .output_name("kring")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .hash_files(app::platform::service_worker::hash_file_present())
        .site_addr(config.addr)
        .build();
    let storage = Storage::open(&config.settings.storage)
        .map_err(|e| format!("media storage ({:?}): {e}", config.settings.storage))?;
    Ok(AppState {
        storage,
        db,
        settings: Arc::new(config.settings.clone()),
        throttle: Arc::new(Throttle::default()),
        jobs_wake: Arc::new(Notify::new()),
        media_budget: Arc::new(Semaphore::new(config.settings.media_memory_mb as usize)),
        transcodes: Arc::new(Semaphore::new(1)),
        leptos_options,
    })
}

/// Starts the job runner in the background.
pub fn spawn_worker(state: &AppState) -> Result<tokio::task::JoinHandle<()>, String> {
    let mailer = Mailer::from_settings(&state.settings)?;
    Ok(tokio::spawn(worker::run(app::jobs::runner(
        state.clone(),
        mailer,
    ))))
}

/// Serves Kring on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.settings.limits;
    http::serve(listener, router::build(state), limits, shutdown).await
}
