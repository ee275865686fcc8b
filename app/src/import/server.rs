//! Who may import (the school's directie and administratie, and admins: `admin::server::manage`)
//! and the views of the import screens. Anyone else gets `NotFound`, as for a run that never existed.
use super::{
    model::{Change, ImportHome, RunStatus, RunSummary, RunView, MAX_LINES},
    roster::{Field, FileProblem, Mapping},
    runs::{self, RunRow},
};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db, jobs, state::AppState},
    with_db,
};

/// The run, if the actor may import for its school.
pub async fn run_for(db: &Db, actor: &Actor, run_id: i64) -> Result<RunRow, AppError> {
    let run = runs::run(db, run_id).await?;
    crate::admin::server::manage(actor, run.school_id).map_err(|_| AppError::NotFound)?;
    Ok(run)
}

async fn school_name(db: &Db, school_id: i64) -> Result<String, AppError> {
    let (name,): (String,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT name FROM schools WHERE id = $1"
    )
    .bind(school_id)
    .fetch_one(pool)
    .await)?;
    Ok(name)
}

pub async fn home(db: &Db, actor: &Actor, school_id: i64) -> Result<ImportHome, AppError> {
    crate::admin::server::manage(actor, school_id)?;
    let rows: Vec<(i64, String, i64, Option<String>)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id, status, created_at, summary FROM import_runs WHERE school_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT 10"
    )
    .bind(school_id)
    .fetch_all(pool)
    .await)?;
    Ok(ImportHome {
        school_id,
        school: school_name(db, school_id).await?,
        runs: rows
            .into_iter()
            .map(|(id, status, created_at, summary)| RunSummary {
                id,
                status: RunStatus::from_db(&status),
                created_at,
                counts: summary.and_then(|s| serde_json::from_str(&s).ok()),
            })
            .collect(),
        now: db.clock().now(),
    })
}

pub async fn view(db: &Db, actor: &Actor, run_id: i64) -> Result<RunView, AppError> {
    let run = run_for(db, actor, run_id).await?;
    let status = RunStatus::from_db(&run.status);
    let mut view = RunView {
        id: run.id,
        school_id: run.school_id,
        school: school_name(db, run.school_id).await?,
        status,
        total: run.total,
        done: run.done,
        counts: run
            .summary
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default(),
        lines: Vec::new(),
        more: 0,
        problem: None,
        headers: Vec::new(),
        mapping: Vec::new(),
        unused: Vec::new(),
        created_at: run.created_at,
        now: db.clock().now(),
    };
    if status != RunStatus::Uploaded {
        return Ok(view);
    }
    let _turn = runs::file_turn().await?;
    let (file, guardians) = runs::files(db, run_id).await?;
    match runs::preview(db, run.school_id, &file, guardians.as_deref()).await? {
        Ok(preview) => {
            let mut lines = preview.plan.lines;
            // Errors first: they are what the office fixes before applying.
            lines.sort_by_key(|l| l.change != Change::Error);
            view.more = lines.len().saturating_sub(MAX_LINES);
            lines.truncate(MAX_LINES);
            view.lines = lines;
            view.counts = preview.plan.counts;
            view.unused = preview
                .headers
                .iter()
                .filter(|h| !h.is_empty() && !preview.mapping.columns.iter().any(|(_, c)| c == *h))
                .cloned()
                .collect();
            view.headers = preview.headers;
            view.mapping = mapping_view(&preview.mapping);
        }
        Err(problem) => {
            if matches!(problem, FileProblem::MissingColumns(_)) {
                view.headers = super::parse::csv_headers(&file).unwrap_or_default();
                let mapping = runs::mapping(db, run.school_id).await?;
                view.mapping = mapping_view(&mapping);
            }
            view.problem = Some(problem);
        }
    }
    Ok(view)
}

fn mapping_view(mapping: &Mapping) -> Vec<(Field, Option<String>)> {
    Field::ALL
        .iter()
        .map(|f| {
            let column = mapping
                .columns
                .iter()
                .find(|(field, _)| field == f)
                .map(|(_, c)| c.clone());
            (*f, column)
        })
        .collect()
}

/// Saves the column mapping the office chose for the school (remembered for the next import).
/// `columns` maps a field's stable name to a header cell of the file; empty means "not in the file".
pub async fn set_mapping(
    db: &Db,
    actor: &Actor,
    run_id: i64,
    columns: &std::collections::HashMap<String, String>,
) -> Result<(), AppError> {
    let run = run_for(db, actor, run_id).await?;
    let mapping = Mapping {
        columns: Field::ALL
            .iter()
            .filter_map(|f| {
                let column = columns.get(f.as_str())?.trim();
                (!column.is_empty()).then(|| (*f, column.chars().take(200).collect()))
            })
            .collect(),
    };
    runs::save_mapping(db, run.school_id, &mapping).await
}

/// Starts applying the run in the job queue; the page follows its progress.
pub async fn start(state: &AppState, actor: &Actor, run_id: i64) -> Result<(), AppError> {
    let db = &state.db;
    let run = run_for(db, actor, run_id).await?;
    if RunStatus::from_db(&run.status) != RunStatus::Uploaded {
        // Clicked twice, or from two tabs: the run is on its way already.
        return Ok(());
    }
    jobs::enqueue(
        db,
        runs::APPLY_JOB,
        &runs::ApplyJob { run_id },
        &format!("{}:{run_id}", runs::APPLY_JOB),
    )
    .await?;
    with_db!(db, |pool| sqlx::query(
        "UPDATE import_runs SET status = 'applying' WHERE id = $1 AND status = 'uploaded'"
    )
    .bind(run_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    state.wake_jobs();
    Ok(())
}
