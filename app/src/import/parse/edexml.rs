//! EDEXML, the XML a LAS (ParnasSys, ESIS, …) exports for suppliers: `groepen`, `leerlingen` and
//! `leerkrachten` under one root. Only the elements Kring uses are read; the rest (`bsn`,
//! `geslacht`, `nationaliteit`, …) is never copied into the roster.
use std::collections::HashMap;

use crate::accounts::model::Email;
use crate::import::roster::{
    Field, FileProblem, GroupRow, Problem, PupilRow, Roster, RowError, TeacherRow,
};

use super::xml::{tree, Element};
use super::{row_errors, take, values, Pupils};

pub fn read(text: &str) -> Result<Pupils, FileProblem> {
    let root = tree(text)?;
    if ["groepen", "leerlingen", "leerkrachten"]
        .iter()
        .all(|name| root.child(name).is_none())
    {
        return Err(FileProblem::Unrecognised);
    }
    let mut read = Pupils::default();
    let names = groups(&root, &mut read.roster);
    for element in root.list("leerlingen", "leerling") {
        let key = crate::names::plain(element.key.as_deref().unwrap_or_default());
        match pupil(element, &key, &names) {
            Ok(pupil) => read.roster.pupils.push(pupil),
            Err(problems) => {
                let errors = row_errors(element.line, &key, problems);
                read.roster.errors.extend(errors);
            }
        }
        if !key.is_empty() {
            read.keys.push((element.line, key));
        }
    }
    for element in root.list("leerkrachten", "leerkracht") {
        match teacher(element, &names) {
            Ok(teacher) => read.roster.teachers.push(teacher),
            Err(problem) => read.roster.errors.push(RowError {
                line: element.line,
                key: None,
                problem,
            }),
        }
    }
    Ok(read)
}

/// Lists the groups in the roster (one per name) and returns their names by key.
fn groups(root: &Element, roster: &mut Roster) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for element in root.list("groepen", "groep") {
        let name = match values::required(element.text_of("naam"), Field::Group.as_str()) {
            Ok(name) => name,
            Err(problem) => {
                roster.errors.push(RowError {
                    line: element.line,
                    key: None,
                    problem,
                });
                continue;
            }
        };
        if let Some(key) = &element.key {
            names.entry(key.clone()).or_insert_with(|| name.clone());
        }
        if !roster.groups.iter().any(|g| g.name == name) {
            let year_group = match element.child("jaargroep") {
                Some(jaargroep) => values::year_group(&jaargroep.text),
                None => values::year_group(&name),
            };
            roster.groups.push(GroupRow { name, year_group });
        }
    }
    names
}

fn pupil(
    element: &Element,
    key: &str,
    groups: &HashMap<String, String>,
) -> Result<PupilRow, Vec<Problem>> {
    let mut problems = Vec::new();
    let key = take(
        values::required(key, Field::PupilKey.as_str()),
        &mut problems,
    );
    let mut required = |name: &str, field: Field| {
        take(
            values::required(element.text_of(name), field.as_str()),
            &mut problems,
        )
    };
    let first_name = required("roepnaam", Field::FirstName);
    let last_name = required("achternaam", Field::LastName);
    let prefix = take(
        values::text(element.text_of("voorvoegsel"), Field::Prefix.as_str()),
        &mut problems,
    );
    let group = match element.child("groep").and_then(|g| g.key.as_deref()) {
        None => Err(Problem::Missing(Field::Group.as_str().to_owned())),
        Some(key) => groups
            .get(key)
            .cloned()
            .ok_or_else(|| Problem::UnknownGroup(crate::names::plain(key))),
    };
    let group = take(group, &mut problems);
    let birth_date = take(
        values::date(element.text_of("geboortedatum")),
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(PupilRow {
        line: element.line,
        key,
        first_name,
        prefix,
        last_name,
        group,
        birth_date,
        guardians: Vec::new(),
    })
}

/// A teacher: "roepnaam voorvoegsel achternaam" and a valid address (`emailadres`, or `email`);
/// group keys the file does not define are left out rather than blocking the teacher.
fn teacher(element: &Element, groups: &HashMap<String, String>) -> Result<TeacherRow, Problem> {
    let parts = ["roepnaam", "voorvoegsel", "achternaam"].map(|n| element.text_of(n));
    let name = values::required(&parts.join(" "), "achternaam")?;
    let address = match element.child("emailadres") {
        Some(e) => e.text.as_str(),
        None => element.text_of("email"),
    };
    if address.trim().is_empty() {
        return Err(Problem::Missing("emailadres".to_owned()));
    }
    let email = Email::parse(address).map_err(|_| Problem::BadEmail("emailadres".to_owned()))?;
    let mut names: Vec<String> = Vec::new();
    for group in element.list("groepen", "groep") {
        let name = group.key.as_ref().and_then(|k| groups.get(k));
        if let Some(name) = name.filter(|n| !names.contains(n)) {
            names.push(name.clone());
        }
    }
    Ok(TeacherRow {
        line: element.line,
        name,
        email,
        groups: names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHOOL: &[u8] = include_bytes!("../testdata/school.xml");

    fn school() -> Pupils {
        let text = std::str::from_utf8(SCHOOL).expect("UTF-8 test file");
        read(text).expect("a readable EDEXML file")
    }

    fn minimal(body: &str) -> String {
        format!("<EDEX>\n<groepen><groep key=\"g\"><naam>Groep 1</naam></groep></groepen>\n{body}\n</EDEX>")
    }

    #[test]
    fn groups_pupils_and_teachers_are_read_with_the_line_of_their_start_tag() {
        let read = school();
        let groups: Vec<_> = read
            .roster
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.year_group))
            .collect();
        assert_eq!(
            groups,
            [
                ("Groep 3", Some(3)),
                ("Groep 4", Some(4)),
                ("Groep 7/8", Some(7))
            ]
        );
        let pupils: Vec<_> = read
            .roster
            .pupils
            .iter()
            .map(|p| (p.line, p.key.as_str(), p.group.as_str()))
            .collect();
        assert_eq!(
            pupils,
            [
                (22, "5001", "Groep 3"),
                (32, "5002", "Groep 4"),
                (39, "5003", "Groep 3"),
                (47, "5004", "Groep 7/8"),
                (53, "5005", "Groep 7/8"),
            ]
        );
        let daan = &read.roster.pupils[2];
        assert_eq!(
            (
                daan.first_name.as_str(),
                daan.prefix.as_str(),
                daan.last_name.as_str()
            ),
            ("Daan", "van der", "Berg")
        );
        assert_eq!(daan.birth_date.as_deref(), Some("2017-01-12"));
        assert_eq!(read.roster.pupils[3].birth_date, None);
        assert!(read.roster.pupils.iter().all(|p| p.guardians.is_empty()));
        let teachers: Vec<_> = read
            .roster
            .teachers
            .iter()
            .map(|t| (t.line, t.name.as_str(), t.email.as_str(), t.groups.clone()))
            .collect();
        assert_eq!(
            teachers,
            [
                (
                    69,
                    "Marieke de Boer",
                    "m.deboer@school.example.nl",
                    vec!["Groep 3".to_owned(), "Groep 4".to_owned()]
                ),
                (
                    79,
                    "Kees van Dijk",
                    "k.vandijk@school.example.nl",
                    vec!["Groep 7/8".to_owned()]
                ),
            ]
        );
    }

    #[test]
    fn entities_and_character_references_are_resolved() {
        let rene = &school().roster.pupils[4];
        assert_eq!(rene.first_name, "René");
        assert_eq!(rene.last_name, "Smet & Bakker");
    }

    #[test]
    fn a_pupil_in_an_undefined_group_is_an_error_on_its_line() {
        assert_eq!(
            school().roster.errors,
            [RowError {
                line: 61,
                key: Some("5006".to_owned()),
                problem: Problem::UnknownGroup("G5".to_owned()),
            }]
        );
        assert_eq!(school().keys.len(), 6, "its key is still known");
    }

    #[test]
    fn the_bsn_and_other_personal_data_never_reach_the_roster() {
        let roster = format!("{:?}", school().roster);
        for value in ["999990019", "geslacht", "nationaliteit", "0001", "99XX"] {
            assert!(!roster.contains(value), "{value}");
        }
    }

    #[test]
    fn a_teacher_without_a_valid_address_is_an_error() {
        let text = minimal(
            "<leerkrachten>\n<leerkracht key=\"a\"><roepnaam>An</roepnaam><achternaam>Bos</achternaam></leerkracht>\n\
             <leerkracht key=\"b\"><roepnaam>Bo</roepnaam><achternaam>Kok</achternaam><emailadres>bo@kok</emailadres></leerkracht>\n\
             <leerkracht key=\"c\"><emailadres>c@example.nl</emailadres></leerkracht>\n</leerkrachten>",
        );
        let read = read(&text).expect("readable");
        let problems: Vec<_> = read
            .roster
            .errors
            .iter()
            .map(|e| (e.line, e.key.clone(), e.problem.clone()))
            .collect();
        assert_eq!(
            problems,
            [
                (4, None, Problem::Missing("emailadres".to_owned())),
                (5, None, Problem::BadEmail("emailadres".to_owned())),
                (6, None, Problem::Missing("achternaam".to_owned())),
            ]
        );
        assert!(read.roster.teachers.is_empty());
    }

    #[test]
    fn a_pupil_lacking_a_key_a_name_or_a_group_is_an_error() {
        let text = minimal(
            "<leerlingen>\n<leerling><roepnaam>An</roepnaam><achternaam>Bos</achternaam><groep key=\"g\"/></leerling>\n\
             <leerling key=\"2\"><achternaam>Kok</achternaam><geboortedatum>gisteren</geboortedatum></leerling>\n</leerlingen>",
        );
        let read = read(&text).expect("readable");
        let problems: Vec<_> = read
            .roster
            .errors
            .iter()
            .map(|e| (e.line, e.key.as_deref(), e.problem.clone()))
            .collect();
        assert_eq!(
            problems,
            [
                (4, None, Problem::Missing("leerlingnummer".to_owned())),
                (5, Some("2"), Problem::Missing("roepnaam".to_owned())),
                (5, Some("2"), Problem::Missing("groep".to_owned())),
                (5, Some("2"), Problem::BadDate),
            ]
        );
    }

    #[test]
    fn namespace_prefixes_are_ignored() {
        let text =
            "<e:EDEX xmlns:e=\"urn:x\"><e:groepen><e:groep key=\"g\"><e:naam>Groep 2</e:naam>\
                    </e:groep></e:groepen></e:EDEX>";
        assert_eq!(
            read(text).expect("readable").roster.groups[0].name,
            "Groep 2"
        );
    }

    #[test]
    fn xml_that_is_not_edexml_is_unrecognised() {
        assert!(matches!(
            read("<html><body>hallo</body></html>"),
            Err(FileProblem::Unrecognised)
        ));
    }
}
