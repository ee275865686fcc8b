//! The Kring server: configuration, the router, the CLI commands and the demo seed.
pub mod config;
pub mod router;
pub mod seed;
pub mod seed_load;
pub mod summary;

use std::{net::SocketAddr, sync::Arc};

use app::server::{
    db::Db, mail::Mailer, state::AppState, storage::Storage, throttle::Throttle, worker,
};
use leptos::config::LeptosOptions;
use tokio::{net::TcpListener, sync::Notify};

/// Everything a running Kring needs, built from the configuration and an open database.
pub fn app_state(config: &config::Config, db: Db) -> Result<AppState, String> {
    let leptos_options = LeptosOptions::builder()
        .output_name("kring")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .hash_files(app::server::pwa::hash_file_present())
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
        leptos_options,
    })
}

/// Starts the job runner in the background.
pub fn spawn_worker(state: &AppState) -> Result<tokio::task::JoinHandle<()>, String> {
    let mailer = Mailer::from_settings(&state.settings)?;
    Ok(tokio::spawn(worker::run(state.clone(), mailer)))
}

/// Serves Kring on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let app = router::build(state);
    // Without TCP_NODELAY a response written in two pieces (headers, then a file's body) waits for the
    // browser's delayed ACK: about 40 ms per static file.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("cannot set TCP_NODELAY: {e}");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
