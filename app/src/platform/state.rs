//! The one state handed to every route and server function.
use std::{net::IpAddr, path::PathBuf, sync::Arc};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use tokio::sync::{Notify, Semaphore};

use super::{db::Db, storage::Storage, storage::StorageConfig, throttle::Throttle};
use crate::limits::MediaLimits;

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
    pub digest: super::schedule::Schedule,
    /// How many jobs run at once in the general lane (mail, push, notifications, summaries: mostly
    /// waiting on the network). Photos and videos have a lane of their own, so a mail never waits
    /// behind a transcode (DS-01).
    pub job_runners: usize,
    /// How many photo and video jobs run at once (videos still one at a time).
    pub media_runners: usize,
    /// Memory that decoding photos may take at once, in MiB; a photo waits until its planned peak
    /// fits, and one that never could is refused.
    pub media_memory_mb: u32,
    /// Longest video, from its container, before any transcode.
    pub max_video_secs: u64,
    /// Read timeouts and the connection cap of the HTTP server.
    pub limits: ConnectionLimits,
    /// How long a claimed job is leased before another runner may take it over.
    pub job_lease_secs: i64,
    /// At most this many invitation mails of an import go out per minute (bulk mail must not
    /// trip the school's mail provider).
    pub mail_per_minute: u32,
    /// Where requests to user-chosen addresses (push endpoints) may go: the public internet only.
    /// Tests set `Reach::Local` here to reach their own push service; no environment variable can.
    pub outbound: super::outbound::Reach,
}

#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// A client must send its request headers within this many seconds.
    pub header_secs: u64,
    /// A request body may stall at most this many seconds between two pieces.
    pub body_secs: u64,
    /// Connections served at once; further ones wait to be accepted.
    pub max_connections: usize,
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
    /// The photo decoding budget, one permit per MiB of `Settings::media_memory_mb`.
    #[from_ref(skip)]
    pub media_budget: Arc<Semaphore>,
    /// One video transcode at a time.
    #[from_ref(skip)]
    pub transcodes: Arc<Semaphore>,
    pub leptos_options: LeptosOptions,
}

impl AppState {
    /// Wakes the job runners of every lane: those with nothing to do go back to sleep. The stored
    /// permit wakes a runner that was busy at this moment as soon as it looks again.
    pub fn wake_jobs(&self) {
        self.jobs_wake.notify_waiters();
        self.jobs_wake.notify_one();
    }
}
