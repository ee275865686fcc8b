//! A guardian's answers, with history, and the directie's confirmation of a late "yes".
use std::collections::HashMap;

use super::{current_round, purposes, require_directie, Round};
use crate::consent::model::{ChildQuestions, HistoryEntry, MyConsent, Purpose, Question};
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db},
    with_db, with_tx,
};

/// Makes an answer the one in force for its guardian, child and purpose, unless a newer answer
/// already is (two requests at once: the later answer wins, whatever order they commit in).
const SET_CURRENT: &str = "\
INSERT INTO consent_current (pupil_id, user_id, purpose_id, answer, answer_id, round_id) \
VALUES ($1, $2, $3, $4, $5, $6) \
ON CONFLICT (pupil_id, user_id, purpose_id) DO UPDATE SET \
  answer = excluded.answer, answer_id = excluded.answer_id, round_id = excluded.round_id \
  WHERE consent_current.answer_id < excluded.answer_id";

#[derive(sqlx::FromRow)]
struct Unconfirmed {
    pupil_id: i64,
    user_id: i64,
    purpose_id: i64,
    school_id: i64,
    answer: bool,
    round_id: Option<i64>,
    pending: bool,
    in_force: Option<i64>,
}

/// The directie confirms a "yes" given after the lock date; from then on it counts. A newer answer
/// of the same guardian (a later "no") is never overruled.
pub async fn confirm(db: &Db, actor: &Actor, answer_id: i64) -> Result<(), AppError> {
    let row: Option<Unconfirmed> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT a.pupil_id, a.user_id, a.purpose_id, p.school_id, a.answer, a.round_id, a.pending, \
           (SELECT cc.answer_id FROM consent_current cc WHERE cc.pupil_id = a.pupil_id AND cc.user_id = a.user_id \
              AND cc.purpose_id = a.purpose_id) AS in_force \
         FROM consent_answers a JOIN pupils p ON p.id = a.pupil_id WHERE a.id = $1 AND a.confirmed_at IS NULL"
    )
    .bind(answer_id)
    .fetch_optional(pool)
    .await
    })?;
    let Unconfirmed {
        pupil_id: pupil,
        user_id: user,
        purpose_id: purpose,
        school_id,
        answer,
        round_id,
        pending,
        in_force,
    } = row.ok_or(AppError::NotFound)?;
    require_directie(actor, school_id)?;
    if !pending || in_force.is_some_and(|id| id > answer_id) {
        return Err(AppError::validation(
            "answer",
            crate::error::Invalid::ConsentNotPending,
        ));
    }
    let at = db.clock().now();
    with_tx!(db, |tx| {
        sqlx::query(
            "UPDATE consent_answers SET confirmed_by = $2, confirmed_at = $3 WHERE id = $1",
        )
        .bind(answer_id)
        .bind(actor.user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(SET_CURRENT)
            .bind(pupil)
            .bind(user)
            .bind(purpose)
            .bind(answer)
            .bind(answer_id)
            .bind(round_id)
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Child {
    pupil_id: i64,
    name: String,
    school_id: i64,
    school_name: String,
    /// Placed in a class this school year: only then does the round ask about the child. A child
    /// who left keeps their answers, which the guardian can still change (old photos follow them).
    placed: bool,
    /// The child's school has a consent round this school year: the banner asks only then.
    round_open: bool,
}

async fn my_children(db: &Db, actor: &Actor) -> Result<Vec<Child>, AppError> {
    Ok(with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.id AS pupil_id, p.first_name || ' ' || CASE WHEN p.prefix = '' THEN '' ELSE p.prefix || ' ' END || p.last_name AS name, p.school_id, s.name AS school_name, \
           EXISTS (SELECT 1 FROM placements pl JOIN school_years sy ON sy.id = pl.school_year_id \
                   WHERE pl.pupil_id = p.id AND sy.starts_on <= $2 AND sy.ends_on >= $2) AS placed, \
           EXISTS (SELECT 1 FROM consent_rounds r JOIN school_years ry ON ry.id = r.school_year_id \
                   WHERE r.school_id = p.school_id AND ry.starts_on <= $2 AND ry.ends_on >= $2) AS round_open \
         FROM guardianships gs JOIN pupils p ON p.id = gs.pupil_id JOIN schools s ON s.id = p.school_id \
         WHERE gs.user_id = $1 AND gs.no_access = FALSE ORDER BY p.first_name, p.id"
    )
    .bind(actor.user_id)
    .bind(db.clock().today())
    .fetch_all(pool)
    .await
    })?)
}

/// A guardian's questions per child, their answers in force, and the history of their children.
pub async fn my_consent(db: &Db, actor: &Actor) -> Result<MyConsent, AppError> {
    Ok(MyConsent {
        children: questions(db, actor).await?,
        history: history(db, actor).await?,
        now: db.clock().now(),
    })
}

/// A guardian's questions per child with their answers in force, without the history: `banner`
/// counts these on every page while a round is open.
pub async fn questions(db: &Db, actor: &Actor) -> Result<Vec<ChildQuestions>, AppError> {
    let children = my_children(db, actor).await?;
    questions_of(db, actor, children).await
}

/// What the menu and the consent banner show on every page: whether the guardian has children, and
/// how many questions of this year's rounds wait for them. Questions are open only in a round of a
/// placed child's school (`ChildQuestions::open`), so without one this costs one query.
pub async fn banner(db: &Db, actor: &Actor) -> Result<(bool, usize), AppError> {
    let children = my_children(db, actor).await?;
    // Every page asks this: whether a round is open comes with the children, in one query.
    if children.iter().any(|c| c.placed && c.round_open) {
        let open = questions_of(db, actor, children).await?;
        return Ok((true, open.iter().map(ChildQuestions::open).sum()));
    }
    Ok((!children.is_empty(), 0))
}

async fn questions_of(
    db: &Db,
    actor: &Actor,
    children: Vec<Child>,
) -> Result<Vec<ChildQuestions>, AppError> {
    // (pupil, purpose) -> (answer, round)
    let current: Vec<(i64, i64, bool, Option<i64>)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT pupil_id, purpose_id, answer, round_id FROM consent_current WHERE user_id = $1"
    )
    .bind(actor.user_id)
    .fetch_all(pool)
    .await)?;
    let pending: Vec<(i64, i64, bool)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT a.pupil_id, a.purpose_id, a.answer FROM consent_answers a \
         WHERE a.user_id = $1 AND a.pending = TRUE AND a.confirmed_at IS NULL \
           AND a.id > COALESCE((SELECT cc.answer_id FROM consent_current cc WHERE cc.pupil_id = a.pupil_id \
                                AND cc.user_id = a.user_id AND cc.purpose_id = a.purpose_id), 0) \
         ORDER BY a.id"
    )
    .bind(actor.user_id)
    .fetch_all(pool)
    .await
    })?;
    let mut out = Vec::new();
    let mut schools: HashMap<i64, (Vec<Purpose>, Option<Round>)> = HashMap::new();
    for child in children {
        if let std::collections::hash_map::Entry::Vacant(slot) = schools.entry(child.school_id) {
            let p = purposes(db, child.school_id).await?;
            let r = current_round(db, child.school_id).await?;
            slot.insert((p, r));
        }
        let (purposes, round) = &schools[&child.school_id];
        let questions = purposes
            .iter()
            .map(|p| {
                let mine = current
                    .iter()
                    .find(|c| c.0 == child.pupil_id && c.1 == p.id);
                let waiting_for_school =
                    round.is_some() && pending.iter().any(|a| a.0 == child.pupil_id && a.1 == p.id);
                Question {
                    purpose: p.clone(),
                    mine: mine.map(|c| c.2),
                    pending: pending
                        .iter()
                        .rev()
                        .find(|a| a.0 == child.pupil_id && a.1 == p.id)
                        .map(|a| a.2),
                    current: match (round, mine) {
                        (Some(r), Some(c)) => c.3 == Some(r.id),
                        _ => false,
                    } || waiting_for_school,
                }
            })
            .collect();
        out.push(ChildQuestions {
            pupil_id: child.pupil_id,
            name: child.name,
            school_name: child.school_name,
            round: round
                .as_ref()
                .filter(|_| child.placed)
                .map(|r| r.year.clone()),
            questions,
        });
    }
    Ok(out)
}

/// Answers with who gave them and to which wording, newest first; `{which}` selects the pupils.
fn history_sql(which: &str) -> String {
    format!(
        "SELECT p.first_name || ' ' || CASE WHEN p.prefix = '' THEN '' ELSE p.prefix || ' ' END || p.last_name AS pupil_name, t.title, t.version, u.name AS who, \
           a.answer, a.pending, a.answered_at \
         FROM consent_answers a JOIN pupils p ON p.id = a.pupil_id JOIN consent_texts t ON t.id = a.text_id \
         JOIN users u ON u.id = a.user_id \
         WHERE a.pupil_id IN ({which}) ORDER BY a.id DESC LIMIT 500"
    )
}

/// Every answer given for the guardian's children, by any of their guardians.
async fn history(db: &Db, actor: &Actor) -> Result<Vec<HistoryEntry>, AppError> {
    let sql =
        history_sql("SELECT pupil_id FROM guardianships WHERE user_id = $1 AND no_access = FALSE");
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .fetch_all(pool)
        .await)?)
}

/// Every answer given for one child, for the directie of the child's school (`NotFound` for
/// anyone else: the history names guardians).
pub async fn pupil_history(
    db: &Db,
    actor: &Actor,
    pupil_id: i64,
) -> Result<Vec<HistoryEntry>, AppError> {
    let school: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT school_id FROM pupils WHERE id = $1"
    )
    .bind(pupil_id)
    .fetch_optional(pool)
    .await)?;
    let (school_id,) = school.ok_or(AppError::NotFound)?;
    require_directie(actor, school_id)?;
    let sql = history_sql("$1");
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(pupil_id)
        .fetch_all(pool)
        .await)?)
}

/// A guardian answers for several children at once (the whole consent page). Every child must be
/// theirs before anything is stored; then each child's answers are stored as `answer` does.
pub async fn answer_family(
    db: &Db,
    actor: &Actor,
    family: &[(i64, Vec<(i64, bool)>)],
) -> Result<Vec<crate::consent::model::SavedAnswers>, AppError> {
    let mine = my_children(db, actor).await?;
    if family
        .iter()
        .any(|(pupil, _)| !mine.iter().any(|c| c.pupil_id == *pupil))
    {
        return Err(AppError::NotFound);
    }
    let mut saved = Vec::new();
    for (pupil, answers) in family {
        answer(db, actor, *pupil, answers).await?;
        saved.push(crate::consent::model::SavedAnswers {
            pupil_id: *pupil,
            answers: answers.len(),
        });
    }
    Ok(saved)
}

/// A guardian answers (or confirms) the questions for one child. A "no" counts at once; after the
/// round's lock date a new "yes" waits for the school's confirmation.
pub async fn answer(
    db: &Db,
    actor: &Actor,
    pupil_id: i64,
    answers: &[(i64, bool)],
) -> Result<(), AppError> {
    let child = my_children(db, actor)
        .await?
        .into_iter()
        .find(|c| c.pupil_id == pupil_id)
        .ok_or(AppError::NotFound)?;
    let purposes = purposes(db, child.school_id).await?;
    if answers
        .iter()
        .any(|(p, _)| !purposes.iter().any(|q| q.id == *p))
    {
        return Err(AppError::validation(
            "answers",
            crate::error::Invalid::InvalidForm,
        ));
    }
    let round = current_round(db, child.school_id).await?;
    let locked = round
        .as_ref()
        .and_then(|r| r.lock_date.as_deref())
        .is_some_and(|d| db.clock().today().as_str() > d);
    let round_id = round.as_ref().map(|r| r.id);
    let strict = round.as_ref().is_some_and(|r| r.strict);
    let at = db.clock().now();
    with_tx!(db, |tx| {
        for (purpose_id, yes) in answers {
            let (text_id,): (i64,) = sqlx::query_as(
                "SELECT id FROM consent_texts WHERE purpose_id = $1 ORDER BY version DESC LIMIT 1",
            )
            .bind(*purpose_id)
            .fetch_one(&mut *tx)
            .await?;
            let before: Option<(bool, Option<i64>)> = sqlx::query_as(
                "SELECT answer, round_id FROM consent_current WHERE pupil_id = $1 AND user_id = $2 AND purpose_id = $3",
            )
            .bind(pupil_id)
            .bind(actor.user_id)
            .bind(*purpose_id)
            .fetch_optional(&mut *tx)
            .await?;
            // A yes that still counts needs no new confirmation; one that lapsed in a strict round does.
            let yes_in_force = before.is_some_and(|(answer, answered_in)| {
                answer && !(strict && answered_in != round_id)
            });
            let pending = locked && *yes && !yes_in_force;
            let (answer_id,): (i64,) = sqlx::query_as(
                "INSERT INTO consent_answers (pupil_id, user_id, purpose_id, text_id, round_id, answer, pending, answered_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(pupil_id)
            .bind(actor.user_id)
            .bind(*purpose_id)
            .bind(text_id)
            .bind(round_id)
            .bind(*yes)
            .bind(pending)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            if !pending {
                sqlx::query(SET_CURRENT)
                    .bind(pupil_id)
                    .bind(actor.user_id)
                    .bind(*purpose_id)
                    .bind(*yes)
                    .bind(answer_id)
                    .bind(round_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
    });
    Ok(())
}
