//! Issue 20: a school brought into Kring from its LAS export. `kring import` (the stable interface)
//! and the library it shares with the screens, on both databases: preview changes nothing, apply
//! does it once, a second run changes nothing and invites nobody twice, a bad row blocks only
//! itself, and a crashed run resumes.
mod cli;
mod people;
mod runs;
mod screens;

use std::process::{Command, Output};

use crate::common;

use common::TestApp;

pub(crate) const SCHOOL: &str = "OBS De Regenboog";

/// The stable header, semicolons, as a LAS export writes it.
pub(crate) const HEADER: &str = "leerlingnummer;roepnaam;tussenvoegsel;achternaam;groep;verzorger1_naam;verzorger1_email;verzorger1_telefoon;verzorger2_naam;verzorger2_email;verzorger2_telefoon";

pub(crate) fn csv(rows: &[&str]) -> String {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

/// Three pupils in two groups (one new), two of them siblings sharing one guardian.
pub(crate) fn school_file() -> String {
    csv(&[
        "1001;Sanne;van der;Berg;Groep 3;Petra van der Berg;petra@voorbeeld.nl;0612345678;;;",
        "1002;Daan;van der;Berg;Groep 7;Petra van der Berg;petra@voorbeeld.nl;0612345678;Karel Berg;karel@voorbeeld.nl;",
        "1003;Zoë;;Çelik;Groep 7;Ayla Çelik;ayla@voorbeeld.nl;;;;",
    ])
}

/// Runs `kring import` against the test's database.
pub(crate) fn kring(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kring"))
        .arg("import")
        .args(args)
        .env("KRING_DATA_DIR", app.dir.display().to_string())
        .env("KRING_DATABASE_URL", &app.db_url)
        .env("KRING_LOG", "warn")
        .output()
        .expect("kring import")
}

/// `kring` answered as (success, stdout lines).
pub(crate) fn kring_import(app: &TestApp, args: &[&str]) -> (bool, Vec<String>) {
    let out = kring(app, args);
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    (
        out.status.success(),
        text.lines().map(str::to_string).collect(),
    )
}

pub(crate) fn write(app: &TestApp, name: &str, bytes: &[u8]) -> String {
    let path = app.dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.display().to_string()
}

pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) =
        app::with_db!(&app.db, |pool| sqlx::query_as(sql).fetch_one(pool).await).unwrap();
    n
}
