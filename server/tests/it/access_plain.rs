//! AC-01 for the routes outside Leptos: photos and videos, album zips, newsletter PDFs and forms,
//! the post form without JavaScript, unsubscribe, health and the service worker. The list comes
//! from `server::router::plain_routes`, from which the router is built, so a new plain route
//! without a row here fails the suite (as a new page or server function fails in access.rs).
use crate::access::{cookie, ACTORS};
use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use axum::http::Method;
use common::{consent::tagged_post, images::plain_jpeg, TestApp};
use reqwest::multipart::{Form, Part};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The objects the rows ask for: all belong to school A (Groep 3, Lotte, the school group).
struct Fx {
    /// A processed photo in a Groep 3 post, nobody tagged.
    photo: String,
    lotte: i64,
    /// This school year's album file name ("2025-2026.zip"); Lotte is tagged in a photo of it.
    album: String,
    /// The PDF of a sent newsletter in the school group of De Regenboog.
    pdf: String,
    group3: i64,
    school_group: i64,
    /// "u=…&t=…" of a valid unsubscribe link (Bakker's).
    unsubscribe: String,
    school_a: i64,
    /// An uploaded, not yet applied import of school A.
    import_run: i64,
}

enum Payload {
    None,
    Text(&'static str),
    Multipart(Form),
}

type Request = fn(&Fx) -> (String, Payload);

/// (method, route pattern, request, expected outcome per actor in `ACTORS` order). An outcome is
/// the status, and for a redirect also its target with numeric path parts written `{id}`: the
/// forms answer 303 both when they succeed and when they refuse, so the target is the answer.
const ROWS: &[(Method, &str, Request, [&str; 8])] = &[
    (
        Method::GET,
        "/healthz",
        |_| ("/healthz".into(), Payload::None),
        ["200"; 8],
    ),
    (
        Method::GET,
        "/sw.js",
        |_| ("/sw.js".into(), Payload::None),
        ["200"; 8],
    ),
    (
        Method::POST,
        "/media",
        |_| ("/media".into(), Payload::Multipart(photo_form("file"))),
        // Whoever may post somewhere may upload.
        ["401", "403", "403", "200", "200", "200", "403", "403"],
    ),
    (
        Method::GET,
        "/media/{uid}/{variant}",
        |f| (format!("/media/{}/feed", f.photo), Payload::None),
        ["404", "200", "404", "200", "200", "404", "404", "404"],
    ),
    (
        Method::GET,
        "/media/{uid}/{variant}",
        |f| (format!("/media/{}/full", f.photo), Payload::None),
        ["404", "200", "404", "200", "200", "404", "404", "404"],
    ),
    (
        Method::GET,
        "/album/{pupil}/{file}",
        |f| (format!("/album/{}/{}", f.lotte, f.album), Payload::None),
        // Lotte's own guardian only: staff see photos in posts, not a child's album.
        ["404", "200", "404", "404", "404", "404", "404", "404"],
    ),
    (
        Method::GET,
        "/bijlage/{uid}",
        |f| (format!("/bijlage/{}", f.pdf), Payload::None),
        // Everyone who reads De Regenboog's school group.
        ["404", "200", "200", "200", "200", "404", "404", "404"],
    ),
    (
        Method::POST,
        "/nieuwsbrief/opslaan",
        |f| {
            let form = Form::new()
                .text("group", f.school_group.to_string())
                .text("title", "Nieuwsbrief van iemand")
                .text("intro", "Beste ouders");
            ("/nieuwsbrief/opslaan".into(), Payload::Multipart(form))
        },
        [
            "303 /inloggen",
            "303 /nieuwsbrief/nieuw?fout=newsletter_not_allowed",
            "303 /nieuwsbrief/nieuw?fout=newsletter_not_allowed",
            "303 /nieuwsbrief/nieuw?fout=newsletter_not_allowed",
            "303 /bericht/{id}",
            "303 /nieuwsbrief/nieuw?fout=newsletter_not_allowed",
            "303 /nieuwsbrief/nieuw?fout=newsletter_not_allowed",
            "303 /nieuwsbrief/nieuw?fout=newsletter_not_allowed",
        ],
    ),
    (
        Method::POST,
        "/bericht/nieuw",
        |f| {
            let form = photo_form("files")
                .text("post[body]", "Zonder JavaScript")
                .text("post[groups][]", f.group3.to_string());
            ("/bericht/nieuw".into(), Payload::Multipart(form))
        },
        [
            "303 /inloggen",
            "303 /bericht/nieuw?fout=media_not_allowed",
            "303 /bericht/nieuw?fout=media_not_allowed",
            "303 /bericht/{id}",
            "303 /bericht/{id}",
            // May post in Het Kompas, not in Groep 3 of De Regenboog.
            "303 /bericht/nieuw?fout=post_groups_not_yours",
            "303 /bericht/nieuw?fout=media_not_allowed",
            "303 /bericht/nieuw?fout=media_not_allowed",
        ],
    ),
    (
        // Public: the signature in the link is the right, whoever sends it (RFC 8058 one-click).
        Method::POST,
        "/afmelden",
        |f| {
            (
                format!("/afmelden?{}", f.unsubscribe),
                Payload::Text("List-Unsubscribe=One-Click"),
            )
        },
        ["200"; 8],
    ),
    (
        Method::POST,
        "/afmelden",
        |f| {
            let forged = f.unsubscribe.split("&t=").next().unwrap_or_default();
            (
                format!("/afmelden?{forged}&t=00"),
                Payload::Text("List-Unsubscribe=One-Click"),
            )
        },
        ["400"; 8],
    ),
    (
        // The upload stores a run and shows its preview; nothing in the school changes yet.
        Method::POST,
        "/beheer/import",
        |f| {
            let form = Form::new().text("school_id", f.school_a.to_string()).part(
                "file",
                Part::bytes(
                    b"leerlingnummer;roepnaam;achternaam;groep\n9002;Ids;Upload;Groep 3\n".to_vec(),
                )
                .file_name("leerlingen.csv"),
            );
            ("/beheer/import".into(), Payload::Multipart(form))
        },
        [
            "303 /inloggen",
            "404",
            "404",
            "404",
            "303 /beheer/import/{id}",
            "404",
            "303 /beheer/import/{id}",
            "303 /beheer/import/{id}",
        ],
    ),
    (
        Method::GET,
        "/beheer/import/{run}/regels.csv",
        |f| {
            (
                format!("/beheer/import/{}/regels.csv", f.import_run),
                Payload::None,
            )
        },
        ["401", "404", "404", "404", "200", "404", "200", "200"],
    ),
];

fn photo_form(field: &str) -> Form {
    let part = Part::bytes(plain_jpeg(64, 48))
        .file_name("foto.jpg")
        .mime_str("image/jpeg")
        .expect("mime");
    Form::new().part(field.to_string(), part)
}

async fn fixture(app: &TestApp) -> Fx {
    // A post in Groep 3 with two processed photos: one without tags, one of Lotte.
    let uids = tagged_post(app, &[&[], &["Lotte"]]).await;
    let school_group = app
        .id_of(
            "SELECT g.id FROM groups g JOIN schools s ON s.id = g.school_id WHERE g.kind = 'school' AND s.name = $1",
            "OBS De Regenboog",
        )
        .await;
    // A newsletter with a PDF, through its own form, then sent.
    let directie = app.session("directie@regenboog.example").await;
    let form = Form::new()
        .text("group", school_group.to_string())
        .text("title", "Nieuwsbrief met jaarkalender")
        .text("intro", "Beste ouders")
        .part(
            "attachments",
            Part::bytes(PDF.to_vec()).file_name("Jaarkalender.pdf"),
        );
    let res = app
        .http
        .post(app.at("/nieuwsbrief/opslaan"))
        .header("cookie", &directie)
        .multipart(form)
        .send()
        .await
        .expect("save newsletter");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let newsletter: i64 = location
        .trim_start_matches("/bericht/")
        .parse()
        .unwrap_or_else(|_| panic!("the newsletter was not saved: {location}"));
    let sent = app
        .call(
            "send_newsletter",
            Some(&directie),
            &[("post_id", newsletter.to_string())],
        )
        .await;
    assert_eq!(sent.status(), 200, "{}", sent.text().await.unwrap());
    wait_until_published(app, newsletter).await;
    let (pdf,): (String,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT uid FROM attachments WHERE post_id = $1"
    )
    .bind(newsletter)
    .fetch_one(pool)
    .await)
    .expect("attachment");
    let bakker = app.user_id("ouder.bakker@example.nl").await;
    let link = app::notify::push::unsubscribe_link(&app.state, bakker)
        .await
        .expect("unsubscribe link");
    let unsubscribe = link
        .split_once("/afmelden?")
        .map(|(_, query)| query.to_string())
        .unwrap_or_else(|| panic!("not an unsubscribe link: {link}"));
    let school_a = app.school("OBS De Regenboog").await;
    let import_run = app::import::runs::create(
        &app.db,
        school_a,
        None,
        b"leerlingnummer;roepnaam;achternaam;groep\n9001;Isa;Import;Groep 3\n",
        None,
    )
    .await
    .expect("import run");
    Fx {
        school_a,
        import_run,
        photo: uids[0].clone(),
        lotte: app.pupil("Lotte").await,
        album: format!("{}.zip", app.db.clock().current_school_year().0),
        pdf,
        group3: app.group("Groep 3").await,
        school_group,
        unsubscribe,
    }
}

async fn wait_until_published(app: &TestApp, post: i64) {
    let mut status = String::new();
    for _ in 0..200 {
        app.state.wake_jobs();
        (status,) = app::with_db!(&app.db, |pool| sqlx::query_as(
            "SELECT COALESCE(draft_state, status) FROM posts WHERE id = $1"
        )
        .bind(post)
        .fetch_one(pool)
        .await)
        .expect("post status");
        if status == "published" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("post {post} was not published within 10 s (status {status:?})");
}

/// "404", or for a redirect "303 /bericht/{id}": the target's numeric path parts become `{id}`.
fn outcome(res: &reqwest::Response) -> String {
    let status = res.status().as_u16();
    if !res.status().is_redirection() {
        return status.to_string();
    }
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (path, query) = match location.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (location, String::new()),
    };
    let path: Vec<&str> = path
        .split('/')
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                part
            }
        })
        .collect();
    format!("{status} {}{query}", path.join("/"))
}

async fn ac01_every_plain_route_for_every_actor(app: TestApp) {
    let registered: BTreeSet<(String, String)> = server::router::plain_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let covered: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|(m, p, _, _)| (m.to_string(), p.to_string()))
        .collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "plain routes without a row in the access matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "rows for routes the router does not have: {stale:?}"
    );
    let f = fixture(&app).await;
    let mut failures = Vec::new();
    for (method, _, request, expected) in ROWS {
        for (i, actor) in ACTORS.iter().enumerate() {
            let (path, payload) = request(&f);
            let mut req = common::client().request(method.clone(), app.at(&path));
            if let Some(c) = cookie(&app, actor).await {
                req = req.header("cookie", c);
            }
            req = match payload {
                Payload::None => req,
                Payload::Text(text) => req
                    .header("content-type", "text/plain")
                    .body(text.to_string()),
                Payload::Multipart(form) => req.multipart(form),
            };
            let res = req.send().await.expect("request");
            let got = outcome(&res);
            if got != expected[i] {
                failures.push(format!(
                    "{method} {path} as {actor}: got {got:?}, expected {:?}",
                    expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "plain route matrix mismatches:\n{}",
        failures.join("\n")
    );
}

db_tests!(ac01_every_plain_route_for_every_actor);
