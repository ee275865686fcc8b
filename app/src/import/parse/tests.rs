//! `read` on whole files: the test corpus in `../testdata`.
use super::*;
use crate::import::roster::{Field, PupilRow};

const PUPILS: &[u8] = include_bytes!("../testdata/leerlingen.csv");
const EXCEL: &[u8] = include_bytes!("../testdata/leerlingen-excel.csv");
const MISTAKES: &[u8] = include_bytes!("../testdata/fouten.csv");
const NO_COLUMNS: &[u8] = include_bytes!("../testdata/geen-kolommen.csv");
const SCHOOL: &[u8] = include_bytes!("../testdata/school.xml");
const GUARDIANS: &[u8] = include_bytes!("../testdata/verzorgers.csv");

fn read_csv(file: &[u8]) -> Read {
    read(file, None, &Mapping::default()).expect("a readable file")
}

fn mapping(entries: &[(Field, &str)]) -> Mapping {
    Mapping {
        columns: entries.iter().map(|(f, h)| (*f, (*h).to_owned())).collect(),
    }
}

fn names(pupils: &[PupilRow]) -> Vec<String> {
    pupils
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {} {:?}",
                p.key, p.first_name, p.prefix, p.last_name, p.birth_date
            )
        })
        .collect()
}

fn problems(roster: &Roster) -> Vec<(usize, Option<&str>, Problem)> {
    roster
        .errors
        .iter()
        .map(|e| (e.line, e.key.as_deref(), e.problem.clone()))
        .collect()
}

fn addresses(pupil: &PupilRow) -> Vec<&str> {
    pupil.guardians.iter().map(|g| g.email.as_str()).collect()
}

#[test]
fn a_pupils_csv_is_read_with_its_groups_and_guardians() {
    let read = read_csv(PUPILS);
    assert_eq!(read.format, Format::Csv);
    assert!(read.roster.errors.is_empty());
    assert_eq!(read.roster.pupils.len(), 8);
    assert_eq!(read.headers.len(), 14);
    assert_eq!(read.headers[0], "leerlingnummer");
    assert_eq!(read.mapping.columns.len(), 14, "every column recognised");
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
            ("Groep 5/6", Some(5)),
            ("Groep 8", Some(8))
        ]
    );
    let pupils = &read.roster.pupils;
    assert_eq!(pupils[2].prefix, "van der");
    assert_eq!(pupils[3].first_name, "Chloë");
    assert_eq!(pupils[4].first_name, "René");
    assert_eq!(pupils[6].birth_date, None);
    assert_eq!(
        pupils.iter().map(|p| p.line).collect::<Vec<_>>(),
        (2..=9).collect::<Vec<_>>()
    );
    // Siblings share their guardians' addresses.
    assert_eq!(addresses(&pupils[0]), addresses(&pupils[1]));
    assert_eq!(addresses(&pupils[3]), ["ingrid.verhoeven@example.nl"]);
    let smet = &pupils[4].guardians;
    assert_eq!((smet[0].no_access, smet[1].no_access), (false, true));
    assert_eq!(
        pupils[5].guardians[0].phone.as_deref(),
        Some("+31 6 1234 5678")
    );
    assert_eq!(pupils[2].guardians[0].phone, None);
}

#[test]
fn windows_1252_with_commas_and_utf_8_with_semicolons_give_the_same_pupils() {
    let excel = read_csv(EXCEL);
    let utf8 = read_csv(PUPILS);
    assert!(
        excel.roster.errors.is_empty(),
        "{:?}",
        problems(&excel.roster)
    );
    assert_eq!(names(&excel.roster.pupils), names(&utf8.roster.pupils));
    assert_eq!(excel.roster.groups, utf8.roster.groups);
    assert_eq!(excel.headers[0], "Leerlingnr.");
    assert_eq!(
        excel.mapping.columns[1],
        (Field::FirstName, "Voornaam".to_owned())
    );
    let pupils = &excel.roster.pupils;
    assert_eq!(pupils[0].guardians[0].name, "Anna \"Ans\" Jansen; moeder");
    assert_eq!(pupils[2].guardians[0].name, "Els van der Berg (moeder)");
    assert_eq!(pupils[3].line, 6, "after a cell spanning two lines");
    assert!(pupils[4].guardians[1].no_access, "\"x\" withholds access");
}

#[test]
fn a_byte_order_mark_changes_nothing() {
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), PUPILS].concat();
    assert_eq!(read_csv(&with_bom), read_csv(PUPILS));
    let text = std::str::from_utf8(PUPILS).expect("UTF-8");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(read_csv(&utf16), read_csv(PUPILS));
}

#[test]
fn every_problem_is_reported_on_its_line_and_blocks_only_its_row() {
    let read = read_csv(MISTAKES);
    let keys: Vec<_> = read
        .roster
        .pupils
        .iter()
        .map(|p| (p.line, p.key.as_str()))
        .collect();
    assert_eq!(keys, [(3, "2002"), (11, "2007"), (13, "2009")]);
    assert_eq!(
        problems(&read.roster),
        [
            (
                2,
                Some("2001"),
                Problem::BadEmail("verzorger1_email".to_owned())
            ),
            (4, Some("2003"), Problem::DuplicateKey(6)),
            (6, Some("2003"), Problem::DuplicateKey(4)),
            (7, Some("2004"), Problem::Missing("roepnaam".to_owned())),
            (9, Some("2005"), Problem::BadDate),
            (10, None, Problem::Malformed),
            (
                12,
                Some("2008"),
                Problem::Missing("verzorger1_naam".to_owned())
            ),
        ]
    );
    let groups: Vec<_> = read
        .roster
        .groups
        .iter()
        .map(|g| (g.name.as_str(), g.year_group))
        .collect();
    assert_eq!(groups, [("Groep 4", Some(4)), ("Kleuters", None)]);
    // A formula stays text here; the CSV Kring writes makes it inert (see `export`).
    assert_eq!(
        read.roster.pupils[1].first_name,
        "=HYPERLINK(\"http://x\",\"y\")"
    );
}

#[test]
fn every_row_with_a_repeated_key_is_refused() {
    let file = "leerlingnummer;roepnaam;achternaam;groep\n1;A;B;G\n1;C;D;G\n2;E;F;G\n1;G;H;G\n";
    let read = read_csv(file.as_bytes());
    assert_eq!(names(&read.roster.pupils), ["2 E  F None"]);
    let duplicates: Vec<_> = problems(&read.roster)
        .into_iter()
        .map(|(l, _, p)| (l, p))
        .collect();
    assert_eq!(
        duplicates,
        [
            (2, Problem::DuplicateKey(3)),
            (3, Problem::DuplicateKey(2)),
            (5, Problem::DuplicateKey(2)),
        ]
    );
}

#[test]
fn a_name_over_100_characters_is_too_long() {
    let file = format!(
        "leerlingnummer;roepnaam;achternaam;groep\n1;{};B;G\n",
        "a".repeat(101)
    );
    assert_eq!(
        problems(&read_csv(file.as_bytes()).roster),
        [(2, Some("1"), Problem::TooLong("roepnaam".to_owned()))]
    );
}

#[test]
fn missing_columns_are_named_and_a_mapping_supplies_them() {
    assert_eq!(
        read(NO_COLUMNS, None, &Mapping::default()),
        Err(FileProblem::MissingColumns(vec![
            "leerlingnummer".to_owned(),
            "roepnaam".to_owned(),
            "achternaam".to_owned(),
        ]))
    );
    assert_eq!(
        csv_headers(NO_COLUMNS),
        Ok(["nummer", "naam", "familienaam", "klas", "email ouder"]
            .map(String::from)
            .to_vec())
    );
    let given = mapping(&[
        (Field::LastName, "familienaam"),
        (Field::PupilKey, "Nummer"),
        (Field::FirstName, "naam"),
    ]);
    let read = read(NO_COLUMNS, None, &given).expect("readable with the mapping");
    assert_eq!(names(&read.roster.pupils), ["3001 Iris  Mulder None"]);
    assert_eq!(
        read.mapping,
        mapping(&[
            (Field::PupilKey, "nummer"),
            (Field::FirstName, "naam"),
            (Field::LastName, "familienaam"),
            (Field::Group, "klas"),
        ])
    );
}

#[test]
fn a_given_mapping_wins_over_recognised_names() {
    let file = "leerlingnummer;roepnaam;voornaam;achternaam;groep\n1;Sam;Samuel;Bos;G\n";
    let given = mapping(&[(Field::FirstName, "voornaam")]);
    let read = read(file.as_bytes(), None, &given).expect("readable");
    assert_eq!(read.roster.pupils[0].first_name, "Samuel");
    assert_eq!(
        read.mapping.columns[1],
        (Field::FirstName, "voornaam".to_owned())
    );
}

#[test]
fn an_edexml_file_is_completed_by_its_guardians_file() {
    let read = read(SCHOOL, Some(GUARDIANS), &Mapping::default()).expect("readable");
    assert_eq!(read.format, Format::Edexml);
    assert!(read.headers.is_empty());
    assert_eq!(
        read.mapping.columns.len(),
        7,
        "the guardians file's columns"
    );
    let pupils = &read.roster.pupils;
    assert_eq!(
        addresses(&pupils[0]),
        ["anna.jansen@example.nl", "mark.jansen@example.nl"]
    );
    assert_eq!(
        addresses(&pupils[1]),
        ["anna.jansen@example.nl", "mark.jansen@example.nl"],
        "two rows for one pupil"
    );
    assert_eq!(pupils[0].guardians[0].phone.as_deref(), Some("0612345678"));
    assert!(pupils[4].guardians.is_empty());
    assert_eq!(
        problems(&read.roster),
        [
            (61, Some("5006"), Problem::UnknownGroup("G5".to_owned())),
            (6, Some("9999"), Problem::UnknownPupil),
        ],
        "5006's guardians are not unknown: its own row has the error"
    );
}

#[test]
fn a_guardians_file_adds_to_a_pupils_csv_at_most_two_per_pupil() {
    let guardians = "leerlingnummer;verzorger1_naam;verzorger1_email;verzorger1_geen_toegang\n\
                     1003;Karel Berg;karel.berg@example.nl;\n\
                     1001;Derde;derde@example.nl;\n\
                     1004;Ingrid;INGRID.verhoeven@example.nl;ja\n";
    let read = read(PUPILS, Some(guardians.as_bytes()), &Mapping::default()).expect("readable");
    let pupils = &read.roster.pupils;
    assert_eq!(
        addresses(&pupils[2]),
        ["els.vanderberg@example.nl", "karel.berg@example.nl"]
    );
    assert_eq!(
        addresses(&pupils[0]),
        ["anna.jansen@example.nl", "mark.jansen@example.nl"]
    );
    assert_eq!(addresses(&pupils[3]), ["ingrid.verhoeven@example.nl"]);
    assert!(
        pupils[3].guardians[0].no_access,
        "either file withholding access holds"
    );
    assert_eq!(read.headers[0], "leerlingnummer");
    assert_eq!(read.mapping.columns.len(), 14, "the pupils file's mapping");
}

#[test]
fn the_content_decides_the_format() {
    let xml = [b"\xEF\xBB\xBF \r\n\t".as_slice(), SCHOOL].concat();
    assert_eq!(
        read(&xml, None, &Mapping::default()).map(|r| r.format),
        Ok(Format::Edexml)
    );
    let cp1252 =
        "<EDEX><groepen><groep key=\"g\"><naam>Groep \u{e9}\u{e9}n</naam></groep></groepen></EDEX>";
    let (bytes, _, _) = WINDOWS_1252.encode(cp1252);
    let read = read(&bytes, None, &Mapping::default()).expect("readable");
    assert_eq!(read.roster.groups[0].name, "Groep één");
    assert_eq!(csv_headers(SCHOOL), Err(FileProblem::Unrecognised));
}

#[test]
fn empty_binary_and_misplaced_files_are_refused_as_a_whole() {
    let none = Mapping::default();
    assert_eq!(read(b"", None, &none), Err(FileProblem::Empty));
    assert_eq!(
        read(b"\xEF\xBB\xBF \r\n", None, &none),
        Err(FileProblem::Empty)
    );
    let workbook = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00";
    assert_eq!(read(workbook, None, &none), Err(FileProblem::Unrecognised));
    assert_eq!(
        read(SCHOOL, Some(SCHOOL), &none),
        Err(FileProblem::Unrecognised)
    );
    assert_eq!(read(SCHOOL, Some(b""), &none), Err(FileProblem::Empty));
    assert_eq!(
        read(SCHOOL, Some(PUPILS), &none).map(|r| r.roster.errors.len()),
        Ok(9),
        "a pupils file as guardians file: its pupils are unknown"
    );
}
