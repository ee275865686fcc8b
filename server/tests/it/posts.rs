//! The core loop: a teacher posts to a group, its families read it, nobody else can.
use crate::common;

use common::TestApp;

/// `who`'s feed as JSON text. It must have answered 200: an error or a sign-in answer does not
/// contain the post either, and would pass every "does not see" row.
async fn feed_of(app: &TestApp, who: &str) -> String {
    let c = app.session(who).await;
    let res = app.call("feed", Some(&c), &[]).await;
    assert_eq!(res.status(), 200, "{who}: the feed answers");
    res.text().await.unwrap()
}

async fn a_teachers_post_reaches_the_group_and_nobody_else(app: TestApp) {
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let g3 = app.group("Groep 3").await;
    let res = app
        .call(
            "create_post",
            Some(&sanne),
            &[
                ("post[title]", "Luizencontrole".into()),
                ("post[body]", "Maandag is er **luizencontrole**.".into()),
                ("post[groups][]", g3.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    for (who, sees) in [
        ("ouder.bakker@example.nl", true),
        ("ouder.jansen@example.nl", true),
        ("ouder.devries@example.nl", false),
        ("ouder.smit@example.nl", false),
        ("directie@regenboog.example", true),
        ("meester.ahmed@regenboog.example", false),
        ("beheer@kring.example", false),
    ] {
        let feed = feed_of(&app, who).await;
        assert_eq!(feed.contains("Luizencontrole"), sees, "{who}");
    }
    // Rendered safely: bold survives as <strong>.
    let bakker = app.session("ouder.bakker@example.nl").await;
    let page = app.page("/", Some(&bakker)).await.text().await.unwrap();
    assert!(page.contains("<strong>luizencontrole</strong>"));
}

async fn the_school_group_reaches_every_family_of_the_school(app: TestApp) {
    let directie = app.session("directie@regenboog.example").await;
    let whole: i64 = app.id_of("SELECT g.id FROM groups g JOIN schools s ON s.id = g.school_id WHERE g.kind = 'school' AND s.name = $1", "OBS De Regenboog").await;
    let res = app
        .call(
            "create_post",
            Some(&directie),
            &[
                ("post[body]", "Kerstviering op 19 december".into()),
                ("post[groups][]", whole.to_string()),
                ("post[urgent]", "true".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    for (who, sees) in [
        ("ouder.bakker@example.nl", true),
        ("ouder.devries@example.nl", true),
        ("juf.sanne@regenboog.example", true),
        ("ouder.smit@example.nl", false),
    ] {
        let feed = feed_of(&app, who).await;
        assert_eq!(feed.contains("Kerstviering"), sees, "{who}");
    }
    // A teacher cannot post to the whole school.
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let res = app
        .call(
            "create_post",
            Some(&sanne),
            &[
                ("post[body]", "x".into()),
                ("post[groups][]", whole.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
}

async fn xs01_post_text_is_sanitised_on_every_page(app: TestApp) {
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let g3 = app.group("Groep 3").await;
    let payload = "<script>alert('x')</script><img src=x onerror=alert(1)>[klik](javascript:alert(1)) <b onclick=alert(1)>vet</b>";
    let res = app
        .call(
            "create_post",
            Some(&sanne),
            &[
                ("post[body]", payload.into()),
                ("post[groups][]", g3.to_string()),
            ],
        )
        .await;
    let id: i64 = res.json().await.unwrap();
    let bakker = app.session("ouder.bakker@example.nl").await;
    for path in [
        "/".to_string(),
        format!("/bericht/{id}"),
        format!("/groep/{g3}"),
    ] {
        let html = app.page(&path, Some(&bakker)).await.text().await.unwrap();
        assert!(html.contains("vet"), "{path}: the post is on the page");
        assert!(!html.contains("<script>alert"), "{path}");
        // Outside the (JSON-escaped) hydration data, no attribute or URL from the payload survives.
        let body = strip_scripts(&html[html.find("<body").unwrap()..]);
        assert!(!body.contains("onerror="), "{path}");
        assert!(!body.contains("href=\"javascript:"), "{path}");
        assert!(!body.contains("onclick="), "{path}");
    }
}

/// Trial finding 2: bare web and e-mail addresses in a post and a comment can be tapped, with the
/// same `rel` as every link; anything but http(s) and mailto stays text (XS-01).
async fn xs01_bare_addresses_become_safe_links_in_posts_and_comments(app: TestApp) {
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let g3 = app.group("Groep 3").await;
    let body = "Info op www.schoolfruit.nl (zie https://kring.example/agenda). Mail juf@regenboog.example! \
                Niet: javascript:alert(1) of http://a\"onmouseover=alert(1)";
    let res = app
        .call(
            "create_post",
            Some(&sanne),
            &[
                ("post[body]", body.into()),
                ("post[groups][]", g3.to_string()),
                ("post[comments]", "true".into()),
            ],
        )
        .await;
    let id: i64 = res.json().await.unwrap();
    app.make_comment(
        "ouder.bakker@example.nl",
        id,
        "Kijk ook op www.bibliotheek.nl.",
    )
    .await;
    let jansen = app.session("ouder.jansen@example.nl").await;
    let html = app
        .page(&format!("/bericht/{id}"), Some(&jansen))
        .await
        .text()
        .await
        .unwrap();
    let page = strip_scripts(&html[html.find("<body").unwrap()..]);
    for href in [
        "https://www.schoolfruit.nl",
        "https://kring.example/agenda",
        "mailto:juf@regenboog.example",
        "https://www.bibliotheek.nl",
    ] {
        let link = format!("<a href=\"{href}\"");
        let at = page.find(&link).unwrap_or_else(|| panic!("{href}: {page}"));
        let tag = &page[at..at + page[at..].find('>').unwrap()];
        assert!(
            tag.contains("rel=\"noopener noreferrer nofollow\""),
            "{tag}"
        );
    }
    assert!(!page.contains("href=\"javascript:"));
    // The quote ends the address: the rest is text after the link, never an attribute.
    assert!(
        page.contains("http://a</a>\"onmouseover=alert(1)"),
        "{page}"
    );
    assert!(!page.contains(" onmouseover="));
}

fn strip_scripts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("</script>")
            .map(|end| &rest[start + end + 9..])
            .unwrap_or("");
    }
    out.push_str(rest);
    out
}

async fn authors_edit_and_delete_and_staff_pin(app: TestApp) {
    let id = app
        .make_post("juf.sanne@regenboog.example", "Groep 3", "Eerste versie")
        .await;
    let g3 = app.group("Groep 3").await;
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let res = app
        .call(
            "update_post",
            Some(&sanne),
            &[
                ("post_id", id.to_string()),
                ("post[body]", "Tweede versie".into()),
                ("post[groups][]", g3.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let bakker = app.session("ouder.bakker@example.nl").await;
    let text = app
        .call("get_post", Some(&bakker), &[("post_id", id.to_string())])
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("Tweede versie"));
    assert_eq!(
        app.call(
            "pin_post",
            Some(&sanne),
            &[("post_id", id.to_string()), ("pinned", "true".into())]
        )
        .await
        .status(),
        200
    );
    let group = app
        .call("group_feed", Some(&bakker), &[("group_id", g3.to_string())])
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(
        group["pinned"][0]["id"], id,
        "pinned at the top of the group"
    );
    // Another teacher of the school cannot edit it; the directie can delete it.
    let directie = app.session("directie@regenboog.example").await;
    assert_eq!(
        app.call(
            "delete_post",
            Some(&directie),
            &[("post_id", id.to_string())]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.call("get_post", Some(&bakker), &[("post_id", id.to_string())])
            .await
            .status(),
        404
    );
}

/// The feed in pages of 20: following `next` (and, in HTML, the "Oudere berichten" link) until it
/// ends gives every readable post exactly once, newest first: none twice and none left out.
async fn the_feed_pages_newest_first(app: TestApp) {
    let mut made = Vec::new();
    for i in 0..25 {
        made.push(
            app.make_post(
                "juf.sanne@regenboog.example",
                "Groep 3",
                &format!("Bericht nummer {i:02}"),
            )
            .await,
        );
    }
    // Everything Bakker may read, newest first: the 25 new posts, then the demo's posts in Groep 3
    // and in the school group (made hours ago, oldest last).
    let demo = [
        ("Studiedag 4 december", "Hele school"),
        ("herfstwandeling", "Groep 3"),
        ("Gymles verplaatst", "Groep 3"),
    ];
    let mut expected: Vec<i64> = made.iter().rev().copied().collect();
    for (text, group) in demo {
        let (id,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
            "SELECT p.id FROM posts p JOIN post_groups pg ON pg.post_id = p.id \
             JOIN groups g ON g.id = pg.group_id JOIN schools s ON s.id = g.school_id \
             WHERE s.name = 'OBS De Regenboog' AND g.name = $1 AND (p.title = $2 OR p.body LIKE '%' || $2 || '%')"
        )
        .bind(group)
        .bind(text)
        .fetch_one(pool)
        .await)
        .unwrap_or_else(|e| panic!("demo post {text}: {e}"));
        expected.push(id);
    }
    let bakker = app.session("ouder.bakker@example.nl").await;
    let mut pages: Vec<Vec<i64>> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        assert!(pages.len() < 10, "the feed never ends: {pages:?}");
        let form: Vec<(&str, String)> = cursor.iter().map(|c| ("cursor", c.clone())).collect();
        let res = app.call("feed", Some(&bakker), &form).await;
        assert_eq!(res.status(), 200);
        let page: serde_json::Value = res.json().await.unwrap();
        assert_eq!(page["pinned"].as_array().map(Vec::len), Some(0), "{page}");
        pages.push(
            page["posts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap())
                .collect(),
        );
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![20, 8],
        "pages of 20"
    );
    let all: Vec<i64> = pages.concat();
    let distinct: std::collections::BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(distinct.len(), all.len(), "no post twice: {pages:?}");
    assert_eq!(all, expected, "every readable post once, newest first");

    // The same in HTML, following the "Oudere berichten" link: every new post on exactly one page.
    let mut seen: Vec<Vec<usize>> = Vec::new();
    let mut path = "/".to_string();
    loop {
        assert!(seen.len() < 10, "the pages never end");
        let res = app.page(&path, Some(&bakker)).await;
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.unwrap();
        seen.push(
            (0..25)
                .filter(|i| html.contains(&format!("Bericht nummer {i:02}")))
                .collect(),
        );
        let Some(at) = html.find("<p class=\"more\">") else {
            assert!(
                html.contains("Gymles verplaatst"),
                "the oldest post is on the last page"
            );
            break;
        };
        let link = &html[at..];
        let href = &link[link.find("href=\"").expect("a link") + 6..];
        path = href[..href.find('"').unwrap()].replace("&amp;", "&");
        assert!(path.starts_with("/?tot="), "{path}");
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
    let mut numbers: Vec<usize> = seen.concat();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (0..25).collect::<Vec<_>>(),
        "each new post on exactly one page: {seen:?}"
    );
}

async fn posting_works_as_a_plain_html_form(app: TestApp) {
    let browser = common::client();
    let login = browser
        .post(app.at("/api/login"))
        .header("accept", "text/html")
        .form(&[
            ("email", "juf.sanne@regenboog.example"),
            ("password", common::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 302);
    let g3 = app.group("Groep 3").await;
    let res = browser
        .post(app.at("/api/create_post"))
        .header("accept", "text/html")
        .header("referer", app.at("/bericht/nieuw"))
        .form(&[
            ("post[body]", "Zonder JavaScript geplaatst".to_string()),
            ("post[groups][]", g3.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/bericht/"), "{location}");
    let page = browser
        .get(app.at(&location))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Zonder JavaScript geplaatst"));
}

/// Read receipts: a pupil counts once any guardian opened the post; staff views do not count, and
/// only the author and the directie see the receipts.
async fn read_receipts_count_pupils_whose_families_opened_the_post(app: TestApp) {
    let post = app
        .make_post(
            "juf.sanne@regenboog.example",
            "Groep 3",
            "Denk aan de gymschoenen",
        )
        .await;
    let receipts = |who: &'static str| {
        let app = &app;
        async move {
            let c = app.session(who).await;
            let res = app
                .call("read_receipts", Some(&c), &[("post_id", post.to_string())])
                .await;
            let status = res.status().as_u16();
            (
                status,
                res.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let open = |who: &'static str| {
        let app = &app;
        async move {
            let c = app.session(who).await;
            let res = app
                .call("get_post", Some(&c), &[("post_id", post.to_string())])
                .await;
            assert_eq!(res.status(), 200, "{who} opens the post");
        }
    };
    let (status, r) = receipts("juf.sanne@regenboog.example").await;
    assert_eq!(status, 200);
    assert_eq!(
        (r["seen"].as_u64(), r["total"].as_u64()),
        (Some(0), Some(2)),
        "{r}"
    );
    open("juf.sanne@regenboog.example").await;
    open("directie@regenboog.example").await;
    open("ouder.bakker@example.nl").await;
    open("ouder.bakker@example.nl").await;
    let (_, r) = receipts("juf.sanne@regenboog.example").await;
    assert_eq!(
        (r["seen"].as_u64(), r["total"].as_u64()),
        (Some(1), Some(2)),
        "{r}"
    );
    assert_eq!(r["not_seen"], serde_json::json!(["Mila Jansen"]));
    open("ouder.jansen@example.nl").await;
    let (status, r) = receipts("directie@regenboog.example").await;
    assert_eq!(status, 200);
    assert_eq!(
        (r["seen"].as_u64(), r["not_seen"].as_array().map(Vec::len)),
        (Some(2), Some(0))
    );
    // Families see no one else's data.
    assert_eq!(receipts("ouder.bakker@example.nl").await.0, 403);
    assert_eq!(receipts("ouder.devries@example.nl").await.0, 404);
}

db_tests!(
    read_receipts_count_pupils_whose_families_opened_the_post,
    a_teachers_post_reaches_the_group_and_nobody_else,
    the_school_group_reaches_every_family_of_the_school,
    xs01_post_text_is_sanitised_on_every_page,
    xs01_bare_addresses_become_safe_links_in_posts_and_comments,
    authors_edit_and_delete_and_staff_pin,
    the_feed_pages_newest_first,
    posting_works_as_a_plain_html_form,
);
