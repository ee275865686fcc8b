//! When the daily and weekly e-mail summaries go out (`KRING_DIGEST_DAILY`, `KRING_DIGEST_WEEKLY`),
//! in the foundation's time zone.
use chrono::{Datelike, Duration, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

/// The two times of the schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Daily,
    Weekly,
}

/// When the summaries go out, in the foundation's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub weekday: Weekday,
    pub weekly_at: NaiveTime,
    pub daily_at: NaiveTime,
    pub tz: Tz,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            weekday: Weekday::Fri,
            weekly_at: NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
            daily_at: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default(),
            tz: chrono_tz::Europe::Amsterdam,
        }
    }
}

impl Schedule {
    /// `weekly` like "fri 16:00", `daily` like "17:00", `tz` an IANA name. Errors name the variable.
    pub fn parse(weekly: &str, daily: &str, tz: &str) -> Result<Schedule, (&'static str, String)> {
        let bad_weekly = || {
            (
                "KRING_DIGEST_WEEKLY",
                "must be a day and a time, e.g. fri 16:00".to_string(),
            )
        };
        let (day, time) = weekly.trim().split_once(' ').ok_or_else(bad_weekly)?;
        let weekday: Weekday = day.parse().map_err(|_| bad_weekly())?;
        let weekly_at =
            NaiveTime::parse_from_str(time.trim(), "%H:%M").map_err(|_| bad_weekly())?;
        let daily_at = NaiveTime::parse_from_str(daily.trim(), "%H:%M").map_err(|_| {
            (
                "KRING_DIGEST_DAILY",
                "must be a time, e.g. 17:00".to_string(),
            )
        })?;
        let tz: Tz = tz.parse().map_err(|_| {
            (
                "KRING_TIMEZONE",
                "must be a time zone name, e.g. Europe/Amsterdam".to_string(),
            )
        })?;
        Ok(Schedule {
            weekday,
            weekly_at,
            daily_at,
            tz,
        })
    }

    /// The most recent `slot` at or before `at` (Unix seconds). A time that does not
    /// exist on a day (the spring DST gap) moves an hour later.
    pub fn last_slot(&self, slot: Slot, at: i64) -> i64 {
        // A timestamp outside chrono's range has no slot: "now" then stands for it.
        let Some(local) = self.tz.timestamp_opt(at, 0).single() else {
            return at;
        };
        let time = match slot {
            Slot::Weekly => self.weekly_at,
            Slot::Daily => self.daily_at,
        };
        let mut date = local.date_naive();
        for _ in 0..15 {
            let fits = slot == Slot::Daily || date.weekday() == self.weekday;
            if fits {
                let naive = date.and_time(time);
                let slot = self
                    .tz
                    .from_local_datetime(&naive)
                    .earliest()
                    .or_else(|| {
                        self.tz
                            .from_local_datetime(&(naive + Duration::hours(1)))
                            .earliest()
                    })
                    .map(|d| d.timestamp());
                if let Some(slot) = slot.filter(|s| *s <= at) {
                    return slot;
                }
            }
            date = date.pred_opt().unwrap_or(date);
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        tz.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().timestamp()
    }

    #[test]
    fn weekly_slot_is_the_last_friday_four_pm_in_amsterdam() {
        let s = Schedule::default();
        let ams = chrono_tz::Europe::Amsterdam;
        // Wednesday 25 November 2026, 10:00 → Friday 20 November 16:00 (CET).
        let at = ts(ams, 2026, 11, 25, 10, 0);
        assert_eq!(s.last_slot(Slot::Weekly, at), ts(ams, 2026, 11, 20, 16, 0));
        // Exactly at the slot it is this slot; a second before, the week before.
        let slot = ts(ams, 2026, 11, 27, 16, 0);
        assert_eq!(s.last_slot(Slot::Weekly, slot), slot);
        assert_eq!(
            s.last_slot(Slot::Weekly, slot - 1),
            ts(ams, 2026, 11, 20, 16, 0)
        );
        // Across the end of summer time (25 October 2026) the week is an hour longer.
        let after = s.last_slot(Slot::Weekly, ts(ams, 2026, 10, 30, 16, 30));
        let before = s.last_slot(Slot::Weekly, after - 1);
        assert_eq!(after - before, 7 * 86400 + 3600);
    }

    #[test]
    fn daily_slot_and_parsing() {
        let s = Schedule::parse("mon 08:30", "18:00", "Europe/Amsterdam").unwrap();
        let ams = chrono_tz::Europe::Amsterdam;
        assert_eq!(
            s.last_slot(Slot::Daily, ts(ams, 2026, 11, 25, 17, 59)),
            ts(ams, 2026, 11, 24, 18, 0)
        );
        assert_eq!(
            s.last_slot(Slot::Weekly, ts(ams, 2026, 11, 25, 9, 0)),
            ts(ams, 2026, 11, 23, 8, 30)
        );
        assert_eq!(
            Schedule::parse("vrijdag", "17:00", "UTC").unwrap_err().0,
            "KRING_DIGEST_WEEKLY"
        );
        assert_eq!(
            Schedule::parse("fri 16:00", "5pm", "UTC").unwrap_err().0,
            "KRING_DIGEST_DAILY"
        );
        assert_eq!(
            Schedule::parse("fri 16:00", "17:00", "Mars/Base")
                .unwrap_err()
                .0,
            "KRING_TIMEZONE"
        );
    }

    #[test]
    fn a_slot_in_the_spring_gap_moves_an_hour() {
        let s = Schedule::parse("sun 02:30", "02:30", "Europe/Amsterdam").unwrap();
        let ams = chrono_tz::Europe::Amsterdam;
        // 29 March 2026: 02:00 → 03:00. The slot becomes 03:30 CEST.
        let slot = s.last_slot(Slot::Daily, ts(ams, 2026, 3, 29, 12, 0));
        assert_eq!(slot, ts(ams, 2026, 3, 29, 3, 30));
    }
}
