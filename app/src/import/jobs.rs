//! Applying an import from the screens, and deleting files of imports never applied.
use super::runs::{self, Applied, ApplyJob, APPLY_JOB};
use crate::platform::registry::{payload, Lane, Registry};

pub fn register(registry: &mut Registry) {
    registry
        .job(APPLY_JOB, Lane::General, |runner, job| {
            Box::pin(async move {
                let ApplyJob { run_id } = payload(job)?;
                let state = &runner.state;
                match runs::apply(&state.db, run_id, state.settings.mail_per_minute).await? {
                    Applied::Done(..) => {
                        // The invitations it queued are due now (or spread over the next minutes).
                        state.wake_jobs();
                        Ok(())
                    }
                    // The run's page says it failed; trying again would read the same file.
                    Applied::Already | Applied::Unreadable(_) => Ok(()),
                }
            })
        })
        .cleanup("import files", |state| {
            Box::pin(async move { runs::expire(&state.db).await.map(|_| ()) })
        });
}
