//! Issue 20: a school brought into Kring from its LAS export. `kring import` (the stable interface)
//! and the library it shares with the screens, on both databases: preview changes nothing, apply
//! does it once, a second run changes nothing and invites nobody twice, a bad row blocks only
//! itself, and a crashed run resumes.
use std::process::Command;

use crate::common;

use app::import::{apply, plan, runs};
use common::TestApp;

const SCHOOL: &str = "OBS De Regenboog";

/// The stable header, semicolons, as a LAS export writes it.
const HEADER: &str = "leerlingnummer;roepnaam;tussenvoegsel;achternaam;groep;verzorger1_naam;verzorger1_email;verzorger1_telefoon;verzorger2_naam;verzorger2_email;verzorger2_telefoon";

fn csv(rows: &[&str]) -> String {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

/// Three pupils in two groups (one new), two of them siblings sharing one guardian.
fn school_file() -> String {
    csv(&[
        "1001;Sanne;van der;Berg;Groep 3;Petra van der Berg;petra@voorbeeld.nl;0612345678;;;",
        "1002;Daan;van der;Berg;Groep 7;Petra van der Berg;petra@voorbeeld.nl;0612345678;Karel Berg;karel@voorbeeld.nl;",
        "1003;Zoë;;Çelik;Groep 7;Ayla Çelik;ayla@voorbeeld.nl;;;;",
    ])
}

/// Runs `kring import` against the test's database; answers (success, stdout lines).
fn kring_import(app: &TestApp, args: &[&str]) -> (bool, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_kring"))
        .arg("import")
        .args(args)
        .env("KRING_DATA_DIR", app.dir.display().to_string())
        .env("KRING_DATABASE_URL", &app.db_url)
        .env("KRING_LOG", "warn")
        .output()
        .expect("kring import");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    (
        out.status.success(),
        text.lines().map(str::to_string).collect(),
    )
}

fn write(app: &TestApp, name: &str, bytes: &[u8]) -> String {
    let path = app.dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.display().to_string()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) =
        app::with_db!(&app.db, |pool| sqlx::query_as(sql).fetch_one(pool).await).unwrap();
    n
}

async fn preview_then_apply_once_then_nothing(app: TestApp) {
    let file = write(&app, "leerlingen.csv", school_file().as_bytes());
    let pupils_before = count(&app, "SELECT COUNT(*) FROM pupils").await;
    let (ok, lines) = kring_import(&app, &["--school", SCHOOL, &file]);
    assert!(ok, "{lines:?}");
    assert_eq!(
        lines,
        vec![
            "new group \"Groep 7\"",
            "new pupil 1001 Sanne van der Berg, Groep 3",
            "new pupil 1002 Daan van der Berg, Groep 7",
            "new pupil 1003 Zoë Çelik, Groep 7",
            "invite guardian petra@voorbeeld.nl Petra van der Berg (1001, 1002)",
            "invite guardian karel@voorbeeld.nl Karel Berg (1002)",
            "invite guardian ayla@voorbeeld.nl Ayla Çelik (1003)",
            "pupils 3 new, 0 changed, 0 leaving; guardians 3 to invite; errors 0",
        ]
    );
    // A preview changes nothing.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM pupils").await,
        pupils_before
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM import_runs").await, 0);

    let (ok, applied) = kring_import(&app, &["--school", SCHOOL, &file, "--apply"]);
    assert!(ok);
    assert_eq!(applied.last().map(String::as_str), Some("applied"));
    assert_eq!(&applied[..applied.len() - 1], &lines[..]);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM pupils WHERE pupil_key IN ('1001', '1002', '1003')"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM placements pl JOIN groups g ON g.id = pl.group_id WHERE g.name = 'Groep 7'"
        )
        .await,
        2
    );
    // One invitation per guardian, for all their children, in the school's name.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE import_run_id IS NOT NULL"
        )
        .await,
        3
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM invitations WHERE import_run_id IS NOT NULL AND invited_by IS NULL").await,
        3
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitation_pupils ip JOIN invitations i ON i.id = ip.invitation_id \
             WHERE i.email = 'petra@voorbeeld.nl'"
        )
        .await,
        2
    );
    // The school keeps no phone numbers unless it says so.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE phone IS NOT NULL"
        )
        .await,
        0
    );
    // The file is gone; the audit log says who: the command line.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM import_runs WHERE status = 'applied' AND pupils_file IS NULL"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'import_applied' AND actor_id IS NULL AND note LIKE 'CLI%'").await,
        1
    );
    // The mails go out through the job queue: one per guardian.
    for email in [
        "petra@voorbeeld.nl",
        "karel@voorbeeld.nl",
        "ayla@voorbeeld.nl",
    ] {
        app.smtp.wait_for(email, "/uitnodiging?token=").await;
    }

    // The same file again: nothing to do, nobody invited twice.
    let (ok, again) = kring_import(&app, &["--school", SCHOOL, &file, "--apply"]);
    assert!(ok);
    assert_eq!(
        again,
        vec![
            "pupils 0 new, 0 changed, 0 leaving; guardians 0 to invite; errors 0",
            "applied"
        ]
    );
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
            "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.invitation'"
        )
        .await,
        3
    );
}

async fn a_bad_row_blocks_only_itself(app: TestApp) {
    let file = write(
        &app,
        "fouten.csv",
        csv(&[
            "2001;Bram;;Visser;Groep 3;Els Visser;geen-adres;;;;",
            "2002;Noor;;Visser;Groep 3;Els Visser;els@voorbeeld.nl;;;;",
            "2003;;;Mulder;Groep 3;;;;;;",
            "2004;Tim;;Bos;Groep 3;;;;;;",
            "2004;Tom;;Bos;Groep 3;;;;;;",
        ])
        .as_bytes(),
    );
    let (ok, lines) = kring_import(&app, &["--school", SCHOOL, &file, "--apply"]);
    assert!(ok, "{lines:?}");
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 4, "{lines:?}");
    assert!(
        errors[0].starts_with("error pupil regel-2 2001: verzorger1_email"),
        "{errors:?}"
    );
    assert!(errors.iter().any(|l| l.starts_with("error pupil regel-4 ")));
    assert!(
        errors
            .iter()
            .filter(|l| l.contains("regel-5") || l.contains("regel-6"))
            .count()
            == 2
    );
    assert!(lines.contains(
        &"pupils 1 new, 0 changed, 0 leaving; guardians 1 to invite; errors 4".to_string()
    ));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM pupils WHERE pupil_key IS NOT NULL"
        )
        .await,
        1
    );
}

async fn leavers_lose_their_placement_and_changes_follow_the_file(app: TestApp) {
    let file = write(&app, "a.csv", school_file().as_bytes());
    assert!(kring_import(&app, &["--school", SCHOOL, &file, "--apply"]).0);
    let next = write(
        &app,
        "b.csv",
        csv(&[
            "1001;Sanne;van den;Berg;Groep 5/6;Petra van der Berg;petra@voorbeeld.nl;;;;",
            "1002;Daan;van der;Berg;Groep 7;Petra van der Berg;petra@voorbeeld.nl;;Karel Berg;karel@voorbeeld.nl;",
        ])
        .as_bytes(),
    );
    let (ok, lines) = kring_import(&app, &["--school", SCHOOL, &next, "--apply"]);
    assert!(ok);
    assert_eq!(
        lines,
        vec![
            "changed pupil 1001 naam Sanne van der Berg → Sanne van den Berg; groep Groep 3 → Groep 5/6",
            "leaving pupil 1003 Zoë Çelik, Groep 7",
            "pupils 0 new, 1 changed, 1 leaving; guardians 0 to invite; errors 0",
            "applied",
        ]
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM placements pl JOIN pupils p ON p.id = pl.pupil_id WHERE p.pupil_key = '1003'").await,
        0
    );
}

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

db_tests!(
    preview_then_apply_once_then_nothing,
    a_bad_row_blocks_only_itself,
    leavers_lose_their_placement_and_changes_follow_the_file,
    an_interrupted_run_resumes_without_doing_anything_twice,
    bulk_invitations_are_spread_over_the_minutes,
);
