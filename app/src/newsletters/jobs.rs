//! Sending a scheduled newsletter, and purging attachments nobody can reach any more.
use crate::platform::registry::{JobError, Lane, Registry};

pub fn register(registry: &mut Registry) {
    registry
        .job(super::server::PUBLISH_JOB, Lane::General, |runner, job| {
            Box::pin(async move {
                super::server::run_publish(&runner.state, job)
                    .await
                    .map_err(JobError::Failed)
            })
        })
        .cleanup("newsletter attachments", |state| {
            Box::pin(super::server::purge(state))
        });
}
