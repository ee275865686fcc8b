//! The policy rules say the same thing in each of their forms, on both databases:
//! - `consent_rule`: the photo-consent rule in SQL (`policy::photo_consented`, builder and positional)
//!   and in Rust (`consent::server::states` → `ConsentState::allows`), for every combination of
//!   guardians, answers, access, rounds and confirmation (PR-01, PR-02);
//! - `reading`: the reading rules against their second writing, for every person of a rich school
//!   (AC-02, PR-02).
//!
//! `positional.rs` is that second writing, by hand, kept in the tests only.
mod consent_rule;
mod positional;
mod reading;

use crate::common::TestApp;

/// The id a statement answers (a look-up or an `INSERT … RETURNING id`). Values are written into
/// `sql` by the caller: they are the test's own numbers and dates.
async fn one(app: &TestApp, sql: &str) -> i64 {
    let (id,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(sql).fetch_one(pool).await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    id
}

/// Runs a statement of the test's set-up.
async fn run(app: &TestApp, sql: &str) {
    app::with_db!(&app.db, |pool| sqlx::query(sql)
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Adds school year `from`–`from + 1` to the school; answers its id.
async fn school_year(app: &TestApp, school: i64, from: i32) -> i64 {
    one(
        app,
        &format!(
            "INSERT INTO school_years (school_id, name, starts_on, ends_on) \
             VALUES ({school}, '{from}-{next}', '{from}-08-01', '{next}-07-31') RETURNING id",
            next = from + 1
        ),
    )
    .await
}

/// The year in which this school year starts.
fn this_years_start(app: &TestApp) -> i32 {
    let (_, starts, _) = app.db.clock().current_school_year();
    starts[..4].parse().expect("a year")
}
