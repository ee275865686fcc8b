//! Time in one place: UTC seconds for storage, the foundation's time zone (`KRING_TIMEZONE`) for
//! school dates. Nothing else in Kring reads the wall clock, so a test can set the date and move it
//! forward (the school-year switch, deadlines, retention) and everything follows.
use std::sync::{
    atomic::{AtomicI64, Ordering},
    Arc,
};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

/// Stands for "follow the system clock" in `Inner::frozen_at`.
const SYSTEM: i64 = i64::MIN;

/// The one source of time, shared by every clone (the app state, the database handle, the jobs).
#[derive(Clone, Debug)]
pub struct Clock(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    tz: Tz,
    /// A moment set by a test (Unix seconds), or `SYSTEM`.
    frozen_at: AtomicI64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system(chrono_tz::Europe::Amsterdam)
    }
}

impl Clock {
    /// The system clock, with school dates in `tz`.
    pub fn system(tz: Tz) -> Clock {
        Clock(Arc::new(Inner {
            tz,
            frozen_at: AtomicI64::new(SYSTEM),
        }))
    }

    /// Stops the clock at `at` (Unix seconds); every clone sees it. For tests and the demo seed.
    pub fn set(&self, at: i64) {
        self.0.frozen_at.store(at, Ordering::SeqCst);
    }

    /// Moves the clock `secs` forward (stopping it first if it was following the system).
    pub fn advance(&self, secs: i64) {
        let at = self.now();
        self.set(at + secs);
    }

    pub fn tz(&self) -> Tz {
        self.0.tz
    }

    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        match self.0.frozen_at.load(Ordering::SeqCst) {
            SYSTEM => Utc::now().timestamp(),
            at => at,
        }
    }

    /// Today's date in the schools' time zone, as stored ('YYYY-MM-DD').
    pub fn today(&self) -> String {
        self.date_of(self.now())
    }

    /// The school year (1 August – 31 July) that contains today: (name, starts_on, ends_on).
    pub fn current_school_year(&self) -> (String, String, String) {
        let start = school_year_start(self.local_date(self.now()));
        (
            format!("{}-{}", start, start + 1),
            format!("{start}-08-01"),
            format!("{}-07-31", start + 1),
        )
    }

    fn local_date(&self, at: i64) -> NaiveDate {
        DateTime::from_timestamp(at, 0)
            .unwrap_or_default()
            .with_timezone(&self.0.tz)
            .date_naive()
    }

    /// The date of a stored moment in the schools' time zone ('YYYY-MM-DD').
    pub fn date_of(&self, at: i64) -> String {
        self.local_date(at).format("%Y-%m-%d").to_string()
    }

    /// A stored moment as people read it: "24-12-2026 16:30" in the schools' time zone.
    pub fn local_time(&self, at: i64) -> String {
        DateTime::from_timestamp(at, 0)
            .map(|t| {
                t.with_timezone(&self.0.tz)
                    .format("%d-%m-%Y %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// The name of the school year a stored moment falls in ("2025-2026").
    pub fn school_year_of(&self, at: i64) -> String {
        let start = school_year_start(self.local_date(at));
        format!("{}-{}", start, start + 1)
    }
}

/// The calendar year in which the school year containing `date` began.
fn school_year_start(date: NaiveDate) -> i32 {
    if date.month() >= 8 {
        date.year()
    } else {
        date.year() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_school_year_runs_from_august_to_july_in_the_schools_time_zone() {
        let clock = Clock::system(chrono_tz::Europe::Amsterdam);
        // 2026-07-31 22:30 UTC is already 1 August in Amsterdam.
        let last_evening = 1_785_537_000;
        assert_eq!(clock.date_of(last_evening), "2026-08-01");
        assert_eq!(clock.school_year_of(last_evening), "2026-2027");
        assert_eq!(clock.school_year_of(last_evening - 3600), "2025-2026");
        assert_eq!(clock.school_year_of(1_767_225_600), "2025-2026"); // 1 January 2026
                                                                      // In London it is still 31 July.
        let london = Clock::system(chrono_tz::Europe::London);
        assert_eq!(london.date_of(last_evening), "2026-07-31");
    }

    #[test]
    fn a_set_clock_stands_still_and_moves_only_when_told() {
        let clock = Clock::default();
        let shared = clock.clone();
        clock.set(1_785_537_000);
        assert_eq!(shared.now(), 1_785_537_000);
        assert_eq!(shared.today(), "2026-08-01");
        assert_eq!(shared.current_school_year().0, "2026-2027");
        shared.advance(86_400);
        assert_eq!(clock.today(), "2026-08-02");
    }
}
