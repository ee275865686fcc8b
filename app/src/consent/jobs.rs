//! The consent reminder e-mail, sent by the job runner.
use crate::platform::{
    jobs::Job,
    registry::{payload, JobResult, Lane, Registry},
    worker::Runner,
};

pub fn register(registry: &mut Registry) {
    registry.job(super::server::MAIL_JOB, Lane::General, |runner, job| {
        Box::pin(mail(runner, job))
    });
}

async fn mail(runner: &Runner, job: &Job) -> JobResult {
    let mail = super::mail::render(&runner.state, payload(job)?).await?;
    runner.send(job, mail).await?;
    Ok(())
}
