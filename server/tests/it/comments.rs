//! Comments, reports and the moderation queue, against the real router on both databases.
use crate::common;

use common::TestApp;
use serde_json::Value;

const BAKKER: &str = "ouder.bakker@example.nl"; // Groep 3
const JANSEN: &str = "ouder.jansen@example.nl"; // Groep 3
const DEVRIES: &str = "ouder.devries@example.nl"; // Groep 5/6
const SANNE: &str = "juf.sanne@regenboog.example"; // teaches Groep 3
const AHMED: &str = "meester.ahmed@regenboog.example"; // teaches Groep 5/6
const DIRECTIE: &str = "directie@regenboog.example";
const KOMPAS: &str = "directie@kompas.example"; // another school

async fn post(app: &TestApp, who: &str, groups: &[i64], comments: bool) -> (u16, i64) {
    let c = app.session(who).await;
    let mut form = vec![("post[body]", "Foto's van de herfstwandeling".to_string())];
    for g in groups {
        form.push(("post[groups][]", g.to_string()));
    }
    if comments {
        form.push(("post[comments]", "true".into()));
    }
    let res = app.call("create_post", Some(&c), &form).await;
    let status = res.status().as_u16();
    let id = res.json::<Value>().await.ok().and_then(|v| v.as_i64());
    (status, id.unwrap_or(0))
}

async fn comment(app: &TestApp, who: &str, post_id: i64, body: &str) -> u16 {
    let c = app.session(who).await;
    let form = [("post_id", post_id.to_string()), ("body", body.to_string())];
    app.call("add_comment", Some(&c), &form)
        .await
        .status()
        .as_u16()
}

async fn list(app: &TestApp, who: &str, post_id: i64) -> (u16, Value) {
    let c = app.session(who).await;
    let res = app
        .call(
            "post_comments",
            Some(&c),
            &[("post_id", post_id.to_string())],
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn call(app: &TestApp, who: &str, endpoint: &str, form: &[(&str, String)]) -> (u16, String) {
    let c = app.session(who).await;
    let res = app.call(endpoint, Some(&c), form).await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// The words of the comments still standing (a removed one is a placeholder without words).
fn bodies(list: &Value) -> Vec<String> {
    list["comments"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|c| c["removed"] != true)
                .map(|c| c["body"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn comments_are_for_one_class_group_and_never_school_wide(app: TestApp) {
    let g3 = app.group("Groep 3").await;
    let g56 = app.group("Groep 5/6").await;
    let whole = app
        .id_of(
            "SELECT g.id FROM groups g JOIN schools s ON s.id = g.school_id WHERE g.kind = 'school' AND s.name = $1",
            "OBS De Regenboog",
        )
        .await;
    let (status, one) = post(&app, SANNE, &[g3], true).await;
    assert_eq!(status, 200);
    assert_eq!(comment(&app, BAKKER, one, "Wat mooi!").await, 200);
    // The author asked for comments, but a school-wide or multi-group post never has them.
    let (_, school_wide) = post(&app, DIRECTIE, &[whole], true).await;
    let (_, two_groups) = post(&app, DIRECTIE, &[g3, g56], true).await;
    let (_, closed) = post(&app, SANNE, &[g3], false).await;
    for id in [school_wide, two_groups, closed] {
        assert_eq!(comment(&app, BAKKER, id, "Hallo").await, 400, "post {id}");
    }
    let (_, l) = list(&app, BAKKER, school_wide).await;
    assert_eq!(l["allowed"], false);
    let (_, l) = list(&app, BAKKER, closed).await;
    assert_eq!(
        (l["allowed"].as_bool(), l["open"].as_bool()),
        (Some(true), Some(false))
    );
    // A post with families' comments cannot be widened to other groups afterwards.
    let (status, text) = call(
        &app,
        DIRECTIE,
        "update_post",
        &[
            ("post_id", one.to_string()),
            ("post[body]", "Ook voor groep 5/6".into()),
            ("post[groups][]", g3.to_string()),
            ("post[groups][]", g56.to_string()),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(text.contains("post_has_comments"), "{text}");
    // Nor moved to another class: that class would read this class's parents.
    let (status, _) = call(
        &app,
        DIRECTIE,
        "update_post",
        &[
            ("post_id", one.to_string()),
            ("post[body]", "Voor groep 5/6".into()),
            ("post[groups][]", g56.to_string()),
            ("post[comments]", "true".into()),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        list(&app, DEVRIES, one).await.0,
        404,
        "Groep 5/6 never sees Groep 3's comments"
    );
}

/// AC-02 for comments: only the post's own group reads and writes them. XS-01: comment text is
/// shown as text, never as HTML.
async fn ac02_xs01_comments_stay_in_the_group_and_are_plain_text(app: TestApp) {
    let post_id = app.post_in("Groep 3").await;
    assert_eq!(
        comment(
            &app,
            BAKKER,
            post_id,
            "<script>alert(1)</script> Tot morgen!"
        )
        .await,
        200
    );
    let (status, l) = list(&app, JANSEN, post_id).await;
    assert_eq!(status, 200);
    assert_eq!(bodies(&l), vec!["<script>alert(1)</script> Tot morgen!"]);
    assert_eq!(l["comments"][0]["author_name"], "Tom Bakker");
    let id = app
        .id_of("SELECT id FROM comments WHERE body LIKE $1", "%Tot morgen%")
        .await;
    for who in [DEVRIES, AHMED, KOMPAS] {
        assert_eq!(list(&app, who, post_id).await.0, 404, "{who}");
        assert_eq!(comment(&app, who, post_id, "Hallo").await, 404, "{who}");
        let (status, _) = call(
            &app,
            who,
            "remove_comment",
            &[("comment_id", id.to_string()), ("reason", "x".into())],
        )
        .await;
        assert_eq!(status, 404, "{who}");
    }
    let jansen = app.session(JANSEN).await;
    let page = app
        .page(&format!("/bericht/{post_id}"), Some(&jansen))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; Tot morgen!"));
    assert!(!page.contains("<script>alert(1)"));
}

async fn authors_delete_their_comments_and_staff_remove_them_with_a_reason(app: TestApp) {
    let post_id = app.post_in("Groep 3").await;
    let mine = app.make_comment(BAKKER, post_id, "Van Eva").await;
    let theirs = app.make_comment(JANSEN, post_id, "Van Eva Jansen").await;
    let by_id = |id: i64| vec![("comment_id", id.to_string())];
    // Another family cannot delete it, nor can a parent "remove" it.
    assert_eq!(
        call(&app, JANSEN, "delete_comment", &by_id(mine)).await.0,
        403
    );
    let mut with_reason = by_id(theirs);
    with_reason.push(("reason", "Hoort hier niet".into()));
    assert_eq!(
        call(&app, BAKKER, "remove_comment", &with_reason).await.0,
        403
    );
    // The author deletes their own.
    assert_eq!(
        call(&app, BAKKER, "delete_comment", &by_id(mine)).await.0,
        200
    );
    assert_eq!(
        bodies(&list(&app, JANSEN, post_id).await.1),
        vec!["Van Eva Jansen"]
    );
    // Staff need a reason; then it disappears for everyone and the audit log says who and why.
    let (status, text) = call(
        &app,
        SANNE,
        "remove_comment",
        &[("comment_id", theirs.to_string()), ("reason", " ".into())],
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert_eq!(
        call(&app, SANNE, "remove_comment", &with_reason).await.0,
        200
    );
    for who in [BAKKER, JANSEN, SANNE, DIRECTIE] {
        let (_, comments) = list(&app, who, post_id).await;
        assert!(bodies(&comments).is_empty(), "{who}");
        // In its place: a placeholder without the words or the name, that nobody can act on.
        let placeholder = &comments["comments"][0];
        assert_eq!(placeholder["removed"], true, "{who}");
        assert_eq!(placeholder["body"], "");
        assert_eq!(placeholder["author_name"], "");
        assert_eq!(placeholder["mine"], false);
        assert_eq!(placeholder["can_remove"], false);
    }
    let (body,): (String,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT body FROM comments WHERE id = $1"
    )
    .bind(theirs)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(body, "", "the words are gone from the database too");
    assert_eq!(
        call(&app, SANNE, "remove_comment", &with_reason).await.0,
        404,
        "a placeholder cannot be removed again"
    );
    let sanne = app.user_id(SANNE).await;
    let (actor, action, note): (i64, String, String) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT actor_id, action, note FROM audit_log WHERE object_kind = 'comment' AND object_id = $1"
    )
    .bind(theirs)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(
        (actor, action.as_str(), note.as_str()),
        (sanne, "remove", "Hoort hier niet")
    );
    // The directie may remove too.
    let third = app.make_comment(JANSEN, post_id, "Nog een").await;
    let form = [
        ("comment_id", third.to_string()),
        ("reason", "Dubbel".into()),
    ];
    assert_eq!(call(&app, DIRECTIE, "remove_comment", &form).await.0, 200);
}

async fn a_report_reaches_the_author_and_the_directie_with_a_snapshot(app: TestApp) {
    let g3 = app.group("Groep 3").await;
    let (_, post_id) = post(&app, SANNE, &[g3], true).await;
    let report = |reason: &'static str, details: &'static str| {
        vec![
            ("post_id", post_id.to_string()),
            ("reason", reason.to_string()),
            ("details", details.to_string()),
        ]
    };
    assert_eq!(
        call(&app, BAKKER, "report", &report("other", "")).await.0,
        400
    );
    assert_eq!(
        call(
            &app,
            BAKKER,
            "report",
            &report("child", "Mijn zoon staat op foto 3")
        )
        .await
        .0,
        200
    );
    // Reporting the same thing again while it is open files nothing new.
    assert_eq!(
        call(&app, BAKKER, "report", &report("child", "")).await.0,
        200
    );
    // The author edits the post afterwards; the queue still shows what was reported.
    let edit = [
        ("post_id", post_id.to_string()),
        ("post[body]", "Aangepast bericht".to_string()),
        ("post[groups][]", g3.to_string()),
        ("post[comments]", "true".to_string()),
    ];
    assert_eq!(call(&app, SANNE, "update_post", &edit).await.0, 200);
    let cid = app
        .make_comment(JANSEN, post_id, "Wie is dat jongetje links?")
        .await;
    let form = [
        ("post_id", post_id.to_string()),
        ("comment_id", cid.to_string()),
        ("reason", "privacy".to_string()),
        ("details", String::new()),
    ];
    assert_eq!(call(&app, BAKKER, "report", &form).await.0, 200);
    assert_eq!(
        call(&app, JANSEN, "report", &form).await.0,
        400,
        "not one's own comment"
    );

    let queue = |who: &'static str| {
        let app = &app;
        async move {
            let (status, text) = call(app, who, "moderation_queue", &[]).await;
            (
                status,
                serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
            )
        }
    };
    let (status, q) = queue(SANNE).await;
    assert_eq!(status, 200);
    let open = q["open"].as_array().unwrap();
    assert_eq!(open.len(), 2, "{q}");
    assert_eq!(open[0]["snapshot_text"], "Foto's van de herfstwandeling");
    assert_eq!(open[0]["details"], "Mijn zoon staat op foto 3");
    assert_eq!(open[1]["snapshot_text"], "Wie is dat jongetje links?");
    assert_eq!(open[1]["snapshot_author"], "Eva Jansen");
    assert_eq!(
        open[0]["reporter_name"],
        Value::Null,
        "the teacher does not see who reported"
    );
    let (_, q) = queue(DIRECTIE).await;
    assert_eq!(q["open"].as_array().map(Vec::len), Some(2));
    assert_eq!(q["open"][0]["reporter_name"], "Tom Bakker");
    for who in [AHMED, KOMPAS] {
        assert_eq!(queue(who).await.1["open"], serde_json::json!([]), "{who}");
    }
    assert_eq!(queue(BAKKER).await.0, 404);

    // Keep the post with a note; remove the comment.
    let ids: Vec<i64> = q["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let resolve = |id: i64, decision: &str| {
        vec![
            ("report_id", id.to_string()),
            ("decision", decision.to_string()),
            ("note", "Besproken met de ouder".to_string()),
        ]
    };
    assert_eq!(
        call(&app, AHMED, "resolve_report", &resolve(ids[0], "keep"))
            .await
            .0,
        404
    );
    assert_eq!(
        call(&app, SANNE, "resolve_report", &resolve(ids[0], "keep"))
            .await
            .0,
        200
    );
    assert_eq!(
        call(&app, SANNE, "resolve_report", &resolve(ids[0], "remove"))
            .await
            .0,
        400,
        "already handled"
    );
    assert_eq!(
        call(&app, DIRECTIE, "resolve_report", &resolve(ids[1], "remove"))
            .await
            .0,
        200
    );
    assert!(bodies(&list(&app, BAKKER, post_id).await.1).is_empty());
    assert_eq!(
        list(&app, BAKKER, post_id).await.0,
        200,
        "the post itself stays"
    );
    let (_, q) = queue(DIRECTIE).await;
    assert_eq!(q["open"], serde_json::json!([]));
    let done = q["done"].as_array().unwrap();
    assert_eq!(
        done.iter()
            .map(|r| r["resolution"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["removed", "kept"]
    );
    assert_eq!(done[1]["resolution_note"], "Besproken met de ouder");
    assert_eq!(done[1]["resolver_name"], "Sanne Visser");

    // Removing a reported post through the queue deletes it for everyone.
    assert_eq!(
        call(&app, JANSEN, "report", &report("hurtful", "")).await.0,
        200
    );
    let (_, q) = queue(DIRECTIE).await;
    let id = q["open"][0]["id"].as_i64().unwrap();
    assert_eq!(
        call(&app, DIRECTIE, "resolve_report", &resolve(id, "remove"))
            .await
            .0,
        200
    );
    assert_eq!(list(&app, BAKKER, post_id).await.0, 404);
    let (_, q) = queue(SANNE).await;
    assert_eq!(q["done"][0]["post_id"], Value::Null);
}

/// Without JavaScript the report form posts, and the family lands on the post with "received".
async fn the_reporter_sees_the_report_was_received(app: TestApp) {
    let post_id = app.post_in("Groep 3").await;
    let bakker = app.session(BAKKER).await;
    let page = app
        .page(&format!("/bericht/{post_id}/melden"), Some(&bakker))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"name="reason""#), "the report form");
    let res = common::client()
        .post(app.at("/api/report"))
        .header("cookie", &bakker)
        .header("accept", "text/html")
        .header("origin", app.url.clone())
        .form(&[
            ("post_id", post_id.to_string()),
            ("reason", "child".into()),
            ("details", "".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("/bericht/{post_id}?gemeld=1"));
    let page = app.page(&to, Some(&bakker)).await.text().await.unwrap();
    assert!(page.contains("Je melding is ontvangen"), "{page}");
}

db_tests!(
    comments_are_for_one_class_group_and_never_school_wide,
    ac02_xs01_comments_stay_in_the_group_and_are_plain_text,
    authors_delete_their_comments_and_staff_remove_them_with_a_reason,
    a_report_reaches_the_author_and_the_directie_with_a_snapshot,
    the_reporter_sees_the_report_was_received,
);
