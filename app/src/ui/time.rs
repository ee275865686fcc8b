//! "2 uur geleden": relative times computed from the server's clock that came with the data, so the
//! server render and the hydrated page show the same text.
use crate::i18n::*;

pub fn ago(i18n: leptos_i18n::I18nContext<Locale>, now: i64, then: i64) -> String {
    let secs = (now - then).max(0);
    let (mins, hours, days) = (secs / 60, secs / 3600, secs / 86400);
    match () {
        _ if secs < 60 => t_string!(i18n, time.just_now).to_string(),
        _ if mins == 1 => t_string!(i18n, time.minute_ago).to_string(),
        _ if hours == 0 => t_string!(i18n, time.minutes_ago, n = mins).to_string(),
        _ if hours == 1 => t_string!(i18n, time.hour_ago).to_string(),
        _ if days == 0 => t_string!(i18n, time.hours_ago, n = hours).to_string(),
        _ if days == 1 => t_string!(i18n, time.yesterday).to_string(),
        _ => t_string!(i18n, time.days_ago, n = days).to_string(),
    }
}
