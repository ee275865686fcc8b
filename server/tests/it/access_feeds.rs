//! AC-01 by content: the page matrix in access.rs checks status codes only, and a feed that answered
//! 200 with another group's posts would pass it. Here every group of the demo gets a marker post,
//! and for every actor the feed and every group page (as HTML and as server-function JSON) must show
//! exactly the markers of the groups that actor may read. Each "does not show" is checked on an
//! answer whose status is the expected one (200 where the actor may look at all).
use crate::access::{cookie, ACTORS};
use crate::common;

use common::TestApp;

/// (school, group, marker). Each marker is a word that appears nowhere else (not inside another).
const GROUPS: [(&str, &str, &str); 7] = [
    (
        "OBS De Regenboog",
        "Hele school",
        "Merkteken-regenboog-school.",
    ),
    ("OBS De Regenboog", "Team", "Merkteken-regenboog-team."),
    ("OBS De Regenboog", "Groep 3", "Merkteken-groep-3."),
    ("OBS De Regenboog", "Groep 5/6", "Merkteken-groep-56."),
    ("CBS Het Kompas", "Hele school", "Merkteken-kompas-school."),
    ("CBS Het Kompas", "Team", "Merkteken-kompas-team."),
    ("CBS Het Kompas", "Groep 4", "Merkteken-groep-4."),
];

/// Who may read which group (indexes into `GROUPS`), per actor in `ACTORS` order: written out here
/// from the rule in `server::visibility`, not computed with it.
const READS: [&[usize]; 8] = [
    &[],           // anonymous
    &[0, 2],       // ouder.bakker: Lotte in Groep 3, so Groep 3 and her school
    &[0, 3],       // ouder.devries: Sam in Groep 5/6, so Groep 5/6 and his school
    &[0, 2], // juf.sanne: the group she teaches and her school (not the team group: not a member)
    &[0, 1, 2, 3], // directie of De Regenboog: every group of the school
    &[4, 5, 6], // directie of Het Kompas: every group of that school, none of the other
    &[],     // foundation admin: structure and people, no posts
    &[], // administratie of De Regenboog: pupils, guardians and imports, no posts (not even the school's)
];

/// The id of a group by school and name ("Hele school" and "Team" exist once per school).
async fn group_id(app: &TestApp, school: &str, group: &str) -> i64 {
    app.id_of(
        "SELECT g.id FROM groups g JOIN schools s ON s.id = g.school_id WHERE s.name || '/' || g.name = $1",
        &format!("{school}/{group}"),
    )
    .await
}

/// A post with `marker` in its title and body, in one group, by the directie of its school (who may
/// post to every group of the school).
async fn marker_post(app: &TestApp, school: &str, group: i64, marker: &str) -> i64 {
    let author = match school {
        "OBS De Regenboog" => "directie@regenboog.example",
        _ => "directie@kompas.example",
    };
    let actor = app.actor(author).await;
    let post = app::posts::model::NewPost::parse(app::posts::model::PostForm {
        title: format!("Bericht {marker}"),
        body: format!("Alleen voor deze groep: {marker}"),
        groups: vec![group],
        ..Default::default()
    })
    .expect("valid post");
    app::posts::server::create(&app.db, &actor, post, &Default::default())
        .await
        .expect("marker post")
}

/// Which of the markers `text` contains, as indexes into `GROUPS`.
fn markers_in(text: &str) -> Vec<usize> {
    (0..GROUPS.len())
        .filter(|&g| text.contains(GROUPS[g].2))
        .collect()
}

/// Status and body of a page fetched as a browser does, with the redirect target for a 302.
async fn fetch_page(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String, String) {
    let res = app.page(path, cookie).await;
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, location, res.text().await.unwrap_or_default())
}

async fn fetch_fn(
    app: &TestApp,
    endpoint: &str,
    cookie: Option<&str>,
    form: &[(&str, String)],
) -> (u16, String) {
    let res = app.call(endpoint, cookie, form).await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// Records a mismatch: the status is not the expected one, or the markers shown are not exactly
/// `expected`.
fn check(
    failures: &mut Vec<String>,
    what: String,
    (status, expected_status): (u16, u16),
    body: &str,
    expected: &[usize],
) {
    if status != expected_status {
        failures.push(format!(
            "{what}: status {status}, expected {expected_status}"
        ));
    }
    let shown = markers_in(body);
    if shown != expected {
        let names = |gs: &[usize]| gs.iter().map(|&g| GROUPS[g].2).collect::<Vec<_>>();
        failures.push(format!(
            "{what}: shows {:?}, expected {:?}",
            names(&shown),
            names(expected)
        ));
    }
}

async fn ac01_feed_and_group_pages_show_exactly_the_readable_groups(app: TestApp) {
    let mut ids = Vec::new();
    for (school, group, marker) in GROUPS {
        let id = group_id(&app, school, group).await;
        marker_post(&app, school, id, marker).await;
        ids.push(id);
    }
    let mut failures = Vec::new();
    for (a, actor) in ACTORS.iter().enumerate() {
        let c = cookie(&app, actor).await;
        let c = c.as_deref();
        let signed_in = c.is_some();
        let reads = READS[a];
        // The home feed: every readable group's marker, and no other.
        let (status, location, html) = fetch_page(&app, "/", c).await;
        let expected_status = if signed_in { 200 } else { 302 };
        check(
            &mut failures,
            format!("/ as {actor}"),
            (status, expected_status),
            &html,
            reads,
        );
        if !signed_in && location != "/inloggen" {
            failures.push(format!("/ as {actor}: redirected to {location:?}"));
        }
        let (status, json) = fetch_fn(&app, "feed", c, &[]).await;
        let expected_status = if signed_in { 200 } else { 401 };
        check(
            &mut failures,
            format!("feed as {actor}"),
            (status, expected_status),
            &json,
            reads,
        );
        // Each group's page: its own marker where readable (a school group's page shows the school
        // group's posts only), and a 404 without any marker elsewhere.
        for (g, id) in ids.iter().enumerate() {
            let readable = reads.contains(&g);
            let own: &[usize] = if readable { &[g] } else { &[] };
            let path = format!("/groep/{id}");
            let (status, location, html) = fetch_page(&app, &path, c).await;
            let expected_status = match (signed_in, readable) {
                (false, _) => 302,
                (true, true) => 200,
                (true, false) => 404,
            };
            check(
                &mut failures,
                format!("{path} ({}) as {actor}", GROUPS[g].2),
                (status, expected_status),
                &html,
                own,
            );
            if !signed_in && location != "/inloggen" {
                failures.push(format!("{path} as {actor}: redirected to {location:?}"));
            }
            let (status, json) =
                fetch_fn(&app, "group_feed", c, &[("group_id", id.to_string())]).await;
            let expected_status = match (signed_in, readable) {
                (false, _) => 401,
                (true, true) => 200,
                (true, false) => 404,
            };
            check(
                &mut failures,
                format!("group_feed {} as {actor}", GROUPS[g].2),
                (status, expected_status),
                &json,
                own,
            );
        }
    }
    assert!(
        failures.is_empty(),
        "feed and group content mismatches:\n{}",
        failures.join("\n")
    );
}

db_tests!(ac01_feed_and_group_pages_show_exactly_the_readable_groups);
