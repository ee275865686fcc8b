//! CSV files of pupils and guardians: each row's cells read into a pupil or a pupil's guardians.
use crate::accounts::model::Email;
use crate::import::roster::{
    Field, FileProblem, GuardianRow, Mapping, Problem, PupilRow, RowError,
};
use crate::names;

use super::columns::{self, Columns};
use super::table::{table, Record};
use super::{add_guardian, row_errors, take, values, Pupils};

/// The guardians of one row of a guardians file, to be merged into the pupil with `key`.
pub struct GuardianLine {
    pub line: usize,
    pub key: String,
    pub guardians: Vec<GuardianRow>,
}

const GUARDIANS: [[Field; 4]; 2] = [
    [
        Field::Guardian1Name,
        Field::Guardian1Email,
        Field::Guardian1Phone,
        Field::Guardian1NoAccess,
    ],
    [
        Field::Guardian2Name,
        Field::Guardian2Email,
        Field::Guardian2Phone,
        Field::Guardian2NoAccess,
    ],
];

/// Reads a pupils file. Also returns its headers and the mapping used.
pub fn pupils(
    text: &str,
    mapping: &Mapping,
) -> Result<(Pupils, Vec<String>, Mapping), FileProblem> {
    let table = table(text)?;
    let (columns, used) = columns::resolve(&table.headers, mapping);
    let missing = columns.missing(Field::required);
    if !missing.is_empty() {
        return Err(FileProblem::MissingColumns(missing));
    }
    let mut read = Pupils::default();
    for record in &table.rows {
        if record.cells.len() != table.headers.len() {
            // The cells have shifted (a broken quote): not even the key can be trusted.
            read.roster.errors.push(malformed(record.line));
            continue;
        }
        let cell = |field| cell(record, &columns, field);
        let key = names::plain(cell(Field::PupilKey));
        match pupil(record.line, &cell) {
            Ok(pupil) => read.roster.pupils.push(pupil),
            Err(problems) => read
                .roster
                .errors
                .extend(row_errors(record.line, &key, problems)),
        }
        if !key.is_empty() {
            read.keys.push((record.line, key));
        }
    }
    Ok((read, table.headers, used))
}

/// Reads a guardians file: a pupil key and the guardian columns on each row. Also returns the
/// mapping used.
pub fn guardians(
    text: &str,
    mapping: &Mapping,
) -> Result<(Vec<GuardianLine>, Vec<RowError>, Mapping), FileProblem> {
    let table = table(text)?;
    let (columns, used) = columns::resolve(&table.headers, mapping);
    if columns.get(Field::PupilKey).is_none() {
        return Err(FileProblem::NoPupilKey);
    }
    if columns.get(Field::Guardian1Email).is_none() && columns.get(Field::Guardian2Email).is_none()
    {
        let missing = Field::Guardian1Email.as_str().to_owned();
        return Err(FileProblem::MissingColumns(vec![missing]));
    }
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for record in &table.rows {
        if record.cells.len() != table.headers.len() {
            errors.push(malformed(record.line));
            continue;
        }
        let cell = |field| cell(record, &columns, field);
        let mut problems = Vec::new();
        let key = take(
            values::required(cell(Field::PupilKey), Field::PupilKey.as_str()),
            &mut problems,
        );
        let guardians = guardians_of(&cell, &mut problems);
        if problems.is_empty() {
            lines.push(GuardianLine {
                line: record.line,
                key,
                guardians,
            });
        } else {
            errors.extend(row_errors(record.line, &key, problems));
        }
    }
    Ok((lines, errors, used))
}

fn cell<'a>(record: &'a Record, columns: &Columns, field: Field) -> &'a str {
    columns
        .get(field)
        .and_then(|index| record.cells.get(index))
        .map_or("", String::as_str)
}

fn malformed(line: usize) -> RowError {
    RowError {
        line,
        key: None,
        problem: Problem::Malformed,
    }
}

/// One pupil, or every problem of the row (so the office can fix them all at once).
fn pupil<'a>(line: usize, cell: &impl Fn(Field) -> &'a str) -> Result<PupilRow, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut required =
        |field: Field| take(values::required(cell(field), field.as_str()), &mut problems);
    let key = required(Field::PupilKey);
    let first_name = required(Field::FirstName);
    let last_name = required(Field::LastName);
    let group = required(Field::Group);
    let prefix = take(
        values::text(cell(Field::Prefix), Field::Prefix.as_str()),
        &mut problems,
    );
    let birth_date = take(values::date(cell(Field::BirthDate)), &mut problems);
    let guardians = guardians_of(cell, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(PupilRow {
        line,
        key,
        first_name,
        prefix,
        last_name,
        group,
        birth_date,
        guardians,
    })
}

/// The guardians on a row: one wherever an e-mail cell is filled in.
fn guardians_of<'a>(
    cell: &impl Fn(Field) -> &'a str,
    problems: &mut Vec<Problem>,
) -> Vec<GuardianRow> {
    let mut guardians = Vec::new();
    for [name, email, phone, no_access] in GUARDIANS {
        let address = cell(email);
        if address.trim().is_empty() {
            continue;
        }
        let email = Email::parse(address).map_err(|_| Problem::BadEmail(email.as_str().to_owned()));
        let name = values::required(cell(name), name.as_str());
        let phone = values::text(cell(phone), phone.as_str());
        match (email, name, phone) {
            (Ok(email), Ok(name), Ok(phone)) => add_guardian(
                &mut guardians,
                GuardianRow {
                    name,
                    email,
                    phone: (!phone.is_empty()).then_some(phone),
                    no_access: values::no_access(cell(no_access)),
                },
            ),
            (email, name, phone) => {
                problems.extend([email.err(), name.err(), phone.err()].into_iter().flatten())
            }
        }
    }
    guardians
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guardians_file_needs_a_pupil_key_and_an_address_column() {
        let mapping = Mapping::default();
        assert!(matches!(
            guardians("naam;verzorger1_email\nA;a@example.nl", &mapping),
            Err(FileProblem::NoPupilKey)
        ));
        assert_eq!(
            guardians("leerlingnummer;verzorger1_naam\n1;A", &mapping).map(|_| ()),
            Err(FileProblem::MissingColumns(vec![
                "verzorger1_email".to_owned()
            ]))
        );
    }

    #[test]
    fn each_problem_of_a_guardians_row_is_reported_on_its_line() {
        let text = "leerlingnummer;verzorger2_naam;verzorger2_email;verzorger2_telefoon\n\
                    1;An;an@example.nl;06\n\
                    ;Bo;bo@example.nl;\n\
                    3;;cas@;\n\
                    4;Do\n\
                    5;Ed;;\n";
        let (lines, errors, _) = guardians(text, &Mapping::default()).expect("readable");
        let read: Vec<_> = lines
            .iter()
            .map(|l| (l.line, l.key.as_str(), l.guardians.len()))
            .collect();
        assert_eq!(read, [(2, "1", 1), (6, "5", 0)]);
        assert_eq!(lines[0].guardians[0].phone.as_deref(), Some("06"));
        let problems: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.key.as_deref(), e.problem.clone()))
            .collect();
        assert_eq!(
            problems,
            [
                (3, None, Problem::Missing("leerlingnummer".to_owned())),
                (
                    4,
                    Some("3"),
                    Problem::BadEmail("verzorger2_email".to_owned())
                ),
                (4, Some("3"), Problem::Missing("verzorger2_naam".to_owned())),
                (5, None, Problem::Malformed),
            ]
        );
    }
}
