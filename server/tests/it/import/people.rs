//! Guardians and teachers through an import: EDEXML with its guardians CSV, accounts linked at once
//! or invited, "geen toegang", and what is never stored.
use super::{count, kring_import, write, HEADER, SCHOOL};
use crate::common::{self, TestApp};

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

db_tests!(
    edexml_with_guardians_and_teachers_stores_no_citizen_number,
    accounts_here_are_linked_at_once_staff_never_through_an_import,
);
