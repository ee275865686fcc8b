//! Import types shared by the server, `kring import` and the screens.
use serde::{Deserialize, Serialize};

use super::roster::Problem;

/// The first word of a preview line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    New,
    Changed,
    Leaving,
    Invite,
    Error,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Leaving => "leaving",
            Change::Invite => "invite",
            Change::Error => "error",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Pupil,
    Guardian,
    Group,
    Teacher,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pupil => "pupil",
            Kind::Guardian => "guardian",
            Kind::Group => "group",
            Kind::Teacher => "teacher",
        }
    }
}

/// One line of the preview: `KIND-OF-CHANGE KIND KEY DETAIL` in `kring import`'s output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub change: Change,
    pub kind: Kind,
    /// The pupil key, e-mail address, group name or `regel-N`.
    pub key: String,
    pub detail: String,
}

impl Line {
    pub fn new(change: Change, kind: Kind, key: &str, detail: String) -> Line {
        Line {
            change,
            kind,
            key: key.to_string(),
            detail,
        }
    }

    /// As `kring import` prints it. A key with spaces (a group name) is quoted.
    pub fn text(&self) -> String {
        let key = if self.key.contains(char::is_whitespace) || self.key.is_empty() {
            format!("\"{}\"", self.key)
        } else {
            self.key.clone()
        };
        let mut line = format!("{} {} {key}", self.change.as_str(), self.kind.as_str());
        if !self.detail.is_empty() {
            line.push(' ');
            line.push_str(&self.detail);
        }
        line
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pupils_new: usize,
    pub pupils_changed: usize,
    pub pupils_leaving: usize,
    pub groups_new: usize,
    pub guardians_invite: usize,
    pub errors: usize,
}

impl Counts {
    /// The last line of `kring import`'s preview.
    pub fn text(&self) -> String {
        format!(
            "pupils {} new, {} changed, {} leaving; guardians {} to invite; errors {}",
            self.pupils_new,
            self.pupils_changed,
            self.pupils_leaving,
            self.guardians_invite,
            self.errors
        )
    }
}

impl Problem {
    /// The reason in Dutch, as the preview shows it.
    pub fn dutch(&self, key: Option<&str>) -> String {
        let why = match self {
            Problem::Missing(field) => format!("{field} ontbreekt"),
            Problem::BadEmail(field) => format!("{field} is geen geldig e-mailadres"),
            Problem::BadDate => "geboortedatum is geen datum".to_string(),
            Problem::DuplicateKey(line) => format!("leerlingnummer staat ook op regel {line}"),
            Problem::UnknownGroup(group) => format!("onbekende groep {group}"),
            Problem::UnknownPupil => {
                "leerlingnummer staat niet in het leerlingenbestand".to_string()
            }
            Problem::TooLong(field) => format!("{field} is langer dan 100 tekens"),
            Problem::Malformed => {
                "de regel heeft niet evenveel kolommen als de kopregel".to_string()
            }
        };
        match key {
            Some(key) => format!("{key}: {why}"),
            None => why,
        }
    }
}

/// How far a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunStatus {
    /// Uploaded: the preview is shown, nothing changed yet.
    Uploaded,
    Applying,
    Applied,
    Failed,
    /// Not applied within 24 hours: the file is gone.
    Expired,
}

impl RunStatus {
    pub fn from_db(raw: &str) -> RunStatus {
        match raw {
            "uploaded" => RunStatus::Uploaded,
            "applying" => RunStatus::Applying,
            "applied" => RunStatus::Applied,
            "expired" => RunStatus::Expired,
            _ => RunStatus::Failed,
        }
    }
}

/// An import run as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub id: i64,
    pub school_id: i64,
    pub school: String,
    pub status: RunStatus,
    pub total: i64,
    pub done: i64,
    pub counts: Counts,
    /// The preview's lines (errors first), at most `MAX_LINES`.
    pub lines: Vec<Line>,
    /// Lines left off the page (the error list download has them all).
    pub more: usize,
    /// Why the file as a whole cannot be read.
    pub problem: Option<super::roster::FileProblem>,
    /// The CSV's header cells and, per field, the column it is read from (for the mapping form).
    pub headers: Vec<String>,
    pub mapping: Vec<(super::roster::Field, Option<String>)>,
    /// Header cells of the file that no field is read from (a guardian's e-mail column under a
    /// name Kring did not recognise would otherwise be skipped without a word).
    pub unused: Vec<String>,
    pub created_at: i64,
    pub now: i64,
}

/// A page shows at most this many preview lines.
pub const MAX_LINES: usize = 500;

/// One of a school's recent imports, for its import page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: i64,
    pub status: RunStatus,
    pub created_at: i64,
    pub counts: Option<Counts>,
}

/// A school's import page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportHome {
    pub school_id: i64,
    pub school: String,
    pub runs: Vec<RunSummary>,
    pub now: i64,
}
