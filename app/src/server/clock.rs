//! Time in one place: UTC seconds for storage, Europe/Amsterdam for school dates.
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Amsterdam;

pub fn now() -> i64 {
    Utc::now().timestamp()
}

/// Today's date in the schools' time zone, as stored ('YYYY-MM-DD').
pub fn today() -> String {
    Utc::now()
        .with_timezone(&Amsterdam)
        .format("%Y-%m-%d")
        .to_string()
}

/// The school year (1 August – 31 July) that contains today: (name, starts_on, ends_on).
pub fn current_school_year() -> (String, String, String) {
    let start = school_year_start(Utc::now().with_timezone(&Amsterdam).date_naive());
    (
        format!("{}-{}", start, start + 1),
        format!("{start}-08-01"),
        format!("{}-07-31", start + 1),
    )
}

/// The calendar year in which the school year containing `date` began.
fn school_year_start(date: NaiveDate) -> i32 {
    if date.month() >= 8 {
        date.year()
    } else {
        date.year() - 1
    }
}

fn local_date(at: i64) -> NaiveDate {
    DateTime::from_timestamp(at, 0)
        .unwrap_or_default()
        .with_timezone(&Amsterdam)
        .date_naive()
}

/// The date of a stored moment in the schools' time zone ('YYYY-MM-DD').
pub fn date_of(at: i64) -> String {
    local_date(at).format("%Y-%m-%d").to_string()
}

/// The name of the school year a stored moment falls in ("2025-2026").
pub fn school_year_of(at: i64) -> String {
    let start = school_year_start(local_date(at));
    format!("{}-{}", start, start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_school_year_runs_from_august_to_july_in_dutch_time() {
        // 2026-07-31 22:30 UTC is already 1 August in Amsterdam.
        let last_evening = 1_785_537_000;
        assert_eq!(date_of(last_evening), "2026-08-01");
        assert_eq!(school_year_of(last_evening), "2026-2027");
        assert_eq!(school_year_of(last_evening - 3600), "2025-2026");
        assert_eq!(school_year_of(1_767_225_600), "2025-2026"); // 1 January 2026
    }
}
