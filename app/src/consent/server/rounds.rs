//! Rounds and their questions: opening, wording, the directie's page and the consent mails.

use super::{current_round, ensure_purposes, purposes, require_directie};
use crate::consent::model::{PendingAnswer, RoundView, Wording};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db},
    with_db, with_tx,
};

/// The consent page of a school for its directie.
pub async fn round_view(db: &Db, actor: &Actor, school_id: i64) -> Result<RoundView, AppError> {
    require_directie(actor, school_id)?;
    // The questions can be read and reworded before the round opens and mails every family.
    if super::purposes(db, school_id).await?.is_empty() {
        super::ensure_purposes(db, school_id, actor).await?;
    }
    let (school_name, tags_required): (String, bool) = with_db!(db, |pool| sqlx::query_as(
        "SELECT name, require_photo_tags FROM schools WHERE id = $1"
    )
    .bind(school_id)
    .fetch_one(pool)
    .await)?;
    let round = current_round(db, school_id).await?;
    let groups: Vec<(i64, String)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT g.id, g.name FROM groups g JOIN school_years sy ON sy.id = g.school_year_id \
         WHERE g.school_id = $1 AND g.kind = 'class' AND sy.starts_on <= $2 AND sy.ends_on >= $2 ORDER BY g.name"
    )
    .bind(school_id)
    .bind(db.clock().today())
    .fetch_all(pool)
    .await
    })?;
    let waiting = match &round {
        Some(r) => waiting(db, school_id, r.id).await?,
        None => 0,
    };
    let pending: Vec<PendingAnswer> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT a.id AS answer_id, p.first_name || ' ' || CASE WHEN p.prefix = '' THEN '' ELSE p.prefix || ' ' END || p.last_name AS pupil_name, u.name AS guardian, \
           t.title, a.answered_at \
         FROM consent_answers a JOIN pupils p ON p.id = a.pupil_id JOIN users u ON u.id = a.user_id \
         JOIN consent_texts t ON t.id = a.text_id \
         WHERE p.school_id = $1 AND a.pending = TRUE AND a.confirmed_at IS NULL \
           AND a.id > COALESCE((SELECT cc.answer_id FROM consent_current cc WHERE cc.pupil_id = a.pupil_id \
                                AND cc.user_id = a.user_id AND cc.purpose_id = a.purpose_id), 0) \
         ORDER BY a.id"
    )
    .bind(school_id)
    .fetch_all(pool)
    .await
    })?;
    Ok(RoundView {
        school_id,
        school_name,
        school_year: round.as_ref().map(|r| r.year.clone()),
        opened_at: round.as_ref().map(|r| r.opened_at),
        strict: round.as_ref().is_some_and(|r| r.strict),
        lock_date: round.and_then(|r| r.lock_date),
        tags_required,
        purposes: purposes(db, school_id).await?,
        groups,
        waiting,
        pending,
        now: db.clock().now(),
    })
}

/// Questions of the school not yet answered or confirmed in this round, per guardian and child. An
/// answer waiting for the school's confirmation counts as answered: the guardian did their part.
const UNANSWERED: &str = "\
FROM guardianships gs JOIN pupils p ON p.id = gs.pupil_id \
  JOIN consent_purposes cp ON cp.school_id = p.school_id \
WHERE p.school_id = $1 AND gs.no_access = FALSE AND EXISTS ( \
  SELECT 1 FROM placements pl WHERE pl.pupil_id = p.id \
    AND pl.school_year_id = (SELECT school_year_id FROM consent_rounds WHERE id = $2)) \
  AND NOT EXISTS ( \
  SELECT 1 FROM consent_current cc WHERE cc.pupil_id = p.id AND cc.user_id = gs.user_id \
    AND cc.purpose_id = cp.id AND cc.round_id = $2) \
  AND NOT EXISTS ( \
  SELECT 1 FROM consent_answers ca WHERE ca.pupil_id = p.id AND ca.user_id = gs.user_id \
    AND ca.purpose_id = cp.id AND ca.round_id = $2 AND ca.pending = TRUE AND ca.confirmed_at IS NULL)";

/// Guardians of the school who have not answered every question in this round for each child.
async fn waiting_guardians(db: &Db, school_id: i64, round_id: i64) -> Result<Vec<i64>, AppError> {
    let sql = format!("SELECT DISTINCT gs.user_id {UNANSWERED} ORDER BY gs.user_id");
    let rows: Vec<(i64,)> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(school_id)
        .bind(round_id)
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}

async fn waiting(db: &Db, school_id: i64, round_id: i64) -> Result<i64, AppError> {
    Ok(waiting_guardians(db, school_id, round_id).await?.len() as i64)
}

/// How many questions one guardian still has open in this round. The mail job checks it at send
/// time, so nobody who answered meanwhile gets a reminder.
pub async fn open_for(
    db: &Db,
    user_id: i64,
    school_id: i64,
    round_id: i64,
) -> Result<i64, AppError> {
    let sql = format!("SELECT COUNT(*) {UNANSWERED} AND gs.user_id = $3");
    let (n,): (i64,) = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(school_id)
        .bind(round_id)
        .bind(user_id)
        .fetch_one(pool)
        .await)?;
    Ok(n)
}

pub const MAIL_JOB: &str = "mail.consent";

/// A consent mail to one guardian: the round was opened, or a reminder.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct MailJob {
    pub user_id: i64,
    pub school_id: i64,
    pub round_id: i64,
    pub reminder: bool,
}

/// Queues a consent mail for every guardian who still has open questions; answers how many.
/// At most one reminder per guardian per day (the job key).
async fn mail_waiting(
    db: &Db,
    school_id: i64,
    round_id: i64,
    reminder: bool,
) -> Result<usize, AppError> {
    let users = waiting_guardians(db, school_id, round_id).await?;
    let day = db.clock().today();
    for user_id in &users {
        let job = MailJob {
            user_id: *user_id,
            school_id,
            round_id,
            reminder,
        };
        let key = if reminder {
            format!("{MAIL_JOB}.{round_id}.{user_id}.{day}")
        } else {
            format!("{MAIL_JOB}.{round_id}.{user_id}")
        };
        crate::platform::jobs::enqueue(db, MAIL_JOB, &job, &key).await?;
    }
    Ok(users.len())
}

/// The directie reminds every guardian who has not answered everything yet.
pub async fn remind(db: &Db, actor: &Actor, school_id: i64) -> Result<usize, AppError> {
    require_directie(actor, school_id)?;
    let round = current_round(db, school_id)
        .await?
        .ok_or_else(|| AppError::validation("round", crate::error::Invalid::ConsentNoRound))?;
    mail_waiting(db, school_id, round.id, true).await
}

/// Opens this school year's round: every guardian is asked on their next visit.
pub async fn open_round(
    db: &Db,
    actor: &Actor,
    school_id: i64,
    strict: bool,
    lock_date: Option<String>,
) -> Result<(), AppError> {
    require_directie(actor, school_id)?;
    if current_round(db, school_id).await?.is_some() {
        return Err(AppError::validation(
            "round",
            crate::error::Invalid::ConsentRoundOpen,
        ));
    }
    let lock_date = match lock_date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::validation("lock_date", crate::error::Invalid::DateInvalid))?
                .to_string(),
        ),
    };
    ensure_purposes(db, school_id, actor).await?;
    let year = crate::admin::server::current_year(db, school_id).await?;
    with_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO consent_rounds (school_id, school_year_id, strict, lock_date, opened_by, opened_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (school_id, school_year_id) DO NOTHING"
    )
    .bind(school_id)
    .bind(year.id)
    .bind(strict)
    .bind(lock_date)
    .bind(actor.user_id)
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    if let Some(round) = current_round(db, school_id).await? {
        mail_waiting(db, school_id, round.id, false).await?;
        crate::platform::events::announce_in(
            db,
            crate::platform::events::Event::ConsentRound(round.id),
        )
        .await?;
    }
    Ok(())
}

/// New wording for a question: a new version; earlier answers keep the version they were given to.
pub async fn set_wording(
    db: &Db,
    actor: &Actor,
    purpose_id: i64,
    wording: Wording,
) -> Result<(), AppError> {
    let school: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT school_id FROM consent_purposes WHERE id = $1"
    )
    .bind(purpose_id)
    .fetch_optional(pool)
    .await)?;
    let (school_id,) = school.ok_or(AppError::NotFound)?;
    require_directie(actor, school_id)?;
    with_tx!(db, |tx| {
        sqlx::query(
            "INSERT INTO consent_texts (purpose_id, version, title, explanation, created_by, created_at) \
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5 FROM consent_texts WHERE purpose_id = $1",
        )
        .bind(purpose_id)
        .bind(&wording.title)
        .bind(&wording.explanation)
        .bind(actor.user_id)
        .bind(db.clock().now())
        .execute(&mut *tx)
        .await?;
    });
    Ok(())
}

/// The school's rule that every photo or video of a post says who is in it before publishing.
pub async fn set_tag_rule(
    db: &Db,
    actor: &Actor,
    school_id: i64,
    required: bool,
) -> Result<(), AppError> {
    require_directie(actor, school_id)?;
    with_db!(db, |pool| sqlx::query(
        "UPDATE schools SET require_photo_tags = $2 WHERE id = $1"
    )
    .bind(school_id)
    .bind(required)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Whether a school wants every photo or video tagged before a post is published.
pub async fn tags_required(db: &Db, school_id: i64) -> Result<bool, AppError> {
    let found: Option<(bool,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT require_photo_tags FROM schools WHERE id = $1"
    )
    .bind(school_id)
    .fetch_optional(pool)
    .await)?;
    Ok(found.is_some_and(|(required,)| required))
}

/// Whether one of the schools this staff member works at wants every photo tagged (for the
/// composer's hint; the rule itself is checked per post in `posts::server::create`).
pub async fn tags_required_for(db: &Db, actor: &Actor) -> Result<bool, AppError> {
    let (n,): (i64,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM schools s JOIN staff_roles sr ON sr.school_id = s.id \
         WHERE sr.user_id = $1 AND s.require_photo_tags = TRUE"
    )
    .bind(actor.user_id)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}
