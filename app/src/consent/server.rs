//! Consent rules and queries: questions and their wording, rounds, answers with history, and the
//! states staff see. What families may see of photos is decided in `visibility::visible_media`.
use std::collections::HashMap;

use super::model::{
    ChildQuestions, ConsentRow, ConsentState, GroupConsent, HistoryEntry, MyConsent, PendingAnswer,
    Purpose, Question, RoundView, TagCandidate, Wording, DEFAULT_PURPOSES, PHOTOS,
};
use crate::{
    error::AppError,
    server::{
        auth::Actor,
        clock::{now, today},
        db::Db,
    },
    with_db, with_tx,
};

fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

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
async fn ensure_purposes(db: &Db, school_id: i64, actor: &Actor) -> Result<(), AppError> {
    let at = now();
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
struct Round {
    id: i64,
    year: String,
    strict: bool,
    lock_date: Option<String>,
    opened_at: i64,
}

/// The round of the school year that contains today, if the school opened one.
async fn current_round(db: &Db, school_id: i64) -> Result<Option<Round>, AppError> {
    Ok(with_db!(db, |pool| sqlx::query_as(
        "SELECT r.id, sy.name AS year, r.strict, r.lock_date, r.opened_at FROM consent_rounds r \
         JOIN school_years sy ON sy.id = r.school_year_id \
         WHERE r.school_id = $1 AND sy.starts_on <= $2 AND sy.ends_on >= $2"
    )
    .bind(school_id)
    .bind(today())
    .fetch_optional(pool)
    .await)?)
}

fn require_directie(actor: &Actor, school_id: i64) -> Result<(), AppError> {
    if actor.is_directie_of(school_id) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The consent page of a school for its directie.
pub async fn round_view(db: &Db, actor: &Actor, school_id: i64) -> Result<RoundView, AppError> {
    require_directie(actor, school_id)?;
    let (school_name,): (String,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT name FROM schools WHERE id = $1"
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
    .bind(today())
    .fetch_all(pool)
    .await
    })?;
    let waiting = match &round {
        Some(r) => waiting(db, school_id, r.id).await?,
        None => 0,
    };
    let pending: Vec<PendingAnswer> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT a.id AS answer_id, p.first_name || ' ' || p.last_name AS pupil_name, u.name AS guardian, \
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
        purposes: purposes(db, school_id).await?,
        groups,
        waiting,
        pending,
        now: now(),
    })
}

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
        return Err(AppError::validation("answer", "consent_not_pending"));
    }
    let at = now();
    with_tx!(db, |tx| {
        sqlx::query(
            "UPDATE consent_answers SET confirmed_by = $2, confirmed_at = $3 WHERE id = $1",
        )
        .bind(answer_id)
        .bind(actor.user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO consent_current (pupil_id, user_id, purpose_id, answer, answer_id, round_id) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (pupil_id, user_id, purpose_id) DO UPDATE SET \
               answer = excluded.answer, answer_id = excluded.answer_id, round_id = excluded.round_id",
        )
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

/// Questions of the school not yet answered or confirmed in this round, per guardian and child. An
/// answer waiting for the school's confirmation counts as answered: the guardian did their part.
const UNANSWERED: &str = "\
FROM guardianships gs JOIN pupils p ON p.id = gs.pupil_id \
  JOIN consent_purposes cp ON cp.school_id = p.school_id \
WHERE p.school_id = $1 AND gs.no_access = FALSE AND NOT EXISTS ( \
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
    let day = today();
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
        crate::server::jobs::enqueue(db, MAIL_JOB, &job, &key).await?;
    }
    Ok(users.len())
}

/// The directie reminds every guardian who has not answered everything yet.
pub async fn remind(db: &Db, actor: &Actor, school_id: i64) -> Result<usize, AppError> {
    require_directie(actor, school_id)?;
    let round = current_round(db, school_id)
        .await?
        .ok_or_else(|| AppError::validation("round", "consent_no_round"))?;
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
        return Err(AppError::validation("round", "consent_round_open"));
    }
    let lock_date = match lock_date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::validation("lock_date", "date_invalid"))?
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
    .bind(now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    if let Some(round) = current_round(db, school_id).await? {
        mail_waiting(db, school_id, round.id, false).await?;
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
        .bind(now())
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
}

async fn my_children(db: &Db, actor: &Actor) -> Result<Vec<Child>, AppError> {
    Ok(with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.id AS pupil_id, p.first_name || ' ' || p.last_name AS name, p.school_id, s.name AS school_name \
         FROM guardianships gs JOIN pupils p ON p.id = gs.pupil_id JOIN schools s ON s.id = p.school_id \
         WHERE gs.user_id = $1 AND gs.no_access = FALSE ORDER BY p.first_name, p.id"
    )
    .bind(actor.user_id)
    .fetch_all(pool)
    .await
    })?)
}

/// A guardian's questions per child, their answers in force, and the history of their children.
pub async fn my_consent(db: &Db, actor: &Actor) -> Result<MyConsent, AppError> {
    Ok(MyConsent {
        children: questions(db, actor).await?,
        history: history(db, actor).await?,
        now: now(),
    })
}

/// A guardian's questions per child with their answers in force. Also what `current_user` counts
/// on every page for the banner, so it leaves the history out.
pub async fn questions(db: &Db, actor: &Actor) -> Result<Vec<ChildQuestions>, AppError> {
    let children = my_children(db, actor).await?;
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
            round: round.as_ref().map(|r| r.year.clone()),
            questions,
        });
    }
    Ok(out)
}

/// Every answer given for the guardian's children, newest first.
async fn history(db: &Db, actor: &Actor) -> Result<Vec<HistoryEntry>, AppError> {
    Ok(with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.first_name || ' ' || p.last_name AS pupil_name, t.title, t.version, u.name AS who, \
           a.answer, a.pending, a.answered_at \
         FROM consent_answers a JOIN pupils p ON p.id = a.pupil_id JOIN consent_texts t ON t.id = a.text_id \
         JOIN users u ON u.id = a.user_id \
         WHERE a.pupil_id IN (SELECT pupil_id FROM guardianships WHERE user_id = $1 AND no_access = FALSE) \
         ORDER BY a.id DESC LIMIT 200"
    )
    .bind(actor.user_id)
    .fetch_all(pool)
    .await
    })?)
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
        return Err(AppError::validation("answers", "invalid_form"));
    }
    let round = current_round(db, child.school_id).await?;
    let locked = round
        .as_ref()
        .and_then(|r| r.lock_date.as_deref())
        .is_some_and(|d| today().as_str() > d);
    let round_id = round.as_ref().map(|r| r.id);
    let strict = round.as_ref().is_some_and(|r| r.strict);
    let at = now();
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
                sqlx::query(
                    "INSERT INTO consent_current (pupil_id, user_id, purpose_id, answer, answer_id, round_id) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (pupil_id, user_id, purpose_id) DO UPDATE SET \
                       answer = excluded.answer, answer_id = excluded.answer_id, round_id = excluded.round_id",
                )
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

/// What consent comes to for each of these pupils (of one school) and each purpose, computed with
/// the same rule as `visibility::PHOTO_CONSENTED`.
pub async fn states(
    db: &Db,
    school_id: i64,
    pupil_ids: &[i64],
) -> Result<HashMap<(i64, i64), ConsentState>, AppError> {
    let mut out = HashMap::new();
    if pupil_ids.is_empty() {
        return Ok(out);
    }
    let strict_round = current_round(db, school_id)
        .await?
        .filter(|r| r.strict)
        .map(|r| r.id);
    let sql = format!(
        "SELECT cc.pupil_id, cc.purpose_id, cc.answer, cc.round_id FROM consent_current cc \
         JOIN guardianships gs ON gs.pupil_id = cc.pupil_id AND gs.user_id = cc.user_id AND gs.no_access = FALSE \
         WHERE cc.pupil_id IN ({})",
        placeholders(1, pupil_ids.len())
    );
    let rows: Vec<(i64, i64, bool, Option<i64>)> = with_db!(db, |pool| {
        let mut q = sqlx::query_as(&sql);
        for id in pupil_ids {
            q = q.bind(*id);
        }
        q.fetch_all(pool).await
    })?;
    let mut answers: HashMap<(i64, i64), Vec<Option<bool>>> = HashMap::new();
    for (pupil, purpose, yes, round) in rows {
        // In a strict round a yes that was not confirmed this year has lapsed; a no stays a no.
        let lapsed = yes && strict_round.is_some_and(|r| round != Some(r));
        answers
            .entry((pupil, purpose))
            .or_default()
            .push((!lapsed).then_some(yes));
    }
    for purpose in purposes(db, school_id).await? {
        for pupil in pupil_ids {
            let given = answers
                .get(&(*pupil, purpose.id))
                .cloned()
                .unwrap_or_default();
            out.insert((*pupil, purpose.id), ConsentState::combine(&given));
        }
    }
    Ok(out)
}

/// The staff overview of a class group: children × purposes. For the group's teachers and the
/// directie; anyone else gets `NotFound`.
pub async fn group_overview(
    db: &Db,
    actor: &Actor,
    group_id: i64,
) -> Result<GroupConsent, AppError> {
    let group: Option<(String, i64)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT g.name, g.school_id FROM groups g WHERE g.id = $1 AND g.kind = 'class' AND ( \
           EXISTS (SELECT 1 FROM staff_roles sr WHERE sr.user_id = $2 AND sr.school_id = g.school_id AND sr.role = 'directie') \
           OR EXISTS (SELECT 1 FROM group_staff gs JOIN staff_roles sr ON sr.user_id = gs.user_id AND sr.school_id = g.school_id \
                      WHERE gs.group_id = g.id AND gs.user_id = $2))"
    )
    .bind(group_id)
    .bind(actor.user_id)
    .fetch_optional(pool)
    .await
    })?;
    let (group_name, school_id) = group.ok_or(AppError::NotFound)?;
    let pupils: Vec<(i64, String)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.id, p.first_name || ' ' || p.last_name FROM placements pl JOIN pupils p ON p.id = pl.pupil_id \
         WHERE pl.group_id = $1 ORDER BY p.first_name, p.last_name"
    )
    .bind(group_id)
    .fetch_all(pool)
    .await
    })?;
    let ids: Vec<i64> = pupils.iter().map(|p| p.0).collect();
    let states = states(db, school_id, &ids).await?;
    let purposes = purposes(db, school_id).await?;
    let rows = pupils
        .into_iter()
        .map(|(pupil_id, name)| ConsentRow {
            states: purposes
                .iter()
                .map(|p| {
                    states
                        .get(&(pupil_id, p.id))
                        .copied()
                        .unwrap_or(ConsentState::Unanswered)
                })
                .collect(),
            pupil_id,
            name,
        })
        .collect();
    Ok(GroupConsent {
        group_id,
        group_name,
        school_id,
        purposes,
        rows,
    })
}

/// The children a teacher may tag: those placed this school year in the class groups they may post
/// to, with their photo consent, so the composer can warn before publishing.
pub async fn tag_candidates(db: &Db, actor: &Actor) -> Result<Vec<TagCandidate>, AppError> {
    let sql = format!(
        "SELECT p.id, p.first_name || ' ' || p.last_name, pl.group_id, p.school_id FROM placements pl \
         JOIN pupils p ON p.id = pl.pupil_id JOIN school_years sy ON sy.id = pl.school_year_id \
         WHERE sy.starts_on <= $2 AND sy.ends_on >= $2 AND pl.group_id IN ({}) \
         ORDER BY p.first_name, p.last_name",
        crate::server::visibility::POSTABLE_GROUPS
    );
    let rows: Vec<(i64, String, i64, i64)> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .bind(today())
        .fetch_all(pool)
        .await)?;
    let mut by_school: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &rows {
        by_school.entry(r.3).or_default().push(r.0);
    }
    let mut photo_states = HashMap::new();
    for (school, ids) in by_school {
        let photos = purposes(db, school)
            .await?
            .into_iter()
            .find(|p| p.kind == PHOTOS);
        let states = states(db, school, &ids).await?;
        for id in ids {
            let state = photos
                .as_ref()
                .and_then(|p| states.get(&(id, p.id)).copied())
                .unwrap_or(ConsentState::Unanswered);
            photo_states.insert(id, state);
        }
    }
    Ok(rows
        .into_iter()
        .map(|(pupil_id, name, group_id, _)| TagCandidate {
            photos: photo_states
                .get(&pupil_id)
                .copied()
                .unwrap_or(ConsentState::Unanswered),
            pupil_id,
            name,
            group_id,
        })
        .collect())
}
