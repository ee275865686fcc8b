//! Consent rounds, answers and what they do to photos (PR-01, PR-02), on both databases.
use crate::common;

use common::{consent::*, TestApp};

/// PR-01, PR-02: a photo with a tagged child whose consent is not yes reaches only that child's
/// family; answers and withdrawals count on the next request.
async fn pr01_pr02_photos_follow_the_consent_of_the_tagged_children(app: TestApp) {
    let photos = open_round(&app, false, "").await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    // Photo 0: Mila (yes) and Lotte (nobody answered); photo 1: Mila only; photo 2: untagged.
    let uids = tagged_post(&app, &[&["Mila", "Lotte"], &["Mila"], &[]]).await;
    assert_eq!(
        sees(&app, BAKKER, &uids).await,
        vec![true, true, true],
        "Lotte's own family"
    );
    assert_eq!(
        sees(&app, JANSEN, &uids).await,
        vec![false, true, true],
        "not Lotte without consent"
    );
    assert_eq!(
        sees(&app, SANNE, &uids).await,
        vec![true, true, true],
        "staff see everything"
    );
    let (_, feed) = call(&app, SANNE, "feed", &[]).await;
    let media = &feed["posts"][0]["media"];
    assert_eq!(
        (
            media[0]["restricted"].as_bool(),
            media[1]["restricted"].as_bool()
        ),
        (Some(true), Some(false))
    );

    // Lotte's parent says yes: Mila's family sees the photo on the next request.
    assert_eq!(answer(&app, BAKKER, "Lotte", photos, true).await, 200);
    assert_eq!(sees(&app, JANSEN, &uids).await, vec![true, true, true]);
    // Mila's parent withdraws: both photos of Mila disappear for Lotte's family at once.
    assert_eq!(answer(&app, JANSEN, "Mila", photos, false).await, 200);
    assert_eq!(sees(&app, BAKKER, &uids).await, vec![false, false, true]);
    assert_eq!(sees(&app, JANSEN, &uids).await, vec![true, true, true]);
    // Another group's family never saw any of it.
    assert_eq!(sees(&app, DEVRIES, &uids).await, vec![false, false, false]);
}

/// Each guardian answers for themselves; any no wins and staff see the disagreement. A guardian
/// marked "no access" does not count.
async fn guardians_who_disagree_mean_no(app: TestApp) {
    let photos = open_round(&app, false, "").await;
    let mila = app.pupil("Mila").await;
    let devries = app.user_id(DEVRIES).await;
    exec(
        &app,
        "INSERT INTO guardianships (pupil_id, user_id) VALUES ($1, $2)",
        mila,
        devries,
    )
    .await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    assert_eq!(answer(&app, DEVRIES, "Mila", photos, false).await, 200);
    let uids = tagged_post(&app, &[&["Mila"]]).await;
    assert_eq!(sees(&app, BAKKER, &uids).await, vec![false]);
    let g3 = app.group("Groep 3").await;
    let overview = |who: &'static str| {
        let app = &app;
        async move {
            let (status, v) =
                call(app, who, "group_consent", &[("group_id", g3.to_string())]).await;
            assert_eq!(status, 200, "{v}");
            let row = v["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["name"] == "Mila Jansen")
                .cloned()
                .unwrap();
            let col = v["purposes"]
                .as_array()
                .unwrap()
                .iter()
                .position(|p| p["kind"] == "photos")
                .unwrap();
            row["states"][col].clone()
        }
    };
    assert_eq!(overview(SANNE).await, "Disagree");
    // The second guardian's link is marked "no access": only Mila's other parent counts.
    exec(
        &app,
        "UPDATE guardianships SET no_access = TRUE WHERE pupil_id = $1 AND user_id = $2",
        mila,
        devries,
    )
    .await;
    assert_eq!(overview(DIRECTIE).await, "Yes");
    assert_eq!(sees(&app, BAKKER, &uids).await, vec![true]);
    // Staff of another group and families do not get the overview.
    assert_eq!(
        call(
            &app,
            "meester.ahmed@regenboog.example",
            "group_consent",
            &[("group_id", g3.to_string())]
        )
        .await
        .0,
        404
    );
    assert_eq!(
        call(
            &app,
            BAKKER,
            "group_consent",
            &[("group_id", g3.to_string())]
        )
        .await
        .0,
        404
    );
}

/// Opening a round asks every guardian; a pupil added mid-year is asked at once; the history keeps
/// who answered what to which wording.
async fn a_new_pupil_mid_year_is_asked_at_once(app: TestApp) {
    let (_, me) = call(&app, BAKKER, "current_user", &[]).await;
    assert_eq!(me["open_consent"], 0, "no round yet");
    let photos = open_round(&app, false, "").await;
    let (_, me) = call(&app, BAKKER, "current_user", &[]).await;
    assert_eq!(me["open_consent"], 5, "five questions for Lotte");
    let school = app.school("OBS De Regenboog").await;
    let (status, _) = call(
        &app,
        DIRECTIE,
        "admin_add_pupil",
        &[
            ("school_id", school.to_string()),
            ("first_name", "Noah".into()),
            ("last_name", "Bakker".into()),
            ("birth_date", "".into()),
            ("group_id", app.group("Groep 3").await.to_string()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let noah = app.pupil("Noah").await;
    let bakker = app.user_id(BAKKER).await;
    exec(
        &app,
        "INSERT INTO guardianships (pupil_id, user_id) VALUES ($1, $2)",
        noah,
        bakker,
    )
    .await;
    let (_, me) = call(&app, BAKKER, "current_user", &[]).await;
    assert_eq!(me["open_consent"], 10, "Noah's questions too");
    assert_eq!(answer(&app, BAKKER, "Noah", photos, true).await, 200);
    // New wording is a new version; the earlier answer keeps its version.
    let (status, _) = call(
        &app,
        DIRECTIE,
        "set_consent_wording",
        &[
            ("school_id", school.to_string()),
            ("purpose_id", photos.to_string()),
            ("title", "Foto's en video's in Kring (nieuw)".into()),
            ("explanation", "Nieuwe uitleg".into()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer(&app, BAKKER, "Noah", photos, false).await, 200);
    let (_, mine) = call(&app, BAKKER, "my_consent", &[]).await;
    let history: Vec<(String, i64, bool)> = mine["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["title"].as_str().unwrap().to_string(),
                h["version"].as_i64().unwrap(),
                h["answer"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        history,
        vec![
            ("Foto's en video's in Kring (nieuw)".to_string(), 2, false),
            ("Foto's en video's in Kring".to_string(), 1, true),
        ]
    );
    assert_eq!(mine["history"][0]["who"], "Tom Bakker");
    // The directie sees the same history per child; the teacher does not.
    let noah_id = [("pupil_id", noah.to_string())];
    let (status, theirs) = call(&app, DIRECTIE, "pupil_consent_history", &noah_id).await;
    assert_eq!(status, 200);
    assert_eq!(theirs[0], mine["history"]);
    for who in [SANNE, BAKKER, JANSEN] {
        let (status, nothing) = call(&app, who, "pupil_consent_history", &noah_id).await;
        assert_eq!((status, nothing), (200, serde_json::Value::Null), "{who}");
    }

    // A child who left the school is no longer asked about (nor reminded), but the guardian can
    // still change the answers: photos from before follow them.
    let before = waiting_of(&app).await;
    exec(
        &app,
        "DELETE FROM placements WHERE pupil_id = $1 AND $2 > 0",
        noah,
        1,
    )
    .await;
    let (_, me) = call(&app, BAKKER, "current_user", &[]).await;
    assert_eq!(me["open_consent"], 5, "only Lotte's questions");
    let lotte = app.pupil("Lotte").await;
    exec(
        &app,
        "DELETE FROM placements WHERE pupil_id = $1 AND $2 > 0",
        lotte,
        1,
    )
    .await;
    let (_, me) = call(&app, BAKKER, "current_user", &[]).await;
    assert_eq!(me["open_consent"], 0, "no child at school any more");
    assert_eq!(
        waiting_of(&app).await,
        before - 1,
        "Tom Bakker is not waited for"
    );
    assert_eq!(answer(&app, BAKKER, "Noah", photos, true).await, 200);
}

/// How many guardians the directie's round page says have not answered everything.
async fn waiting_of(app: &TestApp) -> i64 {
    let school = app.school("OBS De Regenboog").await;
    let (_, round) = call(
        app,
        DIRECTIE,
        "consent_round",
        &[("school_id", school.to_string())],
    )
    .await;
    round["waiting"].as_i64().unwrap()
}

/// After the lock date a new yes waits for the directie; a no always counts at once.
async fn after_the_lock_date_a_yes_waits_and_a_no_counts(app: TestApp) {
    let photos = open_round(&app, false, "2000-01-01").await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    let uids = tagged_post(&app, &[&["Mila"]]).await;
    assert_eq!(
        sees(&app, BAKKER, &uids).await,
        vec![false],
        "a pending yes is not a yes"
    );
    let (_, me) = call(&app, JANSEN, "current_user", &[]).await;
    assert_eq!(
        me["open_consent"], 9,
        "answered, waiting for the school: not asked again"
    );
    let school = app.school("OBS De Regenboog").await;
    let (_, round) = call(
        &app,
        DIRECTIE,
        "consent_round",
        &[("school_id", school.to_string())],
    )
    .await;
    let pending = round["pending"].as_array().unwrap();
    assert_eq!(pending.len(), 1);
    let answer_id = pending[0]["answer_id"].as_i64().unwrap();
    let form = [
        ("school_id", school.to_string()),
        ("answer_id", answer_id.to_string()),
    ];
    assert_eq!(
        call(&app, SANNE, "confirm_consent", &form).await.0,
        404,
        "the directie confirms"
    );
    assert_eq!(call(&app, DIRECTIE, "confirm_consent", &form).await.0, 200);
    assert_eq!(sees(&app, BAKKER, &uids).await, vec![true]);
    assert_eq!(
        call(&app, DIRECTIE, "confirm_consent", &form).await.0,
        404,
        "once"
    );
    // Withdrawal is never held back.
    assert_eq!(answer(&app, JANSEN, "Mila", photos, false).await, 200);
    assert_eq!(sees(&app, BAKKER, &uids).await, vec![false]);
}

/// In a strict round, a yes from before the round has lapsed until the guardian confirms it.
async fn in_a_strict_round_unconfirmed_answers_lapse(app: TestApp) {
    let school = app.school("OBS De Regenboog").await;
    // Last year's answer: given before any round of this year existed.
    let (status, _) = call(
        &app,
        DIRECTIE,
        "open_consent_round",
        &[
            ("school_id", school.to_string()),
            ("lock_date", String::new()),
            ("mail_everyone", "true".into()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let photos = app
        .id_of("SELECT id FROM consent_purposes WHERE kind = $1", "photos")
        .await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    app::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE consent_current SET round_id = NULL"
    )
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    let uids = tagged_post(&app, &[&["Mila"]]).await;
    assert_eq!(
        sees(&app, BAKKER, &uids).await,
        vec![true],
        "not strict: answers carry over"
    );
    app::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE consent_rounds SET strict = TRUE"
    )
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    assert_eq!(
        sees(&app, BAKKER, &uids).await,
        vec![false],
        "strict: lapsed until confirmed"
    );
    let (_, me) = call(&app, JANSEN, "current_user", &[]).await;
    assert!(me["open_consent"].as_i64().unwrap() > 0, "asked to confirm");
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    assert_eq!(sees(&app, BAKKER, &uids).await, vec![true]);
}

/// Opening the round mails every guardian; the reminder reaches only those with open questions.
async fn the_round_is_mailed_and_the_reminder_skips_who_answered(app: TestApp) {
    let photos = open_round(&app, false, "").await;
    let mail = app.smtp.wait_for(BAKKER, "/toestemming").await;
    assert!(mail.text.contains("OBS De Regenboog"), "{}", mail.text);
    app.smtp.wait_for(JANSEN, "/toestemming").await;
    let purposes: Vec<(i64,)> = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT id FROM consent_purposes WHERE school_id = (SELECT id FROM schools WHERE name = 'OBS De Regenboog')"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(purposes.len(), 5);
    let lotte = app.pupil("Lotte").await;
    let mut form = vec![("pupil_id".to_string(), lotte.to_string())];
    for (id,) in &purposes {
        form.push((
            format!("answers[p{id}]"),
            if *id == photos { "yes" } else { "no" }.into(),
        ));
    }
    let form: Vec<(&str, String)> = form.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    assert_eq!(call(&app, BAKKER, "answer_consent", &form).await.0, 200);
    let school = app.school("OBS De Regenboog").await;
    let (status, n) = call(
        &app,
        DIRECTIE,
        "remind_consent",
        &[("school_id", school.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{n}");
    assert_eq!(n, 2, "Mila and Finn's parent, and Sam's; not Lotte's");
    app.smtp.wait_for(JANSEN, "Herinnering").await;
    app.smtp.wait_for(DEVRIES, "Herinnering").await;
    assert!(
        !app.smtp
            .all()
            .iter()
            .any(|m| m.to.iter().any(|t| t == BAKKER) && m.text.contains("Herinnering")),
        "who answered gets no reminder"
    );
    assert_eq!(
        call(
            &app,
            SANNE,
            "remind_consent",
            &[("school_id", school.to_string())]
        )
        .await
        .0,
        404
    );
}

/// The trial's lost answers: one save stores every child's answers; a child of another family in the
/// same form stores nothing at all.
async fn one_save_stores_the_answers_for_every_child(app: TestApp) {
    // Before the round opens there is nothing to answer: no save button, a plain sentence instead.
    let jansen = app.session(JANSEN).await;
    let page = app
        .page("/toestemming", Some(&jansen))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Deze school heeft nog geen toestemmingsvragen"),
        "{page}"
    );
    assert!(!page.contains("Alle antwoorden opslaan"));
    let photos = open_round(&app, false, "").await;
    let page = app
        .page("/toestemming", Some(&jansen))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Alle antwoorden opslaan"));
    let (mila, finn, lotte) = (
        app.pupil("Mila").await,
        app.pupil("Finn").await,
        app.pupil("Lotte").await,
    );
    let form = |children: &[(i64, &str)]| {
        children
            .iter()
            .map(|(c, v)| {
                (
                    &*Box::leak(format!("answers[c{c}p{photos}]").into_boxed_str()),
                    v.to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let (status, saved) = call(
        &app,
        JANSEN,
        "answer_all_consent",
        &form(&[(finn, "no"), (mila, "yes")]),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        saved,
        serde_json::json!([{"pupil_id": mila.min(finn), "answers": 1}, {"pupil_id": mila.max(finn), "answers": 1}])
    );
    let (_, mine) = call(&app, JANSEN, "my_consent", &[]).await;
    let text = mine.to_string();
    assert_eq!(text.matches("\"mine\":true").count(), 1, "{text}");
    assert_eq!(text.matches("\"mine\":false").count(), 1, "{text}");
    // Somebody else's child in the same form: nothing of it is stored.
    let (status, _) = call(
        &app,
        JANSEN,
        "answer_all_consent",
        &form(&[(finn, "yes"), (lotte, "yes")]),
    )
    .await;
    assert_eq!(status, 404);
    let (_, mine) = call(&app, JANSEN, "my_consent", &[]).await;
    assert_eq!(
        mine.to_string().matches("\"mine\":false").count(),
        1,
        "Finn unchanged"
    );
}

/// The school's rule: with it on, a photo post is refused until every item names its children or
/// is marked as showing none; only the directie switches it.
async fn a_school_can_require_tagging_before_publishing(app: TestApp) {
    let school = app.school("OBS De Regenboog").await;
    let rule = |on: bool| {
        let mut form = vec![("school_id", school.to_string())];
        if on {
            form.push(("required", "true".to_string()));
        }
        form
    };
    assert_eq!(call(&app, SANNE, "set_tag_rule", &rule(true)).await.0, 404);
    let uids = ready_uploads(&app, 2).await;
    // Off (the default): untagged photos are the teacher's responsibility.
    let (_, options) = call(&app, SANNE, "compose_options", &[]).await;
    assert_eq!(options["tags_required"], false);
    assert_eq!(
        call(&app, DIRECTIE, "set_tag_rule", &rule(true)).await.0,
        200
    );
    let (_, options) = call(&app, SANNE, "compose_options", &[]).await;
    assert_eq!(options["tags_required"], true);

    let (status, body) = post_photos(&app, &uids, &[&["Mila"]], &[]).await;
    assert_eq!(status, 400, "the second photo says nothing: {body}");
    assert!(body.to_string().contains("media_tags_required"), "{body}");
    assert_eq!(
        app.id_of(
            "SELECT COUNT(*) FROM media WHERE post_id IS NULL AND uid = $1",
            &uids[0]
        )
        .await,
        1,
        "the uploads wait for the next try"
    );
    let none = [("post[no_children][]", uids[1].clone())];
    let (status, body) = post_photos(&app, &uids, &[&["Mila"]], &none).await;
    assert_eq!(status, 200, "{body}");

    // Switched off again, an untagged photo may be posted.
    assert_eq!(
        call(&app, DIRECTIE, "set_tag_rule", &rule(false)).await.0,
        200
    );
    let more = ready_uploads(&app, 1).await;
    assert_eq!(post_photos(&app, &more, &[], &[]).await.0, 200);
}

/// The tag rule holds after publishing too: with "tags required", saving a photo's tags empty is
/// refused and changes nothing (the hidden photo stays hidden); "no recognisable child" is the way
/// to say nobody is on it.
async fn a_required_tag_cannot_be_removed_after_publishing(app: TestApp) {
    let school = app.school("OBS De Regenboog").await;
    open_round(&app, false, "").await;
    let uids = tagged_post(&app, &[&["Mila"]]).await;
    let post = app.post_in("Groep 3").await;
    assert_eq!(
        call(
            &app,
            DIRECTIE,
            "set_tag_rule",
            &[
                ("school_id", school.to_string()),
                ("required", "true".into())
            ]
        )
        .await
        .0,
        200
    );
    assert_eq!(
        sees(&app, BAKKER, &uids).await,
        vec![false],
        "Mila has no consent"
    );
    let (status, body) = call(
        &app,
        SANNE,
        "save_photo_tags",
        &[("post_id", post.to_string())],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("media_tags_required"), "{body}");
    assert_eq!(sees(&app, BAKKER, &uids).await, vec![false], "still hidden");
    let (_, tags) = call(&app, SANNE, "photo_tags", &[("post_id", post.to_string())]).await;
    assert_eq!(
        tags["items"][0]["tags"],
        serde_json::json!([app.pupil("Mila").await])
    );
    assert_eq!(tags["required"], true);
    // Saying "no recognisable child" is allowed, and shown on the form afterwards.
    let (status, body) = call(
        &app,
        SANNE,
        "save_photo_tags",
        &[
            ("post_id", post.to_string()),
            ("no_children[]", uids[0].clone()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, tags) = call(&app, SANNE, "photo_tags", &[("post_id", post.to_string())]).await;
    assert_eq!(tags["no_children"], serde_json::json!([uids[0].clone()]));
}

/// Tags can be changed after publishing (a forgotten child, a parent's report), by the author and
/// the directie only, and the photo follows the new tags on the next request (PR-01).
async fn pr01_tags_changed_after_publishing_count_at_once(app: TestApp) {
    let photos = open_round(&app, false, "").await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    let uids = tagged_post(&app, &[&["Mila"]]).await;
    let post = app.post_in("Groep 3").await;
    assert_eq!(sees(&app, JANSEN, &uids).await, vec![true]);
    let (status, tags) = call(&app, SANNE, "photo_tags", &[("post_id", post.to_string())]).await;
    assert_eq!(status, 200, "{tags}");
    assert_eq!(
        tags["items"][0]["tags"],
        serde_json::json!([app.pupil("Mila").await])
    );
    assert!(tags["candidates"].to_string().contains("Lotte"));
    assert!(
        !tags["candidates"].to_string().contains("Sam"),
        "another class"
    );

    let tag = |child: i64| ("tags[]", format!("{}:{child}", uids[0]));
    let (mila, lotte, sam) = (
        app.pupil("Mila").await,
        app.pupil("Lotte").await,
        app.pupil("Sam").await,
    );
    let save = |extra: Vec<(&'static str, String)>| {
        let mut form = vec![("post_id", post.to_string())];
        form.extend(extra);
        form
    };
    // Lotte (nobody answered: no) is added: Mila's family no longer sees it, Lotte's does.
    let (status, body) = call(
        &app,
        SANNE,
        "save_photo_tags",
        &save(vec![tag(mila), tag(lotte)]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(sees(&app, JANSEN, &uids).await, vec![false]);
    assert_eq!(sees(&app, BAKKER, &uids).await, vec![true]);
    // A parent cannot change tags; a child of another class cannot be tagged.
    assert_eq!(
        call(&app, BAKKER, "save_photo_tags", &save(vec![])).await.0,
        403
    );
    assert_eq!(
        call(&app, SANNE, "save_photo_tags", &save(vec![tag(sam)]))
            .await
            .0,
        400
    );
    assert_eq!(
        sees(&app, JANSEN, &uids).await,
        vec![false],
        "a refused change changes nothing"
    );
    // The directie removes the tags again: visible to the class.
    assert_eq!(
        call(&app, DIRECTIE, "save_photo_tags", &save(vec![]))
            .await
            .0,
        200
    );
    assert_eq!(sees(&app, JANSEN, &uids).await, vec![true]);
    // The page is a plain form (no JavaScript needed).
    let page = app
        .page(
            &format!("/bericht/{post}/kinderen"),
            Some(&app.session(SANNE).await),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("value=\"{}:{lotte}\"", uids[0])),
        "a checkbox per child"
    );
}

/// PR-01: a tag gives a family nothing beyond what the post was meant for, and changing tags never
/// drops the tag of a child who is no longer on the form.
async fn pr01_tags_never_widen_a_photo(app: TestApp) {
    let photos = open_round(&app, false, "").await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    let uids = tagged_post(&app, &[&["Mila", "Lotte"]]).await;
    let post = app.post_in("Groep 3").await;
    let media = app
        .id_of("SELECT id FROM media WHERE uid = $1", &uids[0])
        .await;
    // Children who were never in the post's audience (another class, another school), tagged
    // behind the form's back: their families still get nothing.
    for child in ["Sam", "Julia"] {
        exec(
            &app,
            "INSERT INTO media_tags (media_id, pupil_id) VALUES ($1, $2)",
            media,
            app.pupil(child).await,
        )
        .await;
    }
    assert_eq!(sees(&app, DEVRIES, &uids).await, vec![false]);
    let smit = app.session("ouder.smit@example.nl").await;
    let res = common::client()
        .get(app.at(&format!("/media/{}/feed", uids[0])))
        .header("cookie", &smit)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "another school's family");
    exec(
        &app,
        "DELETE FROM media_tags WHERE media_id = $1 AND pupil_id IN ($2, 0)",
        media,
        app.pupil("Sam").await,
    )
    .await;
    exec(
        &app,
        "DELETE FROM media_tags WHERE media_id = $1 AND pupil_id IN ($2, 0)",
        media,
        app.pupil("Julia").await,
    )
    .await;

    // Lotte (no consent) moves to Groep 5/6; the teacher saves the tags of Groep 3 again with only
    // Mila ticked. Lotte's tag stays, so Mila's family still does not see the photo.
    let lotte = app.pupil("Lotte").await;
    exec(
        &app,
        "UPDATE placements SET group_id = $2 WHERE pupil_id = $1",
        lotte,
        app.group("Groep 5/6").await,
    )
    .await;
    let form = [
        ("post_id", post.to_string()),
        ("tags[]", format!("{}:{}", uids[0], app.pupil("Mila").await)),
    ];
    let (status, body) = call(&app, SANNE, "save_photo_tags", &form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(sees(&app, JANSEN, &uids).await, vec![false]);
    let (_, tags) = call(&app, SANNE, "photo_tags", &[("post_id", post.to_string())]).await;
    assert!(
        tags["items"][0]["tags"]
            .to_string()
            .contains(&lotte.to_string()),
        "{tags}"
    );
}

db_tests!(
    one_save_stores_the_answers_for_every_child,
    a_required_tag_cannot_be_removed_after_publishing,
    the_round_is_mailed_and_the_reminder_skips_who_answered,
    pr01_pr02_photos_follow_the_consent_of_the_tagged_children,
    guardians_who_disagree_mean_no,
    a_new_pupil_mid_year_is_asked_at_once,
    after_the_lock_date_a_yes_waits_and_a_no_counts,
    in_a_strict_round_unconfirmed_answers_lapse,
    a_school_can_require_tagging_before_publishing,
    pr01_tags_changed_after_publishing_count_at_once,
    pr01_tags_never_widen_a_photo,
);
