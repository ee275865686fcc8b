//! Photos end to end against the real router, on SQLite and PostgreSQL: upload, refusal of bad files
//! (UP-01, UP-02), metadata stripped byte for byte (UP-03), authorised serving (UP-04, AC-01 for
//! media URLs), nothing left of a broken upload (UP-05), files deleted with their post (PR-05).
use crate::common;

use std::{path::PathBuf, time::Duration};

use app::media::model::UploadAnswer;
use common::{images::*, Backend, TestApp};

pub(crate) const TEACHER: &str = "juf.sanne@regenboog.example"; // teaches Groep 3

pub(crate) async fn upload(
    app: &TestApp,
    cookie: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, UploadAnswer) {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str("image/jpeg")
        .expect("mime");
    let form = reqwest::multipart::Form::new().part("file", part);
    let mut req = common::client().post(app.at("/media")).multipart(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.expect("upload");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    let answer =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not an upload answer: {text}"));
    (status, answer)
}

pub(crate) async fn status_of(app: &TestApp, uid: &str) -> Option<String> {
    let row: Option<(String,)> = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT status FROM media WHERE uid = $1"
    )
    .bind(uid)
    .fetch_optional(pool)
    .await)
    .expect("media status");
    row.map(|r| r.0)
}

/// Waits for the job runner to finish an upload; returns its final status.
pub(crate) async fn processed(app: &TestApp, uid: &str) -> String {
    for _ in 0..600 {
        match status_of(app, uid).await.as_deref() {
            Some("receiving" | "uploaded") => tokio::time::sleep(Duration::from_millis(50)).await,
            Some(other) => return other.to_string(),
            None => panic!("media {uid} vanished"),
        }
    }
    panic!("media {uid} was not processed within 30 s");
}

pub(crate) async fn post_with(app: &TestApp, cookie: &str, group: &str, uids: &[&str]) -> i64 {
    let mut form = vec![
        (
            "post[body]",
            "Schoolreisje naar de kinderboerderij".to_string(),
        ),
        ("post[groups][]", app.group(group).await.to_string()),
    ];
    for uid in uids {
        form.push(("post[media][]", uid.to_string()));
    }
    let res = app.call("create_post", Some(cookie), &form).await;
    assert_eq!(
        res.status(),
        200,
        "create_post: {}",
        res.text().await.unwrap_or_default()
    );
    res.json().await.expect("post id")
}

/// A photo post in Groep 3 by the teacher, published; returns (post id, uid).
async fn published_photo(app: &TestApp) -> (i64, String) {
    let sanne = app.session(TEACHER).await;
    let (status, answer) =
        upload(app, Some(&sanne), "IMG_0001.JPG", phone_photo(640, 480, 1)).await;
    assert_eq!(status, 200, "{answer:?}");
    let uid = answer.uid.expect("uid");
    assert_eq!(processed(app, &uid).await, "ready");
    let post = post_with(app, &sanne, "Groep 3", &[&uid]).await;
    (post, uid)
}

fn stored_files(app: &TestApp) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push((p.clone(), std::fs::read(&p).expect("read stored file")));
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.dir.join("media"), &mut out);
    out
}

async fn media_rows(app: &TestApp) -> i64 {
    let (n,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as("SELECT COUNT(*) FROM media")
        .fetch_one(pool)
        .await)
    .expect("count");
    n
}

/// UP-03: the originals carry canaries in EXIF (camera, description, GPS), XMP, IPTC and a comment;
/// no stored file and no served byte contains any of them, and the rotated photo stands upright.
async fn up03_no_metadata_survives_and_photos_stand_upright(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    // 200×100 landscape pixels with EXIF orientation 6: the phone was held upright.
    let (status, answer) =
        upload(&app, Some(&sanne), "IMG_0002.JPG", phone_photo(200, 100, 6)).await;
    assert_eq!(status, 200, "{answer:?}");
    let uid = answer.uid.expect("uid");
    assert_eq!(processed(&app, &uid).await, "ready");
    post_with(&app, &sanne, "Groep 3", &[&uid]).await;

    let files = stored_files(&app);
    assert_eq!(
        files.len(),
        3,
        "thumb, feed and full; the original is gone: {:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let bakker = app.session("ouder.bakker@example.nl").await;
    for variant in ["thumb", "feed", "full"] {
        let res = app
            .page(&format!("/media/{uid}/{variant}"), Some(&bakker))
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        let served = res.bytes().await.expect("bytes").to_vec();
        let decoded = image::load_from_memory(&served)
            .expect("a real JPEG")
            .to_rgb8();
        assert_eq!(decoded.dimensions(), (100, 200), "{variant} is upright");
        // Turned a quarter clockwise, the red left half is now on top.
        let top = decoded.get_pixel(50, 20);
        assert!(
            top[0] > 150 && top[2] < 100,
            "{variant}: top is red, got {top:?}"
        );
        for (path, stored) in files
            .iter()
            .map(|(p, b)| (p.display().to_string(), b.as_slice()))
            .chain([(variant.to_string(), served.as_slice())])
        {
            for canary in CANARIES.iter().chain([&COMMENT_CANARY]) {
                assert!(
                    !contains(stored, canary.as_bytes()),
                    "{canary} survived in {path}"
                );
            }
            for marker in [
                b"Exif\0".as_slice(),
                b"http://ns.adobe.com",
                b"Photoshop 3.0",
                b"8BIM",
            ] {
                assert!(
                    !contains(stored, marker),
                    "metadata block {:?} survived in {path}",
                    String::from_utf8_lossy(marker)
                );
            }
        }
    }
}

/// UP-01/UP-02: every file of the bad corpus is refused with its own reason, and nothing of it is
/// kept (no row, no stored byte).
async fn up01_up02_bad_files_are_refused_and_leave_nothing(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let mut truncated = plain_jpeg(64, 64);
    truncated.truncate(30);
    let corpus: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "page.jpg",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
            415,
            "media_type_not_allowed",
        ),
        (
            "logo.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec(),
            415,
            "media_type_not_allowed",
        ),
        (
            "scan.jpg",
            b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec(),
            415,
            "media_type_not_allowed",
        ),
        (
            "photo.jpg.exe",
            b"MZ\x90\0\x03\0\0\0".to_vec(),
            415,
            "media_type_not_allowed",
        ),
        (
            "polyglot.jpg",
            polyglot_jpeg(),
            415,
            "media_type_not_allowed",
        ),
        ("truncated.jpg", truncated, 422, "media_unreadable"),
        // Refused from the header: decoding would have failed with "unreadable" (no pixel data).
        ("bomb.png", pixel_bomb_png(), 422, "media_too_many_pixels"),
        (
            "iphone.heic",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(),
            422,
            "media_heic_unsupported",
        ),
        ("empty.jpg", Vec::new(), 400, "media_no_file"),
    ];
    for (name, bytes, want_status, want_key) in corpus {
        let (status, answer) = upload(&app, Some(&sanne), name, bytes).await;
        let refusal = answer
            .refusal
            .unwrap_or_else(|| panic!("{name} was accepted"));
        assert_eq!(
            (status, refusal.key.as_str()),
            (want_status, want_key),
            "{name}"
        );
    }
    assert_eq!(media_rows(&app).await, 0);
    assert!(stored_files(&app).is_empty(), "refused uploads left files");
}

/// UP-02: the byte limit is configurable and the refusal names it (a test app of its own).
async fn up02_limit(backend: Backend) {
    let app = common::spawn_app_with(backend, |s| s.media_limits.photo_bytes = 1024 * 1024).await;
    let sanne = app.session(TEACHER).await;
    let mut big = plain_jpeg(64, 64);
    big.resize(1024 * 1024 + 10, 0);
    let (status, answer) = upload(&app, Some(&sanne), "big.jpg", big).await;
    let refusal = answer.refusal.expect("refused");
    assert_eq!(
        (status, refusal.key.as_str(), refusal.limit_mb),
        (413, "media_photo_too_big", 1)
    );
    assert_eq!(media_rows(&app).await, 0);
    assert!(stored_files(&app).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up02_photo_limit_sqlite() {
    up02_limit(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up02_photo_limit_postgres() {
    up02_limit(Backend::Postgres).await
}

/// Only staff who may post somewhere may upload.
async fn families_and_visitors_cannot_upload(app: TestApp) {
    let bakker = app.session("ouder.bakker@example.nl").await;
    let admin = app.session("beheer@kring.example").await;
    assert_eq!(upload(&app, None, "a.jpg", plain_jpeg(8, 8)).await.0, 401);
    assert_eq!(
        upload(&app, Some(&bakker), "a.jpg", plain_jpeg(8, 8))
            .await
            .0,
        403
    );
    assert_eq!(
        upload(&app, Some(&admin), "a.jpg", plain_jpeg(8, 8))
            .await
            .0,
        403
    );
    assert_eq!(media_rows(&app).await, 0);
}

/// UP-04 and AC-01 for media URLs: every size of a Groep 3 photo, for every kind of actor. A denial
/// is a 404 byte-identical to an unknown id; the family of the group is the positive control.
async fn up04_media_urls_follow_the_post_visibility(app: TestApp) {
    let (_, uid) = published_photo(&app).await;
    let expected = [
        ("anonymous", 404),
        ("ouder.bakker@example.nl", 200),
        ("ouder.jansen@example.nl", 200),
        ("ouder.devries@example.nl", 404),
        (TEACHER, 200),
        ("meester.ahmed@regenboog.example", 404),
        ("directie@regenboog.example", 200),
        ("directie@kompas.example", 404),
        ("beheer@kring.example", 404),
    ];
    let unknown = app.page("/media/AAAAAAAAAAAAAAAAAAAAAA/feed", None).await;
    let unknown = (
        unknown.status().as_u16(),
        unknown.bytes().await.expect("bytes"),
    );
    for (actor, want) in expected {
        let cookie = if actor == "anonymous" {
            None
        } else {
            Some(app.session(actor).await)
        };
        for variant in ["thumb", "feed", "full"] {
            let res = app
                .page(&format!("/media/{uid}/{variant}"), cookie.as_deref())
                .await;
            assert_eq!(res.status().as_u16(), want, "{actor} {variant}");
            assert_eq!(res.headers()["x-content-type-options"], "nosniff");
            if want == 200 {
                assert_eq!(res.headers()["cache-control"], "private, no-cache");
            } else {
                let body = res.bytes().await.expect("bytes");
                assert_eq!(
                    (404, body),
                    unknown,
                    "{actor}: a denial looks exactly like a missing photo"
                );
            }
        }
    }
    // No other size or path reaches the bytes.
    let bakker = app.session("ouder.bakker@example.nl").await;
    for path in [
        format!("/media/{uid}/original"),
        format!("/media/{uid}"),
        format!("/media/incoming/{uid}"),
    ] {
        assert_eq!(app.page(&path, Some(&bakker)).await.status(), 404, "{path}");
    }
}

/// A revalidation costs a 304 once the rights were checked again; a range serves part of the file.
async fn media_revalidate_and_serve_ranges(app: TestApp) {
    let (_, uid) = published_photo(&app).await;
    let bakker = app.session("ouder.bakker@example.nl").await;
    let first = app.page(&format!("/media/{uid}/feed"), Some(&bakker)).await;
    let etag = first.headers()["etag"].to_str().expect("etag").to_string();
    let size = first.bytes().await.expect("bytes").len();
    let again = common::client()
        .get(app.at(&format!("/media/{uid}/feed")))
        .header("cookie", &bakker)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(again.status(), 304);
    let part = common::client()
        .get(app.at(&format!("/media/{uid}/feed")))
        .header("cookie", &bakker)
        .header("range", "bytes=0-99")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 0-99/{size}").as_str()
    );
    assert_eq!(part.bytes().await.expect("bytes").len(), 100);
    // The same request from a family of another group: still a 404, even with the right ETag.
    let devries = app.session("ouder.devries@example.nl").await;
    let other = common::client()
        .get(app.at(&format!("/media/{uid}/feed")))
        .header("cookie", &devries)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("other");
    assert_eq!(other.status(), 404);
}

/// An upload of the teacher whose bytes are stored but whose job has not run: its row says
/// 'uploaded' and no job is queued. Returns the media id.
async fn uploaded_not_processed(app: &TestApp, uid: &str, photo: Vec<u8>) -> i64 {
    let sanne_id = app.user_id(TEACHER).await;
    let key = app::media::server::original_key(uid);
    app.state.storage.put(&key, photo).await.expect("store");
    let (media_id,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "INSERT INTO media (uid, uploader_id, kind, status, original_key, bytes, created_at) \
         VALUES ($1, $2, 'image', 'uploaded', $3, 1000, $4) RETURNING id"
    )
    .bind(uid)
    .bind(sanne_id)
    .bind(&key)
    .bind(app.db.clock().now())
    .fetch_one(pool)
    .await)
    .expect("media row");
    media_id
}

/// A post is invisible to families while its photos are processed, and appears when they are done.
async fn a_post_waits_for_its_photos(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let uid = "WAITINGWAITINGWAITING1";
    let media_id = uploaded_not_processed(&app, uid, phone_photo(320, 240, 1)).await;
    let post = post_with(&app, &sanne, "Groep 3", &[uid]).await;
    let bakker = app.session("ouder.bakker@example.nl").await;
    let get = |c: String| {
        let app = &app;
        async move {
            app.call("get_post", Some(&c), &[("post_id", post.to_string())])
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        get(bakker.clone()).await,
        404,
        "families see nothing of a processing post"
    );
    let feed: serde_json::Value = app
        .call("feed", Some(&bakker), &[])
        .await
        .json()
        .await
        .expect("feed");
    assert!(
        !feed.to_string().contains("Schoolreisje"),
        "not in the feed either"
    );
    let own: serde_json::Value = app
        .call("get_post", Some(&sanne), &[("post_id", post.to_string())])
        .await
        .json()
        .await
        .expect("own");
    assert_eq!(
        own[0]["status"], "processing",
        "the author sees it, marked as processing"
    );

    app::media::processing::process(&app.state, media_id)
        .await
        .expect("process");
    assert_eq!(
        get(bakker.clone()).await,
        200,
        "published once the photo is ready"
    );
    let seen: serde_json::Value = app
        .call("get_post", Some(&bakker), &[("post_id", post.to_string())])
        .await
        .json()
        .await
        .expect("post");
    assert_eq!(seen[0]["media"][0]["uid"], uid);
    // Running the job again (a retry after a crash) changes nothing and keeps no original.
    app::media::processing::process(&app.state, media_id)
        .await
        .expect("process again");
    assert_eq!(stored_files(&app).len(), 3);
}

/// A file that passed the upload checks but fails in the job: the post is published without it, and
/// only its author (and the directie) are told why.
async fn a_photo_that_fails_in_processing_is_reported_to_the_author(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let good = "GOODGOODGOODGOODGOOD01";
    let bad = "BROKENBROKENBROKENBRO1";
    let good_id = uploaded_not_processed(&app, good, phone_photo(320, 240, 1)).await;
    let bad_id = uploaded_not_processed(&app, bad, common::images::png_header_only(320, 240)).await;
    let post = post_with(&app, &sanne, "Groep 3", &[good, bad]).await;
    for id in [good_id, bad_id] {
        app::media::processing::process(&app.state, id)
            .await
            .expect("process");
    }
    assert_eq!(status_of(&app, bad).await.as_deref(), Some("failed"));
    let get = |who: &'static str| {
        let app = &app;
        async move {
            let c = app.session(who).await;
            let v: serde_json::Value = app
                .call("get_post", Some(&c), &[("post_id", post.to_string())])
                .await
                .json()
                .await
                .expect("post");
            v
        }
    };
    let own = get(TEACHER).await;
    assert_eq!(own[0]["status"], "published");
    assert_eq!(own[0]["media"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        own[0]["failed_media"],
        serde_json::json!(["media_unreadable"])
    );
    let family = get("ouder.bakker@example.nl").await;
    assert_eq!(family[0]["media"][0]["uid"], good);
    assert_eq!(family[0]["failed_media"], serde_json::json!([]));
    let page = app
        .page(&format!("/bericht/{post}"), Some(&sanne))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Niet alles kon worden verwerkt"));
}

/// Someone else's upload cannot be attached to a post.
async fn only_your_own_uploads_can_be_attached(app: TestApp) {
    let ahmed = app.session("meester.ahmed@regenboog.example").await;
    let (_, answer) = upload(&app, Some(&ahmed), "a.jpg", plain_jpeg(32, 32)).await;
    let uid = answer.uid.expect("uid");
    processed(&app, &uid).await;
    let sanne = app.session(TEACHER).await;
    let res = app
        .call(
            "create_post",
            Some(&sanne),
            &[
                ("post[body]", "x".into()),
                ("post[groups][]", app.group("Groep 3").await.to_string()),
                ("post[media][]", uid.clone()),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(res
        .text()
        .await
        .unwrap_or_default()
        .contains("media_missing"));
    // Nor can the upload be seen by another teacher before it is posted.
    assert_eq!(
        app.page(&format!("/media/{uid}/thumb"), Some(&sanne))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.page(&format!("/media/{uid}/thumb"), Some(&ahmed))
            .await
            .status(),
        200
    );
}

/// PR-05: deleting a post deletes its files, not only its rows.
async fn pr05_deleting_a_post_deletes_its_files(app: TestApp) {
    let (post, _) = published_photo(&app).await;
    assert_eq!(stored_files(&app).len(), 3);
    let sanne = app.session(TEACHER).await;
    let res = app
        .call(
            "delete_post",
            Some(&sanne),
            &[("post_id", post.to_string())],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    for _ in 0..200 {
        if stored_files(&app).is_empty() && media_rows(&app).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "files of a deleted post are still stored: {:?}",
        stored_files(&app).iter().map(|f| &f.0).collect::<Vec<_>>()
    );
}

/// UP-05: a client that dies mid-upload leaves nothing; an upload whose server died is swept.
async fn up05_a_broken_upload_leaves_nothing(app: TestApp) {
    use tokio::io::AsyncWriteExt;
    let sanne = app.session(TEACHER).await;
    let photo = plain_jpeg(256, 256);
    let boundary = "kringtestboundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    );
    let addr = app.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "POST /media HTTP/1.1\r\nHost: {addr}\r\nCookie: {sanne}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 10000000\r\n\r\n{head}"
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    stream.write_all(&photo).await.expect("write");
    stream.flush().await.expect("flush");
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(stream); // the phone lost its connection
    for _ in 0..100 {
        if media_rows(&app).await == 0 && stored_files(&app).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(media_rows(&app).await, 0, "no row of the broken upload");
    assert!(
        stored_files(&app).is_empty(),
        "no bytes of the broken upload"
    );

    // A server killed mid-upload leaves a 'receiving' row and bytes: the sweep removes both.
    let sanne_id = app.user_id(TEACHER).await;
    let key = app::media::server::original_key("DEADDEADDEADDEADDEAD01");
    app.state.storage.put(&key, photo).await.expect("store");
    app::with_db!(&app.db, |pool| sqlx::query(
        "INSERT INTO media (uid, uploader_id, kind, status, original_key, created_at) VALUES ('DEADDEADDEADDEADDEAD01', $1, 'image', 'receiving', $2, $3)"
    )
    .bind(sanne_id)
    .bind(&key)
    .bind(app.db.clock().now() - 2 * 3600)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("row");
    app::media::sweep::purge(&app.state).await.expect("purge");
    assert_eq!(media_rows(&app).await, 0);
    assert!(stored_files(&app).is_empty());
}

/// The compose form as a browser without JavaScript sends it.
async fn compose_without_js(
    app: &TestApp,
    cookie: &str,
    form: reqwest::multipart::Form,
) -> reqwest::Response {
    common::client()
        .post(app.at("/bericht/nieuw"))
        .header("cookie", cookie)
        .header("origin", &app.url)
        .multipart(form)
        .send()
        .await
        .expect("post")
}

/// Without JavaScript the compose form posts text and photos together.
async fn the_compose_form_posts_photos_without_javascript(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let group = app.group("Groep 3").await;
    let empty = reqwest::multipart::Part::bytes(Vec::new())
        .file_name("")
        .mime_str("application/octet-stream")
        .expect("mime");
    let form = reqwest::multipart::Form::new()
        .text("post[title]", "Kinderboerderij")
        .text("post[body]", "Wat een leuke dag!")
        .text("post[groups][]", group.to_string())
        .part(
            "files",
            reqwest::multipart::Part::bytes(phone_photo(300, 200, 1)).file_name("IMG_1.JPG"),
        )
        .part(
            "files",
            reqwest::multipart::Part::bytes(plain_jpeg(200, 300)).file_name("IMG_2.JPG"),
        )
        .part("files", empty);
    let res = compose_without_js(&app, &sanne, form).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let post: i64 = location
        .trim_start_matches("/bericht/")
        .parse()
        .expect("post id");
    let bakker = app.session("ouder.bakker@example.nl").await;
    for _ in 0..600 {
        let res = app
            .call("get_post", Some(&bakker), &[("post_id", post.to_string())])
            .await;
        if res.status() == 200 {
            let seen: serde_json::Value = res.json().await.expect("post");
            assert_eq!(
                seen[0]["media"].as_array().map(Vec::len),
                Some(2),
                "both photos, in order"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the post was not published");
}

/// A bad file in the form without JavaScript sends the teacher back with the reason.
async fn the_compose_form_reports_a_refused_file(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let form = reqwest::multipart::Form::new()
        .text("post[body]", "Tekst")
        .text("post[groups][]", app.group("Groep 3").await.to_string())
        .part(
            "files",
            reqwest::multipart::Part::bytes(b"<svg/>".to_vec()).file_name("x.jpg"),
        );
    let res = compose_without_js(&app, &sanne, form).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/bericht/nieuw?fout=media_type_not_allowed"
    );
    let page = app
        .page("/bericht/nieuw?fout=media_type_not_allowed", Some(&sanne))
        .await;
    assert!(page
        .text()
        .await
        .expect("page")
        .contains("Dit bestand wordt niet geaccepteerd"));
}

/// A two-second clip as a phone makes it: QuickTime, H.264 and AAC, held upright (rotation 90), with
/// a title, a comment and a GPS position as canaries.
pub(crate) fn phone_video() -> Vec<u8> {
    // A name of its own per clip, straight in the temp folder: a shared folder that the last clip
    // removed could vanish under another test that was just about to write into it.
    let out = std::env::temp_dir().join(format!("kring-clip-{}.mov", common::unique()));
    let ffmpeg = |args: &[&str]| {
        let status = std::process::Command::new("ffmpeg")
            .args(["-nostdin", "-loglevel", "error", "-y"])
            .args(args)
            .status()
            .expect("ffmpeg is installed by scripts/install-tools.sh");
        assert!(status.success(), "making the test video: {args:?}");
    };
    let plain = out.with_extension("plain.mov");
    let (plain_s, out_s) = (plain.to_string_lossy(), out.to_string_lossy());
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x240:rate=10",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440",
        "-t",
        "2",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        &plain_s,
    ]);
    // The rotation is written as a display matrix only when remuxing (ffmpeg 5).
    ffmpeg(&[
        "-i",
        &plain_s,
        "-c",
        "copy",
        "-metadata",
        "title=CANARY-TITLE",
        "-metadata",
        "comment=CANARY-COMMENT",
        "-metadata",
        "location=+52.3676+004.9041/",
        "-metadata:s:v:0",
        "rotate=90",
        &out_s,
    ]);
    let _ = std::fs::remove_file(&plain);
    let bytes = std::fs::read(&out).expect("video");
    let _ = std::fs::remove_file(&out);
    assert!(
        contains(&bytes, b"CANARY-TITLE") && contains(&bytes, b"+52.3676"),
        "the canaries are in the original"
    );
    bytes
}

/// UP-03 for video: an H.264/AAC MP4 that plays on phones, upright, without location or tags, with a
/// poster; served with ranges (seeking) only to the group's families.
async fn up03_videos_play_everywhere_without_metadata(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let (status, answer) = upload(&app, Some(&sanne), "IMG_0100.MOV", phone_video()).await;
    assert_eq!(status, 200, "{answer:?}");
    let uid = answer.uid.expect("uid");
    assert_eq!(processed(&app, &uid).await, "ready");
    post_with(&app, &sanne, "Groep 3", &[&uid]).await;
    let bakker = app.session("ouder.bakker@example.nl").await;
    let res = app
        .page(&format!("/media/{uid}/video"), Some(&bakker))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "video/mp4");
    let mp4 = res.bytes().await.expect("video").to_vec();
    assert!(contains(&mp4[..64], b"ftyp"), "an MP4 file");
    assert!(
        contains(&mp4, b"avc1") && contains(&mp4, b"mp4a"),
        "H.264 video and AAC audio"
    );
    for canary in [
        b"CANARY-TITLE".as_slice(),
        b"CANARY-COMMENT",
        b"+52.3676",
        b"Lavf",
    ] {
        assert!(
            !contains(&mp4, canary),
            "{} survived",
            String::from_utf8_lossy(canary)
        );
    }
    let poster = app.page(&format!("/media/{uid}/feed"), Some(&bakker)).await;
    assert_eq!(poster.headers()["content-type"], "image/jpeg");
    let poster =
        image::load_from_memory(&poster.bytes().await.expect("poster")).expect("poster jpeg");
    assert!(
        poster.height() > poster.width(),
        "turned upright: {}x{}",
        poster.width(),
        poster.height()
    );
    let part = common::client()
        .get(app.at(&format!("/media/{uid}/video")))
        .header("cookie", &bakker)
        .header("range", "bytes=100-")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.expect("part").len(), mp4.len() - 100);
    let devries = app.session("ouder.devries@example.nl").await;
    assert_eq!(
        app.page(&format!("/media/{uid}/video"), Some(&devries))
            .await
            .status(),
        404
    );
    // Only the MP4 and the poster sizes are kept: the original is gone.
    assert_eq!(stored_files(&app).len(), 4);
}

async fn without_ffmpeg(backend: Backend) {
    let app = common::spawn_app_with(backend, |s| s.ffmpeg = None).await;
    let sanne = app.session(TEACHER).await;
    let (status, answer) = upload(&app, Some(&sanne), "clip.mov", phone_video()).await;
    assert_eq!(
        (status, answer.refusal.expect("refused").key.as_str()),
        (415, "media_video_unavailable")
    );
    assert_eq!(media_rows(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_ffmpeg_videos_are_refused_sqlite() {
    without_ffmpeg(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_ffmpeg_videos_are_refused_postgres() {
    without_ffmpeg(Backend::Postgres).await
}

/// LD-02 for photos: a runner killed mid-job (renditions half written, job still leased) leaves a post
/// that is finished after the restart, never half-visible, and no original left behind.
async fn ld02_a_photo_job_killed_midway_finishes_after_restart(app: TestApp) {
    let sanne = app.session(TEACHER).await;
    let uid = "KILLEDKILLEDKILLEDKIL1";
    let media_id = uploaded_not_processed(&app, uid, phone_photo(640, 480, 1)).await;
    // What the killed runner left: one rendition written, the row still 'uploaded', the job leased.
    app.state
        .storage
        .put(&format!("m/{uid}/full.jpg"), b"half-written".to_vec())
        .await
        .expect("partial");
    let post = post_with(&app, &sanne, "Groep 3", &[uid]).await;
    let bakker = app.session("ouder.bakker@example.nl").await;
    async fn visible(app: &TestApp, cookie: &str, post: i64) -> u16 {
        app.call("get_post", Some(cookie), &[("post_id", post.to_string())])
            .await
            .status()
            .as_u16()
    }
    assert_eq!(
        visible(&app, &bakker, post).await,
        404,
        "never half-visible"
    );
    app::with_db!(&app.db, |pool| sqlx::query(
        "INSERT INTO jobs (kind, payload, idempotency_key, status, attempts, locked_until, run_at, created_at) \
         VALUES ('media.process', $1, $2, 'running', 1, 1, 0, 0)"
    )
    .bind(format!("{{\"media_id\":{media_id}}}"))
    .bind(format!("media.process.{media_id}"))
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("leased job");
    app.state.wake_jobs();
    assert_eq!(processed(&app, uid).await, "ready");
    for _ in 0..200 {
        if visible(&app, &bakker, post).await == 200 && stored_files(&app).len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        visible(&app, &bakker, post).await,
        200,
        "published after the restart"
    );
    let full = app.page(&format!("/media/{uid}/full"), Some(&bakker)).await;
    image::load_from_memory(&full.bytes().await.expect("bytes"))
        .expect("the half-written file was replaced");
    let names: Vec<String> = stored_files(&app)
        .iter()
        .map(|f| f.0.display().to_string())
        .collect();
    assert_eq!(names.len(), 3, "three sizes and no original: {names:?}");
}

db_tests!(
    a_photo_that_fails_in_processing_is_reported_to_the_author,
    ld02_a_photo_job_killed_midway_finishes_after_restart,
    up03_videos_play_everywhere_without_metadata,
    up03_no_metadata_survives_and_photos_stand_upright,
    up01_up02_bad_files_are_refused_and_leave_nothing,
    families_and_visitors_cannot_upload,
    up04_media_urls_follow_the_post_visibility,
    media_revalidate_and_serve_ranges,
    a_post_waits_for_its_photos,
    only_your_own_uploads_can_be_attached,
    pr05_deleting_a_post_deletes_its_files,
    up05_a_broken_upload_leaves_nothing,
    the_compose_form_posts_photos_without_javascript,
    the_compose_form_reports_a_refused_file,
);
