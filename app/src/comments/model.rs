//! Comment types shared by the server and the browser.
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const COMMENT_MAX: usize = 2_000;
pub const REASON_MAX: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    pub author_name: String,
    /// Plain text; the page shows it as text, never as HTML (XS-01).
    pub body: String,
    pub created_at: i64,
    /// The viewer wrote it and may delete it.
    pub mine: bool,
    /// The viewer is staff of the group or directie and may remove it, with a reason.
    pub can_remove: bool,
    /// The school removed it: only a placeholder shows, without text or name.
    pub removed: bool,
}

/// The comments of one post as the viewer may see and use them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comments {
    pub comments: Vec<CommentView>,
    /// The post can carry comments at all (it went to one class group).
    pub allowed: bool,
    /// The author has comments switched on.
    pub open: bool,
    pub now: i64,
}

impl Comments {
    pub fn can_write(&self) -> bool {
        self.allowed && self.open
    }
}

/// Comment text that passed the rules: trimmed, not empty, not too long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentText(String);

impl CommentText {
    pub fn parse(raw: &str) -> Result<CommentText, AppError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(AppError::validation(
                "body",
                crate::error::Invalid::CommentRequired,
            ));
        }
        if text.chars().count() > COMMENT_MAX {
            return Err(AppError::validation(
                "body",
                crate::error::Invalid::CommentTooLong,
            ));
        }
        Ok(CommentText(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why staff removed something: required, so the audit log always says why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    pub fn parse(raw: &str) -> Result<Reason, AppError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(AppError::validation(
                "reason",
                crate::error::Invalid::ReasonRequired,
            ));
        }
        if text.chars().count() > REASON_MAX {
            return Err(AppError::validation(
                "reason",
                crate::error::Invalid::ReasonTooLong,
            ));
        }
        Ok(Reason(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_is_trimmed_and_must_say_something() {
        assert_eq!(CommentText::parse("  Leuk!  ").unwrap().as_str(), "Leuk!");
        assert!(CommentText::parse(" \n ").is_err());
        assert_eq!(
            CommentText::parse(&"x".repeat(COMMENT_MAX + 1)),
            Err(AppError::validation(
                "body",
                crate::error::Invalid::CommentTooLong
            ))
        );
        assert!(CommentText::parse(&"é".repeat(COMMENT_MAX)).is_ok());
    }

    #[test]
    fn a_removal_needs_a_reason() {
        assert_eq!(
            Reason::parse("   "),
            Err(AppError::validation(
                "reason",
                crate::error::Invalid::ReasonRequired
            ))
        );
        assert_eq!(
            Reason::parse(" Naam van een kind ").unwrap().as_str(),
            "Naam van een kind"
        );
    }
}
