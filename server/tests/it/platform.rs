//! Cross-cutting guarantees: security headers, cross-site refusal, health, logs without personal
//! data, and durable jobs.
use crate::common;

use std::sync::{Arc, Mutex, OnceLock};

use common::{TestApp, PASSWORD};

/// HD-01: pages, server functions, errors and static files all carry the headers; pages get a CSP
/// nonce and never 'unsafe-inline' scripts.
async fn hd01_security_headers_on_every_response(app: TestApp) {
    let bakker = app.session("ouder.bakker@example.nl").await;
    let page = app.page("/", Some(&bakker)).await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("'nonce-")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
    );
    let html = page.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the header's nonce"
    );
    for res in [
        app.page("/inloggen", None).await,
        app.page("/bestaat-niet", None).await,
        app.page("/pkg/kring.css", None).await,
        app.call("feed", None, &[]).await,
        reqwest::get(app.at("/healthz")).await.unwrap(),
    ] {
        let h = res.headers();
        let what = res.url().path().to_string();
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["referrer-policy"], "same-origin", "{what}");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{what}"
        );
        assert!(
            !h.contains_key("strict-transport-security"),
            "no HSTS on plain http: {what}"
        );
    }
}

/// CS-01: a state change from another site's page is refused, by Origin or by Sec-Fetch-Site.
async fn cs01_cross_site_requests_are_refused(app: TestApp) {
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let g3 = app.group("Groep 3").await;
    let form = [
        ("post[body]", "Via een andere site".to_string()),
        ("post[groups][]", g3.to_string()),
    ];
    let post = |origin: Option<&str>, site: Option<&str>| {
        let mut req = reqwest::Client::new()
            .post(app.at("/api/create_post"))
            .header("cookie", &sanne)
            .form(&form);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        req.send()
    };
    assert_eq!(
        post(Some("https://evil.example"), None)
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(post(Some("null"), None).await.unwrap().status(), 403);
    assert_eq!(post(None, Some("cross-site")).await.unwrap().status(), 403);
    assert_eq!(
        post(Some(&app.url), Some("same-origin"))
            .await
            .unwrap()
            .status(),
        200,
        "own origin works"
    );
    let bakker = app.session("ouder.bakker@example.nl").await;
    let feed: serde_json::Value = app
        .call("feed", Some(&bakker), &[])
        .await
        .json()
        .await
        .unwrap();
    let made = feed["posts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["body_html"]
                .as_str()
                .unwrap_or("")
                .contains("Via een andere site")
        })
        .count();
    assert_eq!(made, 1, "only the same-origin post exists");
}

async fn healthz_reports_the_database(app: TestApp) {
    let ok = reqwest::get(app.at("/healthz")).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "ok");
    app.db.close().await;
    assert_eq!(
        reqwest::get(app.at("/healthz")).await.unwrap().status(),
        503
    );
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured_logs() -> Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_env_filter(server::config::log_filter("debug"))
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        logs
    })
    .clone()
}

/// PR-04: names, e-mail addresses, message texts, tokens and passwords never reach the logs.
async fn pr04_logs_hold_no_personal_data(app: TestApp) {
    let logs = captured_logs();
    let canary_password = "kanarie-wachtwoord-4711";
    let canary_text = "kanarie-bericht-tekst-4711";
    let canary_name = "Kanarie Vogelaar";
    let canary_email = "kanarie.vogel@example.nl";
    app.call(
        "login",
        None,
        &[
            ("email", canary_email.into()),
            ("password", canary_password.into()),
        ],
    )
    .await;
    app.call(
        "login",
        None,
        &[
            ("email", "ouder.bakker@example.nl".into()),
            ("password", PASSWORD.into()),
        ],
    )
    .await;
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let g3 = app.group("Groep 3").await;
    app.call(
        "create_post",
        Some(&sanne),
        &[
            ("post[body]", canary_text.into()),
            ("post[groups][]", g3.to_string()),
        ],
    )
    .await;
    let lotte = app.pupil("Lotte").await;
    app.call(
        "invite_guardian",
        Some(&sanne),
        &[
            ("pupil_id", lotte.to_string()),
            ("name", canary_name.into()),
            ("email", canary_email.into()),
        ],
    )
    .await;
    let mail = app.smtp.wait_for(canary_email, "token=").await;
    let token = common::smtp::token_link(&mail, "http://")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    app.page(&format!("/uitnodiging?token={token}"), None).await;
    app.call(
        "accept_invitation",
        None,
        &[
            ("token", token.clone()),
            ("password", canary_password.into()),
            ("password_confirm", canary_password.into()),
        ],
    )
    .await;
    app.call("request_reset", None, &[("email", canary_email.into())])
        .await;
    app.smtp
        .wait_for(canary_email, "wachtwoord-instellen")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
    assert!(text.contains("request"), "the logs were captured");
    for canary in [
        canary_password,
        canary_text,
        canary_name,
        canary_email,
        token.as_str(),
        "Sanne Visser",
        "juf.sanne@regenboog.example",
    ] {
        assert!(!text.contains(canary), "the log contains {canary:?}");
    }
    let session_value = sanne.split('=').nth(1).unwrap();
    assert!(
        !text.contains(session_value),
        "the log contains a session token"
    );
}

/// LD-02: a job whose runner died mid-way (lease taken, never finished) runs again after a restart;
/// an idempotency key enqueued twice runs once.
async fn ld02_jobs_survive_a_crash_and_run_once_per_key(app: TestApp) {
    use app::platform::jobs;
    let db = &app.db;
    let user_id = app.user_id("ouder.devries@example.nl").await;
    let payload = app::accounts::server::ResetJob { user_id };
    // Stop the background runner from taking it first: enqueue in the future, then bring it due.
    jobs::enqueue(db, "mail.password_reset", &payload, "crash-test")
        .await
        .unwrap();
    jobs::enqueue(db, "mail.password_reset", &payload, "crash-test")
        .await
        .unwrap();
    let (count,): (i64,) = app::with_db!(db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM jobs WHERE idempotency_key = 'crash-test'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(count, 1, "one job per idempotency key");
    // Simulate a runner that claimed the job and was killed: running, lease expired.
    app::with_db!(db, |pool| sqlx::query("UPDATE jobs SET status = 'running', attempts = 1, locked_until = 1 WHERE idempotency_key = 'crash-test'").execute(pool).await.map(|_| ())).unwrap();
    let mailer = app::platform::mail::Mailer::from_settings(&app.settings()).unwrap();
    app::platform::worker::run_due(&app::jobs::runner(app.state.clone(), mailer))
        .await
        .unwrap();
    // This runner or the app's own (both may find the expired lease) finishes it, once.
    let mut status = String::new();
    for _ in 0..200 {
        (status,) = app::with_db!(db, |pool| sqlx::query_as(
            "SELECT status FROM jobs WHERE idempotency_key = 'crash-test'"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        if status == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "done");
    app.smtp
        .wait_for("ouder.devries@example.nl", "wachtwoord-instellen")
        .await;
}

/// Finished jobs are forgotten after a month; failed ones stay for an admin to look at.
async fn old_finished_jobs_are_forgotten(app: TestApp) {
    let db = &app.db;
    let now = db.clock().now();
    let month = app::platform::jobs::KEEP_DONE_SECS;
    for (key, status, finished) in [
        ("old-done", "done", now - month - 60),
        ("new-done", "done", now - 60),
        ("old-failed", "failed", now - month - 60),
    ] {
        app::with_db!(db, |pool| sqlx::query(
            "INSERT INTO jobs (kind, payload, idempotency_key, status, run_at, created_at, finished_at) \
             VALUES ('test', '{}', $1, $2, $3, $3, $3)"
        )
        .bind(key)
        .bind(status)
        .bind(finished)
        .execute(pool)
        .await
        .map(|_| ()))
        .unwrap();
    }
    // The worker's own sweep may have run in between and forgotten it first: what counts is what is left.
    assert!(app::platform::jobs::forget_done(db).await.unwrap() <= 1);
    let left: Vec<(String,)> = app::with_db!(db, |pool| sqlx::query_as(
        "SELECT idempotency_key FROM jobs WHERE kind = 'test' ORDER BY idempotency_key"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(left, vec![("new-done".into(),), ("old-failed".into(),)]);
}

/// LD-03: the service worker may keep only static files, and is itself checked on every visit.
async fn ld03_the_service_worker_keeps_only_static_files(app: TestApp) {
    let res = reqwest::get(app.at("/sw.js")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let source = res.text().await.unwrap();
    let list = source
        .split("const PRECACHE = ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("a precache list");
    let files: Vec<String> = serde_json::from_str(list).expect("a JSON list");
    assert!(files.contains(&"/offline.html".to_string()));
    for file in &files {
        assert!(
            file.starts_with("/pkg/") || file.starts_with("/icons/") || !file[1..].contains('/'),
            "only static files: {file}"
        );
        assert!(!file.starts_with("/api") && !file.starts_with("/media") && file != "/");
    }
    // The page itself is never cached by anyone; the offline page is revalidated.
    let page = app.page("/inloggen", None).await;
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let offline = app.page("/offline.html", None).await;
    assert_eq!(offline.status(), 200);
    assert_eq!(offline.headers()["cache-control"], "no-cache");
}

/// A form that cannot be read (a word where a number belongs, a field missing) is the client's
/// mistake: 400 with the reason the page shows in Dutch, never a 500.
async fn malformed_forms_are_400_not_500(app: TestApp) {
    let directie = app.session("directie@regenboog.example").await;
    for (endpoint, form) in [
        (
            "admin_place_pupil",
            vec![("pupil_id", "abc".to_string()), ("group_id", "1".into())],
        ),
        ("admin_pupil", vec![]),
        ("get_post", vec![("post_id", "1e99999".to_string())]),
    ] {
        let res = app.call(endpoint, Some(&directie), &form).await;
        assert_eq!(res.status(), 400, "{endpoint}");
        let body = res.text().await.unwrap();
        assert!(body.contains("invalid_form"), "{endpoint}: {body}");
    }
}

db_tests!(
    malformed_forms_are_400_not_500,
    old_finished_jobs_are_forgotten,
    hd01_security_headers_on_every_response,
    cs01_cross_site_requests_are_refused,
    healthz_reports_the_database,
    pr04_logs_hold_no_personal_data,
    ld02_jobs_survive_a_crash_and_run_once_per_key,
    ld03_the_service_worker_keeps_only_static_files,
);
