pub mod queue;
pub mod report;

use crate::{i18n::*, moderation::model::ReportReason};

/// The words for a report's reason, in the user's language.
pub fn reason_text(i18n: leptos_i18n::I18nContext<Locale>, reason: &str) -> String {
    match ReportReason::parse(reason) {
        Some(ReportReason::Child) => t_string!(i18n, report.reason_child).to_string(),
        Some(ReportReason::Privacy) => t_string!(i18n, report.reason_privacy).to_string(),
        Some(ReportReason::Hurtful) => t_string!(i18n, report.reason_hurtful).to_string(),
        Some(ReportReason::Other) | None => t_string!(i18n, report.reason_other).to_string(),
    }
}
