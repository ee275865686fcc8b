//! Media on S3-compatible object storage: the same upload, processing, serving and deletion as on
//! the local disk, against a real S3 protocol server (s3s-fs, signed requests, multipart uploads)
//! listening on port 0 with a temporary folder behind it.
use crate::common;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use app::platform::storage::StorageConfig;
use common::{
    images::{phone_photo, CANARIES, COMMENT_CANARY},
    Backend, TestApp,
};
use image::{codecs::jpeg::JpegEncoder, ExtendedColorType, RgbImage};

pub(crate) const BUCKET: &str = "kring-media";
pub(crate) const KEY: &str = "kring-test-key";
pub(crate) const SECRET: &str = "kring-test-secret-0123456789";

/// Starts an S3 server whose buckets are the folders under `root`; answers its endpoint.
pub(crate) async fn s3_server(root: &Path) -> String {
    std::fs::create_dir_all(root.join(BUCKET)).expect("bucket folder");
    let fs = s3s_fs::FileSystem::new(root).expect("s3s-fs");
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    builder.set_auth(s3s::auth::SimpleAuth::from_single(KEY, SECRET));
    let service =
        axum::error_handling::HandleError::new(builder.build(), |e: s3s::HttpError| async move {
            (http::StatusCode::INTERNAL_SERVER_ERROR, format!("{e:?}"))
        });
    let router = axum::Router::new().fallback_service(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, bytes));
            }
        }
    }
    out
}

/// A phone-sized photo of noise: it barely compresses, so its upload takes several multipart parts.
fn large_photo() -> Vec<u8> {
    let mut seed = 0x2545_f491_u32;
    let img = RgbImage::from_fn(2600, 2000, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let [r, g, b, _] = seed.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 95)
        .encode(img.as_raw(), 2600, 2000, ExtendedColorType::Rgb8)
        .expect("encode");
    out
}

async fn upload(app: &TestApp, cookie: &str, bytes: Vec<u8>) -> String {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("IMG_0042.JPG")
        .mime_str("image/jpeg")
        .expect("mime");
    let res = common::client()
        .post(app.at("/media"))
        .header("cookie", cookie)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 200);
    let answer: serde_json::Value = res.json().await.expect("answer");
    answer["uid"].as_str().expect("uid").to_string()
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..400 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting: {what}");
}

async fn media_on_s3(backend: Backend) {
    let root = std::env::temp_dir()
        .join(format!("kring-s3-{}", std::process::id()))
        .join(format!("{backend:?}"));
    let _ = std::fs::remove_dir_all(&root);
    let endpoint = s3_server(&root).await;
    let app = common::spawn_app_with(backend, |s| {
        s.storage = StorageConfig::S3 {
            bucket: BUCKET.into(),
            endpoint: Some(endpoint.clone()),
            region: "us-east-1".into(),
            access_key_id: KEY.into(),
            secret_access_key: SECRET.into(),
        };
    })
    .await;
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let big = large_photo();
    assert!(
        big.len() > 6 * 1024 * 1024,
        "more than one 5 MB part: {}",
        big.len()
    );
    let uids = [
        upload(&app, &sanne, phone_photo(1200, 900, 6)).await,
        upload(&app, &sanne, big).await,
    ];
    let status = |uid: &str| {
        let db = app.db.clone();
        let uid = uid.to_string();
        async move {
            let (s,): (String,) = app::with_db!(&db, |pool| sqlx::query_as(
                "SELECT status FROM media WHERE uid = $1"
            )
            .bind(&uid)
            .fetch_one(pool)
            .await)
            .expect("status");
            s
        }
    };
    for uid in &uids {
        for _ in 0..600 {
            if status(uid).await == "ready" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(status(uid).await, "ready");
    }
    let mut form = vec![
        ("post[body]", "Sinterklaas op school".to_string()),
        ("post[groups][]", app.group("Groep 3").await.to_string()),
    ];
    for uid in &uids {
        form.push(("post[media][]", uid.clone()));
    }
    let res = app.call("create_post", Some(&sanne), &form).await;
    assert_eq!(res.status(), 200);
    let post: i64 = res.json().await.expect("post id");

    // Everything lives in the bucket, nothing on the local disk, and no metadata survived.
    let stored = files_under(&root.join(BUCKET));
    assert!(
        stored.len() >= 6,
        "three sizes of two photos: {}",
        stored.len()
    );
    assert!(files_under(&app.dir.join("media")).is_empty());
    for (path, bytes) in &stored {
        for canary in CANARIES.iter().chain([&COMMENT_CANARY]) {
            assert!(
                !common::images::contains(bytes, canary.as_bytes()),
                "{canary} in {}",
                path.display()
            );
        }
    }

    // Served through the authorised handler only, ranges included.
    let bakker = app.session("ouder.bakker@example.nl").await;
    let devries = app.session("ouder.devries@example.nl").await;
    let url = app.at(&format!("/media/{}/full", uids[0]));
    let get = |cookie: &str, range: Option<&str>| {
        let mut req = common::client().get(&url).header("cookie", cookie);
        if let Some(r) = range {
            req = req.header("range", r);
        }
        req.send()
    };
    let full = get(&bakker, None).await.expect("get");
    assert_eq!(full.status(), 200);
    let whole = full.bytes().await.expect("bytes");
    assert_eq!(&whole[..2], &[0xFF, 0xD8]);
    let part = get(&bakker, Some("bytes=100-199")).await.expect("range");
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.expect("bytes"), whole.slice(100..200));
    assert_eq!(get(&devries, None).await.expect("get").status(), 404);

    // Deleting the post deletes the objects, not only the rows (PR-05).
    let res = app
        .call(
            "delete_post",
            Some(&sanne),
            &[("post_id", post.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let bucket = root.join(BUCKET);
    wait_until("the purge job empties the bucket", || {
        files_under(&bucket).iter().all(|(p, _)| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
    })
    .await;
    drop(app);
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_on_s3_sqlite() {
    media_on_s3(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_on_s3_postgres() {
    media_on_s3(Backend::Postgres).await;
}
