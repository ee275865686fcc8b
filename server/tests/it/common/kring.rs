//! The real `kring` binary in a process of its own, for what can only be measured from outside:
//! its memory (VmRSS, and VmHWM, the peak since it started) while an attack runs against it.
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use app::platform::db::Db;

use super::{database, unique, Backend, PASSWORD};

pub struct Kring {
    pub child: Child,
    pub url: String,
    pub dir: PathBuf,
    pub db: Db,
}

impl Kring {
    /// Seeds the demo school into a fresh database and starts `kring serve` on a free port, with
    /// `extra` settings on top of the test defaults.
    pub async fn start(extra: &[(&str, String)]) -> Kring {
        let dir = std::env::temp_dir().join(format!("kring-proc-{}", unique()));
        std::fs::create_dir_all(&dir).expect("dir");
        let db_url = database(Backend::Sqlite, &dir).await;
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
            l.local_addr().expect("addr").port()
        };
        let mut env: Vec<(String, String)> = vec![
            ("KRING_DATA_DIR".into(), dir.display().to_string()),
            ("KRING_DATABASE_URL".into(), db_url.clone()),
            ("KRING_ADDR".into(), format!("127.0.0.1:{port}")),
            ("KRING_DEMO_PASSWORD".into(), PASSWORD.into()),
            (
                "KRING_SITE_ROOT".into(),
                concat!(env!("CARGO_MANIFEST_DIR"), "/../public").into(),
            ),
            ("KRING_LOG".into(), "warn".into()),
        ];
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let status = command(&env, &["seed-demo"])
            .status()
            .expect("kring seed-demo");
        assert!(status.success(), "seed-demo");
        let child = command(&env, &["serve"]).spawn().expect("kring serve");
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http
                .get(format!("{url}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let db = Db::connect(&db_url, Default::default()).await.expect("db");
        Kring {
            child,
            url,
            dir,
            db,
        }
    }

    /// Resident memory now, in MiB.
    pub fn rss_mb(&self) -> f64 {
        self.status_kb("VmRSS:") / 1024.0
    }

    /// The most resident memory since the process started, in MiB.
    pub fn peak_mb(&self) -> f64 {
        self.status_kb("VmHWM:") / 1024.0
    }

    fn status_kb(&self, field: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server is running");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0)
    }

    /// A session for `email`, minted in the database the server uses.
    pub async fn session(&self, email: &str) -> String {
        super::mint_session(&self.db, email).await
    }
}

fn command(env: &[(String, String)], args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kring"));
    cmd.args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

impl Drop for Kring {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
