//! `kring import --school "<name>" FILE [--guardians FILE2] [--apply]`: the same preview and apply
//! as the import screens, for a school office with shell access or a migration script. Prints one
//! line per change (`KIND-OF-CHANGE KIND KEY DETAIL`), then the counts, then `applied`.
use std::path::Path;

use app::{
    import::{
        roster::FileProblem,
        runs::{self, Applied},
    },
    platform::db::Db,
    with_db,
};

use crate::config::Config;

/// Import files are small (a school of 1,000 pupils is about 200 kB); this bounds a wrong file.
const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

pub async fn run(
    config: &Config,
    db: Db,
    school: &str,
    file: &Path,
    guardians: Option<&Path>,
    apply: bool,
) -> Result<(), String> {
    let school_id = school_id(&db, school).await?;
    let file = read(file)?;
    let guardians = guardians.map(read).transpose()?;
    let preview = runs::preview(&db, school_id, &file, guardians.as_deref())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|p| unreadable(&p))?;
    for line in &preview.plan.lines {
        println!("{}", line.text());
    }
    println!("{}", preview.plan.counts.text());
    if !apply {
        return Ok(());
    }
    let run_id = runs::create(&db, school_id, None, &file, guardians.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    let per_minute = crate::app_state(config, db.clone())?
        .settings
        .mail_per_minute;
    match runs::apply(&db, run_id, per_minute)
        .await
        .map_err(|e| e.to_string())?
    {
        Applied::Done(..) | Applied::Already => {
            println!("applied");
            Ok(())
        }
        Applied::Unreadable(p) => Err(unreadable(&p)),
    }
}

async fn school_id(db: &Db, name: &str) -> Result<i64, String> {
    let row: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id FROM schools WHERE name = $1"
    )
    .bind(name.trim())
    .fetch_optional(pool)
    .await)
    .map_err(|e| e.to_string())?;
    row.map(|r| r.0)
        .ok_or_else(|| format!("no school is called \"{}\"", name.trim()))
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!("{} is larger than 20 MB", path.display()));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn unreadable(problem: &FileProblem) -> String {
    match problem {
        FileProblem::Empty => "the file is empty".into(),
        FileProblem::Unrecognised => "the file is neither a CSV with a header nor EDEXML".into(),
        FileProblem::MissingColumns(cols) => format!(
            "the file lacks the columns {} (map them once on the import screen)",
            cols.join(", ")
        ),
        FileProblem::BadXml(line) => format!("the XML cannot be read (line {line})"),
        FileProblem::NoPupilKey => "the guardians file has no leerlingnummer column".into(),
    }
}
