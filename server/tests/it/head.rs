//! XS-02: what goes into the document head is escaped like body text. leptos_meta writes the
//! `<title>` into the server's HTML as it is, so a post, newsletter, group, pupil or school named
//! `</title><meta http-equiv="refresh" …>` injected a redirect to another site.
use crate::common;

use common::{
    consent::{call, DIRECTIE, SANNE},
    TestApp,
};

const HOSTILE: &str =
    "</title><meta http-equiv=\"refresh\" content='1;url=https://evil.example/'><title>";

/// The `<head>` of a page as the server sends it.
fn head(html: &str) -> &str {
    let end = html.find("</head>").expect("a head");
    &html[..end]
}

async fn xs02_hostile_names_never_leave_the_title(app: TestApp) {
    let school = app.school("OBS De Regenboog").await;
    let group = app.group("Groep 3").await;
    let lotte = app.pupil("Lotte").await;
    // Names as a careless import or a hostile account could store them.
    for (sql, id) in [
        (
            "UPDATE schools SET name = $2 || ' school' WHERE id = $1",
            school,
        ),
        (
            "UPDATE groups SET name = $2 || ' groep' WHERE id = $1",
            group,
        ),
        (
            "UPDATE pupils SET first_name = $2 || ' kind' WHERE id = $1",
            lotte,
        ),
    ] {
        app::with_db!(&app.db, |pool| sqlx::query(sql)
            .bind(id)
            .bind(HOSTILE)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
    }
    let (status, body) = call(
        &app,
        SANNE,
        "create_post",
        &[
            ("post[title]", HOSTILE.to_string()),
            ("post[body]", "Gewoon een bericht.".into()),
            ("post[groups][]", group.to_string()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let post = app.post_in(&format!("{HOSTILE} groep")).await;
    let school_group = app
        .id_of(
            "SELECT id FROM groups WHERE kind = 'school' AND school_id = (SELECT id FROM schools WHERE name = $1)",
            &format!("{HOSTILE} school"),
        )
        .await;
    let form = app::newsletters::model::DraftForm {
        group_id: school_group,
        title: HOSTILE.into(),
        ..Default::default()
    };
    let directie = app.actor(DIRECTIE).await;
    let newsletter =
        app::newsletters::server::save(&app.db, &directie, &form, &[], &[], &Default::default())
            .await
            .expect("draft");
    let pages = [
        (SANNE, format!("/bericht/{post}")),
        (SANNE, format!("/groep/{group}")),
        (SANNE, format!("/beheer/leerling/{lotte}")),
        (DIRECTIE, format!("/beheer/school/{school}")),
        (DIRECTIE, format!("/beheer/school/{school}/toestemming")),
        (DIRECTIE, format!("/beheer/groep/{group}/toestemming")),
        (DIRECTIE, format!("/bericht/{newsletter}")),
    ];
    for (who, path) in pages {
        let cookie = app.session(who).await;
        let res = app.page(&path, Some(&cookie)).await;
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.unwrap();
        let head = head(&html);
        assert!(
            !head.contains("<meta http-equiv"),
            "{path}: markup injected into the head:\n{head}"
        );
        assert_eq!(head.matches("<title>").count(), 1, "{path}: one title");
        assert!(
            head.contains("&lt;/title&gt;&lt;meta http-equiv="),
            "{path}: the name is shown, escaped:\n{head}"
        );
    }
}

db_tests!(xs02_hostile_names_never_leave_the_title);
