//! The integration test harness: the real router on port 0, a fresh database per test (SQLite file
//! or a new PostgreSQL database), a real SMTP sink, the job runner, and HTTP with cookies like a browser.
#![allow(dead_code)]
pub mod consent;
pub mod images;
pub mod kring;
pub mod push;
pub mod smtp;

use std::{path::PathBuf, sync::Arc};

use app::platform::{
    auth,
    db::Db,
    state::{AppState, Settings},
};
use server::config::Config;

pub use smtp::SmtpSink;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const PASSWORD: &str = "kring-demo";

pub struct TestApp {
    pub backend: Backend,
    pub url: String,
    /// The database's URL, for running the `kring` binary against it.
    pub db_url: String,
    pub db: Db,
    pub state: AppState,
    pub smtp: SmtpSink,
    pub dir: PathBuf,
    pub http: reqwest::Client,
}

/// Runs one async test body against both databases: `db_tests!(name, other_name);` where each name is
/// an `async fn name(app: TestApp)`.
/// `db_tests!(settings |s| …; name, …)` starts each app with changed settings (e.g. the test-only
/// `Reach::Local` for a push service on this machine).
#[macro_export]
macro_rules! db_tests {
    (settings $adjust:expr; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::spawn_app_with($crate::common::Backend::Sqlite, $adjust).await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::spawn_app_with($crate::common::Backend::Postgres, $adjust).await).await
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::spawn_app($crate::common::Backend::Sqlite).await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::spawn_app($crate::common::Backend::Postgres).await).await
                }
            )*
        }
    };
}

pub fn unique() -> String {
    app::platform::secrets::new_token()[..16].to_string()
}

pub async fn database(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("kring.db").display()),
        Backend::Postgres => {
            let base = std::env::var("KRING_TEST_POSTGRES_URL").expect(
                "KRING_TEST_POSTGRES_URL is not set: the PostgreSQL suite must run (scripts/test.sh starts a cluster)",
            );
            let name = format!("kring_test_{}", unique());
            let admin = sqlx::PgPool::connect(&base)
                .await
                .expect("connect to KRING_TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("create test database");
            admin.close().await;
            let mut url = url::Url::parse(&base).expect("postgres url");
            url.set_path(&name);
            url.to_string()
        }
    }
}

/// Panics of the server, its jobs and the app code it runs (not a test's own assertions), kept for
/// `TestApp`'s drop: a test run in which the server panicked fails, even when every answer it
/// checked looked right (a panicking handler is an empty reply to somebody).
static SERVER_PANICS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn watch_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map(|l| l.file()).unwrap_or_default();
            let in_a_test = file.contains("tests/it/") || file.contains("tests\\it\\");
            if !in_a_test {
                if let Ok(mut all) = SERVER_PANICS.lock() {
                    all.push(info.to_string());
                }
            }
            previous(info);
        }));
    });
}

/// The server's panics since the last call (empty when all is well).
pub fn take_server_panics() -> Vec<String> {
    SERVER_PANICS
        .lock()
        .map(|mut all| std::mem::take(&mut *all))
        .unwrap_or_default()
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts Kring with the demo school; `adjust` may change the settings first.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    watch_panics();
    let dir = std::env::temp_dir().join(format!("kring-it-{}", unique()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (smtp, smtp_port) = SmtpSink::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let db_url = database(backend, &dir).await;
    let mut config = Config::from_vars(|k| match k {
        "KRING_DATA_DIR" => Some(dir.display().to_string()),
        "KRING_DATABASE_URL" => Some(db_url.clone()),
        "KRING_ADDR" => Some(addr.to_string()),
        "KRING_SMTP_HOST" => Some("127.0.0.1".into()),
        "KRING_SMTP_PORT" => Some(smtp_port.to_string()),
        "KRING_SMTP_TLS" => Some("none".into()),
        // The static files as they are in the repository (the build output may not exist yet).
        "KRING_SITE_ROOT" => Some(concat!(env!("CARGO_MANIFEST_DIR"), "/../public").into()),
        _ => None,
    })
    .expect("config");
    adjust(&mut config.settings);
    let db = Db::connect(&config.database_url, config.clock())
        .await
        .expect("connect");
    db.migrate().await.expect("migrate");
    server::seed::seed_demo(&db, PASSWORD).await.expect("seed");
    let state = server::app_state(&config, db.clone()).expect("state");
    server::spawn_worker(&state).expect("worker");
    tokio::spawn(server::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    TestApp {
        backend,
        url: format!("http://{addr}"),
        db_url,
        db,
        state,
        smtp,
        dir,
        http: client(),
    }
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub async fn user_id(db: &Db, email: &str) -> i64 {
    let (id,): (i64,) = app::with_db!(db, |pool| sqlx::query_as(
        "SELECT id FROM users WHERE email = $1"
    )
    .bind(email)
    .fetch_one(pool)
    .await)
    .expect("user");
    id
}

/// A session for `email` in `db`, minted directly (no password hashing), as a Cookie header value.
pub async fn mint_session(db: &Db, email: &str) -> String {
    let actor = auth::load_actor(db, user_id(db, email).await)
        .await
        .expect("actor")
        .expect("active user");
    let token = auth::start_session(db, &actor).await.expect("session");
    format!("{}={token}", auth::SESSION_COOKIE)
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        // A hung request fails its test instead of stalling the suite.
        .timeout(std::time::Duration::from_secs(60))
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Each test's SQLite file, outbox and media; a failed test keeps nothing either.
        let _ = std::fs::remove_dir_all(&self.dir);
        if !std::thread::panicking() {
            let panics = take_server_panics();
            assert!(panics.is_empty(), "the server panicked: {panics:#?}");
        }
    }
}

impl TestApp {
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    pub async fn user_id(&self, email: &str) -> i64 {
        user_id(&self.db, email).await
    }

    /// A fresh session for `email`, minted directly (no password hashing), as a Cookie header value.
    pub async fn session(&self, email: &str) -> String {
        mint_session(&self.db, email).await
    }

    /// Calls a server function as a script would (JSON answer), with an optional session cookie.
    pub async fn call(
        &self,
        endpoint: &str,
        cookie: Option<&str>,
        form: &[(&str, String)],
    ) -> reqwest::Response {
        let mut req = reqwest::Client::new()
            .post(self.at(&format!("/api/{endpoint}")))
            .form(form);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send().await.expect("request")
    }

    /// Fetches a page as a browser would, with an optional session cookie.
    pub async fn page(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut req = client().get(self.at(path)).header("accept", "text/html");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send().await.expect("request")
    }

    pub async fn id_of(&self, sql: &str, arg: &str) -> i64 {
        let (id,): (i64,) = app::with_db!(&self.db, |pool| sqlx::query_as(sql)
            .bind(arg)
            .fetch_one(pool)
            .await)
        .unwrap_or_else(|e| panic!("{sql} {arg}: {e}"));
        id
    }

    pub async fn group(&self, name: &str) -> i64 {
        self.id_of("SELECT id FROM groups WHERE name = $1", name)
            .await
    }

    pub async fn school(&self, name: &str) -> i64 {
        self.id_of("SELECT id FROM schools WHERE name = $1", name)
            .await
    }

    pub async fn pupil(&self, first_name: &str) -> i64 {
        self.id_of("SELECT id FROM pupils WHERE first_name = $1", first_name)
            .await
    }

    /// The newest post of a group (by group name).
    pub async fn post_in(&self, group: &str) -> i64 {
        self.id_of(
            "SELECT p.id FROM posts p JOIN post_groups pg ON pg.post_id = p.id JOIN groups g ON g.id = pg.group_id \
             WHERE g.name = $1 ORDER BY p.id DESC LIMIT 1",
            group,
        )
        .await
    }

    /// Creates a post as `email` in `group` through the domain layer.
    pub async fn make_post(&self, email: &str, group: &str, body: &str) -> i64 {
        let id = self.user_id(email).await;
        let actor = auth::load_actor(&self.db, id)
            .await
            .expect("actor")
            .expect("active");
        let post = app::posts::model::NewPost::parse(app::posts::model::PostForm {
            body: body.into(),
            groups: vec![self.group(group).await],
            ..Default::default()
        })
        .expect("valid post");
        app::posts::server::create(&self.db, &actor, post, &Default::default())
            .await
            .expect("create post")
    }

    pub async fn actor(&self, email: &str) -> auth::Actor {
        let id = self.user_id(email).await;
        auth::load_actor(&self.db, id)
            .await
            .expect("actor")
            .expect("active")
    }

    /// A comment by `email` on a post, through the domain layer.
    pub async fn make_comment(&self, email: &str, post_id: i64, text: &str) -> i64 {
        let actor = self.actor(email).await;
        let text = app::comments::model::CommentText::parse(text).expect("valid comment");
        app::comments::server::add(&self.db, &actor, post_id, text)
            .await
            .expect("add comment")
    }

    /// A report by `email` of a comment (or, with `None`, of the post), through the domain layer;
    /// answers the new report's id.
    pub async fn make_report(&self, email: &str, post_id: i64, comment_id: Option<i64>) -> i64 {
        let actor = self.actor(email).await;
        let report = app::moderation::model::NewReport::parse("hurtful", "").expect("valid");
        app::moderation::server::report(&self.db, &actor, post_id, comment_id, report)
            .await
            .expect("report");
        let (id,): (i64,) = app::with_db!(&self.db, |pool| sqlx::query_as(
            "SELECT MAX(id) FROM reports"
        )
        .fetch_one(pool)
        .await)
        .expect("report id");
        id
    }

    pub fn settings(&self) -> Arc<Settings> {
        self.state.settings.clone()
    }
}
