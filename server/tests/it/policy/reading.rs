//! AC-02, PR-02: the reading rules every feature pushes into its query (`policy`) against a second
//! writing of them by hand (`positional.rs`, in these tests). On the seeded school with photo posts
//! (tagged children with and without consent, last year's post of the "Mijn kind" album, a post
//! still processing), a draft newsletter and guardians without access, both must give each person
//! the same groups, posts and photos, and each post the same families, and these are checked by
//! hand too. Changing the hand-written form in a way that matters must make the comparison fail, so
//! the school is rich enough to tell the forms apart.
use std::collections::{BTreeMap, BTreeSet};

use app::policy::{self, Sql, Viewer};

use super::positional;

use super::{one, run, school_year, this_years_start};
use crate::common::{consent::*, TestApp};

/// The ids of a query whose middle part a rule pushes into the builder `$q`.
macro_rules! by_builder {
    ($app:expr, $head:expr, |$q:ident| $rule:expr, $tail:expr) => {
        app::with_db!(&$app.db, |pool| {
            let mut $q = sqlx::QueryBuilder::new($head);
            $rule;
            $q.add($tail);
            $q.build_query_as::<(i64,)>().fetch_all(pool).await
        })
        .expect($head)
        .into_iter()
        .map(|(id,)| id)
        .collect::<BTreeSet<i64>>()
    };
}

/// The ids of a positional query (`$1` the person or the post, `$2` today).
async fn by_position(app: &TestApp, sql: &str, first: i64, today: &str) -> BTreeSet<i64> {
    let rows: Vec<(i64,)> = app::with_db!(&app.db, |pool| sqlx::query_as(sql)
        .bind(first)
        .bind(today)
        .fetch_all(pool)
        .await)
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().map(|(id,)| id).collect()
}

/// The hand-written forms, as written or changed on purpose.
#[derive(Clone)]
struct Forms {
    groups: String,
    posts: String,
    media: String,
    guardians: String,
}

impl Forms {
    fn positional() -> Forms {
        Forms {
            groups: format!(
                "SELECT g.id FROM groups g WHERE g.id IN ({})",
                positional::VISIBLE_GROUPS
            ),
            posts: format!(
                "SELECT p.id FROM posts p WHERE p.id IN ({})",
                positional::readable_posts()
            ),
            media: format!(
                "SELECT m.id FROM media m WHERE {}",
                positional::media_visible("m")
            ),
            guardians: format!(
                "SELECT u.id FROM users u WHERE u.id IN ({})",
                positional::GUARDIANS_OF_POST
            ),
        }
    }

    /// These forms with `from` replaced by `to` in the form `which`.
    fn changed(&self, which: &str, from: &str, to: &str) -> Forms {
        let mut out = self.clone();
        let form = match which {
            "groups" => &mut out.groups,
            "posts" => &mut out.posts,
            "media" => &mut out.media,
            "guardians" => &mut out.guardians,
            other => panic!("no form {other}"),
        };
        assert!(form.contains(from), "{which} has no {from:?}");
        *form = form.replace(from, to);
        out
    }
}

/// Every set the rules give on this database, as (what, builder form, positional form): per
/// person their groups, posts and photos, per post its families.
async fn sets(
    app: &TestApp,
    forms: &Forms,
    people: &[(String, Viewer)],
    posts: &[i64],
) -> Vec<(String, BTreeSet<i64>, BTreeSet<i64>)> {
    let mut out = Vec::new();
    for (who, v) in people {
        let (id, today) = (v.user_id, &v.today);
        let groups = by_builder!(
            app,
            "SELECT g.id FROM groups g WHERE g.id IN (",
            |q| policy::visible_groups(&mut q, v),
            ")"
        );
        out.push((
            format!("groups of {who}"),
            groups,
            by_position(app, &forms.groups, id, today).await,
        ));
        let posts = by_builder!(
            app,
            "SELECT p.id FROM posts p WHERE p.id IN (",
            |q| policy::readable_posts(&mut q, v),
            ")"
        );
        out.push((
            format!("posts of {who}"),
            posts,
            by_position(app, &forms.posts, id, today).await,
        ));
        let media = by_builder!(
            app,
            "SELECT m.id FROM media m WHERE ",
            |q| policy::media_visible(&mut q, v, "m"),
            ""
        );
        out.push((
            format!("media of {who}"),
            media,
            by_position(app, &forms.media, id, today).await,
        ));
    }
    let today = app.db.clock().today();
    for post in posts {
        let families = by_builder!(
            app,
            "SELECT u.id FROM users u WHERE u.id IN (",
            |q| policy::guardians_of_post(&mut q, &today, *post),
            ")"
        );
        out.push((
            format!("families of post {post}"),
            families,
            by_position(app, &forms.guardians, *post, &today).await,
        ));
    }
    out
}

async fn all(app: &TestApp, sql: &str) -> Vec<(i64, String)> {
    app::with_db!(&app.db, |pool| sqlx::query_as(sql).fetch_all(pool).await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn media_ids(app: &TestApp, uids: &[String]) -> Vec<i64> {
    let mut out = Vec::new();
    for uid in uids {
        out.push(app.id_of("SELECT id FROM media WHERE uid = $1", uid).await);
    }
    out
}

async fn ac02_pr02_the_positional_and_builder_forms_of_the_reading_rules_agree(app: TestApp) {
    app.db.clock().set(app.db.clock().now());
    let school = app.school("OBS De Regenboog").await;
    let photos = open_round(&app, false, "").await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    // Lotte: nobody answered. Post a in Groep 3: 0 Mila and Lotte, 1 Mila, 2 Lotte, 3 nobody.
    let a_uids = tagged_post(&app, &[&["Mila", "Lotte"], &["Mila"], &["Lotte"], &[]]).await;
    let a = media_ids(&app, &a_uids).await;
    let post_a = app.post_in("Groep 3").await;
    // Post b: last year's, in Groep 2 where Mila and Lotte were then; 0 Mila, 1 Lotte.
    let b = media_ids(&app, &tagged_post(&app, &[&["Mila"], &["Lotte"]]).await).await;
    let post_b = app.post_in("Groep 3").await;
    let last_year = school_year(&app, school, this_years_start(&app) - 1).await;
    let groep2 = one(&app, &format!("INSERT INTO groups (school_id, school_year_id, kind, name) VALUES ({school}, {last_year}, 'class', 'Groep 2') RETURNING id")).await;
    for child in ["Mila", "Lotte"] {
        let pupil = app.pupil(child).await;
        run(&app, &format!("INSERT INTO placements (pupil_id, school_year_id, group_id) VALUES ({pupil}, {last_year}, {groep2})")).await;
    }
    run(
        &app,
        &format!("UPDATE post_groups SET group_id = {groep2} WHERE post_id = {post_b}"),
    )
    .await;
    // Post c: Lotte, its photos still being processed.
    let c = media_ids(&app, &tagged_post(&app, &[&["Lotte"]]).await).await;
    let post_c = app.post_in("Groep 3").await;
    run(
        &app,
        &format!("UPDATE posts SET status = 'processing' WHERE id = {post_c}"),
    )
    .await;
    // A draft newsletter of the directie to the whole school.
    let whole_school = one(
        &app,
        &format!("SELECT id FROM groups WHERE school_id = {school} AND kind = 'school'"),
    )
    .await;
    let form = app::newsletters::model::DraftForm {
        group_id: whole_school,
        title: "Nieuwsbrief".into(),
        ..Default::default()
    };
    let draft = app::newsletters::server::save(
        &app.db,
        &app.actor(DIRECTIE).await,
        &form,
        &[],
        &[],
        &Default::default(),
    )
    .await
    .expect("newsletter draft");
    // "Geen toegang": De Vries to Mila, and a parent linked only so, to Lotte.
    let zonder = one(&app, "INSERT INTO users (email, name, created_at) VALUES ('ouder.zonder@example.nl', 'Zonder Toegang', 0) RETURNING id").await;
    let (mila, lotte, devries) = (
        app.pupil("Mila").await,
        app.pupil("Lotte").await,
        app.user_id(DEVRIES).await,
    );
    for (pupil, user) in [(mila, devries), (lotte, zonder)] {
        run(&app, &format!("INSERT INTO guardianships (pupil_id, user_id, no_access) VALUES ({pupil}, {user}, TRUE)")).await;
    }

    // The administratie linked to Groep 3 by hand (the screens never offer it): still no posts.
    let office = app.user_id("administratie@regenboog.example").await;
    run(
        &app,
        &format!(
            "INSERT INTO group_staff (group_id, user_id) VALUES ({}, {office})",
            app.group("Groep 3").await
        ),
    )
    .await;

    let mut people = Vec::new();
    for (id, email) in all(&app, "SELECT id, email FROM users ORDER BY id").await {
        let actor = app::platform::auth::load_actor(&app.db, id)
            .await
            .expect("actor")
            .expect("active");
        people.push((email, Viewer::new(&app.db, &actor)));
    }
    let posts: Vec<i64> = all(&app, "SELECT id, kind FROM posts ORDER BY id")
        .await
        .into_iter()
        .map(|p| p.0)
        .collect();
    let found = sets(&app, &Forms::positional(), &people, &posts).await;
    let wrong: Vec<String> = found
        .iter()
        .filter(|(_, builder, positional)| builder != positional)
        .map(|(what, builder, positional)| {
            format!("{what}: builder {builder:?}, positional {positional:?}")
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "the forms disagree on {} of {} sets:\n{}",
        wrong.len(),
        found.len(),
        wrong.join("\n")
    );

    // A viewer whose groups were looked up once for the request (the feed, a post's page) reads
    // exactly what the rule itself gives.
    let mut looked_up = Vec::new();
    for (who, v) in &people {
        let resolved = v.clone().with_groups(&app.db).await.expect("groups");
        // The listing's table of posts holds the posts the listing rule gives, either way.
        for v in [v, &resolved] {
            let listed = by_builder!(
                app,
                "SELECT p.id FROM posts p WHERE p.id IN (",
                |q| policy::listed_posts(&mut q, v),
                ")"
            );
            let rows = by_builder!(
                app,
                "SELECT p.id FROM ",
                |q| policy::listed_post_rows(&mut q, v, "p"),
                ""
            );
            assert_eq!(listed, rows, "listed posts of {who}");
            let one_by_one = by_builder!(
                app,
                "SELECT p.id FROM posts p WHERE ",
                |q| policy::listed_post(&mut q, v, "p"),
                ""
            );
            assert_eq!(listed, one_by_one, "listed posts of {who}, one by one");
        }
        looked_up.push((format!("{who}, groups looked up"), resolved));
    }
    let differ: Vec<String> = sets(&app, &Forms::positional(), &looked_up, &[])
        .await
        .into_iter()
        .filter(|(_, builder, positional)| builder != positional)
        .map(|(what, _, _)| what)
        .collect();
    assert!(differ.is_empty(), "looked-up groups differ: {differ:?}");

    // What the school looks like, by hand: the agreement above is not that of two empty answers.
    let seen: BTreeMap<String, BTreeSet<i64>> = found
        .into_iter()
        .map(|(what, builder, _)| (what, builder))
        .collect();
    let set = |ids: &[i64]| ids.iter().copied().collect::<BTreeSet<i64>>();
    let (jansen, bakker) = (app.user_id(JANSEN).await, app.user_id(BAKKER).await);
    let families_of = |post: i64| format!("families of post {post}");
    let (of_a, of_b, of_draft) = (families_of(post_a), families_of(post_b), families_of(draft));
    let expect = [
        ("media of ouder.jansen@example.nl", set(&[a[1], a[3], b[0]])),
        (
            "media of ouder.bakker@example.nl",
            set(&[a[0], a[1], a[2], a[3], b[1]]),
        ),
        (
            "media of juf.sanne@regenboog.example",
            set(&[a[0], a[1], a[2], a[3], c[0]]),
        ),
        (
            "media of directie@regenboog.example",
            set(&[a[0], a[1], a[2], a[3], b[0], b[1]]),
        ),
        ("media of ouder.devries@example.nl", set(&[])),
        ("media of ouder.zonder@example.nl", set(&[])),
        ("posts of ouder.zonder@example.nl", set(&[])),
        ("posts of beheer@kring.example", set(&[])),
        ("posts of administratie@regenboog.example", set(&[])),
        ("media of administratie@regenboog.example", set(&[])),
        (of_a.as_str(), set(&[jansen, bakker])),
        (of_b.as_str(), set(&[])),
        (of_draft.as_str(), set(&[jansen, bakker, devries])),
    ];
    for (what, ids) in expect {
        assert_eq!(seen[what], ids, "{what}");
    }
    let readers = |post: i64| -> Vec<&str> {
        people
            .iter()
            .filter(|(who, _)| seen[&format!("posts of {who}")].contains(&post))
            .map(|(who, _)| who.as_str())
            .collect()
    };
    assert_eq!(readers(draft), [DIRECTIE], "a draft is its author's");
    assert_eq!(
        readers(post_c),
        [SANNE],
        "a post being processed is its author's"
    );
    assert_eq!(readers(post_a), [DIRECTIE, SANNE, JANSEN, BAKKER]);
    assert!(!seen["groups of ouder.devries@example.nl"].contains(&app.group("Groep 3").await));

    // Each of these changes to a positional form must be noticed.
    let changes = [
        ("groups", "gs.no_access = FALSE", "TRUE"),
        // The administratie reads no group, not even the school's.
        (
            "groups",
            "(g.kind = 'school' AND sr.role = 'teacher')",
            "g.kind = 'school'",
        ),
        ("groups", "AND sr.role <> 'administratie'", ""),
        ("posts", "rp.author_id = $1", "FALSE"),
        (
            "media",
            "AND NOT (EXISTS (SELECT 1 FROM consent_current",
            "AND FALSE AND (EXISTS (SELECT 1 FROM consent_current",
        ),
        ("media", "OR (vp.status = 'published' AND", "OR (FALSE AND"),
        ("media", "vp.author_id = $1", "FALSE"),
        ("guardians", "gs.no_access = FALSE", "TRUE"),
        ("guardians", "sy.ends_on >= $2", "sy.ends_on >= '0'"),
    ];
    for (which, from, to) in changes {
        let forms = Forms::positional().changed(which, from, to);
        let found = sets(&app, &forms, &people, &posts).await;
        assert!(
            found
                .iter()
                .any(|(_, builder, positional)| builder != positional),
            "{which} with {from:?} as {to:?} went unnoticed"
        );
    }
}

db_tests!(ac02_pr02_the_positional_and_builder_forms_of_the_reading_rules_agree);
