//! The import through the screens and the school's settings.
use super::{count, csv, kring_import, school_file, write, SCHOOL};
use crate::common::{self, TestApp};

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

db_tests!(
    phone_numbers_are_kept_only_when_the_school_says_so,
    the_office_imports_through_the_screens,
);
