//! Compression of what the server sends: pages and answers as the browser asks, media never.
use crate::common;

use common::TestApp;

/// Pages and answers are compressed as the browser asks; photos (compressed already) never are.
async fn pages_are_compressed_photos_are_not(app: TestApp) {
    let get = |path: String, encoding: &'static str, cookie: Option<String>| async move {
        let mut req = common::client()
            .get(path)
            .header("accept-encoding", encoding);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        res.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(
        get(app.at("/inloggen"), "br", None).await.as_deref(),
        Some("br")
    );
    assert_eq!(
        get(app.at("/inloggen"), "gzip", None).await.as_deref(),
        Some("gzip")
    );
    assert_eq!(get(app.at("/inloggen"), "identity", None).await, None);
    let uid = common::consent::tagged_post(&app, &[&[]]).await.remove(0);
    let parent = app.session(common::consent::BAKKER).await;
    let photo = app.at(&format!("/media/{uid}/feed"));
    assert_eq!(get(photo, "br, gzip", Some(parent.clone())).await, None);
    let feed = app.at("/api/feed");
    let answer = common::client()
        .post(feed)
        .header("accept-encoding", "br")
        .header("cookie", &parent)
        .form(&[] as &[(&str, &str)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["content-encoding"], "br");
}

db_tests!(pages_are_compressed_photos_are_not);
