//! One database handle over SQLite or PostgreSQL. Queries are written once (`$1` placeholders work on
//! both) and run through `with_db!`/`with_tx!`, which expand the same code for each native pool: native
//! drivers decode booleans and integers correctly, where sqlx's `Any` driver does not.
use std::{str::FromStr, time::Duration};

use super::clock::Clock;
use sqlx::{
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, SqlitePool,
};

/// The database and the clock. Every rule that reads or writes takes this handle, so it carries the
/// one clock too: a function that stores a moment or asks "which school year is it" cannot reach for
/// the wall clock instead, and a test that moves the clock moves it for every query at once.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: Pool,
    clock: Clock,
}

#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the native pool of whichever backend `$db` is.
#[macro_export]
macro_rules! with_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match &$db.pool {
            $crate::platform::db::Pool::Sqlite($pool) => $body,
            $crate::platform::db::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside a write transaction bound to `$tx` and commits it when the body succeeds;
/// the value is the body's. On SQLite the transaction starts IMMEDIATE so that a read-then-write
/// never fails with SQLITE_BUSY. The body runs as a block of its own: a `?` or a `return Err(…)` in
/// it rolls back and returns the error from the enclosing function, and a `return Ok(v)` commits
/// and makes `v` the value — an early return can never skip the commit silently.
#[macro_export]
macro_rules! with_tx {
    ($db:expr, |$tx:ident| $body:expr) => {
        match &$db.pool {
            $crate::platform::db::Pool::Sqlite(pool) => {
                $crate::__tx_body!(pool.begin_with("BEGIN IMMEDIATE"), $tx, $body)
            }
            $crate::platform::db::Pool::Postgres(pool) => {
                $crate::__tx_body!(pool.begin(), $tx, $body)
            }
        }
    };
}

/// One arm of `with_tx!`: begins with `$begin`, runs the body as a block, commits or returns the
/// error. The body is expanded once per backend because the transaction types differ.
#[doc(hidden)]
#[macro_export]
macro_rules! __tx_body {
    ($begin:expr, $tx:ident, $body:expr) => {{
        #[allow(unused_mut)]
        let mut $tx = $begin.await?;
        #[allow(clippy::needless_return, unreachable_code)]
        let result = async { Ok::<_, $crate::error::AppError>($body) }.await;
        match result {
            Ok(value) => {
                $tx.commit().await?;
                value
            }
            Err(e) => return Err(e.into()),
        }
    }};
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("KRING_DATABASE_URL must start with sqlite:// or postgres://")]
    UnknownScheme,
    #[error("could not open the database: {0}")]
    Open(#[from] sqlx::Error),
    #[error("could not apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the migrations left rows in {0} that point to nothing")]
    ForeignKeys(String),
}

impl Db {
    /// Opens the database at `url`; `clock` is the one every query of this handle uses.
    pub async fn connect(url: &str, clock: Clock) -> Result<Db, ConnectError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                // What is deleted (an import's file, a removed comment) is overwritten, not left
                // readable in the file's free pages.
                .pragma("secure_delete", "ON")
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            Ok(Db {
                pool: Pool::Sqlite(pool),
                clock,
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Ok(Db {
                pool: Pool::Postgres(pool),
                clock,
            })
        } else {
            Err(ConnectError::UnknownScheme)
        }
    }

    /// Applies the embedded, append-only migrations of this backend.
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                // SQLite can change a table's key only by rebuilding the table, and a DROP TABLE with
                // foreign keys on deletes the rows that point into it (ON DELETE CASCADE). The pragma
                // cannot change inside the migration's transaction, so the migrations get a connection
                // of their own with foreign keys off, checked afterwards.
                use sqlx::{ConnectOptions, Connection};
                let options = (*pool.connect_options()).clone().foreign_keys(false);
                let mut conn = options.connect().await?;
                sqlx::migrate!("../migrations/sqlite")
                    .run(&mut conn)
                    .await?;
                let broken: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
                    .fetch_all(&mut conn)
                    .await?;
                conn.close().await?;
                if let Some((table,)) = broken.first() {
                    return Err(ConnectError::ForeignKeys(table.clone()));
                }
            }
            Pool::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub async fn ping(&self) -> bool {
        with_db!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .is_ok()
    }

    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// The one clock: now, today and the school year in the foundation's time zone.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub async fn close(&self) {
        with_db!(self, |pool| pool.close().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    async fn count(db: &Db) -> i64 {
        with_db!(db, |pool| sqlx::query_as::<_, (i64,)>(
            "SELECT COUNT(*) FROM t"
        )
        .fetch_one(pool)
        .await)
        .expect("count")
        .0
    }

    async fn insert_then_return_early(db: &Db) -> Result<i64, AppError> {
        let value = with_tx!(db, |tx| {
            sqlx::query("INSERT INTO t (x) VALUES (1)")
                .execute(&mut *tx)
                .await?;
            if count(db).await >= 0 {
                return Ok(7);
            }
            0
        });
        Ok(value * 2)
    }

    async fn insert_then_fail(db: &Db) -> Result<i64, AppError> {
        with_tx!(db, |tx| {
            sqlx::query("INSERT INTO t (x) VALUES (2)")
                .execute(&mut *tx)
                .await?;
            return Err(AppError::Conflict("no".into()));
        });
        Ok(1)
    }

    #[tokio::test]
    async fn an_early_return_commits_and_an_error_rolls_back() {
        let dir = std::env::temp_dir().join(format!("kring-tx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let url = format!("sqlite://{}/t.db", dir.display());
        let db = Db::connect(&url, Clock::default()).await.expect("db");
        with_db!(&db, |pool| sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(pool)
            .await
            .map(|_| ()))
        .expect("table");
        assert_eq!(insert_then_return_early(&db).await, Ok(14));
        assert_eq!(count(&db).await, 1, "the early return committed");
        assert!(insert_then_fail(&db).await.is_err());
        assert_eq!(count(&db).await, 1, "the error rolled back");
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
