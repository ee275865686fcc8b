//! The composed newsletter end to end on both databases: a draft with sections, a photo and a PDF
//! is seen by its author only (preview), sending publishes it in the school group and delivers it
//! by each guardian's preference, PDFs are served only to readers (UP-04, AC-02), scheduling goes
//! out through the job queue at its moment, and the archive lists what each reader may read.
use crate::common;

use std::time::Duration;

use common::{
    consent::{call, BAKKER, DEVRIES, DIRECTIE, JANSEN},
    images::plain_jpeg,
    TestApp,
};
use reqwest::multipart::{Form, Part};

const SMIT: &str = "ouder.smit@example.nl"; // a parent of Het Kompas only
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn school_group(app: &TestApp, school: &str) -> i64 {
    app.id_of(
        "SELECT g.id FROM groups g JOIN schools s ON s.id = g.school_id WHERE g.kind = 'school' AND s.name = $1",
        school,
    )
    .await
}

/// Posts the newsletter form as a browser does; answers the redirect's target.
async fn save(app: &TestApp, who: &str, form: Form) -> String {
    let cookie = app.session(who).await;
    let res = app
        .http
        .post(app.at("/nieuwsbrief/opslaan"))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the form answers with a redirect");
    res.headers()["location"].to_str().unwrap().to_string()
}

fn text_form(fields: &[(&str, &str)]) -> Form {
    fields.iter().fold(Form::new(), |f, (k, v)| {
        f.text(k.to_string(), v.to_string())
    })
}

fn file(name: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_string())
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/bericht/")
        .trim_start_matches("/nieuwsbrief/")
        .split(['/', '?', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no id in {location}"))
}

async fn drain(app: &TestApp) {
    for _ in 0..400 {
        app.state.wake_jobs();
        let (open,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running') AND run_at <= $1"
        )
        .bind(app.db.clock().now())
        .fetch_one(pool)
        .await)
        .unwrap();
        if open == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("jobs did not finish");
}

async fn status_of(app: &TestApp, id: i64) -> String {
    let (status,): (String,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COALESCE(draft_state, status) FROM posts WHERE id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap();
    status
}

async fn attachment_of(app: &TestApp, id: i64) -> String {
    let (uid,): (String,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT uid FROM attachments WHERE post_id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap();
    uid
}

async fn download(app: &TestApp, who: &str, uid: &str) -> reqwest::Response {
    let cookie = app.session(who).await;
    app.http
        .get(app.at(&format!("/bijlage/{uid}")))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

async fn up04_ac02_a_newsletter_is_previewed_then_sent_to_its_school_only(app: TestApp) {
    // Jansen wants newsletters by e-mail at once; Bakker keeps the default (weekly summary).
    let (status, body) = call(
        &app,
        JANSEN,
        "save_notification_prefs",
        &[
            ("frequency", "immediately".into()),
            ("email[]", "newsletter".into()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let group = school_group(&app, "OBS De Regenboog").await;
    let form = text_form(&[
        ("group", &group.to_string()),
        ("title", "Nieuwsbrief Zonnebloem-editie"),
        ("intro", "Beste ouders, een drukke week!"),
        ("heading[]", "Agenda"),
        ("text[]", "- vrijdag: kerstmarkt"),
        ("heading[]", "Uit groep 3"),
        ("text[]", "We leren over de herfst."),
        ("heading[]", ""),
        ("text[]", ""),
        ("do", "preview"),
    ])
    .part("photos", file("plein.jpg", &plain_jpeg(800, 600)))
    .part("attachments", file("Jaarkalender 2026.pdf", PDF));
    let location = save(&app, DIRECTIE, form).await;
    assert!(
        location.starts_with("/bericht/"),
        "to the preview: {location}"
    );
    let id = id_from(&location);
    assert_eq!(status_of(&app, id).await, "draft");
    let uid = attachment_of(&app, id).await;

    // The preview is the author's only: families and the feed see nothing, not even the PDF.
    let (status, preview) = call(&app, DIRECTIE, "get_post", &[("post_id", id.to_string())]).await;
    assert_eq!(status, 200, "{preview}");
    let html = preview[0]["body_html"].as_str().unwrap();
    assert!(
        html.contains("<h2>Agenda</h2>") && html.contains("<li>vrijdag: kerstmarkt</li>"),
        "{html}"
    );
    assert_eq!(
        preview[0]["attachments"][0]["name"],
        "Jaarkalender 2026.pdf"
    );
    let (status, _) = call(&app, JANSEN, "get_post", &[("post_id", id.to_string())]).await;
    assert_eq!(status, 404, "a draft is not there for families");
    for who in [JANSEN, DIRECTIE] {
        let (_, feed) = call(&app, who, "feed", &[]).await;
        assert!(
            !feed.to_string().contains("Zonnebloem-editie"),
            "{who}: drafts stay out of the feed"
        );
    }
    assert_eq!(download(&app, JANSEN, &uid).await.status(), 404);
    let (_, archive) = call(&app, JANSEN, "newsletters", &[]).await;
    assert!(!archive.to_string().contains("Zonnebloem-editie"));
    let (_, archive) = call(&app, DIRECTIE, "newsletters", &[]).await;
    assert_eq!(archive["drafts"][0]["id"], id, "{archive}");
    assert_eq!(archive["can_write"], true);

    // A family cannot make one, and a file that is not a PDF is refused while the text is kept.
    let before: (i64,) =
        app::with_db!(&app.db, |pool| sqlx::query_as("SELECT COUNT(*) FROM posts")
            .fetch_one(pool)
            .await)
        .unwrap();
    let refused = save(
        &app,
        JANSEN,
        text_form(&[("group", &group.to_string()), ("title", "x")]),
    )
    .await;
    assert!(refused.contains("fout=newsletter_not_allowed"), "{refused}");
    let after: (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as("SELECT COUNT(*) FROM posts")
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(before, after);
    let form = text_form(&[
        ("id", &id.to_string()),
        ("group", &group.to_string()),
        ("title", "Nieuwsbrief Zonnebloem-editie (definitief)"),
        ("intro", "Beste ouders, een drukke week!"),
        ("heading[]", "Agenda"),
        ("text[]", "- vrijdag: kerstmarkt"),
    ])
    .part("attachments", file("virus.pdf", b"MZ\x90\x00 not a pdf"));
    let back = save(&app, DIRECTIE, form).await;
    assert_eq!(
        back,
        format!("/nieuwsbrief/{id}/bewerken?fout=newsletter_not_pdf")
    );
    let (_, edit) = call(&app, DIRECTIE, "newsletter_form", &[("id", id.to_string())]).await;
    assert_eq!(
        edit["title"], "Nieuwsbrief Zonnebloem-editie (definitief)",
        "typed text is kept"
    );
    assert_eq!(edit["sections"][0]["heading"], "Agenda");
    assert_eq!(
        edit["sections"].as_array().unwrap().len(),
        1,
        "the removed section is gone"
    );
    assert_eq!(
        edit["attachments"].as_array().unwrap().len(),
        1,
        "only the PDF"
    );

    // Sending: published in the school group, delivered by preference, readable by its families.
    let (status, body) = call(
        &app,
        DIRECTIE,
        "send_newsletter",
        &[("post_id", id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    drain(&app).await;
    assert_eq!(status_of(&app, id).await, "published");
    let mail = app.smtp.wait_for(JANSEN, "Zonnebloem-editie").await;
    assert!(mail.text.contains(&format!("/bericht/{id}")));
    assert!(
        !mail.text.contains("/bijlage/") && !mail.text.contains("/media/"),
        "no file links in mail"
    );
    let (kind,): (String,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT n.kind FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = $1 AND n.post_id = $2"
    )
    .bind(BAKKER)
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(kind, "newsletter");
    assert!(
        app.smtp
            .to(BAKKER)
            .iter()
            .all(|m| !m.text.contains("Zonnebloem-editie")),
        "weekly summary: not yet"
    );
    for who in [JANSEN, BAKKER, DEVRIES] {
        let (status, _) = call(&app, who, "get_post", &[("post_id", id.to_string())]).await;
        assert_eq!(status, 200, "{who}");
        let (_, archive) = call(&app, who, "newsletters", &[]).await;
        assert_eq!(archive["published"][0]["id"], id, "{who}: {archive}");
        assert_eq!(archive["can_write"], false);
    }
    let res = download(&app, JANSEN, &uid).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("Jaarkalender%202026.pdf"),
        "{disposition}"
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    // Another school's parent: neither the newsletter nor its PDF.
    assert_eq!(download(&app, SMIT, &uid).await.status(), 404);
    let (status, _) = call(&app, SMIT, "get_post", &[("post_id", id.to_string())]).await;
    assert_eq!(status, 404);
    let (_, archive) = call(&app, SMIT, "newsletters", &[]).await;
    assert!(!archive.to_string().contains("Zonnebloem-editie"));
    // Sending twice does nothing.
    let (status, _) = call(
        &app,
        DIRECTIE,
        "send_newsletter",
        &[("post_id", id.to_string())],
    )
    .await;
    assert_eq!(status, 400);

    // Deleting it removes the PDF's file as well as its rows (PR-05).
    let key: (String,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT storage_key FROM attachments WHERE uid = $1"
    )
    .bind(&uid)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(app.state.storage.get(&key.0).await.is_ok());
    let (status, body) = call(
        &app,
        DIRECTIE,
        "delete_post",
        &[("post_id", id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    drain(&app).await;
    assert!(app.state.storage.get(&key.0).await.is_err(), "file purged");
    let left: (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM attachments"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(left.0, 0);
}

async fn a_scheduled_newsletter_goes_out_at_its_moment(app: TestApp) {
    let group = school_group(&app, "OBS De Regenboog").await;
    let untitled = save(
        &app,
        DIRECTIE,
        text_form(&[("group", &group.to_string()), ("intro", "Nog zonder titel")]),
    )
    .await;
    let (status, body) = call(
        &app,
        DIRECTIE,
        "send_newsletter",
        &[("post_id", id_from(&untitled).to_string())],
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.to_string().contains("newsletter_title_required"),
        "{body}"
    );

    let location = save(
        &app,
        DIRECTIE,
        text_form(&[
            ("group", &group.to_string()),
            ("title", "Kerstnieuwsbrief"),
            ("intro", "Fijne feestdagen"),
        ]),
    )
    .await;
    let id = id_from(&location);
    let tz = app.settings().digest.tz;
    let local = |secs: i64| {
        use chrono::TimeZone;
        tz.timestamp_opt(app.db.clock().now() + secs, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let (status, body) = call(
        &app,
        DIRECTIE,
        "send_newsletter",
        &[("post_id", id.to_string()), ("at", local(-3600))],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("newsletter_at_past"), "{body}");
    let (status, body) = call(
        &app,
        DIRECTIE,
        "send_newsletter",
        &[("post_id", id.to_string()), ("at", local(3 * 3600))],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(status_of(&app, id).await, "scheduled");
    let (_, post) = call(&app, DIRECTIE, "get_post", &[("post_id", id.to_string())]).await;
    assert!(
        post[0]["publish_at_text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{post}"
    );
    let (status, _) = call(&app, JANSEN, "get_post", &[("post_id", id.to_string())]).await;
    assert_eq!(status, 404, "not before its moment");

    // Unscheduled, then scheduled again: the first job finds another moment and does nothing.
    call(
        &app,
        DIRECTIE,
        "unschedule_newsletter",
        &[("post_id", id.to_string())],
    )
    .await;
    assert_eq!(status_of(&app, id).await, "draft");
    let (status, _) = call(
        &app,
        DIRECTIE,
        "send_newsletter",
        &[("post_id", id.to_string()), ("at", local(5 * 3600))],
    )
    .await;
    assert_eq!(status, 200);
    // The clock moves on: both jobs fall due now.
    app::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE jobs SET run_at = $1 WHERE kind = 'newsletter.publish'"
    )
    .bind(app.db.clock().now())
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    drain(&app).await;
    assert_eq!(status_of(&app, id).await, "published");
    let (n,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM notifications WHERE post_id = $1 AND kind = 'newsletter'"
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(n > 0, "its families were notified once it went out");
    let (_, feed) = call(&app, JANSEN, "feed", &[]).await;
    assert!(feed.to_string().contains("Kerstnieuwsbrief"));
}

async fn pr01_a_school_that_wants_tags_sends_no_untagged_newsletter_photo(app: TestApp) {
    let school = app.school("OBS De Regenboog").await;
    let rule = [
        ("school_id", school.to_string()),
        ("required", "true".to_string()),
    ];
    assert_eq!(call(&app, DIRECTIE, "set_tag_rule", &rule).await.0, 200);
    let group = school_group(&app, "OBS De Regenboog").await;
    let fields = |id: &str| {
        let mut f = vec![
            ("group", group.to_string()),
            ("title", "Nieuwsbrief met foto".to_string()),
        ];
        if !id.is_empty() {
            f.push(("id", id.to_string()));
        }
        f
    };
    let form = |f: Vec<(&'static str, String)>| {
        f.into_iter()
            .fold(Form::new(), |form, (k, v)| form.text(k, v))
    };
    let location = save(
        &app,
        DIRECTIE,
        form(fields("")).part("photos", file("klas.jpg", &plain_jpeg(640, 480))),
    )
    .await;
    let id = id_from(&location);
    let (status, body) = call(
        &app,
        DIRECTIE,
        "send_newsletter",
        &[("post_id", id.to_string())],
    )
    .await;
    assert_eq!(status, 400, "an untagged photo: {body}");
    assert!(body.to_string().contains("media_tags_required"), "{body}");
    let (uid,): (String,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT uid FROM media WHERE post_id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap();
    // The author marks it as showing no recognisable child: now it may go.
    let mut marked = fields(&id.to_string());
    marked.push(("no_children[]", uid));
    save(&app, DIRECTIE, form(marked)).await;
    let (status, body) = call(
        &app,
        DIRECTIE,
        "send_newsletter",
        &[("post_id", id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    drain(&app).await;
    assert_eq!(status_of(&app, id).await, "published");
    // Sent: a new photo would reach families untagged, so it is refused.
    let back = save(
        &app,
        DIRECTIE,
        form(fields(&id.to_string())).part("photos", file("later.jpg", &plain_jpeg(640, 480))),
    )
    .await;
    assert_eq!(
        back,
        format!("/nieuwsbrief/{id}/bewerken?fout=media_tags_required")
    );
    let (photos,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM media WHERE post_id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(photos, 1);
}

db_tests!(
    pr01_a_school_that_wants_tags_sends_no_untagged_newsletter_photo,
    up04_ac02_a_newsletter_is_previewed_then_sent_to_its_school_only,
    a_scheduled_newsletter_goes_out_at_its_moment,
);
