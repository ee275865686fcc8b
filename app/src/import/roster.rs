//! What an import file says once it is read: pupils with their guardians, groups and teachers,
//! and the rows that could not be read. Plain data, compared with the school by `plan`; nothing
//! here has touched the database.
use serde::{Deserialize, Serialize};

use crate::accounts::model::Email;

/// One readable file (a CSV of pupils and guardians, or an EDEXML completed by a guardians CSV).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    pub pupils: Vec<PupilRow>,
    /// The groups the file names. EDEXML lists them (with their jaargroep); for a CSV they are
    /// the distinct group names of its pupils, in order of first appearance.
    pub groups: Vec<GroupRow>,
    /// Only EDEXML carries teachers.
    pub teachers: Vec<TeacherRow>,
    /// Rows that could not be read; each blocks only its own row.
    pub errors: Vec<RowError>,
}

/// One pupil (leerling). `key` is the LAS's pupil key (leerlingnummer): stable across years, the
/// only thing pupils are matched on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PupilRow {
    /// The line of the file (1 = the first line, the CSV header), for messages (`regel-N`).
    pub line: usize,
    pub key: String,
    pub first_name: String,
    /// Tussenvoegsel ("van der"), empty when none.
    pub prefix: String,
    pub last_name: String,
    /// The group's name as the file spells it ("Groep 3", "groep 5/6"), trimmed.
    pub group: String,
    /// ISO date (YYYY-MM-DD) when the file has a valid one.
    pub birth_date: Option<String>,
    /// At most two, in file order, each with a valid address.
    pub guardians: Vec<GuardianRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardianRow {
    pub name: String,
    pub email: Email,
    /// Recognised, trimmed; stored only when the school turns that on.
    pub phone: Option<String>,
    /// "geen toegang": the file says this guardian must not get access.
    pub no_access: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub name: String,
    /// 1–8 when the file says so (EDEXML `jaargroep`).
    pub year_group: Option<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeacherRow {
    pub line: usize,
    pub name: String,
    pub email: Email,
    /// Names of the groups (resolved from EDEXML's group keys).
    pub groups: Vec<String>,
}

/// A row that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    /// The pupil key when the row has one.
    pub key: Option<String>,
    pub problem: Problem,
}

/// Why a row could not be used. Shown in Dutch on screen and in `kring import`'s output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem", content = "detail")]
pub enum Problem {
    /// A required value is empty; names the field (`Field::as_str`).
    Missing(String),
    /// An e-mail address that is not one; names the field.
    BadEmail(String),
    /// A date of birth that is not a date.
    BadDate,
    /// The pupil key appeared on an earlier line (that line number).
    DuplicateKey(usize),
    /// A group key (EDEXML) or name that the file does not define.
    UnknownGroup(String),
    /// A guardians-file row whose pupil key is not in the pupils file.
    UnknownPupil,
    /// A name longer than Kring accepts (100 characters).
    TooLong(String),
    /// A row with a different number of cells than the header (a broken quote).
    Malformed,
}

/// What the file as a whole is: refused before any row is looked at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem", content = "detail")]
pub enum FileProblem {
    Empty,
    /// Neither CSV with a header nor EDEXML.
    Unrecognised,
    /// Columns (fields) the file lacks and no mapping supplies.
    MissingColumns(Vec<String>),
    /// XML that cannot be read, with the parser's position (line).
    BadXml(usize),
    /// An EDEXML file without the guardians CSV, when guardians are needed, is fine: this is for a
    /// guardians CSV without a pupil key column.
    NoPupilKey,
}

/// The fields an import knows. `as_str` is the stable CSV column name recognised without a mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    PupilKey,
    FirstName,
    Prefix,
    LastName,
    Group,
    BirthDate,
    Guardian1Name,
    Guardian1Email,
    Guardian1Phone,
    Guardian1NoAccess,
    Guardian2Name,
    Guardian2Email,
    Guardian2Phone,
    Guardian2NoAccess,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::PupilKey,
        Field::FirstName,
        Field::Prefix,
        Field::LastName,
        Field::Group,
        Field::BirthDate,
        Field::Guardian1Name,
        Field::Guardian1Email,
        Field::Guardian1Phone,
        Field::Guardian1NoAccess,
        Field::Guardian2Name,
        Field::Guardian2Email,
        Field::Guardian2Phone,
        Field::Guardian2NoAccess,
    ];

    /// The column name `kring import` recognises without a mapping.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::PupilKey => "leerlingnummer",
            Field::FirstName => "roepnaam",
            Field::Prefix => "tussenvoegsel",
            Field::LastName => "achternaam",
            Field::Group => "groep",
            Field::BirthDate => "geboortedatum",
            Field::Guardian1Name => "verzorger1_naam",
            Field::Guardian1Email => "verzorger1_email",
            Field::Guardian1Phone => "verzorger1_telefoon",
            Field::Guardian1NoAccess => "verzorger1_geen_toegang",
            Field::Guardian2Name => "verzorger2_naam",
            Field::Guardian2Email => "verzorger2_email",
            Field::Guardian2Phone => "verzorger2_telefoon",
            Field::Guardian2NoAccess => "verzorger2_geen_toegang",
        }
    }

    /// Without these a pupils CSV cannot be read.
    pub fn required(self) -> bool {
        matches!(
            self,
            Field::PupilKey | Field::FirstName | Field::LastName | Field::Group
        )
    }
}

/// Which column (by its header text, as the school's file spells it) holds which field. Remembered
/// per school, so the next export of the same LAS needs no mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<(Field, String)>,
}
