//! Import runs: resuming after a crash, the mail schedule, and deleting an upload nobody applied.
use super::{count, csv, school_file, SCHOOL};
use crate::common::TestApp;

use app::import::{apply, plan, runs};

async fn an_interrupted_run_resumes_without_doing_anything_twice(app: TestApp) {
    let school = app.school(SCHOOL).await;
    let file = school_file();
    let run = runs::create(&app.db, school, None, file.as_bytes(), None)
        .await
        .unwrap();
    // The crash: the groups, the pupils and the first guardian were applied, then the process died.
    let preview = runs::preview(&app.db, school, file.as_bytes(), None)
        .await
        .unwrap()
        .unwrap();
    let mut partial: plan::Plan = preview.plan.clone();
    partial.guardians.truncate(1);
    let target = apply::Target {
        school_id: school,
        year_id: preview.year_id,
        run_id: run,
        actor_id: None,
        started_at: app.db.clock().now(),
        mail_per_minute: 120,
    };
    apply::apply(&app.db, &target, &partial).await.unwrap();
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE import_run_id IS NOT NULL"
        )
        .await,
        1
    );
    // The job runs it again from the start: only what is left is done.
    let done = runs::apply(&app.db, run, 120).await.unwrap();
    let runs::Applied::Done(counts, _) = done else {
        panic!("{done:?}");
    };
    assert_eq!((counts.pupils_new, counts.guardians_invite), (0, 2));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE import_run_id IS NOT NULL"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM pupils WHERE pupil_key IS NOT NULL"
        )
        .await,
        3
    );
    assert_eq!(
        runs::apply(&app.db, run, 120).await.unwrap(),
        runs::Applied::Already
    );
}

async fn bulk_invitations_are_spread_over_the_minutes(app: TestApp) {
    let school = app.school(SCHOOL).await;
    let rows: Vec<String> = (1..=5)
        .map(|i| format!("30{i};Kind;;Nummer{i};Groep 3;Ouder {i};ouder{i}@voorbeeld.nl;;;;"))
        .collect();
    let file = csv(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let run = runs::create(&app.db, school, None, file.as_bytes(), None)
        .await
        .unwrap();
    runs::apply(&app.db, run, 2).await.unwrap();
    let due: Vec<(i64,)> = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT j.run_at - r.started_at FROM jobs j JOIN invitations i ON j.idempotency_key = 'invite:' || CAST(i.id AS TEXT) \
         JOIN import_runs r ON r.id = i.import_run_id ORDER BY i.id"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    let due: Vec<i64> = due.into_iter().map(|(d,)| d).collect();
    assert_eq!(due, vec![0, 0, 60, 60, 120], "at most 2 a minute");
}

/// An upload that is never applied is deleted by the housekeeping job after 24 hours.
async fn an_unapplied_upload_is_gone_after_a_day(app: TestApp) {
    let school = app.school(SCHOOL).await;
    let run = runs::create(&app.db, school, None, school_file().as_bytes(), None)
        .await
        .unwrap();
    app.db.clock().advance(runs::KEEP_SECS - 60);
    app::platform::jobs::queue_purge(&app.state, "import-test-early")
        .await
        .unwrap();
    let kept =
        "SELECT COUNT(*) FROM import_runs WHERE status = 'uploaded' AND pupils_file IS NOT NULL";
    // The purge of the early slot has run when the job is done.
    for _ in 0..200 {
        if count(&app, "SELECT COUNT(*) FROM jobs WHERE idempotency_key = 'media.purge.import-test-early' AND status = 'done'").await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(count(&app, kept).await, 1, "kept within the day");
    app.db.clock().advance(120);
    app::platform::jobs::queue_purge(&app.state, "import-test-late")
        .await
        .unwrap();
    let gone = "SELECT COUNT(*) FROM import_runs WHERE status = 'expired' AND pupils_file IS NULL AND guardians_file IS NULL";
    for _ in 0..200 {
        if count(&app, gone).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(count(&app, gone).await, 1, "deleted after 24 hours");
    assert_eq!(
        runs::apply(&app.db, run, 120).await.unwrap(),
        runs::Applied::Already,
        "an expired run applies nothing"
    );
}

db_tests!(
    an_interrupted_run_resumes_without_doing_anything_twice,
    bulk_invitations_are_spread_over_the_minutes,
    an_unapplied_upload_is_gone_after_a_day,
);
