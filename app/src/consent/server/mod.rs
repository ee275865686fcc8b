//! Consent rules and queries: questions and their wording, rounds, answers with history, and the
//! states staff see. What families may see of photos is decided in `policy::media_visible`.
mod answers;
mod rounds;
mod states;
mod tags;

pub use answers::*;
pub use rounds::*;
pub use states::*;
pub use tags::*;

use super::model::{Purpose, DEFAULT_PURPOSES};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db},
    with_db, with_tx,
};

/// The questions of a school, each in its newest wording.
pub async fn purposes(db: &Db, school_id: i64) -> Result<Vec<Purpose>, AppError> {
    Ok(with_db!(db, |pool| sqlx::query_as(
        "SELECT p.id, p.kind, t.title, t.explanation, t.version FROM consent_purposes p \
         JOIN consent_texts t ON t.purpose_id = p.id \
           AND t.version = (SELECT MAX(version) FROM consent_texts WHERE purpose_id = p.id) \
         WHERE p.school_id = $1 ORDER BY p.position, p.id"
    )
    .bind(school_id)
    .fetch_all(pool)
    .await)?)
}

/// Creates the default questions of a school the first time a round is opened.
pub(super) async fn ensure_purposes(
    db: &Db,
    school_id: i64,
    actor: &Actor,
) -> Result<(), AppError> {
    let at = db.clock().now();
    with_tx!(db, |tx| {
        for (position, (kind, title, explanation)) in DEFAULT_PURPOSES.iter().enumerate() {
            let id: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO consent_purposes (school_id, kind, position, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (school_id, kind) DO NOTHING RETURNING id",
            )
            .bind(school_id)
            .bind(*kind)
            .bind(position as i64)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((id,)) = id {
                sqlx::query(
                    "INSERT INTO consent_texts (purpose_id, version, title, explanation, created_by, created_at) \
                     VALUES ($1, 1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(*title)
                .bind(*explanation)
                .bind(actor.user_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
        }
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(super) struct Round {
    pub(super) id: i64,
    pub(super) year: String,
    pub(super) strict: bool,
    pub(super) lock_date: Option<String>,
    pub(super) opened_at: i64,
}

/// The round of the school year that contains today, if the school opened one.
pub(super) async fn current_round(db: &Db, school_id: i64) -> Result<Option<Round>, AppError> {
    Ok(with_db!(db, |pool| sqlx::query_as(
        "SELECT r.id, sy.name AS year, r.strict, r.lock_date, r.opened_at FROM consent_rounds r \
         JOIN school_years sy ON sy.id = r.school_year_id \
         WHERE r.school_id = $1 AND sy.starts_on <= $2 AND sy.ends_on >= $2"
    )
    .bind(school_id)
    .bind(db.clock().today())
    .fetch_optional(pool)
    .await)?)
}

pub fn require_directie(actor: &Actor, school_id: i64) -> Result<(), AppError> {
    if actor.is_directie_of(school_id) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
