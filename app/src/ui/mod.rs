//! Shared UI pieces: the layout, error and loading notices, relative times.
pub mod feedback;

pub mod linked;
pub mod pwa;
pub mod time;
pub mod title;

use crate::i18n::*;

/// A group's name as shown: the school group is "Hele school" in the reader's language.
pub fn group_name(i18n: leptos_i18n::I18nContext<Locale>, kind: &str, name: &str) -> String {
    if kind == "school" {
        t_string!(i18n, groups.whole_school).to_string()
    } else {
        name.to_string()
    }
}
