//! Settings from `KRING_*` environment variables. A bad value stops start-up with a message that
//! names the variable and the problem; secret values are never echoed.
use std::{net::IpAddr, net::SocketAddr, path::PathBuf};

use app::{
    media::model::{MediaLimits, MB},
    platform::{
        state::{ConnectionLimits, Settings, SmtpSettings},
        storage::StorageConfig,
    },
};

#[derive(Debug)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub settings: Settings,
    pub site_root: String,
    pub demo_password: String,
    pub log_filter: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

/// The log filter from `KRING_LOG`, with the HTML parser held at warnings whatever it says: at debug
/// level it logs the text it parses, which is people's messages (PR-04).
pub fn log_filter(raw: &str) -> tracing_subscriber::EnvFilter {
    let quiet = "html5ever=warn,markup5ever=warn";
    tracing_subscriber::EnvFilter::try_new(format!("{raw},{quiet}"))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("info,{quiet}")))
}

fn bad(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

impl Config {
    /// The system clock in the foundation's time zone (`KRING_TIMEZONE`).
    pub fn clock(&self) -> app::platform::clock::Clock {
        app::platform::clock::Clock::system(self.settings.digest.tz)
    }

    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the settings through `get`, so tests need not touch the process environment.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let data_dir = PathBuf::from(get("KRING_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match get("KRING_DATABASE_URL") {
            Some(url)
                if url.starts_with("sqlite:")
                    || url.starts_with("postgres:")
                    || url.starts_with("postgresql:") =>
            {
                url
            }
            Some(_) => {
                return Err(bad(
                    "KRING_DATABASE_URL",
                    "must start with sqlite:// or postgres://",
                ))
            }
            None => format!("sqlite://{}", data_dir.join("kring.db").display()),
        };
        let addr: SocketAddr = get("KRING_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|_| {
                bad(
                    "KRING_ADDR",
                    "must be an address with a port, e.g. 127.0.0.1:3000",
                )
            })?;
        let public_url = match get("KRING_PUBLIC_URL") {
            Some(raw) => {
                let url = url::Url::parse(&raw).map_err(|_| {
                    bad(
                        "KRING_PUBLIC_URL",
                        "must be a full URL such as https://kring.school.nl",
                    )
                })?;
                if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                    return Err(bad(
                        "KRING_PUBLIC_URL",
                        "must start with https:// (or http:// for local use)",
                    ));
                }
                if url.path() != "/" || url.query().is_some() {
                    return Err(bad(
                        "KRING_PUBLIC_URL",
                        "must not contain a path: Kring is served from the root",
                    ));
                }
                url
            }
            None => url::Url::parse(&format!("http://{addr}"))
                .map_err(|_| bad("KRING_ADDR", "cannot form a URL from this address"))?,
        };
        let trusted_proxies = match get("KRING_TRUSTED_PROXIES") {
            Some(list) => list
                .split(',')
                .map(|s| s.trim().parse::<IpAddr>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| {
                    bad(
                        "KRING_TRUSTED_PROXIES",
                        "must be a comma-separated list of IP addresses",
                    )
                })?,
            None => Vec::new(),
        };
        let mail_from = get("KRING_MAIL_FROM").unwrap_or_else(|| "Kring <kring@localhost>".into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(bad(
                "KRING_MAIL_FROM",
                "must be an address, e.g. Kring <kring@school.nl>",
            ));
        }
        let smtp = match get("KRING_SMTP_HOST") {
            None => None,
            Some(host) => {
                let tls = get("KRING_SMTP_TLS").unwrap_or_else(|| "starttls".into());
                if !matches!(tls.as_str(), "starttls" | "tls" | "none") {
                    return Err(bad("KRING_SMTP_TLS", "must be starttls, tls or none"));
                }
                let default_port = match tls.as_str() {
                    "tls" => 465,
                    "none" => 25,
                    _ => 587,
                };
                let port = match get("KRING_SMTP_PORT") {
                    Some(p) => p
                        .parse()
                        .map_err(|_| bad("KRING_SMTP_PORT", "must be a port number"))?,
                    None => default_port,
                };
                Some(SmtpSettings {
                    host,
                    port,
                    username: get("KRING_SMTP_USERNAME"),
                    password: get("KRING_SMTP_PASSWORD"),
                    tls,
                })
            }
        };
        let megabytes = |var: &'static str, default: u64| match get(var) {
            None => Ok(default * MB),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .map(|n| n * MB)
                .ok_or_else(|| bad(var, "must be a whole number of megabytes, e.g. 25")),
        };
        let media_limits = MediaLimits {
            photo_bytes: megabytes("KRING_MAX_PHOTO_MB", 25)?,
            video_bytes: megabytes("KRING_MAX_VIDEO_MB", 500)?,
            post_bytes: megabytes("KRING_MAX_POST_MB", 1024)?,
        };
        let storage = match get("KRING_S3_BUCKET") {
            None => StorageConfig::Local(data_dir.join("media")),
            Some(bucket) => {
                let required = |var: &'static str| {
                    get(var).ok_or_else(|| bad(var, "is required when KRING_S3_BUCKET is set"))
                };
                let endpoint = get("KRING_S3_ENDPOINT");
                if let Some(e) = &endpoint {
                    if url::Url::parse(e).is_err() {
                        return Err(bad(
                            "KRING_S3_ENDPOINT",
                            "must be a URL such as https://s3.example.nl",
                        ));
                    }
                }
                StorageConfig::S3 {
                    bucket,
                    endpoint,
                    region: get("KRING_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                    access_key_id: required("KRING_S3_ACCESS_KEY_ID")?,
                    secret_access_key: required("KRING_S3_SECRET_ACCESS_KEY")?,
                }
            }
        };
        let ffmpeg = Some(PathBuf::from(
            get("KRING_FFMPEG").unwrap_or_else(|| "ffmpeg".into()),
        ))
        .filter(|path| app::media::video::ffmpeg_works(path));
        let digest = app::platform::schedule::Schedule::parse(
            get("KRING_DIGEST_WEEKLY").as_deref().unwrap_or("fri 16:00"),
            get("KRING_DIGEST_DAILY").as_deref().unwrap_or("17:00"),
            get("KRING_TIMEZONE")
                .as_deref()
                .unwrap_or("Europe/Amsterdam"),
        )
        .map_err(|(var, problem)| bad(var, problem))?;
        let number = |var: &'static str, default: i64, max: i64| match get(var) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| bad(var, format!("must be a whole number from 1 to {max}"))),
        };
        Ok(Config {
            database_url,
            addr,
            site_root: get("KRING_SITE_ROOT")
                .or_else(|| get("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into()),
            demo_password: get("KRING_DEMO_PASSWORD").unwrap_or_else(|| "kring-demo".into()),
            log_filter: get("KRING_LOG").unwrap_or_else(|| "info".into()),
            settings: Settings {
                public_url,
                data_dir,
                trusted_proxies,
                mail_from,
                smtp,
                media_limits,
                storage,
                ffmpeg,
                digest,
                job_runners: number("KRING_JOB_RUNNERS", 4, 64)? as usize,
                job_lease_secs: number(
                    "KRING_JOB_LEASE_SECS",
                    app::platform::jobs::LEASE_SECS,
                    86_400,
                )?,
                media_runners: number("KRING_MEDIA_RUNNERS", 2, 16)? as usize,
                mail_per_minute: number("KRING_MAIL_PER_MINUTE", 120, 100_000)? as u32,
                media_memory_mb: number("KRING_MEDIA_MEMORY_MB", 384, 65_536)? as u32,
                max_video_secs: number("KRING_MAX_VIDEO_MINUTES", 15, 600)? as u64 * 60,
                limits: ConnectionLimits {
                    header_secs: number("KRING_HEADER_TIMEOUT_SECS", 10, 3600)? as u64,
                    body_secs: number("KRING_BODY_TIMEOUT_SECS", 30, 3600)? as u64,
                    max_connections: number("KRING_MAX_CONNECTIONS", 4096, 1_000_000)? as usize,
                },
                // Deliberately no variable: only the test suite reaches a push service on this machine.
                outbound: Default::default(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_a_local_sqlite_demo() {
        let c = with(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://./data/kring.db");
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert!(!c.settings.secure_cookies());
        assert!(c.settings.smtp.is_none());
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        assert_eq!(
            with(&[("KRING_ADDR", "nope")]).unwrap_err().var,
            "KRING_ADDR"
        );
        assert_eq!(
            with(&[("KRING_DATABASE_URL", "mysql://x")])
                .unwrap_err()
                .var,
            "KRING_DATABASE_URL"
        );
        assert_eq!(
            with(&[("KRING_PUBLIC_URL", "kring.nl")]).unwrap_err().var,
            "KRING_PUBLIC_URL"
        );
        assert_eq!(
            with(&[("KRING_TRUSTED_PROXIES", "10.0.0.1,x")])
                .unwrap_err()
                .var,
            "KRING_TRUSTED_PROXIES"
        );
        assert_eq!(
            with(&[("KRING_SMTP_HOST", "m"), ("KRING_SMTP_TLS", "maybe")])
                .unwrap_err()
                .var,
            "KRING_SMTP_TLS"
        );
    }

    #[test]
    fn a_secret_is_never_part_of_an_error() {
        let err = with(&[
            ("KRING_SMTP_HOST", "m"),
            ("KRING_SMTP_PASSWORD", "hunter2-secret"),
            ("KRING_SMTP_PORT", "x"),
        ])
        .unwrap_err();
        assert!(!err.to_string().contains("hunter2-secret"));
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let c = with(&[("KRING_PUBLIC_URL", "https://kring.school.nl")]).unwrap();
        assert!(c.settings.secure_cookies());
        assert_eq!(c.settings.origin(), "https://kring.school.nl");
    }
}
