//! Helpers for the consent and album tests: rounds, answers, tagged photo posts, and what a
//! family sees of them.
use std::time::Duration;

use serde_json::Value;

use super::{images::phone_photo, TestApp};

pub const BAKKER: &str = "ouder.bakker@example.nl"; // Lotte, Groep 3
pub const JANSEN: &str = "ouder.jansen@example.nl"; // Mila (Groep 3) and Finn (Groep 5/6)
pub const DEVRIES: &str = "ouder.devries@example.nl"; // Sam, Groep 5/6
pub const SANNE: &str = "juf.sanne@regenboog.example"; // teaches Groep 3
pub const DIRECTIE: &str = "directie@regenboog.example";

pub async fn call(
    app: &TestApp,
    who: &str,
    endpoint: &str,
    form: &[(&str, String)],
) -> (u16, Value) {
    let c = app.session(who).await;
    let res = app.call(endpoint, Some(&c), form).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Runs a statement with two id parameters (test set-up the UI has no button for).
pub async fn exec(app: &TestApp, sql: &str, a: i64, b: i64) {
    app::with_db!(&app.db, |pool| sqlx::query(sql)
        .bind(a)
        .bind(b)
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub async fn open_round(app: &TestApp, strict: bool, lock_date: &str) -> i64 {
    let school = app.school("OBS De Regenboog").await;
    let mut form = vec![
        ("school_id", school.to_string()),
        ("lock_date", lock_date.to_string()),
        ("mail_everyone", "true".to_string()),
    ];
    if strict {
        form.push(("strict", "true".into()));
    }
    let (status, body) = call(app, DIRECTIE, "open_consent_round", &form).await;
    assert_eq!(status, 200, "{body}");
    app.id_of(
        "SELECT cp.id FROM consent_purposes cp JOIN schools s ON s.id = cp.school_id \
         WHERE cp.kind = 'photos' AND s.name = $1",
        "OBS De Regenboog",
    )
    .await
}

pub async fn answer(app: &TestApp, who: &str, child: &str, purpose: i64, yes: bool) -> u16 {
    let pupil = app.pupil(child).await;
    let form = [
        ("pupil_id", pupil.to_string()),
        (
            &*format!("answers[p{purpose}]"),
            if yes { "yes" } else { "no" }.to_string(),
        ),
    ];
    call(app, who, "answer_consent", &form).await.0
}

/// Uploads `n` photos as the teacher and waits until they are processed. Answers the uids.
pub async fn ready_uploads(app: &TestApp, n: usize) -> Vec<String> {
    let sanne = app.session(SANNE).await;
    let mut uids = Vec::new();
    for i in 0..n {
        let part = reqwest::multipart::Part::bytes(phone_photo(320, 240, 1))
            .file_name(format!("IMG_{i}.JPG"))
            .mime_str("image/jpeg")
            .unwrap();
        let res = super::client()
            .post(app.at("/media"))
            .header("cookie", &sanne)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "upload {i}");
        let v: Value = res.json().await.unwrap();
        uids.push(v["uid"].as_str().unwrap().to_string());
    }
    for uid in &uids {
        wait_until_ready(app, uid).await;
    }
    uids
}

/// Waits until the job runner has processed upload `uid`; panics when it failed or is not ready
/// within 20 s (a test that went on would fail later, or pass, for the wrong reason).
pub async fn wait_until_ready(app: &TestApp, uid: &str) {
    let mut status = String::new();
    for _ in 0..400 {
        (status,) = app::with_db!(&app.db, |pool| sqlx::query_as(
            "SELECT status FROM media WHERE uid = $1"
        )
        .bind(uid)
        .fetch_one(pool)
        .await)
        .unwrap_or_else(|e| panic!("upload {uid}: {e}"));
        match status.as_str() {
            "ready" => return,
            "receiving" | "uploaded" => tokio::time::sleep(Duration::from_millis(50)).await,
            other => panic!("upload {uid} was not processed: its status is {other:?}"),
        }
    }
    panic!("upload {uid} was not processed within 20 s (status {status:?})");
}

/// Posts these uploads to Groep 3 as the teacher, with the given children tagged per photo and
/// extra form fields. Answers the status and body of `create_post`.
pub async fn post_photos(
    app: &TestApp,
    uids: &[String],
    tags: &[&[&str]],
    extra: &[(&str, String)],
) -> (u16, Value) {
    let mut form = vec![
        ("post[body]", "De herfstwandeling".to_string()),
        ("post[groups][]", app.group("Groep 3").await.to_string()),
    ];
    for (i, uid) in uids.iter().enumerate() {
        form.push(("post[media][]", uid.clone()));
        for child in tags.get(i).copied().unwrap_or_default() {
            form.push(("post[tags][]", format!("{uid}:{}", app.pupil(child).await)));
        }
    }
    form.extend(extra.iter().cloned());
    call(app, SANNE, "create_post", &form).await
}

/// Uploads photos as the teacher, waits until they are processed, and posts them to Groep 3 with
/// the given children tagged per photo. Answers the uids.
pub async fn tagged_post(app: &TestApp, tags: &[&[&str]]) -> Vec<String> {
    let uids = ready_uploads(app, tags.len()).await;
    let (status, body) = post_photos(app, &uids, tags, &[]).await;
    assert_eq!(status, 200, "{body}");
    uids
}

/// What `who` sees of these photos: in the feed and at the media URL (both must agree).
pub async fn sees(app: &TestApp, who: &str, uids: &[String]) -> Vec<bool> {
    let c = app.session(who).await;
    let feed = app.call("feed", Some(&c), &[]).await.text().await.unwrap();
    let mut out = Vec::new();
    for uid in uids {
        let in_feed = feed.contains(uid.as_str());
        let status = super::client()
            .get(app.at(&format!("/media/{uid}/feed")))
            .header("cookie", &c)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(
            in_feed,
            status == 200,
            "{who}: feed and URL disagree on {uid}"
        );
        out.push(in_feed);
    }
    out
}
