//! Which CSV column holds which field: the school's mapping first, then the header names Kring
//! recognises by itself.
//!
//! Headers are compared in lower case without spaces, underscores, hyphens and dots, so
//! "Verzorger 1 e-mail", "verzorger1_email" and "VERZORGER1-EMAIL" are one name. Recognised
//! besides each field's stable name (`Field::as_str`):
//! - leerlingnummer: "leerlingnr", "llnr";
//! - roepnaam: "voornaam"; tussenvoegsel: "tussenvoegsels", "voorvoegsel"; groep: "groepsnaam",
//!   "klas"; geboortedatum: "geb. datum";
//! - per guardian N (1 or 2), with "verzorger N" or "ouder N" before or after the word: "naam",
//!   "e-mail" / "e-mailadres", "telefoon" / "tel" / "telefoonnummer" / "mobiel", "geen toegang"
//!   (so "Naam verzorger 1", "E-mail ouder 2", "ouder1_telefoon").
use crate::import::roster::{Field, Mapping};
use crate::names;

/// The fields found in a file's header, by column index.
#[derive(Debug, Default)]
pub struct Columns {
    found: Vec<(Field, usize)>,
}

impl Columns {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.found
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, i)| *i)
    }

    /// The stable names of the fields that `needed` asks for and the header lacks.
    pub fn missing(&self, needed: impl Fn(Field) -> bool) -> Vec<String> {
        Field::ALL
            .into_iter()
            .filter(|f| needed(*f) && self.get(*f).is_none())
            .map(|f| f.as_str().to_owned())
            .collect()
    }
}

/// The columns of `headers`, and the mapping that says so (in `Field::ALL` order). An entry of the
/// given mapping wins over recognition; an entry naming a column the file lacks is left out.
pub fn resolve(headers: &[String], mapping: &Mapping) -> (Columns, Mapping) {
    let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut columns = Columns::default();
    let free = |columns: &Columns, index: usize| columns.found.iter().all(|(_, i)| *i != index);
    for (field, header) in &mapping.columns {
        if columns.get(*field).is_some() {
            continue;
        }
        // The header as remembered; failing that, as recognition compares headers (Excel may
        // have changed its case).
        let exact = (0..headers.len()).find(|i| headers[*i] == names::plain(header));
        let loose = || (0..headers.len()).find(|i| normalised[*i] == normalise(header));
        if let Some(index) = exact.or_else(loose).filter(|i| free(&columns, *i)) {
            columns.found.push((*field, index));
        }
    }
    for field in Field::ALL {
        if columns.get(field).is_some() {
            continue;
        }
        // The stable name before the aliases, so a file with both "roepnaam" and "voornaam" reads
        // the first name from "roepnaam".
        let index = aliases(field).iter().find_map(|alias| {
            (0..headers.len()).find(|i| normalised[*i] == *alias && free(&columns, *i))
        });
        if let Some(index) = index {
            columns.found.push((field, index));
        }
    }
    let used = Mapping {
        columns: Field::ALL
            .into_iter()
            .filter_map(|f| columns.get(f).map(|i| (f, headers[i].clone())))
            .collect(),
    };
    (columns, used)
}

fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The normalised names `field` is recognised by, its stable name first.
fn aliases(field: Field) -> Vec<String> {
    let fixed: &[&str] = match field {
        Field::PupilKey => &["leerlingnr", "llnr"],
        Field::FirstName => &["voornaam"],
        Field::Prefix => &["tussenvoegsels", "voorvoegsel"],
        Field::LastName => &[],
        Field::Group => &["groepsnaam", "klas"],
        Field::BirthDate => &["gebdatum"],
        _ => &[],
    };
    let guardian = match field {
        Field::Guardian1Name | Field::Guardian2Name => &["naam"][..],
        Field::Guardian1Email | Field::Guardian2Email => &["email", "emailadres"][..],
        Field::Guardian1Phone | Field::Guardian2Phone => {
            &["telefoon", "tel", "telefoonnummer", "mobiel"][..]
        }
        Field::Guardian1NoAccess | Field::Guardian2NoAccess => &["geentoegang"][..],
        _ => &[][..],
    };
    let number = if field.as_str().starts_with("verzorger2") {
        2
    } else {
        1
    };
    let mut names = vec![normalise(field.as_str())];
    names.extend(fixed.iter().map(|a| (*a).to_owned()));
    for who in ["verzorger", "ouder"] {
        for word in guardian {
            for name in [
                format!("{who}{number}{word}"),
                format!("{word}{who}{number}"),
            ] {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(line: &str) -> Vec<String> {
        line.split(';').map(str::to_owned).collect()
    }

    fn columns(line: &str, mapping: &[(Field, &str)]) -> (Columns, Mapping) {
        let mapping = Mapping {
            columns: mapping.iter().map(|(f, h)| (*f, (*h).to_owned())).collect(),
        };
        resolve(&headers(line), &mapping)
    }

    #[test]
    fn headers_are_recognised_whatever_their_case_spaces_and_dashes() {
        let (found, used) = columns(
            "Leerlingnr.;VOORNAAM;Tussen-voegsel;Achter naam;Klas;Geb. datum;Naam verzorger 1;\
             E-mail verzorger 1;Telefoon verzorger 1;Geen toegang verzorger 1;ouder2_naam;\
             Ouder 2 e-mailadres;mobiel ouder 2;verzorger2_geen_toegang",
            &[],
        );
        for (index, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(found.get(field), Some(index), "{field:?}");
        }
        assert_eq!(used.columns.len(), 14);
        assert_eq!(used.columns[0], (Field::PupilKey, "Leerlingnr.".to_owned()));
    }

    #[test]
    fn the_stable_name_wins_over_an_alias() {
        let (found, _) = columns("voornaam;roepnaam", &[]);
        assert_eq!(found.get(Field::FirstName), Some(1));
    }

    #[test]
    fn a_mapping_entry_wins_over_recognition() {
        let (found, used) = columns(
            "leerlingnummer;roepnaam;voornaam;achternaam",
            &[(Field::FirstName, "Voornaam"), (Field::Group, "klas")],
        );
        assert_eq!(found.get(Field::FirstName), Some(2));
        assert_eq!(found.get(Field::Group), None, "the file has no such column");
        assert_eq!(
            used.columns,
            vec![
                (Field::PupilKey, "leerlingnummer".to_owned()),
                (Field::FirstName, "voornaam".to_owned()),
                (Field::LastName, "achternaam".to_owned()),
            ]
        );
    }

    #[test]
    fn a_column_claimed_by_the_mapping_is_not_recognised_as_another_field() {
        let (found, _) = columns("nummer;achternaam", &[(Field::FirstName, "achternaam")]);
        assert_eq!(found.get(Field::FirstName), Some(1));
        assert_eq!(found.get(Field::LastName), None);
        assert_eq!(
            found.missing(Field::required),
            vec!["leerlingnummer", "achternaam", "groep"]
        );
    }
}
