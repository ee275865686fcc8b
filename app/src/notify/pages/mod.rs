//! The in-app list, the settings page and the unsubscribe page.
mod list;
mod settings;
mod unsubscribe;

pub use list::NotificationsPage;
pub use settings::NotificationSettingsPage;
pub use unsubscribe::UnsubscribePage;

use crate::{i18n::*, notify::model::Kind};

/// The name of a kind of notification, as the settings and the list show it.
pub fn kind_name(i18n: leptos_i18n::I18nContext<Locale>, kind: Kind) -> String {
    match kind {
        Kind::Post => t_string!(i18n, notify.kind_post),
        Kind::SchoolPost => t_string!(i18n, notify.kind_school_post),
        Kind::Urgent => t_string!(i18n, notify.kind_urgent),
        Kind::Comment => t_string!(i18n, notify.kind_comment),
        Kind::Newsletter => t_string!(i18n, notify.kind_newsletter),
        Kind::Consent => t_string!(i18n, notify.kind_consent),
        Kind::Report => t_string!(i18n, notify.kind_report),
        Kind::Moderation => t_string!(i18n, notify.kind_moderation),
    }
    .to_string()
}
