//! Consent types shared by the server and the browser, and the rules that need no database.
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The purpose Kring enforces itself: tagged photos and videos in posts.
pub const PHOTOS: &str = "photos";

/// The questions a school starts from (kind, title, explanation). The directie changes the wording;
/// every change is a new version.
pub const DEFAULT_PURPOSES: [(&str, &str, &str); 5] = [
    (
        PHOTOS,
        "Foto's en video's in Kring",
        "Foto's en video's waarop je kind te zien is, in berichten aan de groep en de school. Alleen ouders en leerkrachten van de school zien ze, in Kring.",
    ),
    (
        "newsletter",
        "Nieuwsbrief",
        "Foto's in de nieuwsbrief die naar alle ouders van de school gaat.",
    ),
    (
        "website",
        "Schoolwebsite",
        "Foto's op de openbare website van de school.",
    ),
    (
        "social",
        "Sociale media",
        "Foto's op de sociale-mediakanalen van de school.",
    ),
    (
        "guide",
        "Schoolgids",
        "Foto's in de schoolgids.",
    ),
];

pub const TITLE_MAX: usize = 120;
pub const EXPLANATION_MAX: usize = 1_000;

/// One question as it is asked now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Purpose {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub explanation: String,
    pub version: i64,
}

/// What a child's consent for one purpose comes to, from the answers of their guardians.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentState {
    Yes,
    No,
    /// Nobody answered: counts as no.
    Unanswered,
    /// One guardian said yes, another no: counts as no, and staff should know.
    Disagree,
}

impl ConsentState {
    /// Combines the answers in force of the guardians with access (`None`: not answered).
    /// Any explicit no wins; silence is not consent.
    pub fn combine(answers: &[Option<bool>]) -> ConsentState {
        let yes = answers.contains(&Some(true));
        let no = answers.contains(&Some(false));
        match (yes, no) {
            (true, false) => ConsentState::Yes,
            (true, true) => ConsentState::Disagree,
            (false, true) => ConsentState::No,
            (false, false) => ConsentState::Unanswered,
        }
    }

    pub fn allows(self) -> bool {
        self == ConsentState::Yes
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Yes => "yes",
            ConsentState::No => "no",
            ConsentState::Unanswered => "unanswered",
            ConsentState::Disagree => "disagree",
        }
    }
}

/// One guardian's answer to one question for one child.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub purpose: Purpose,
    /// This guardian's answer in force.
    pub mine: Option<bool>,
    /// A new answer that waits for the school to confirm it (after the lock date).
    pub pending: Option<bool>,
    /// Answered or confirmed in this school year's round.
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildQuestions {
    pub pupil_id: i64,
    pub name: String,
    pub school_name: String,
    /// The school year of the open round, if one is open.
    pub round: Option<String>,
    pub questions: Vec<Question>,
}

impl ChildQuestions {
    /// Questions of the open round this guardian has not answered or confirmed yet.
    pub fn open(&self) -> usize {
        if self.round.is_none() {
            return 0;
        }
        self.questions.iter().filter(|q| !q.current).count()
    }
}

/// An answer in the history: who said what, when, to which wording.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct HistoryEntry {
    pub pupil_name: String,
    pub title: String,
    pub version: i64,
    pub who: String,
    pub answer: bool,
    pub pending: bool,
    pub answered_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyConsent {
    pub children: Vec<ChildQuestions>,
    pub history: Vec<HistoryEntry>,
    pub now: i64,
}

impl MyConsent {
    pub fn open(&self) -> usize {
        self.children.iter().map(ChildQuestions::open).sum()
    }
}

/// Staff overview of one group: children × purposes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupConsent {
    pub group_id: i64,
    pub group_name: String,
    pub school_id: i64,
    pub purposes: Vec<Purpose>,
    pub rows: Vec<ConsentRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRow {
    pub pupil_id: i64,
    pub name: String,
    /// In the order of `purposes`.
    pub states: Vec<ConsentState>,
}

/// The consent round of a school for the current school year, for the directie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundView {
    pub school_id: i64,
    pub school_name: String,
    pub school_year: Option<String>,
    pub opened_at: Option<i64>,
    pub strict: bool,
    pub lock_date: Option<String>,
    /// Photo posts need every item tagged (or marked as showing no recognisable child).
    pub tags_required: bool,
    pub purposes: Vec<Purpose>,
    pub groups: Vec<(i64, String)>,
    /// Guardians who have not answered every question of the open round for each of their children.
    pub waiting: i64,
    /// New "yes" answers given after the lock date, waiting for confirmation.
    pub pending: Vec<PendingAnswer>,
    pub now: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PendingAnswer {
    pub answer_id: i64,
    pub pupil_name: String,
    pub guardian: String,
    pub title: String,
    pub answered_at: i64,
}

/// A question's new wording, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wording {
    pub title: String,
    pub explanation: String,
}

impl Wording {
    pub fn parse(title: &str, explanation: &str) -> Result<Wording, AppError> {
        let title = title.trim();
        let explanation = explanation.trim();
        if title.is_empty() {
            return Err(AppError::validation(
                "title",
                crate::error::Invalid::ConsentTitleRequired,
            ));
        }
        if title.chars().count() > TITLE_MAX || explanation.chars().count() > EXPLANATION_MAX {
            return Err(AppError::validation(
                "title",
                crate::error::Invalid::ConsentTextTooLong,
            ));
        }
        Ok(Wording {
            title: title.into(),
            explanation: explanation.into(),
        })
    }
}

/// Reads one child's form: `p<purpose id>` → "yes" / "no". Unanswered questions are simply absent.
pub fn parse_answers(
    form: &std::collections::HashMap<String, String>,
) -> Result<Vec<(i64, bool)>, AppError> {
    let mut out = Vec::new();
    for (key, value) in form {
        let id = key
            .strip_prefix('p')
            .and_then(|n| n.parse::<i64>().ok())
            .ok_or_else(|| AppError::validation("answers", crate::error::Invalid::InvalidForm))?;
        let yes = match value.as_str() {
            "yes" => true,
            "no" => false,
            _ => {
                return Err(AppError::validation(
                    "answers",
                    crate::error::Invalid::InvalidForm,
                ))
            }
        };
        out.push((id, yes));
    }
    if out.is_empty() {
        return Err(AppError::validation(
            "answers",
            crate::error::Invalid::ConsentAnswerRequired,
        ));
    }
    out.sort_unstable();
    Ok(out)
}

/// One child's answers from the consent page: the pupil and (purpose, yes) pairs.
pub type ChildAnswers = (i64, Vec<(i64, bool)>);

/// Reads the whole consent page: `c<pupil id>p<purpose id>` → "yes" / "no", for every child at
/// once, so answering one child and saving from another's part never loses anything. Answers to
/// one child come out together, children in order; unanswered questions are simply absent.
pub fn parse_family_answers(
    form: &std::collections::HashMap<String, String>,
) -> Result<Vec<ChildAnswers>, AppError> {
    let bad = || AppError::validation("answers", crate::error::Invalid::InvalidForm);
    let mut out: Vec<ChildAnswers> = Vec::new();
    for (key, value) in form {
        let (pupil, purpose) = key
            .strip_prefix('c')
            .and_then(|rest| rest.split_once('p'))
            .and_then(|(c, p)| Some((c.parse::<i64>().ok()?, p.parse::<i64>().ok()?)))
            .ok_or_else(bad)?;
        let yes = match value.as_str() {
            "yes" => true,
            "no" => false,
            _ => return Err(bad()),
        };
        match out.iter_mut().find(|(c, _)| *c == pupil) {
            Some((_, answers)) => answers.push((purpose, yes)),
            None => out.push((pupil, vec![(purpose, yes)])),
        }
    }
    if out.is_empty() {
        return Err(AppError::validation(
            "answers",
            crate::error::Invalid::ConsentAnswerRequired,
        ));
    }
    out.sort_unstable();
    for (_, answers) in &mut out {
        answers.sort_unstable();
    }
    Ok(out)
}

/// What one save of the consent page stored: per child, how many answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAnswers {
    pub pupil_id: i64,
    pub answers: usize,
}

impl SavedAnswers {
    /// `12:5,13:3` for the page's address after a save without JavaScript.
    pub fn to_query(saved: &[SavedAnswers]) -> String {
        saved
            .iter()
            .map(|s| format!("{}:{}", s.pupil_id, s.answers))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn from_query(raw: &str) -> Vec<SavedAnswers> {
        raw.split(',')
            .filter_map(|pair| {
                let (p, n) = pair.split_once(':')?;
                Some(SavedAnswers {
                    pupil_id: p.parse().ok()?,
                    answers: n.parse().ok()?,
                })
            })
            .collect()
    }
}

mod tags;
#[cfg(test)]
mod tests;

pub use tags::{parse_tag, Audience, PhotoTags, TagCandidate, TagItem};
