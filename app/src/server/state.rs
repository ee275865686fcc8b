//! The one state handed to every route and server function.
use std::{net::IpAddr, path::PathBuf, sync::Arc};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use tokio::sync::Notify;

use super::{db::Db, storage::Storage, storage::StorageConfig, throttle::Throttle};
use crate::media::model::MediaLimits;

#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// "starttls" (default), "tls" or "none".
    pub tls: String,
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// The address users reach; links in e-mails, the Origin check and `Secure` cookies follow it.
    pub public_url: url::Url,
    pub data_dir: PathBuf,
    pub trusted_proxies: Vec<IpAddr>,
    pub mail_from: String,
    /// None: mails are written to `data_dir/outbox` instead of sent.
    pub smtp: Option<SmtpSettings>,
    pub media_limits: MediaLimits,
    /// Where photos live: `data_dir/media` unless S3 is configured.
    pub storage: StorageConfig,
    /// Debian's ffmpeg for videos; `None` when it cannot be run (videos are then refused).
    pub ffmpeg: Option<PathBuf>,
    /// When the daily and weekly e-mail summaries go out (foundation-wide).
    pub digest: crate::notify::digest::Schedule,
    /// How many jobs run at once (mail and push are mostly waiting on the network).
    pub job_runners: usize,
    /// How long a claimed job is leased before another runner may take it over.
    pub job_lease_secs: i64,
    /// Where requests to user-chosen addresses (push endpoints) may go: the public internet only.
    /// Tests set `Reach::Local` here to reach their own push service; no environment variable can.
    pub outbound: super::outbound::Reach,
}

impl Settings {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// The public origin, e.g. `https://kring.example.nl`.
    pub fn origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.origin(), path)
    }
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub throttle: Arc<Throttle>,
    pub storage: Storage,
    /// Wakes the job runner when work is enqueued.
    pub jobs_wake: Arc<Notify>,
    pub leptos_options: LeptosOptions,
}
