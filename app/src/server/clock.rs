//! Time in one place: UTC seconds for storage, Europe/Amsterdam for school dates.
use chrono::{Datelike, Utc};
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
    let date = Utc::now().with_timezone(&Amsterdam).date_naive();
    let start = if date.month() >= 8 {
        date.year()
    } else {
        date.year() - 1
    };
    (
        format!("{}-{}", start, start + 1),
        format!("{start}-08-01"),
        format!("{}-07-31", start + 1),
    )
}
