//! DS-01 measured from outside: the real `kring` binary in its own process, its memory read from
//! `/proc` while an attack runs. Each of these grew the server by hundreds of megabytes before:
//! downloads read whole into memory, Argon2 without a bound, and decoding without a budget.
use crate::common;

use std::time::Duration;

use app::platform::storage::{Storage, StorageConfig};
use common::kring::Kring;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MB: u64 = 1024 * 1024;
const BIG: u64 = 100 * MB;

/// A 100 MB "video" put straight into storage (no transcode) and attached to a Groep 3 post.
async fn big_video(kring: &Kring, storage: &StorageConfig) -> String {
    let store = Storage::open(storage).expect("storage");
    let key = format!("m/{}/video.mp4", common::unique());
    let mut writer = store.writer(&key).await.expect("writer");
    let chunk: Vec<u8> = (0..MB).map(|i| (i % 251) as u8).collect();
    for _ in 0..BIG / MB {
        writer.write(&chunk).await.expect("write");
    }
    writer.finish().await.expect("finish");
    let uid = common::unique();
    let db = &kring.db;
    for sql in [
        "INSERT INTO media (uid, uploader_id, post_id, kind, status, bytes, width, height, created_at) \
         SELECT $1, u.id, (SELECT p.id FROM posts p JOIN post_groups pg ON pg.post_id = p.id JOIN groups g ON g.id = pg.group_id \
                           WHERE g.name = 'Groep 3' ORDER BY p.id LIMIT 1), 'video', 'ready', $3, 1280, 720, 0 \
         FROM users u WHERE u.email = 'juf.sanne@regenboog.example' AND $2 <> ''",
        "INSERT INTO media_files (media_id, variant, storage_key, content_type, width, height, bytes) \
         SELECT id, 'video', $2, 'video/mp4', 1280, 720, $3 FROM media WHERE uid = $1",
    ] {
        app::with_db!(db, |pool| sqlx::query(sql)
            .bind(&uid)
            .bind(&key)
            .bind(BIG as i64)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .expect("media row");
    }
    uid
}

/// A reader that asks for the file and then stops reading: the server must not buffer for it.
async fn slow_reader(url: &str, request: String) -> tokio::net::TcpStream {
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut first = vec![0u8; 64 * 1024];
    let _ = stream.read(&mut first).await;
    stream
}

/// The most memory the server took above `base` while `hold` passes, sampled every 50 ms.
async fn growth_while(kring: &Kring, base: f64, hold: Duration) -> f64 {
    let until = tokio::time::Instant::now() + hold;
    let mut most = 0.0_f64;
    while tokio::time::Instant::now() < until {
        most = most.max(kring.rss_mb() - base);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    most.max(kring.peak_mb() - base)
}

async fn sixteen_slow_readers(
    extra: &[(&str, String)],
    storage_of: impl Fn(&Kring) -> StorageConfig,
) -> f64 {
    let kring = Kring::start(extra).await;
    let uid = big_video(&kring, &storage_of(&kring)).await;
    let cookie = kring.session("ouder.bakker@example.nl").await;
    let path = format!("/media/{uid}/video");
    let http = reqwest::Client::new();
    // Functional checks first: HEAD has the length, a range outside the file is 416.
    let head = http
        .head(format!("{}{path}", kring.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("head");
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], BIG.to_string().as_str());
    let outside = http
        .get(format!("{}{path}", kring.url))
        .header("cookie", &cookie)
        .header("range", format!("bytes={}-", BIG + 10))
        .send()
        .await
        .expect("range");
    assert_eq!(outside.status(), 416);
    assert_eq!(
        outside.headers()["content-range"],
        format!("bytes */{BIG}").as_str()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let base = kring.rss_mb();
    let mut held = Vec::new();
    for i in 0..16 {
        let range = match i % 4 {
            0 => "Range: bytes=0-\r\n",
            1 => "Range: bytes=0-10,20-30\r\n",
            _ => "",
        };
        let method = if i % 8 == 7 { "HEAD" } else { "GET" };
        let request =
            format!("{method} {path} HTTP/1.1\r\nHost: kring\r\nCookie: {cookie}\r\n{range}\r\n");
        held.push(slow_reader(&kring.url, request).await);
    }
    let grown = growth_while(&kring, base, Duration::from_secs(3)).await;
    drop(held);
    grown
}

/// DS-01: 16 slow readers of a 100 MB object (GET, HEAD, `bytes=0-` and multi-range) grow the
/// server by less than 60 MB: downloads stream from local storage in small chunks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ds01_slow_readers_of_a_large_file_on_disk_hold_no_copy() {
    // The server keeps its media in its data folder unless S3 is configured.
    let grown = sixteen_slow_readers(&[], |k| StorageConfig::Local(k.dir.join("media"))).await;
    eprintln!("16 slow readers of 100 MB on disk: +{grown:.0} MB");
    assert!(grown < 60.0, "the server grew by {grown:.0} MB");
}

/// DS-01: the same on the S3 protocol (a real S3 server, signed requests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ds01_slow_readers_of_a_large_file_on_s3_hold_no_copy() {
    let root = std::env::temp_dir().join(format!("kring-s3big-{}", common::unique()));
    let endpoint = crate::s3::s3_server(&root).await;
    let storage = StorageConfig::S3 {
        bucket: crate::s3::BUCKET.into(),
        endpoint: Some(endpoint.clone()),
        region: "us-east-1".into(),
        access_key_id: crate::s3::KEY.into(),
        secret_access_key: crate::s3::SECRET.into(),
    };
    let grown = sixteen_slow_readers(
        &[
            ("KRING_S3_BUCKET", crate::s3::BUCKET.into()),
            ("KRING_S3_ENDPOINT", endpoint),
            ("KRING_S3_ACCESS_KEY_ID", crate::s3::KEY.into()),
            ("KRING_S3_SECRET_ACCESS_KEY", crate::s3::SECRET.into()),
        ],
        |_| storage.clone(),
    )
    .await;
    let _ = std::fs::remove_dir_all(&root);
    eprintln!("16 slow readers of 100 MB on S3: +{grown:.0} MB");
    assert!(grown < 60.0, "the server grew by {grown:.0} MB");
}

/// DS-01: forty logins at once (each Argon2 check takes 19 MiB) grow the server by less than
/// 150 MB: password checks take turns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ds01_forty_parallel_logins_take_turns() {
    let kring = Kring::start(&[]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let base = kring.rss_mb();
    let http = reqwest::Client::new();
    let logins = (0..40).map(|i| {
        let (http, url) = (http.clone(), kring.url.clone());
        async move {
            http.post(format!("{url}/api/login"))
                .form(&[
                    ("email", format!("iemand{i}@example.nl")),
                    ("password", "verkeerd wachtwoord".to_string()),
                ])
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    });
    let statuses = futures::future::join_all(logins).await;
    let grown = kring.peak_mb() - base;
    eprintln!("40 parallel logins: +{grown:.0} MB, answers {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 400), "{statuses:?}");
    assert!(grown < 150.0, "the server grew by {grown:.0} MB");
}

/// A PNG that declares `width` × `height` pixels of one colour: tiny on disk, huge in memory.
fn flat_png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([90, 140, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// DS-01: eight large photos at once, with eight media runners, decode within
/// `KRING_MEDIA_MEMORY_MB`: the server grows by at most the budget + 64 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ds01_parallel_decoding_stays_within_the_memory_budget() {
    let budget = 256;
    let kring = Kring::start(&[
        ("KRING_MEDIA_MEMORY_MB", budget.to_string()),
        ("KRING_MEDIA_RUNNERS", "8".into()),
    ])
    .await;
    let photo = flat_png(4000, 4000);
    assert!(photo.len() < 2 * MB as usize, "{} bytes", photo.len());
    let cookie = kring.session("juf.sanne@regenboog.example").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let base = kring.rss_mb();
    let http = reqwest::Client::new();
    let uploads = (0..8).map(|i| {
        let (http, url, cookie, photo) = (
            http.clone(),
            kring.url.clone(),
            cookie.clone(),
            photo.clone(),
        );
        async move {
            let part = reqwest::multipart::Part::bytes(photo)
                .file_name(format!("groot-{i}.png"))
                .mime_str("image/png")
                .expect("mime");
            let res = http
                .post(format!("{url}/media"))
                .header("cookie", cookie)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await
                .expect("upload");
            assert_eq!(res.status(), 200);
        }
    });
    // The attack's tiny files with huge images, sent at the same time.
    let bombs = [
        ("afgebroken.jpg", common::images::jpeg_header_only(7900)),
        (
            "verliesvrij.webp",
            common::images::webp_lossless_header(7900),
        ),
        ("groot.png", common::images::png_header_only(8000, 8000)),
        ("profiel.png", common::images::png_icc_bomb()),
    ];
    let attacks = bombs.into_iter().map(|(name, bytes)| {
        let (http, url, cookie) = (http.clone(), kring.url.clone(), cookie.clone());
        async move {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(name)
                .mime_str("image/jpeg")
                .expect("mime");
            http.post(format!("{url}/media"))
                .header("cookie", cookie)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await
                .expect("upload")
                .status()
                .as_u16()
        }
    });
    let (_, refused) = futures::future::join(
        futures::future::join_all(uploads),
        futures::future::join_all(attacks),
    )
    .await;
    eprintln!("the attack corpus at upload: {refused:?}");
    for _ in 0..1200 {
        let (waiting,): (i64,) = app::with_db!(&kring.db, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM media WHERE status IN ('receiving', 'uploaded')"
        )
        .fetch_one(pool)
        .await)
        .expect("count");
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (ready,): (i64,) = app::with_db!(&kring.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM media WHERE status = 'ready'"
    )
    .fetch_one(pool)
    .await)
    .expect("count");
    assert_eq!(ready, 8, "every photo was processed");
    let failures: Vec<(Option<String>,)> = app::with_db!(&kring.db, |pool| sqlx::query_as(
        "SELECT failure FROM media WHERE status = 'failed' ORDER BY failure"
    )
    .fetch_all(pool)
    .await)
    .expect("failures");
    eprintln!("refused while processing: {failures:?}");
    let accepted_bombs = refused.iter().filter(|s| **s == 200).count();
    assert_eq!(
        failures.len(),
        accepted_bombs,
        "every bomb that got in was refused"
    );
    let grown = kring.peak_mb() - base;
    eprintln!("8 photos of 16 MP at once, budget {budget} MB: +{grown:.0} MB");
    assert!(
        grown <= f64::from(budget) + 64.0,
        "the server grew by {grown:.0} MB"
    );
}
