//! `kring send-summary`: the e-mail summary for the period that ends now, sent by this process with
//! the configured number of job runners (the weekly-summary benchmark uses it), or only queued for a
//! running server.
use std::{sync::Arc, time::Instant};

use app::{
    notify::{
        digest::{self, RunJob},
        model::Frequency,
    },
    platform::{db::Db, mail::Mailer, worker},
    with_db,
};

use crate::{app_state, config::Config};

pub async fn send(
    config: &Config,
    db: Db,
    frequency: &str,
    queue_only: bool,
) -> Result<(), String> {
    let frequency = match Frequency::parse(frequency) {
        Some(f @ (Frequency::Daily | Frequency::Weekly)) => f,
        _ => return Err("--frequency must be daily or weekly".into()),
    };
    // Sent by hand, a summary covers everything up to now, this second included (the period is
    // [from, to)): what was posted a moment ago, in the same second, must not wait a week.
    let to = db.clock().now() + 1;
    let days = if frequency == Frequency::Weekly { 7 } else { 1 };
    let run = RunJob {
        frequency,
        from: to - days * 86400,
        to,
    };
    let state = app_state(config, db)?;
    if queue_only {
        digest::queue_run(&state, run)
            .await
            .map_err(|e| e.to_string())?;
        println!("summary queued for a running server (period ending {to})");
        return Ok(());
    }
    let started = Instant::now();
    let queued = digest::run(&state, run).await.map_err(|e| e.to_string())?;
    let mailer = Mailer::from_settings(&state.settings)?;
    let runner = Arc::new(app::jobs::runner(state.clone(), mailer));
    let loops: Vec<_> = (0..state.settings.job_runners.max(1))
        .map(|_| {
            let runner = runner.clone();
            tokio::spawn(async move { worker::run_due(&runner).await })
        })
        .collect();
    for handle in loops {
        handle
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
    }
    let secs = started.elapsed().as_secs_f64();
    let pattern = format!("digest.{}.{to}.%", frequency.as_str());
    let db = &state.db;
    let (done, failed, waiting): (i64, i64, i64) = with_db!(db, |pool| sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN status IN ('pending', 'running') THEN 1 ELSE 0 END), 0) \
         FROM jobs WHERE idempotency_key LIKE $1"
    )
    .bind(&pattern)
    .fetch_one(pool)
    .await)
    .map_err(|e| e.to_string())?;
    println!(
        "summary: {queued} queued, {done} done, {failed} failed, {waiting} waiting for a retry; {secs:.1} s, {:.0} per second",
        done as f64 / secs.max(0.001)
    );
    Ok(())
}
