//! The start-up job that renders posts written with older markup rules again.
use crate::{
    error::AppError,
    platform::{
        db::Db,
        jobs,
        markup::{render, VERSION},
        state::AppState,
    },
    with_db,
};

pub const RENDER_JOB: &str = "posts.render";

/// Queues the rendering of posts made with older rules (once per `VERSION`).
pub async fn queue_render(state: &AppState) -> Result<(), AppError> {
    let key = format!("{RENDER_JOB}.v{VERSION}");
    jobs::enqueue(&state.db, RENDER_JOB, &(), &key).await?;
    state.wake_jobs();
    Ok(())
}

/// Renders, a hundred at a time, every post whose HTML was made with other rules than today's.
pub async fn render_older(db: &Db) -> Result<u64, AppError> {
    let mut done = 0;
    loop {
        let rows: Vec<(i64, String)> = with_db!(db, |pool| sqlx::query_as(
            "SELECT id, body FROM posts WHERE render_version <> $1 ORDER BY id LIMIT 100"
        )
        .bind(VERSION)
        .fetch_all(pool)
        .await)?;
        if rows.is_empty() {
            return Ok(done);
        }
        for (id, body) in rows {
            let html = render(&body);
            with_db!(db, |pool| sqlx::query(
                "UPDATE posts SET body_html = $2, render_version = $3 WHERE id = $1 AND body = $4"
            )
            .bind(id)
            .bind(&html)
            .bind(VERSION)
            .bind(&body)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
            done += 1;
        }
    }
}
