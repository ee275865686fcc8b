//! DS-01 and DS-02 against the real router: guesses counted before they are checked, videos
//! measured before they are transcoded, mail in a lane of its own, read timeouts and a connection
//! cap, forms refused before their files are stored, and markup rendered once when written.
use crate::common;

use std::time::{Duration, Instant};

use app::media::model::MAX_FILES_PER_POST;
use common::{images::plain_jpeg, Backend, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::media::{processed, upload, TEACHER};

/// DS-01: forty wrong guesses for one account sent at once: at most the lock's number (8) are
/// checked; the rest are refused before their password is looked at.
async fn ds01_parallel_guesses_for_one_account_are_counted_before_they_are_checked(app: TestApp) {
    let before = app.state.throttle.checked();
    let guesses = (0..40).map(|_| {
        let app = &app;
        async move {
            app.call(
                "login",
                None,
                &[
                    ("email", "ouder.bakker@example.nl".to_string()),
                    ("password", "een verkeerde gok".to_string()),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 400).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 40, "{statuses:?}");
    assert!(checked <= 8, "{checked} guesses were checked: {statuses:?}");
    assert!(app.state.throttle.checked() - before <= 8);
}

/// A video whose container says `secs` seconds, made in a moment: one black frame per second.
fn long_clip(secs: u32) -> Vec<u8> {
    let out = std::env::temp_dir().join(format!("kring-long-{}.mp4", common::unique()));
    let status = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("color=c=black:s=64x64:r=1:d={secs}"))
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ])
        .arg(&out)
        .status()
        .expect("ffmpeg is installed by scripts/install-tools.sh");
    assert!(status.success(), "making the long clip");
    let bytes = std::fs::read(&out).expect("clip");
    let _ = std::fs::remove_file(&out);
    bytes
}

/// DS-01: a video longer than `KRING_MAX_VIDEO_MINUTES` (15) is refused from its container, before
/// any transcode; a short one still plays.
async fn ds01_a_long_video_is_refused_before_it_is_transcoded(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let (status, answer) = upload(&app, Some(&sanne), "lang.mp4", long_clip(20 * 60)).await;
    assert_eq!(status, 200, "{answer:?}");
    let uid = answer.uid.expect("uid");
    assert_eq!(processed(&app, &uid).await, "failed");
    let (failure,): (Option<String>,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT failure FROM media WHERE uid = $1"
    )
    .bind(&uid)
    .fetch_one(pool)
    .await)
    .expect("failure");
    assert_eq!(failure.as_deref(), Some("media_video_too_long"));
    let (status, answer) = upload(&app, Some(&sanne), "kort.mp4", long_clip(3)).await;
    assert_eq!(status, 200);
    assert_eq!(processed(&app, &answer.uid.expect("uid")).await, "ready");
}

/// DS-01: five videos wait for a transcode; a password-reset mail asked after them is sent before
/// the first of them is done: mail never waits behind photo or video work.
async fn ds01_mail_goes_before_queued_transcodes(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let clip = crate::media::phone_video();
    let mut uids = Vec::new();
    for i in 0..5 {
        let (status, answer) =
            upload(&app, Some(&sanne), &format!("clip{i}.mov"), clip.clone()).await;
        assert_eq!(status, 200, "{answer:?}");
        uids.push(answer.uid.expect("uid"));
    }
    app.call(
        "request_reset",
        None,
        &[("email", "ouder.devries@example.nl".into())],
    )
    .await;
    app.smtp
        .wait_for("ouder.devries@example.nl", "/wachtwoord-instellen?token=")
        .await;
    let (ready,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM media WHERE status = 'ready'"
    )
    .fetch_one(pool)
    .await)
    .expect("count");
    assert_eq!(ready, 0, "the mail waited for a transcode");
    for uid in &uids {
        assert_eq!(processed(&app, uid).await, "ready");
    }
}

async fn tight_limits(backend: Backend) -> TestApp {
    common::spawn_app_with(backend, |s| {
        s.limits.header_secs = 1;
        s.limits.body_secs = 1;
        s.limits.max_connections = 3;
    })
    .await
}

/// Reads until the server closes the connection; answers how long that took.
async fn closed_within(stream: &mut tokio::net::TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at(
            tokio::time::Instant::from_std(started + limit),
            stream.read(&mut buf),
        )
        .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
            Err(_) => return None,
        }
    }
}

/// DS-01: headers that never finish and a body that stalls are cut off after their timeouts, and
/// beyond the connection cap new clients wait instead of being served by a server that holds
/// thousands of idle connections.
async fn ds01_slow_clients_are_cut_off_and_connections_are_capped(backend: Backend) {
    let app = tight_limits(backend).await;
    let addr = app.url.trim_start_matches("http://").to_string();
    let mut idle = Vec::new();
    for _ in 0..3 {
        let mut s = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: kring\r\n")
            .await
            .expect("half a request");
        idle.push(s);
    }
    // The cap is reached: a fourth client is served only once a slot is free again.
    let started = Instant::now();
    let res = reqwest::get(app.at("/healthz"))
        .await
        .expect("served later");
    assert_eq!(res.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "served at once beyond the cap"
    );
    for s in &mut idle {
        let closed = closed_within(s, Duration::from_secs(5)).await;
        assert!(
            closed.is_some(),
            "a connection with unfinished headers was kept"
        );
    }
    // A body that stalls.
    let mut s = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    s.write_all(
        b"POST /api/login HTTP/1.1\r\nHost: kring\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a",
    )
    .await
    .expect("half a body");
    assert!(
        closed_within(&mut s, Duration::from_secs(5))
            .await
            .is_some(),
        "a stalled body was waited for"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ds01_slow_clients_are_cut_off_sqlite() {
    ds01_slow_clients_are_cut_off_and_connections_are_capped(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ds01_slow_clients_are_cut_off_postgres() {
    ds01_slow_clients_are_cut_off_and_connections_are_capped(Backend::Postgres).await
}

async fn media_of_teacher(app: &TestApp) -> (i64, i64) {
    app::with_db!(&app.db, |pool| sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(CASE WHEN status <> 'discarded' THEN 1 END), COUNT(*) FROM media"
    )
    .fetch_one(pool)
    .await)
    .expect("media")
}

/// DS-01: a compose form with more files than a post may have is refused without keeping (or
/// processing) any of them; so is a newsletter with too many PDFs.
async fn ds01_too_many_files_are_refused_before_they_are_kept(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let photo = plain_jpeg(32, 32);
    let mut form = reqwest::multipart::Form::new()
        .text("post[body]", "Honderdtwintig foto's")
        .text("post[groups][]", app.group("Groep 3").await.to_string());
    for i in 0..MAX_FILES_PER_POST + 20 {
        let part = reqwest::multipart::Part::bytes(photo.clone())
            .file_name(format!("foto{i}.jpg"))
            .mime_str("image/jpeg")
            .expect("mime");
        form = form.part("files", part);
    }
    let res = common::client()
        .post(app.at("/bericht/nieuw"))
        .header("cookie", &sanne)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .expect("location")
        .contains("fout=media_too_many"));
    let (kept, stored) = media_of_teacher(&app).await;
    assert_eq!(kept, 0, "nothing of a refused form is kept");
    assert!(stored <= MAX_FILES_PER_POST as i64, "{stored} stored");
    // A newsletter with eleven PDFs.
    let directie = app.session("directie@regenboog.example").await;
    let school_group = app
        .id_of(
            "SELECT g.id FROM groups g JOIN schools s ON s.id = g.school_id WHERE g.kind = 'school' AND s.name = $1",
            "OBS De Regenboog",
        )
        .await;
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let mut form = reqwest::multipart::Form::new()
        .text("group", school_group.to_string())
        .text("title", "Nieuwsbrief met te veel bijlagen");
    for i in 0..11 {
        let part = reqwest::multipart::Part::bytes(pdf.to_vec())
            .file_name(format!("bijlage{i}.pdf"))
            .mime_str("application/pdf")
            .expect("mime");
        form = form.part("attachments", part);
    }
    let res = common::client()
        .post(app.at("/nieuwsbrief/opslaan"))
        .header("cookie", &directie)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert!(res.status().is_redirection());
    let (attachments,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM attachments WHERE post_id IS NULL"
    )
    .fetch_one(pool)
    .await)
    .expect("attachments");
    assert_eq!(attachments, 0, "no loose PDFs are left");
}

/// DS-02: a post's markup is rendered when it is written and stored with the rules' version; a post
/// from before those rules is rendered by the start-up job, not on every view.
async fn ds02_markup_is_rendered_once_when_written(app: TestApp) {
    let post = app
        .make_post(TEACHER, "Groep 3", &format!("{}diep", ">".repeat(19_000)))
        .await;
    let row = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let (html, version): (String, i64) = app::with_db!(&db, |pool| sqlx::query_as(
                "SELECT body_html, render_version FROM posts WHERE id = $1"
            )
            .bind(post)
            .fetch_one(pool)
            .await)
            .expect("post");
            (html, version)
        }
    };
    let (html, version) = row(&app).await;
    assert_eq!(version, app::platform::markup::VERSION);
    assert!(html.contains("diep") && html.matches("<blockquote>").count() <= 6);
    // As if written before the rules: the job renders it again.
    app::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE posts SET body_html = '', render_version = 0 WHERE id = $1"
    )
    .bind(post)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("age the post");
    let n = app::posts::rerender::render_older(&app.db)
        .await
        .expect("render");
    assert!(n >= 1);
    assert_eq!(row(&app).await, (html, app::platform::markup::VERSION));
}

db_tests!(
    ds01_parallel_guesses_for_one_account_are_counted_before_they_are_checked,
    ds01_a_long_video_is_refused_before_it_is_transcoded,
    ds01_mail_goes_before_queued_transcodes,
    ds01_too_many_files_are_refused_before_they_are_kept,
    ds02_markup_is_rendered_once_when_written,
);
