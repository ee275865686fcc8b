//! LD-02 for the weekly summary: the real `kring` binary is killed with SIGKILL at random moments
//! while it sends, and restarted, until the queue is empty. Every guardian still gets their summary
//! (0 lost), and a summary arrives twice only when the process died in the instant after handing it
//! to SMTP: duplicates ≤ kills. One job runner, so each kill can interrupt at most one message.
use crate::common;

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::{Backend, SmtpSink};
use rand::Rng;

const KILLS: usize = 5;

struct Kring {
    env: Vec<(String, String)>,
}

impl Kring {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kring"));
        cmd.args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) {
        let status = self.command(args).status().expect("run kring");
        assert!(status.success(), "kring {args:?} failed");
    }

    fn serve(&self) -> Child {
        self.command(&["serve"]).spawn().expect("start kring")
    }
}

async fn open_jobs(db: &app::platform::db::Db) -> i64 {
    let (n,): (i64,) = app::with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT COUNT(*) FROM jobs WHERE kind LIKE 'digest.%' AND status IN ('pending', 'running')"
    )
    .fetch_one(pool)
    .await
    })
    .unwrap();
    n
}

async fn killed_mid_send_loses_nothing(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("kring-crash-{}", common::unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let (smtp, port) = SmtpSink::start().await;
    let url = common::database(backend, &dir).await;
    let kring = Kring {
        env: vec![
            ("KRING_DATA_DIR".into(), dir.display().to_string()),
            ("KRING_DATABASE_URL".into(), url.clone()),
            ("KRING_ADDR".into(), "127.0.0.1:0".into()),
            ("KRING_SMTP_HOST".into(), "127.0.0.1".into()),
            ("KRING_SMTP_PORT".into(), port.to_string()),
            ("KRING_SMTP_TLS".into(), "none".into()),
            ("KRING_JOB_RUNNERS".into(), "1".into()),
            // A killed runner's job is taken over a second later instead of five minutes.
            ("KRING_JOB_LEASE_SECS".into(), "1".into()),
            (
                "KRING_SITE_ROOT".into(),
                concat!(env!("CARGO_MANIFEST_DIR"), "/../public").into(),
            ),
            ("KRING_LOG".into(), "warn".into()),
        ],
    };
    // 10 class groups of 20 pupils, each with a guardian, and a week of posts.
    kring.run(&["seed-load", "--groups", "10", "--posts", "200"]);
    kring.run(&["send-summary", "--queue-only"]);
    let db = app::platform::db::Db::connect(&url, Default::default())
        .await
        .unwrap();
    let (expected,): (i64,) = app::with_db!(&db, |pool| sqlx::query_as(
        "SELECT COUNT(DISTINCT n.user_id) FROM notifications n JOIN guardianships g ON g.user_id = n.user_id"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(expected >= 150, "{expected} guardians with news");

    let mut kills = 0;
    while kills < KILLS && open_jobs(&db).await > 0 {
        let mut child = kring.serve();
        // Wait until it is sending, then kill it at a random moment.
        let before = smtp.all().len();
        let started = Instant::now();
        while smtp.all().len() == before && started.elapsed() < Duration::from_secs(20) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let pause = rand::thread_rng().gen_range(0..150);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        kills += 1;
    }
    let mut child = kring.serve();
    let started = Instant::now();
    while open_jobs(&db).await > 0 && started.elapsed() < Duration::from_secs(180) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(open_jobs(&db).await, 0, "the queue drained");

    let mails = smtp.all();
    let mut recipients: Vec<&str> = mails
        .iter()
        .flat_map(|m| m.to.iter().map(String::as_str))
        .collect();
    let total = recipients.len();
    recipients.sort_unstable();
    recipients.dedup();
    let doubled = total - recipients.len();
    eprintln!(
        "{backend:?}: {expected} guardians, {total} mails received, {} distinct, {doubled} doubled, {kills} kills",
        recipients.len()
    );
    assert_eq!(recipients.len() as i64, expected, "0 lost");
    assert!(doubled <= kills, "{doubled} duplicates after {kills} kills");
    assert!(kills >= 2, "the test killed the sender mid-send");
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ld02_sqlite_killed_mid_send_loses_nothing() {
    killed_mid_send_loses_nothing(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ld02_postgres_killed_mid_send_loses_nothing() {
    killed_mid_send_loses_nothing(Backend::Postgres).await
}
