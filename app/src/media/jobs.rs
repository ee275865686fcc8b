//! Photo and video processing (a lane of its own), and the sweep of files nobody can see any more.
use super::server::{ProcessJob, PROCESS_JOB};
use crate::platform::{
    jobs::{self, Job},
    registry::{payload, JobError, JobResult, Lane, Registry},
    worker::Runner,
};

/// How often the sweep runs (stale drafts, files of deleted posts).
const SWEEP_SECS: i64 = 900;

pub fn register(registry: &mut Registry) {
    registry
        .job(PROCESS_JOB, Lane::Media, |runner, job| {
            Box::pin(process(runner, job))
        })
        .every("media sweep", SWEEP_SECS, |state| {
            Box::pin(async move {
                let slot = state.db.clock().now() / SWEEP_SECS;
                jobs::queue_purge(state, &format!("sweep.{slot}")).await
            })
        })
        .cleanup("media files", |state| Box::pin(super::sweep::purge(state)));
}

async fn process(runner: &Runner, job: &Job) -> JobResult {
    let p: ProcessJob = payload(job)?;
    super::processing::process(&runner.state, p.media_id)
        .await
        .map_err(JobError::Failed)
}
