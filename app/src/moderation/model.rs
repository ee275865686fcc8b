//! Report types shared by the server and the browser.
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const DETAILS_MAX: usize = 1_000;

/// Why a family reports something. The first is the one a school must act on fastest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportReason {
    /// A child is shown who should not be (no consent, or a family asked not to).
    Child,
    /// Personal details: a name, an address, a medical detail.
    Privacy,
    /// Hurtful, rude or otherwise out of place.
    Hurtful,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 4] = [
        ReportReason::Child,
        ReportReason::Privacy,
        ReportReason::Hurtful,
        ReportReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Child => "child",
            ReportReason::Privacy => "privacy",
            ReportReason::Hurtful => "hurtful",
            ReportReason::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<ReportReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

/// A report that passed the rules: a known reason, and a few words when the reason is "other".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReport {
    pub reason: ReportReason,
    pub details: String,
}

impl NewReport {
    pub fn parse(reason: &str, details: &str) -> Result<NewReport, AppError> {
        let reason = ReportReason::parse(reason).ok_or_else(|| {
            AppError::validation("reason", crate::error::Invalid::ReportReasonRequired)
        })?;
        let details = details.trim();
        if details.chars().count() > DETAILS_MAX {
            return Err(AppError::validation(
                "details",
                crate::error::Invalid::ReportDetailsTooLong,
            ));
        }
        if reason == ReportReason::Other && details.is_empty() {
            return Err(AppError::validation(
                "details",
                crate::error::Invalid::ReportDetailsRequired,
            ));
        }
        Ok(NewReport {
            reason,
            details: details.to_string(),
        })
    }
}

/// What handling a report decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Remove,
    Keep,
}

impl Decision {
    pub fn parse(raw: &str) -> Result<Decision, AppError> {
        match raw {
            "remove" => Ok(Decision::Remove),
            "keep" => Ok(Decision::Keep),
            _ => Err(AppError::validation(
                "decision",
                crate::error::Invalid::DecisionRequired,
            )),
        }
    }
}

/// The post or comment a family is about to report, as the report form shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportTarget {
    pub post_id: i64,
    pub comment_id: Option<i64>,
    pub author_name: String,
    pub text: String,
}

/// One report in the moderation queue, with the snapshot taken when it was made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ReportView {
    pub id: i64,
    /// The post, while it still exists.
    pub post_id: Option<i64>,
    /// "post" or "comment".
    pub kind: String,
    pub reason: String,
    pub details: String,
    pub snapshot_author: String,
    pub snapshot_text: String,
    /// Shown to the directie only.
    pub reporter_name: Option<String>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub resolver_name: Option<String>,
    /// "removed" or "kept".
    pub resolution: Option<String>,
    pub resolution_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub open: Vec<ReportView>,
    /// The most recently handled, for the record.
    pub done: Vec<ReportView>,
    pub now: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_needs_a_known_reason_and_words_for_other() {
        assert_eq!(
            NewReport::parse("child", "  ").unwrap(),
            NewReport {
                reason: ReportReason::Child,
                details: String::new()
            }
        );
        assert!(NewReport::parse("spam", "x").is_err());
        assert_eq!(
            NewReport::parse("other", " "),
            Err(AppError::validation(
                "details",
                crate::error::Invalid::ReportDetailsRequired
            ))
        );
        assert!(NewReport::parse("hurtful", &"x".repeat(DETAILS_MAX + 1)).is_err());
    }

    #[test]
    fn reasons_round_trip() {
        for r in ReportReason::ALL {
            assert_eq!(ReportReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(Decision::parse("remove"), Ok(Decision::Remove));
        assert!(Decision::parse("").is_err());
    }
}
