//! Rendering posts written with older markup rules again, queued once at start.
use super::rerender::{queue_render, render_older, RENDER_JOB};
use crate::platform::registry::{Lane, Registry};

pub fn register(registry: &mut Registry) {
    registry
        .on_start("queue the rendering of older posts", |state| {
            Box::pin(queue_render(state))
        })
        .job(RENDER_JOB, Lane::General, |runner, _| {
            Box::pin(async move {
                let n = render_older(&runner.state.db).await?;
                tracing::info!(posts = n, "older posts rendered with today's rules");
                Ok(())
            })
        });
}
