//! Reading an import file into a `Roster`: a CSV of pupils and guardians, or an EDEXML file, each
//! optionally completed by a guardians CSV. Pure: bytes in, plain data out.
//!
//! The format is decided by the content, never by the file name. Text is UTF-8 when the bytes are
//! valid UTF-8 (a byte order mark dropped), UTF-16 when a byte order mark says so (Excel's "Unicode
//! text"), and otherwise Windows-1252, which is what Excel NL writes as "CSV".
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};

use crate::import::roster::{
    FileProblem, GroupRow, GuardianRow, Mapping, Problem, Roster, RowError,
};

mod columns;
mod csv;
mod edexml;
mod table;
mod values;
mod xml;

/// What `read` made of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub roster: Roster,
    pub format: Format,
    /// The CSV header cells as the file spells them; empty for EDEXML.
    pub headers: Vec<String>,
    /// The mapping actually used: the given entries that name a column of the file, and the
    /// columns recognised by name. For EDEXML that of the guardians CSV (the given mapping when
    /// there is none).
    pub mapping: Mapping,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    Csv,
    Edexml,
}

/// A pupils file read on its own, before the guardians file.
#[derive(Default)]
struct Pupils {
    roster: Roster,
    /// Every pupil key the file carries with its line, also on rows that could not be read: for
    /// duplicates, and so that the guardians of such a pupil are not "unknown".
    keys: Vec<(usize, String)>,
}

/// Reads a pupils file (CSV or EDEXML) and, when given, a guardians CSV keyed on leerlingnummer.
/// `mapping` applies to both CSV files. The guardians file's errors follow the pupils file's and
/// carry the guardians file's line numbers.
pub fn read(file: &[u8], guardians: Option<&[u8]>, mapping: &Mapping) -> Result<Read, FileProblem> {
    let text = decode(file)?;
    let (mut pupils, format, headers, mut used) = if is_xml(&text) {
        let pupils = edexml::read(&text)?;
        (pupils, Format::Edexml, Vec::new(), mapping.clone())
    } else {
        let (pupils, headers, used) = csv::pupils(&text, mapping)?;
        (pupils, Format::Csv, headers, used)
    };
    reject_duplicates(&mut pupils);
    if format == Format::Csv {
        pupils.roster.groups = groups_of(&pupils.roster);
    }
    if let Some(guardians) = guardians {
        let text = decode(guardians)?;
        if is_xml(&text) {
            return Err(FileProblem::Unrecognised);
        }
        let (lines, errors, guardians_mapping) = csv::guardians(&text, mapping)?;
        merge(&mut pupils, lines);
        pupils.roster.errors.extend(errors);
        if format == Format::Edexml {
            used = guardians_mapping;
        }
    }
    Ok(Read {
        roster: pupils.roster,
        format,
        headers,
        mapping: used,
    })
}

/// The header cells of a CSV file, for the screen where the office maps columns to fields.
pub fn csv_headers(file: &[u8]) -> Result<Vec<String>, FileProblem> {
    let text = decode(file)?;
    if is_xml(&text) {
        return Err(FileProblem::Unrecognised);
    }
    Ok(table::table(&text)?.headers)
}

fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, FileProblem> {
    let (encoding, bom) = Encoding::for_bom(bytes).unwrap_or((UTF_8, 0));
    let body = &bytes[bom..];
    let text = if encoding != UTF_8 {
        encoding.decode_without_bom_handling(body).0
    } else {
        match std::str::from_utf8(body) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => WINDOWS_1252.decode_without_bom_handling(body).0,
        }
    };
    if text.trim().is_empty() {
        Err(FileProblem::Empty)
    } else if text.contains('\0') {
        // No text file holds NUL; an Excel workbook (a zip) or UTF-16 without a byte order mark
        // does, and would otherwise be read as one column of noise.
        Err(FileProblem::Unrecognised)
    } else {
        Ok(text)
    }
}

fn is_xml(text: &str) -> bool {
    text.trim_start().starts_with('<')
}

/// Every row whose pupil key occurs more than once becomes an error pointing at another
/// occurrence, and none of them is read: which one is right is for the office to say.
fn reject_duplicates(pupils: &mut Pupils) {
    let mut lines: HashMap<&str, Vec<usize>> = HashMap::new();
    for (line, key) in &pupils.keys {
        lines.entry(key).or_default().push(*line);
    }
    let mut duplicated = HashSet::new();
    for (line, key) in &pupils.keys {
        let same = &lines[key.as_str()];
        if let Some(other) = same.iter().find(|l| **l != *line) {
            duplicated.insert(key.clone());
            pupils.roster.errors.push(RowError {
                line: *line,
                key: Some(key.clone()),
                problem: Problem::DuplicateKey(*other),
            });
        }
    }
    pupils
        .roster
        .pupils
        .retain(|p| !duplicated.contains(&p.key));
    pupils.roster.errors.sort_by_key(|e| e.line);
}

/// The distinct groups of the pupils, in order of first appearance.
fn groups_of(roster: &Roster) -> Vec<GroupRow> {
    let mut groups: Vec<GroupRow> = Vec::new();
    for pupil in &roster.pupils {
        if !groups.iter().any(|g| g.name == pupil.group) {
            groups.push(GroupRow {
                name: pupil.group.clone(),
                year_group: values::year_group(&pupil.group),
            });
        }
    }
    groups
}

/// Adds the guardians file's rows to the pupils with their key. A key the pupils file does not
/// carry is an error on the guardians file's line; a key on a pupils row that could not be read
/// is not (that row has its own error).
fn merge(pupils: &mut Pupils, lines: Vec<csv::GuardianLine>) {
    let known: HashSet<&str> = pupils.keys.iter().map(|(_, k)| k.as_str()).collect();
    let index: HashMap<String, usize> = pupils
        .roster
        .pupils
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key.clone(), i))
        .collect();
    let mut errors = Vec::new();
    for line in lines {
        match index.get(&line.key) {
            Some(i) => {
                for guardian in line.guardians {
                    add_guardian(&mut pupils.roster.pupils[*i].guardians, guardian);
                }
            }
            None if known.contains(line.key.as_str()) => {}
            None => errors.push(RowError {
                line: line.line,
                key: Some(line.key),
                problem: Problem::UnknownPupil,
            }),
        }
    }
    pupils.roster.errors.extend(errors);
}

/// The value of `result`, or its problem noted and a stand-in value.
fn take<T: Default>(result: Result<T, Problem>, problems: &mut Vec<Problem>) -> T {
    result.unwrap_or_else(|problem| {
        problems.push(problem);
        T::default()
    })
}

/// The errors of one row: one per problem, each with the row's line and key (when not empty).
fn row_errors(line: usize, key: &str, problems: Vec<Problem>) -> Vec<RowError> {
    let key = (!key.is_empty()).then(|| key.to_owned());
    problems
        .into_iter()
        .map(|problem| RowError {
            line,
            key: key.clone(),
            problem,
        })
        .collect()
}

/// Adds a guardian to a pupil's: at most two, one per address. An address already there stays as
/// it is, except that "geen toegang" from either holds (access is withheld when in doubt).
fn add_guardian(guardians: &mut Vec<GuardianRow>, guardian: GuardianRow) {
    if let Some(known) = guardians.iter_mut().find(|g| g.email == guardian.email) {
        known.no_access |= guardian.no_access;
    } else if guardians.len() < 2 {
        guardians.push(guardian);
    }
}

/// Line numbers (1-based) from byte offsets.
pub(super) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(super) fn new(text: &str) -> Lines {
        let breaks = text.match_indices('\n').map(|(i, _)| i + 1);
        Lines {
            starts: std::iter::once(0).chain(breaks).collect(),
        }
    }

    pub(super) fn at(&self, offset: usize) -> usize {
        self.starts.partition_point(|start| *start <= offset)
    }
}

#[cfg(test)]
mod tests;
