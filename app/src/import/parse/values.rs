//! Single values of an import file, read the same way from a CSV cell and an EDEXML element.
use chrono::NaiveDate;

use crate::import::roster::Problem;
use crate::names;

/// The longest name Kring stores (people, pupils, groups), in characters.
pub const MAX_CHARS: usize = 100;

/// A name or other short text as Kring stores it (`names::plain`), empty when the file has none.
pub fn text(raw: &str, field: &str) -> Result<String, Problem> {
    let plain = names::plain(raw);
    if plain.chars().count() > MAX_CHARS {
        Err(Problem::TooLong(field.to_owned()))
    } else {
        Ok(plain)
    }
}

/// Like `text`, for a value the row cannot do without.
pub fn required(raw: &str, field: &str) -> Result<String, Problem> {
    let value = text(raw, field)?;
    if value.is_empty() {
        Err(Problem::Missing(field.to_owned()))
    } else {
        Ok(value)
    }
}

/// A date of birth as ISO `YYYY-MM-DD`, `None` when the cell is empty. LAS exports write ISO dates;
/// Excel rewrites them day first with `-`, `/` or `.` (`1-3-2017`, `01/03/2017`, `01.03.2017`).
/// Month-first dates do not occur in Dutch files, so `03/01/2017` is the 3rd of January.
pub fn date(raw: &str) -> Result<Option<String>, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = raw.split(['-', '/', '.']).collect();
    let separators: Vec<char> = raw
        .chars()
        .filter(|c| matches!(c, '-' | '/' | '.'))
        .collect();
    let (year, month, day) = match (parts.as_slice(), separators.as_slice()) {
        ([y, m, d], ['-', '-']) if y.len() == 4 => (*y, *m, *d),
        ([d, m, y], [a, b]) if a == b && y.len() == 4 => (*y, *m, *d),
        _ => return Err(Problem::BadDate),
    };
    let number = |part: &str, most: usize| -> Option<u32> {
        let digits =
            !part.is_empty() && part.len() <= most && part.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| part.parse().ok()).flatten()
    };
    let date = match (number(year, 4), number(month, 2), number(day, 2)) {
        (Some(y), Some(m), Some(d)) => i32::try_from(y)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
        _ => None,
    };
    date.map(|d| Some(d.format("%Y-%m-%d").to_string()))
        .ok_or(Problem::BadDate)
}

/// A "geen toegang" cell. Only a clear no (`nee`, `n`, `no`, `0`, `false`, `onwaar` or empty) gives
/// access; anything else, including a typo, withholds it: a guardian wrongly left without access
/// asks the school, a guardian wrongly let in sees a child's photos.
pub fn no_access(raw: &str) -> bool {
    let value = raw.trim().to_lowercase();
    !matches!(
        value.as_str(),
        "" | "nee" | "n" | "no" | "0" | "false" | "onwaar"
    )
}

/// The jaargroep (1–8) in a text such as "3", "Groep 3" or "groep 5/6": its first number, when
/// that is 1 to 8 ("groep 5/6" is 5). A number outside 1–8 ("Groep 10", "0") gives none.
pub fn year_group(raw: &str) -> Option<u8> {
    let digits: String = raw
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse::<u8>().ok().filter(|n| (1..=8).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_dutch_spelling_become_iso() {
        for raw in [
            "2017-03-01",
            "01-03-2017",
            "1-3-2017",
            "01/03/2017",
            "1.3.2017",
            " 2017-3-1 ",
        ] {
            assert_eq!(date(raw), Ok(Some("2017-03-01".to_owned())), "{raw}");
        }
        assert_eq!(date("  "), Ok(None));
    }

    #[test]
    fn impossible_or_unclear_dates_are_refused() {
        for raw in [
            "31-02-2017",
            "2017/03/01",
            "1-3/2017",
            "1-3-17",
            "maart 2017",
            "2017-03-01 00:00",
            "+1-3-2017",
            "001-3-2017",
        ] {
            assert_eq!(date(raw), Err(Problem::BadDate), "{raw}");
        }
    }

    #[test]
    fn only_a_clear_no_gives_access() {
        for yes in [
            "ja",
            "J",
            "yes",
            "y",
            "x",
            "1",
            "TRUE",
            "Waar",
            "misschien",
            "jaa",
        ] {
            assert!(no_access(yes), "{yes}");
        }
        for no in ["", " ", "nee", "N", "no", "0", "false", "Onwaar"] {
            assert!(!no_access(no), "{no}");
        }
    }

    #[test]
    fn the_year_group_is_the_first_number_from_1_to_8() {
        assert_eq!(year_group("Groep 3"), Some(3));
        assert_eq!(year_group("groep 5/6"), Some(5));
        assert_eq!(year_group("8"), Some(8));
        assert_eq!(year_group("Groep 10"), None);
        assert_eq!(year_group("0"), None);
        assert_eq!(year_group("Kleuters"), None);
        assert_eq!(year_group("99999999999"), None);
    }

    #[test]
    fn names_are_plain_and_at_most_100_characters() {
        assert_eq!(text(" Zoë\u{202E} ", "roepnaam"), Ok("Zoë".to_owned()));
        assert_eq!(text(&"é".repeat(100), "roepnaam").map(|t| t.len()), Ok(200));
        assert_eq!(
            text(&"a".repeat(101), "achternaam"),
            Err(Problem::TooLong("achternaam".to_owned()))
        );
        assert_eq!(
            required("\u{200B} ", "roepnaam"),
            Err(Problem::Missing("roepnaam".to_owned()))
        );
    }
}
