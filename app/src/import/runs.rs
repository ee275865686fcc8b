//! Import runs: the uploaded file kept until it is applied (at most 24 hours), its preview, and
//! applying it (by the job runner for the screens, inline for `kring import`), with progress that
//! survives a reload and a crash.
use serde::{Deserialize, Serialize};

use super::{
    apply::{self, Target},
    model::{Counts, Line},
    parse::{self, Format},
    plan::{self, Plan},
    roster::{FileProblem, Mapping},
    store,
};
use crate::{error::AppError, platform::db::Db, with_db, with_tx};

/// The uploaded file is deleted after applying, or after this long.
pub const KEEP_SECS: i64 = 24 * 3600;

/// Import files are read whole (a CSV parser and a plan need all rows): at most this many are held
/// in memory at once, whoever uploads or looks (DS-01).
static FILES_IN_MEMORY: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Waits for a turn to hold an import file in memory; the turn ends when the permit is dropped.
pub async fn file_turn() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    FILES_IN_MEMORY
        .acquire()
        .await
        .map_err(|_| AppError::Internal)
}
/// The job that applies a run from the screens.
pub const APPLY_JOB: &str = "import.apply";

#[derive(Serialize, Deserialize)]
pub struct ApplyJob {
    pub run_id: i64,
}

/// A file read and compared with the school.
pub struct Preview {
    pub format: Format,
    pub headers: Vec<String>,
    pub mapping: Mapping,
    pub plan: Plan,
    pub year_id: i64,
}

/// Reads `file` (with an optional guardians CSV) with the school's remembered column mapping and
/// compares it with the school. `Ok(Err(_))`: the file as a whole cannot be read.
pub async fn preview(
    db: &Db,
    school_id: i64,
    file: &[u8],
    guardians: Option<&[u8]>,
) -> Result<Result<Preview, FileProblem>, AppError> {
    let mapping = mapping(db, school_id).await?;
    let read = match parse::read(file, guardians, &mapping) {
        Ok(read) => read,
        Err(problem) => return Ok(Err(problem)),
    };
    let year = crate::admin::server::current_year(db, school_id).await?;
    let snapshot = store::snapshot(db, school_id, year.id, &read.roster).await?;
    let plan = plan::plan(&read.roster, &snapshot);
    Ok(Ok(Preview {
        format: read.format,
        headers: read.headers,
        mapping: read.mapping,
        plan,
        year_id: year.id,
    }))
}

/// The school's remembered column mapping (empty: the stable column names only).
pub async fn mapping(db: &Db, school_id: i64) -> Result<Mapping, AppError> {
    let row: Option<(String,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT mapping FROM import_mappings WHERE school_id = $1"
    )
    .bind(school_id)
    .fetch_optional(pool)
    .await)?;
    Ok(row
        .and_then(|(json,)| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

pub async fn save_mapping(db: &Db, school_id: i64, mapping: &Mapping) -> Result<(), AppError> {
    let json = serde_json::to_string(mapping).map_err(|_| AppError::Internal)?;
    with_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO import_mappings (school_id, mapping, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (school_id) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at"
    )
    .bind(school_id)
    .bind(json)
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Stores an uploaded file as a new run of the school. `actor_id` `None`: `kring import`.
pub async fn create(
    db: &Db,
    school_id: i64,
    actor_id: Option<i64>,
    file: &[u8],
    guardians: Option<&[u8]>,
) -> Result<i64, AppError> {
    let at = db.clock().now();
    let (id,): (i64,) = with_db!(db, |pool| {
        sqlx::query_as(
        "INSERT INTO import_runs (school_id, actor_id, status, pupils_file, guardians_file, created_at, expires_at) \
         VALUES ($1, $2, 'uploaded', $3, $4, $5, $6) RETURNING id"
    )
    .bind(school_id)
    .bind(actor_id)
    .bind(file)
    .bind(guardians)
    .bind(at)
    .bind(at + KEEP_SECS)
    .fetch_one(pool)
    .await
    })?;
    Ok(id)
}

/// A run as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RunRow {
    pub id: i64,
    pub school_id: i64,
    pub actor_id: Option<i64>,
    pub status: String,
    pub total: i64,
    pub done: i64,
    pub summary: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
}

pub async fn run(db: &Db, run_id: i64) -> Result<RunRow, AppError> {
    with_db!(db, |pool| sqlx::query_as(
        "SELECT id, school_id, actor_id, status, total, done, summary, created_at, started_at \
         FROM import_runs WHERE id = $1"
    )
    .bind(run_id)
    .fetch_optional(pool)
    .await)?
    .ok_or(AppError::NotFound)
}

/// A run's pupils file and its guardians file, while it has them.
type Files = (Option<Vec<u8>>, Option<Vec<u8>>);

/// The run's files, while it still has them.
pub async fn files(db: &Db, run_id: i64) -> Result<(Vec<u8>, Option<Vec<u8>>), AppError> {
    let row: Option<Files> = with_db!(db, |pool| sqlx::query_as(
        "SELECT pupils_file, guardians_file FROM import_runs WHERE id = $1"
    )
    .bind(run_id)
    .fetch_optional(pool)
    .await)?;
    match row {
        Some((Some(file), guardians)) => Ok((file, guardians)),
        _ => Err(AppError::NotFound),
    }
}

/// What applying ended with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    Done(Counts, Vec<Line>),
    /// Applied before (by another runner, or this run was resumed after it finished).
    Already,
    Unreadable(FileProblem),
}

/// Applies a run: plans it again against the school as it is now (so a resumed run skips what is
/// done), applies in batches, then deletes the file and records the run in the audit log.
pub async fn apply(db: &Db, run_id: i64, mail_per_minute: u32) -> Result<Applied, AppError> {
    let run = run(db, run_id).await?;
    if !matches!(run.status.as_str(), "uploaded" | "applying") {
        return Ok(Applied::Already);
    }
    let at = db.clock().now();
    with_db!(db, |pool| {
        sqlx::query(
        "UPDATE import_runs SET status = 'applying', started_at = COALESCE(started_at, $2) WHERE id = $1"
    )
    .bind(run_id)
    .bind(at)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    let _turn = file_turn().await?;
    let (file, guardians) = files(db, run_id).await?;
    let preview = match preview(db, run.school_id, &file, guardians.as_deref()).await? {
        Ok(p) => p,
        Err(problem) => {
            finish(db, run_id, "failed", None, &run).await?;
            return Ok(Applied::Unreadable(problem));
        }
    };
    let plan = preview.plan;
    with_db!(db, |pool| sqlx::query(
        "UPDATE import_runs SET total = done + $2 WHERE id = $1"
    )
    .bind(run_id)
    .bind(plan.size() as i64)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    let target = Target {
        school_id: run.school_id,
        year_id: preview.year_id,
        run_id,
        actor_id: run.actor_id,
        started_at: run.started_at.unwrap_or(at),
        mail_per_minute,
    };
    apply::apply(db, &target, &plan).await?;
    finish(db, run_id, "applied", Some(&plan.counts), &run).await?;
    Ok(Applied::Done(plan.counts, plan.lines))
}

/// Ends a run: its files are deleted, and the audit log keeps who applied it (or "CLI").
async fn finish(
    db: &Db,
    run_id: i64,
    status: &str,
    counts: Option<&Counts>,
    run: &RunRow,
) -> Result<(), AppError> {
    let summary = counts
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| AppError::Internal)?;
    let at = db.clock().now();
    let note = match run.actor_id {
        Some(_) => counts.map(Counts::text).unwrap_or_default(),
        None => format!("CLI; {}", counts.map(Counts::text).unwrap_or_default()),
    };
    with_tx!(db, |tx| {
        sqlx::query(
            "UPDATE import_runs SET status = $2, summary = $3, finished_at = $4, \
             pupils_file = NULL, guardians_file = NULL WHERE id = $1",
        )
        .bind(run_id)
        .bind(status)
        .bind(&summary)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit_log (actor_id, action, object_kind, object_id, created_at, note) \
             VALUES ($1, $2, 'import_run', $3, $4, $5)",
        )
        .bind(run.actor_id)
        .bind(format!("import_{status}"))
        .bind(run_id)
        .bind(at)
        .bind(note)
        .execute(&mut *tx)
        .await?;
    });
    Ok(())
}

/// Deletes the files of runs that were never applied within `KEEP_SECS` (the housekeeping job).
pub async fn expire(db: &Db) -> Result<u64, AppError> {
    Ok(with_db!(db, |pool| sqlx::query(
        "UPDATE import_runs SET status = 'expired', pupils_file = NULL, guardians_file = NULL \
         WHERE status = 'uploaded' AND expires_at < $1"
    )
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?)
}
