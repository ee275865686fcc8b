//! Notifications end to end on both databases: preferences per kind, channel and frequency, the
//! urgent override, mutes, the weekly summary (one per guardian, only what they may see), Web Push
//! through a local push service that decrypts the payload (PR-06), 410 → subscription gone,
//! bounces, one-click unsubscribe, and the in-app list.
use crate::common;

use std::time::Duration;

use common::{
    consent::{call, exec, BAKKER, DEVRIES, DIRECTIE, JANSEN, SANNE},
    TestApp,
};

const SMIT: &str = "ouder.smit@example.nl"; // Julia, Groep 4 of Het Kompas
const LISA: &str = "juf.lisa@kompas.example"; // teaches Groep 4 of Het Kompas

pub(crate) async fn set_prefs(
    app: &TestApp,
    who: &str,
    frequency: &str,
    push: &[&str],
    email: &[&str],
    muted: &[i64],
) {
    let mut form = vec![("frequency", frequency.to_string())];
    form.extend(push.iter().map(|k| ("push[]", k.to_string())));
    form.extend(email.iter().map(|k| ("email[]", k.to_string())));
    form.extend(muted.iter().map(|g| ("muted[]", g.to_string())));
    let (status, body) = call(app, who, "save_notification_prefs", &form).await;
    assert_eq!(status, 200, "{body}");
}

pub(crate) const ALL: &[&str] = &[
    "post",
    "school_post",
    "urgent",
    "comment",
    "newsletter",
    "consent",
    "report",
    "moderation",
];

/// Lets the runner pick up what was queued and waits until no job is left.
pub(crate) async fn drain(app: &TestApp) {
    for _ in 0..400 {
        app.state.wake_jobs();
        let (open,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running') AND kind NOT LIKE 'media.%'"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        if open == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let open: Vec<(String, String, Option<String>)> =
        app::with_db!(&app.db, |pool| sqlx::query_as(
            "SELECT kind, status, last_error FROM jobs WHERE status IN ('pending', 'running')"
        )
        .fetch_all(pool)
        .await)
        .unwrap();
    panic!("jobs did not finish: {open:?}");
}

pub(crate) async fn post_as(
    app: &TestApp,
    who: &str,
    group: &str,
    body: &str,
    urgent: bool,
) -> i64 {
    let mut form = vec![
        ("post[body]", body.to_string()),
        ("post[groups][]", app.group(group).await.to_string()),
    ];
    if urgent {
        form.push(("post[urgent]", "true".into()));
    }
    let (status, json) = call(app, who, "create_post", &form).await;
    assert_eq!(status, 200, "{json}");
    app.post_in(group).await
}

pub(crate) fn mails_with(app: &TestApp, to: &str, needle: &str) -> usize {
    app.smtp
        .to(to)
        .iter()
        .filter(|m| m.text.contains(needle))
        .count()
}

async fn preferences_decide_the_channel_and_the_moment(app: TestApp) {
    // Jansen wants every e-mail at once; Bakker keeps the default (weekly summary).
    set_prefs(&app, JANSEN, "immediately", &[], ALL, &[]).await;
    let post = post_as(
        &app,
        SANNE,
        "Groep 3",
        "Morgen is er een luizencontrole.",
        false,
    )
    .await;
    drain(&app).await;
    let mail = app.smtp.wait_for(JANSEN, "luizencontrole").await;
    assert!(
        mail.text.contains(&format!("/bericht/{post}")),
        "links to the post"
    );
    assert!(mail.text.contains("OBS De Regenboog"), "names the school");
    assert!(
        mail.text.contains("List-Unsubscribe: <"),
        "one-click unsubscribe header"
    );
    assert!(mail
        .text
        .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(
        mail.text.contains("/meldingen/instellingen"),
        "footer link to the settings"
    );
    assert!(
        !mail.text.contains("/media/"),
        "no photo is linked by file URL"
    );
    assert_eq!(
        mails_with(&app, BAKKER, "luizencontrole"),
        0,
        "weekly: nothing yet"
    );
    assert_eq!(
        mails_with(&app, DEVRIES, "luizencontrole"),
        0,
        "not in Groep 3"
    );
    // Everybody who may read it has it in the in-app list, whatever the channels.
    for who in [JANSEN, BAKKER] {
        let (status, list) = call(&app, who, "notifications", &[]).await;
        assert_eq!(status, 200);
        assert!(list.to_string().contains("luizencontrole"), "{who}: {list}");
    }
    let (_, list) = call(&app, DEVRIES, "notifications", &[]).await;
    assert!(!list.to_string().contains("luizencontrole"));
    // Opening the list marked it read: the badge count is back to zero.
    let (_, me) = call(&app, BAKKER, "current_user", &[]).await;
    assert_eq!(me["unread"], 0, "{me}");

    // E-mail off for posts in a group: nothing, even at "immediately".
    set_prefs(&app, JANSEN, "immediately", &[], &["school_post"], &[]).await;
    post_as(
        &app,
        SANNE,
        "Groep 3",
        "Vergeet de bibliotheekboeken niet.",
        false,
    )
    .await;
    drain(&app).await;
    assert_eq!(mails_with(&app, JANSEN, "bibliotheekboeken"), 0);
}

async fn urgent_posts_reach_everyone_at_once_and_mutes_hold_the_rest(app: TestApp) {
    let group3 = app.group("Groep 3").await;
    // Bakker chose nothing at all and muted Groep 3; Jansen wants e-mail at once but muted it.
    set_prefs(&app, BAKKER, "weekly", &[], &[], &[group3]).await;
    set_prefs(&app, JANSEN, "immediately", ALL, ALL, &[group3]).await;
    post_as(
        &app,
        SANNE,
        "Groep 3",
        "Het schoolplein is nat, laarzen mee.",
        false,
    )
    .await;
    post_as(
        &app,
        SANNE,
        "Groep 3",
        "De school is vandaag om 12 uur uit.",
        true,
    )
    .await;
    drain(&app).await;
    app.smtp.wait_for(BAKKER, "12 uur uit").await;
    app.smtp.wait_for(JANSEN, "12 uur uit").await;
    assert!(app.smtp.to(BAKKER)[0].text.contains("Dringend"));
    assert_eq!(mails_with(&app, JANSEN, "laarzen"), 0, "muted group");
    assert_eq!(mails_with(&app, BAKKER, "laarzen"), 0);
    assert_eq!(app.smtp.to(BAKKER).len(), 1, "exactly the urgent one");
}

/// Gives Jansen a third child, at the other school (Het Kompas, Groep 4).
async fn jansen_also_at_kompas(app: &TestApp) {
    let kompas = app.school("CBS Het Kompas").await;
    let group4 = app.group("Groep 4").await;
    exec(
        app,
        "INSERT INTO pupils (school_id, first_name, last_name, created_at) VALUES ($1, 'Bo', 'Jansen', $2)",
        kompas,
        0,
    )
    .await;
    let bo = app.pupil("Bo").await;
    exec(
        app,
        "INSERT INTO placements (pupil_id, school_year_id, group_id) \
         SELECT $1, school_year_id, id FROM groups WHERE id = $2",
        bo,
        group4,
    )
    .await;
    let jansen = app.user_id(JANSEN).await;
    exec(
        app,
        "INSERT INTO guardianships (pupil_id, user_id) VALUES ($1, $2)",
        bo,
        jansen,
    )
    .await;
}

async fn pr01_the_weekly_summary_is_one_mail_per_guardian_with_only_what_they_may_see(
    app: TestApp,
) {
    jansen_also_at_kompas(&app).await;
    let start = app.db.clock().now() - 1;
    post_as(
        &app,
        SANNE,
        "Groep 3",
        "Groep 3 gaat naar de kinderboerderij.",
        false,
    )
    .await;
    post_as(
        &app,
        "meester.ahmed@regenboog.example",
        "Groep 5/6",
        "Groep 5/6 oefent de musical.",
        false,
    )
    .await;
    post_as(&app, LISA, "Groep 4", "Groep 4 plant tulpen.", false).await;
    let school = app.group("Hele school").await;
    let (status, body) = call(
        &app,
        DIRECTIE,
        "create_post",
        &[
            ("post[body]", "De hele Regenboog viert Sinterklaas.".into()),
            ("post[groups][]", school.to_string()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // A photo of Lotte (no photo consent: nobody answered) and one of Mila, whose mother said yes.
    let purpose = common::consent::open_round(&app, false, "").await;
    assert_eq!(
        common::consent::answer(&app, JANSEN, "Mila", purpose, true).await,
        200
    );
    common::consent::tagged_post(&app, &[&["Lotte"], &["Mila"]]).await;
    // Devries opts out of summaries for posts in groups but keeps school-wide ones.
    set_prefs(
        &app,
        DEVRIES,
        "weekly",
        ALL,
        &["school_post", "urgent"],
        &[],
    )
    .await;
    drain(&app).await;
    let before = app.smtp.all().len();
    let end = app.db.clock().now() + 1;
    let run = app::notify::digest::RunJob {
        frequency: app::notify::model::Frequency::Weekly,
        from: start,
        to: end,
    };
    app::notify::digest::queue_run(&app.state, run)
        .await
        .unwrap();
    // Queuing the same slot again (a restart, a second server) sends nothing twice.
    app::notify::digest::queue_run(&app.state, run)
        .await
        .unwrap();
    drain(&app).await;
    let weekly: Vec<_> = app.smtp.all()[before..].to_vec();
    let to = |who: &str| -> Vec<String> {
        weekly
            .iter()
            .filter(|m| m.to.iter().any(|t| t == who))
            .map(|m| m.text.clone())
            .collect()
    };
    // One mail per guardian, covering all children and both schools.
    let jansen = to(JANSEN);
    assert_eq!(jansen.len(), 1, "one summary for Jansen");
    let j = &jansen[0];
    for item in [
        "kinderboerderij",
        "musical",
        "tulpen",
        "Sinterklaas",
        "herfstwandeling",
    ] {
        assert!(j.contains(item), "Jansen misses {item}");
    }
    assert!(j.contains("OBS De Regenboog") && j.contains("CBS Het Kompas"));
    // Bakker: Groep 3 and the school, never Groep 5/6 or the other school.
    let bakker = to(BAKKER);
    assert_eq!(bakker.len(), 1);
    assert!(bakker[0].contains("kinderboerderij") && bakker[0].contains("Sinterklaas"));
    assert!(!bakker[0].contains("musical") && !bakker[0].contains("tulpen"));
    // The photo post: Jansen sees Mila's photo and not Lotte's (1), Bakker sees her own Lotte (2).
    assert!(j.contains("1 foto of video"), "{j}");
    assert!(bakker[0].contains("2 foto's of video's"), "{}", bakker[0]);
    // De Vries: only the school-wide post, by choice.
    let devries = to(DEVRIES);
    assert_eq!(devries.len(), 1);
    assert!(devries[0].contains("Sinterklaas") && !devries[0].contains("musical"));
    // Smit (Het Kompas only) gets tulpen and nothing of De Regenboog.
    let smit = to(SMIT);
    assert_eq!(smit.len(), 1);
    assert!(smit[0].contains("tulpen") && !smit[0].contains("Sinterklaas"));
    // Staff get no family summary.
    assert!(to(SANNE).is_empty());
    assert!(!weekly.iter().any(|m| m.text.contains("/media/")));
}

async fn staff_hear_of_comments_on_their_posts_and_of_reports(app: TestApp) {
    set_prefs(&app, SANNE, "immediately", ALL, ALL, &[]).await;
    set_prefs(&app, DIRECTIE, "immediately", ALL, ALL, &[]).await;
    let (status, body) = call(
        &app,
        SANNE,
        "create_post",
        &[
            ("post[body]", "Wie helpt er met de kerstviering?".into()),
            ("post[groups][]", app.group("Groep 3").await.to_string()),
            ("post[comments]", "true".into()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let post = app.post_in("Groep 3").await;
    app.make_comment(BAKKER, post, "Ik help graag!").await;
    app.make_report(JANSEN, post, None).await;
    drain(&app).await;
    app.smtp.wait_for(SANNE, "Nieuwe reactie").await;
    app.smtp.wait_for(DIRECTIE, "gemeld").await;
    let (_, list) = call(&app, SANNE, "notifications", &[]).await;
    assert!(list.to_string().contains("\"Comment\""), "{list}");
    assert!(list.to_string().contains("\"Report\""), "{list}");
    // The commenter is not told about her own comment; the other parent of the group is.
    let (_, bakker) = call(&app, BAKKER, "notifications", &[]).await;
    assert!(!bakker.to_string().contains("\"Comment\""));
    let (_, jansen) = call(&app, JANSEN, "notifications", &[]).await;
    assert!(jansen.to_string().contains("\"Comment\""));
    // The reporter is never told who reported, and is not notified of her own report.
    assert!(!jansen.to_string().contains("\"Report\""));
}

/// Trial finding 13: the e-mail shows the post's markup as HTML in the HTML part and as clean text
/// (no stars, one line per list item) in the text part, and links its bare addresses.
async fn e_mails_render_markup_as_html_and_clean_text(app: TestApp) {
    set_prefs(&app, JANSEN, "immediately", &[], ALL, &[]).await;
    post_as(
        &app,
        SANNE,
        "Groep 3",
        "**Morgen** gaan we naar het bos.\n\nNeem mee:\n\n- kastanjes\n- eikels\n\nZie www.natuurpad.nl",
        false,
    )
    .await;
    drain(&app).await;
    let mail = app.smtp.wait_for(JANSEN, "kastanjes").await.text;
    let (text, html) = mail.split_at(mail.find("text/html").expect("an HTML part"));
    assert!(text.contains("Morgen gaan we naar het bos."), "{text}");
    assert!(
        text.contains("\u{2022} kastanjes\r\n\u{2022} eikels")
            || text.contains("\u{2022} kastanjes\n\u{2022} eikels"),
        "{text}"
    );
    assert!(!mail.contains("**"), "{mail}");
    assert!(!mail.contains("- kastanjes - eikels"));
    assert!(html.contains("<strong>Morgen</strong>"), "{html}");
    assert!(html.contains("<li>kastanjes</li>"), "{html}");
    assert!(html.contains("href=\"https://www.natuurpad.nl\""), "{html}");
}

/// Moderation is not silent (trial finding 10): a removed comment leaves a placeholder, its author
/// hears why, and whoever reported it hears the outcome but never the staff's note.
async fn moderation_tells_the_commenter_why_and_the_reporter_the_outcome(app: TestApp) {
    set_prefs(&app, JANSEN, "immediately", ALL, ALL, &[]).await;
    set_prefs(&app, BAKKER, "immediately", ALL, ALL, &[]).await;
    let g3 = app.group("Groep 3").await.to_string();
    let (status, body) = call(
        &app,
        SANNE,
        "create_post",
        &[
            ("post[body]", "Wie bakt er mee voor de kerstmarkt?".into()),
            ("post[groups][]", g3),
            ("post[comments]", "true".into()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let post = app.post_in("Groep 3").await;
    let comment = app
        .make_comment(JANSEN, post, "Lotte kan niet, die is ziek")
        .await;
    app.make_report(BAKKER, post, Some(comment)).await;
    app.make_report(BAKKER, post, None).await;
    drain(&app).await;
    let (_, queue) = call(&app, DIRECTIE, "moderation_queue", &[]).await;
    let open = queue["open"].as_array().unwrap().clone();
    let report_of = |kind: &str| {
        open.iter()
            .find(|r| r["kind"] == kind)
            .and_then(|r| r["id"].as_i64())
            .unwrap()
    };
    let resolve = |id: i64, decision: &str| {
        vec![
            ("report_id", id.to_string()),
            ("decision", decision.to_string()),
            ("note", "Besproken in het team".to_string()),
        ]
    };
    let (status, _) = call(
        &app,
        DIRECTIE,
        "resolve_report",
        &resolve(report_of("comment"), "remove"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        DIRECTIE,
        "resolve_report",
        &resolve(report_of("post"), "keep"),
    )
    .await;
    assert_eq!(status, 200);
    drain(&app).await;

    // The placeholder stays for everyone, without the words or the name.
    let bakker = app.session(BAKKER).await;
    let page = app
        .page(&format!("/bericht/{post}"), Some(&bakker))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Reactie verwijderd door de school"), "{page}");
    assert!(!page.contains("Lotte kan niet"));

    // The commenter hears why, in the app and by e-mail.
    let jansen = app.session(JANSEN).await;
    let page = app
        .page("/meldingen", Some(&jansen))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("De school heeft je reactie verwijderd. Reden: Besproken in het team"),
        "{page}"
    );
    let mail = app.smtp.wait_for(JANSEN, "je reactie verwijderd").await;
    assert!(
        mail.text.contains("Reden: Besproken in het team"),
        "{}",
        mail.text
    );

    // The reporter hears both outcomes, not the note.
    let page = app
        .page("/meldingen", Some(&bakker))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Je melding is bekeken: de reactie is verwijderd."),
        "{page}"
    );
    assert!(page.contains("Je melding is bekeken: het bericht blijft staan."));
    assert!(!page.contains("Besproken in het team"));
    app.smtp.wait_for(BAKKER, "de reactie is verwijderd").await;

    // Nobody else is told; the original comment's notification is gone with its words.
    let (_, sanne) = call(&app, SANNE, "notifications", &[]).await;
    assert!(!sanne.to_string().contains("Moderation"), "{sanne}");
    let (_, devries) = call(&app, DEVRIES, "notifications", &[]).await;
    assert!(!devries.to_string().contains("Moderation"));
}

async fn bounces_are_recorded_and_one_click_unsubscribe_works(app: TestApp) {
    set_prefs(&app, JANSEN, "immediately", ALL, ALL, &[]).await;
    set_prefs(&app, BAKKER, "immediately", ALL, ALL, &[]).await;
    app.smtp.reject.lock().unwrap().push(BAKKER.to_string());
    post_as(
        &app,
        SANNE,
        "Groep 3",
        "Het zwemdiploma-examen is op zaterdag.",
        false,
    )
    .await;
    drain(&app).await;
    let mail = app.smtp.wait_for(JANSEN, "zwemdiploma").await;
    // The bounce is recorded (without the address) and shown to the guardian.
    let (failures,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM mail_failures WHERE reason LIKE 'smtp 550%'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(failures, 1);
    let (_, prefs) = call(&app, BAKKER, "notification_prefs", &[]).await;
    assert_eq!(prefs["email_failed"], true, "{prefs}");
    // The directie of the school and the foundation admin see it; another school's directie does not.
    let (_, list) = call(&app, DIRECTIE, "mail_failures", &[]).await;
    assert!(list.to_string().contains("Tom Bakker"), "{list}");
    let (_, list) = call(&app, "beheer@kring.example", "mail_failures", &[]).await;
    assert!(list.to_string().contains("Tom Bakker"), "{list}");
    for other in ["directie@kompas.example", JANSEN] {
        let (_, list) = call(&app, other, "mail_failures", &[]).await;
        assert!(!list.to_string().contains("Tom Bakker"), "{other}: {list}");
    }
    // One-click unsubscribe (RFC 8058), without a session. The header carries the same link as
    // the footer (the sink decodes quoted-printable over the whole message, so read the footer's).
    assert!(mail.text.contains("List-Unsubscribe: <"));
    let footer =
        mail.text.find("Geen e-mail meer: ").expect("footer link") + "Geen e-mail meer: ".len();
    let link = mail.text[footer..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let link = link.as_str();
    let forged = link.replace("&t=", "&t=00");
    let res = reqwest::Client::new()
        .post(&forged)
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "a forged link changes nothing");
    let res = reqwest::Client::new()
        .post(link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (_, prefs) = call(&app, JANSEN, "notification_prefs", &[]).await;
    assert!(
        prefs["channels"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["email"] == false),
        "{prefs}"
    );
    // Opening the link in a browser asks first (mail scanners open links too).
    let page = app
        .page(&link.replace(&app.url, ""), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Geen e-mail meer"));
    post_as(
        &app,
        SANNE,
        "Groep 3",
        "Nog een bericht over het zwembad.",
        false,
    )
    .await;
    drain(&app).await;
    assert_eq!(mails_with(&app, JANSEN, "zwembad"), 0);
}

async fn recipients_are_exactly_the_families_who_may_read_the_post(app: TestApp) {
    // A guardian with "no access" and one of last year's group hear nothing.
    let lotte = app.pupil("Lotte").await;
    let bakker = app.user_id(BAKKER).await;
    exec(
        &app,
        "UPDATE guardianships SET no_access = TRUE WHERE pupil_id = $1 AND user_id = $2",
        lotte,
        bakker,
    )
    .await;
    for group in ["Groep 3", "Groep 5/6", "Groep 4", "Hele school"] {
        let author = if group == "Groep 4" { LISA } else { DIRECTIE };
        let post = if group == "Hele school" {
            let g = app.id_of("SELECT id FROM groups WHERE kind = 'school' AND school_id = (SELECT id FROM schools WHERE name = $1)", "OBS De Regenboog").await;
            let (s, b) = call(
                &app,
                DIRECTIE,
                "create_post",
                &[
                    ("post[body]", "Iedereen!".into()),
                    ("post[groups][]", g.to_string()),
                ],
            )
            .await;
            assert_eq!(s, 200, "{b}");
            app.id_of(
                "SELECT MAX(post_id) FROM post_groups WHERE group_id = CAST($1 AS BIGINT)",
                &g.to_string(),
            )
            .await
        } else {
            post_as(&app, author, group, "Een bericht.", false).await
        };
        drain(&app).await;
        for who in [JANSEN, BAKKER, DEVRIES, SMIT] {
            let c = app.session(who).await;
            let reads = app
                .call("get_post", Some(&c), &[("post_id", post.to_string())])
                .await
                .status()
                == 200;
            let (n,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
                "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = $1 AND n.post_id = $2"
            )
            .bind(who)
            .bind(post)
            .fetch_one(pool)
            .await)
            .unwrap();
            assert_eq!(
                reads,
                n == 1,
                "{who} on {group}: reads {reads}, notified {n}"
            );
        }
    }
}

db_tests!(
    preferences_decide_the_channel_and_the_moment,
    urgent_posts_reach_everyone_at_once_and_mutes_hold_the_rest,
    pr01_the_weekly_summary_is_one_mail_per_guardian_with_only_what_they_may_see,
    staff_hear_of_comments_on_their_posts_and_of_reports,
    moderation_tells_the_commenter_why_and_the_reporter_the_outcome,
    e_mails_render_markup_as_html_and_clean_text,
    bounces_are_recorded_and_one_click_unsubscribe_works,
    recipients_are_exactly_the_families_who_may_read_the_post,
);
