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
    // Both children's pages show the one invitation (to resend or take back).
    let directie = app.session("directie@regenboog.example").await;
    for key in ["1001", "1002"] {
        let pupil = app
            .id_of("SELECT id FROM pupils WHERE pupil_key = $1", key)
            .await;
        let detail: serde_json::Value = app
            .call(
                "admin_pupil",
                Some(&directie),
                &[("pupil_id", pupil.to_string())],
            )
            .await
            .json()
            .await
            .unwrap();
        let emails: Vec<&str> = detail["invitations"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["email"].as_str())
            .collect();
        assert!(emails.contains(&"petra@voorbeeld.nl"), "{key}: {emails:?}");
    }
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

/// EDEXML from a LAS, hand-made after domain.md: groups, pupils (with a citizen service number that
/// must never be stored) and teachers; the guardians come from a CSV keyed on the pupil key.
const EDEXML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<EDEX>
  <school><brin>99XX</brin></school>
  <groepen>
    <groep key="G7"><naam>Groep 7</naam><jaargroep>7</jaargroep></groep>
    <groep key="G8"><naam>Groep 8</naam><jaargroep>8</jaargroep></groep>
  </groepen>
  <leerlingen>
    <leerling key="5001">
      <achternaam>Dijk</achternaam><voorvoegsel>van</voorvoegsel><roepnaam>Mees</roepnaam>
      <geboortedatum>2014-05-01</geboortedatum><bsn>123456782</bsn><jaargroep>7</jaargroep>
      <groep key="G7"/>
    </leerling>
    <leerling key="5002">
      <achternaam>Yilmaz</achternaam><roepnaam>Elif</roepnaam><bsn>987654321</bsn>
      <jaargroep>8</jaargroep><groep key="G8"/>
    </leerling>
  </leerlingen>
  <leerkrachten>
    <leerkracht key="T1">
      <achternaam>Visser</achternaam><roepnaam>Sanne</roepnaam>
      <emailadres>juf.sanne@regenboog.example</emailadres>
      <groepen><groep key="G7"/></groepen>
    </leerkracht>
    <leerkracht key="T2">
      <achternaam>Bos</achternaam><roepnaam>Joost</roepnaam>
      <emailadres>meester.joost@regenboog.example</emailadres>
      <groepen><groep key="G8"/></groepen>
    </leerkracht>
  </leerkrachten>
</EDEX>
"#;

async fn edexml_with_guardians_and_teachers_stores_no_citizen_number(app: TestApp) {
    let file = write(&app, "school.xml", EDEXML.as_bytes());
    let guardians = write(
        &app,
        "verzorgers.csv",
        b"leerlingnummer;verzorger1_naam;verzorger1_email\n5001;Ilse van Dijk;ilse@voorbeeld.nl\n5002;Emre Yilmaz;emre@voorbeeld.nl\n",
    );
    let (ok, lines) = kring_import(
        &app,
        &[
            "--school",
            SCHOOL,
            &file,
            "--guardians",
            &guardians,
            "--apply",
        ],
    );
    assert!(ok, "{lines:?}");
    assert!(
        lines.contains(
            &"changed teacher juf.sanne@regenboog.example Sanne Visser: Groep 7".to_string()
        ),
        "{lines:?}"
    );
    assert!(
        lines.contains(
            &"invite teacher meester.joost@regenboog.example Joost Bos: Groep 8".to_string()
        ),
        "{lines:?}"
    );
    assert!(lines.contains(
        &"pupils 2 new, 0 changed, 0 leaving; guardians 2 to invite; errors 0".to_string()
    ));
    let sanne_in_7 = count(
        &app,
        "SELECT COUNT(*) FROM group_staff gs JOIN groups g ON g.id = gs.group_id JOIN users u ON u.id = gs.user_id \
         WHERE g.name = 'Groep 7' AND u.email = 'juf.sanne@regenboog.example'",
    )
    .await;
    assert_eq!(sanne_in_7, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM invitation_groups ig JOIN invitations i ON i.id = ig.invitation_id WHERE i.kind = 'staff' AND i.role = 'teacher'").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM pupils WHERE pupil_key = '5001' AND prefix = 'van' AND birth_date = '2014-05-01'").await,
        1
    );
    // The citizen service number was in the upload only, and the upload is gone.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM import_runs WHERE pupils_file IS NOT NULL OR guardians_file IS NOT NULL").await, 0);
    if let app::platform::db::Pool::Sqlite(pool) = &app.db.pool {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await
            .unwrap();
        for entry in std::fs::read_dir(&app.dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "db" || e == "db-wal") {
                let bytes = std::fs::read(&path).unwrap();
                assert!(
                    !bytes.windows(9).any(|w| w == b"123456782"),
                    "{} still holds the citizen service number",
                    path.display()
                );
            }
        }
    }
}

async fn accounts_here_are_linked_at_once_staff_never_through_an_import(app: TestApp) {
    let file = write(
        &app,
        "a.csv",
        format!(
            "{HEADER};verzorger1_geen_toegang\n\
             6001;Bas;;Bakker;Groep 3;Tom Bakker;ouder.bakker@example.nl;;Sanne Visser;juf.sanne@regenboog.example;;\n"
        )
        .as_bytes(),
    );
    let (ok, lines) = kring_import(&app, &["--school", SCHOOL, &file, "--apply"]);
    assert!(ok, "{lines:?}");
    // Both read "invite": the preview does not tell who has an account.
    assert!(
        lines.contains(&"invite guardian ouder.bakker@example.nl Tom Bakker (6001)".to_string()),
        "{lines:?}"
    );
    assert!(lines
        .contains(&"invite guardian juf.sanne@regenboog.example Sanne Visser (6001)".to_string()));
    // Bakker already is a guardian in this school: linked at once, no invitation.
    let bas = app.pupil("Bas").await;
    let bakker = app.user_id("ouder.bakker@example.nl").await;
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM guardianships WHERE pupil_id = {bas} AND user_id = {bakker}"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE email = 'ouder.bakker@example.nl'"
        )
        .await,
        0
    );
    // A teacher's account is only invited, and accepting it as a guardian is refused.
    let mail = app
        .smtp
        .wait_for("juf.sanne@regenboog.example", "/uitnodiging?token=")
        .await;
    let token = common::smtp::token_link(&mail, "http://")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    let res = app
        .call(
            "accept_invitation",
            None,
            &[("token", token), ("password", common::PASSWORD.into())],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("invite_staff_account"));
    let sanne = app.user_id("juf.sanne@regenboog.example").await;
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM guardianships WHERE user_id = {sanne}")
        )
        .await,
        0
    );

    // "geen toegang" in the file marks the link; a later file without it never lifts the mark.
    let marked = write(
        &app,
        "b.csv",
        format!("{HEADER};verzorger1_geen_toegang\n6001;Bas;;Bakker;Groep 3;Tom Bakker;ouder.bakker@example.nl;;;;;ja\n").as_bytes(),
    );
    let (_, lines) = kring_import(&app, &["--school", SCHOOL, &marked, "--apply"]);
    assert!(
        lines.contains(&"changed guardian ouder.bakker@example.nl geen toegang".to_string()),
        "{lines:?}"
    );
    let unmarked = write(
        &app,
        "c.csv",
        format!("{HEADER};verzorger1_geen_toegang\n6001;Bas;;Bakker;Groep 3;Tom Bakker;ouder.bakker@example.nl;;;;;\n").as_bytes(),
    );
    kring_import(&app, &["--school", SCHOOL, &unmarked, "--apply"]);
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM guardianships WHERE pupil_id = {bas} AND user_id = {bakker} AND no_access = TRUE")).await,
        1
    );
}

async fn phone_numbers_are_kept_only_when_the_school_says_so(app: TestApp) {
    let school = app.school(SCHOOL).await;
    let directie = app.session("directie@regenboog.example").await;
    let on = app
        .call(
            "admin_store_phones",
            Some(&directie),
            &[("school_id", school.to_string()), ("store", "true".into())],
        )
        .await;
    assert_eq!(on.status(), 200);
    let file = write(&app, "a.csv", school_file().as_bytes());
    assert!(kring_import(&app, &["--school", SCHOOL, &file, "--apply"]).0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM invitations WHERE email = 'petra@voorbeeld.nl' AND phone = '0612345678'").await,
        1
    );
    let off = app
        .call(
            "admin_store_phones",
            Some(&directie),
            &[("school_id", school.to_string()), ("store", "false".into())],
        )
        .await;
    assert_eq!(off.status(), 200);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM guardianships WHERE phone IS NOT NULL"
        )
        .await,
        0
    );
}

/// The office's way: upload on the screen, look at the preview (and its spreadsheet, where a
/// formula in a name stays text), apply, and the run's page follows the job to the end.
async fn the_office_imports_through_the_screens(app: TestApp) {
    let office = app.session("administratie@regenboog.example").await;
    let school = app.school(SCHOOL).await;
    let file = csv(&[
        "7001;=HYPERLINK(\"http://x.example\",\"klik\");;Kwaad;Groep 3;Ouder Zeven;zeven@voorbeeld.nl;;;;",
        "7002;Lieke;;de Wit;Groep 3;Ouder Acht;geen-adres;;;;",
    ]);
    let form = reqwest::multipart::Form::new()
        .text("school_id", school.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(file.into_bytes()).file_name("leerlingen.csv"),
        );
    let res = common::client()
        .post(app.at("/beheer/import"))
        .header("cookie", &office)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let run: i64 = location
        .trim_start_matches("/beheer/import/")
        .parse()
        .unwrap();
    let page = app
        .page(&location, Some(&office))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("7002: verzorger1_email is geen geldig e-mailadres"),
        "the error is on the page"
    );
    let sheet = app
        .page(&format!("{location}/regels.csv"), Some(&office))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        sheet.contains("'=HYPERLINK"),
        "a formula comes out as text: {sheet}"
    );
    assert!(!sheet.contains(";=HYPERLINK") && !sheet.contains(";\"=HYPERLINK"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM pupils WHERE pupil_key = '7001'").await,
        0
    );
    let applied = app
        .call(
            "import_apply",
            Some(&office),
            &[("run_id", run.to_string())],
        )
        .await;
    assert_eq!(applied.status(), 200);
    let mut status = String::new();
    for _ in 0..200 {
        app.state.wake_jobs();
        let view: serde_json::Value = app
            .call("import_run", Some(&office), &[("run_id", run.to_string())])
            .await
            .json()
            .await
            .unwrap();
        status = view["status"].as_str().unwrap_or_default().to_string();
        if status == "Applied" {
            assert_eq!(view["done"], view["total"]);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "Applied");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM pupils WHERE pupil_key IN ('7001', '7002')"
        )
        .await,
        1
    );
    app.smtp
        .wait_for("zeven@voorbeeld.nl", "/uitnodiging?token=")
        .await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = 'import_applied' AND u.email = 'administratie@regenboog.example'").await,
        1
    );
}

/// The hand-made corpus (`app/src/import/testdata`): an Excel export in Windows-1252 with commas,
/// other column names and quoted cells reads as the UTF-8 file does; a file without the needed
/// columns is refused as a whole, naming them, and changes nothing.
async fn the_bad_file_corpus_through_the_command(app: TestApp) {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../app/src/import/testdata/");
    let (ok, utf8) = kring_import(
        &app,
        &["--school", SCHOOL, &format!("{corpus}leerlingen.csv")],
    );
    assert!(ok, "{utf8:?}");
    let (ok, excel) = kring_import(
        &app,
        &["--school", SCHOOL, &format!("{corpus}leerlingen-excel.csv")],
    );
    assert!(ok, "{excel:?}");
    let pupils = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.starts_with("new pupil "))
            .cloned()
            .collect()
    };
    assert!(!pupils(&utf8).is_empty());
    assert!(
        pupils(&excel).iter().all(|l| !l.contains('\u{FFFD}')),
        "Windows-1252 read as such: {excel:?}"
    );
    assert!(
        excel.iter().any(|l| l.contains("Daan van der Berg")),
        "{excel:?}"
    );
    let before = count(&app, "SELECT COUNT(*) FROM pupils").await;
    let out = Command::new(env!("CARGO_BIN_EXE_kring"))
        .args([
            "import",
            "--school",
            SCHOOL,
            &format!("{corpus}geen-kolommen.csv"),
            "--apply",
        ])
        .env("KRING_DATA_DIR", app.dir.display().to_string())
        .env("KRING_DATABASE_URL", &app.db_url)
        .env("KRING_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("leerlingnummer") && err.contains("roepnaam"),
        "{err}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pupils").await, before);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM import_runs").await, 0);
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
    preview_then_apply_once_then_nothing,
    a_bad_row_blocks_only_itself,
    leavers_lose_their_placement_and_changes_follow_the_file,
    an_interrupted_run_resumes_without_doing_anything_twice,
    bulk_invitations_are_spread_over_the_minutes,
    edexml_with_guardians_and_teachers_stores_no_citizen_number,
    accounts_here_are_linked_at_once_staff_never_through_an_import,
    phone_numbers_are_kept_only_when_the_school_says_so,
    the_office_imports_through_the_screens,
    the_bad_file_corpus_through_the_command,
    an_unapplied_upload_is_gone_after_a_day,
);
