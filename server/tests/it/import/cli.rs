//! `kring import` on every import rule: the lines it prints and what it changes.
use super::{count, csv, kring, kring_import, school_file, write, SCHOOL};
use crate::common::TestApp;

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
    let out = kring(
        &app,
        &[
            "--school",
            SCHOOL,
            &format!("{corpus}geen-kolommen.csv"),
            "--apply",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("leerlingnummer") && err.contains("roepnaam"),
        "{err}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pupils").await, before);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM import_runs").await, 0);
}

db_tests!(
    preview_then_apply_once_then_nothing,
    a_bad_row_blocks_only_itself,
    leavers_lose_their_placement_and_changes_follow_the_file,
    the_bad_file_corpus_through_the_command,
);
