//! `kring seed-demo --showcase` on both databases: run twice, it adds the showcase once, and a
//! parent who signs in with the demo password sees it as a school would: photo posts whose photos
//! are served, a comment, the sent newsletter in the archive and the open consent round. The
//! consent rule holds for the showcase's own photos too.
use crate::common;

use common::{
    consent::{DEVRIES, JANSEN},
    TestApp, PASSWORD,
};

/// Rows the showcase adds; a second run must leave every count as it was.
const TABLES: [&str; 9] = [
    "posts",
    "post_groups",
    "media",
    "media_files",
    "media_tags",
    "comments",
    "consent_rounds",
    "consent_answers",
    "consent_current",
];

async fn counts(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let (n,): (i64,) =
            app::with_db!(&app.db, |pool| sqlx::query_as(&sql).fetch_one(pool).await).expect(table);
        out.push(n);
    }
    out
}

/// The uids of a post's photos, in their order.
async fn photos_of(app: &TestApp, title: &str) -> Vec<String> {
    let rows: Vec<(String,)> = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT m.uid FROM media m JOIN posts p ON p.id = m.post_id WHERE p.title = $1 \
         ORDER BY m.position"
    )
    .bind(title)
    .fetch_all(pool)
    .await)
    .expect("photos");
    rows.into_iter().map(|(uid,)| uid).collect()
}

/// Signs in through the real login form; the client keeps the session cookie.
async fn sign_in(app: &TestApp, email: &str) -> reqwest::Client {
    let browser = common::client();
    let res = browser
        .post(app.at("/api/login"))
        .header("accept", "text/html")
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302, "{email} signs in with the demo password");
    browser
}

async fn page(app: &TestApp, browser: &reqwest::Client, path: &str) -> String {
    let res = browser
        .get(app.at(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

/// The status and content type of a photo URL.
async fn fetch_photo(app: &TestApp, browser: &reqwest::Client, path: &str) -> (u16, String) {
    let res = browser.get(app.at(path)).send().await.unwrap();
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if status == 200 {
        let bytes = res.bytes().await.unwrap();
        image::load_from_memory(&bytes).expect("a photo that decodes");
    }
    (status, kind)
}

async fn showcase_runs_twice_and_a_parent_sees_it(app: TestApp) {
    server::seed_showcase::seed_showcase(&app.state)
        .await
        .expect("showcase");
    let once = counts(&app).await;
    server::seed_showcase::seed_showcase(&app.state)
        .await
        .expect("showcase again");
    assert_eq!(
        counts(&app).await,
        once,
        "{TABLES:?}: the second run adds nothing"
    );

    let jansen = sign_in(&app, JANSEN).await;
    // The feed shows the photo post, and each size of its photo is served.
    let feed = page(&app, &jansen, "/").await;
    let walk = photos_of(&app, "Foto's van de herfstwandeling").await;
    assert_eq!(walk.len(), 2);
    assert!(feed.contains("van de herfstwandeling"), "the photo post");
    for uid in &walk {
        assert!(feed.contains(uid.as_str()), "photo {uid} in the feed");
    }
    for variant in ["thumb", "feed", "full"] {
        let path = format!("/media/{}/{variant}", walk[0]);
        assert_eq!(
            fetch_photo(&app, &jansen, &path).await,
            (200, "image/jpeg".to_string()),
            "{path}"
        );
    }
    // Sports day: Finn (photo consent) is seen by the group; Sam's family has not answered, so
    // Sam's photo is seen by his own family only.
    let sports = photos_of(&app, "Sportdag").await;
    assert_eq!(sports.len(), 2);
    let sam = format!("/media/{}/feed", sports[1]);
    assert!(feed.contains(sports[0].as_str()) && !feed.contains(sports[1].as_str()));
    assert_eq!(fetch_photo(&app, &jansen, &sam).await.0, 404);
    let devries = sign_in(&app, DEVRIES).await;
    assert_eq!(fetch_photo(&app, &devries, &sam).await.0, 200);

    // The parent's comment under the photo post.
    let post = app
        .id_of(
            "SELECT id FROM posts WHERE title = $1",
            "Foto's van de herfstwandeling",
        )
        .await;
    let post_page = page(&app, &jansen, &format!("/bericht/{post}")).await;
    assert!(post_page.contains("jaszakken vol kastanjes"), "the comment");

    // The newsletter was sent: the archive lists it, with its photo and sections readable.
    let archive = page(&app, &jansen, "/nieuwsbrieven").await;
    assert!(archive.contains("Regenboognieuws"), "in the archive");
    let letter = app
        .id_of(
            "SELECT id FROM posts WHERE kind = 'newsletter' AND title = $1",
            "Regenboognieuws",
        )
        .await;
    let letter_page = page(&app, &jansen, &format!("/bericht/{letter}")).await;
    assert!(letter_page.contains("Kunst in de gang"));
    let drawing = photos_of(&app, "Regenboognieuws").await;
    assert_eq!(drawing.len(), 1);
    let path = format!("/media/{}/feed", drawing[0]);
    assert_eq!(fetch_photo(&app, &jansen, &path).await.0, 200);

    // The consent round of this school year is open; Jansen answered, De Vries is asked to.
    // (The banner asks on every page but the consent page itself.)
    let (year, _, _) = app.db.clock().current_school_year();
    let still_open = "te beantwoorden of te bevestigen";
    let mine = page(&app, &jansen, "/toestemming").await;
    assert!(
        mine.contains(&format!("schooljaar {year}")),
        "the open round"
    );
    assert!(!mine.contains(still_open), "Jansen answered everything");
    assert!(!feed.contains("consent-banner"));
    let theirs = page(&app, &devries, "/toestemming").await;
    assert!(theirs.contains(&format!("schooljaar {year}")));
    assert!(theirs.contains(still_open), "De Vries has open questions");
    let their_feed = page(&app, &devries, "/").await;
    assert!(
        their_feed.contains("consent-banner"),
        "De Vries is asked to answer"
    );
}

db_tests!(showcase_runs_twice_and_a_parent_sees_it);
