//! Administration types: schools, years, groups, pupils, guardians and staff.
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SchoolSummary {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct YearView {
    pub id: i64,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct GroupView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub pupil_count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PupilRow {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StaffRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct GroupStaff {
    pub group_id: i64,
    pub user_id: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolDetail {
    pub school: SchoolSummary,
    pub year: YearView,
    pub groups: Vec<GroupView>,
    pub pupils: Vec<PupilRow>,
    pub staff: Vec<StaffRow>,
    pub group_staff: Vec<GroupStaff>,
    /// Admin, directie or administratie: may change groups, pupils and guardians, and import.
    /// Teachers may only invite guardians.
    pub can_manage: bool,
    /// Admin or directie: may rename the school and invite, (de)activate staff.
    pub can_lead: bool,
    /// Imports keep guardians' phone numbers (off unless the school turns it on).
    pub store_phones: bool,
    /// Runs the consent round of this school.
    pub is_directie: bool,
    /// The viewer's own account (never offered to be deactivated).
    pub me: i64,
    /// Staff invitations not yet accepted (for those who manage the school).
    pub invitations: Vec<PendingInvitation>,
    /// The server's clock, for "3 dagen geleden" and "verlopen".
    pub now: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct GuardianLink {
    pub user_id: i64,
    pub name: String,
    /// Only for those who may invite for this child: the child's own teachers and the directie.
    pub email: Option<String>,
    /// Kept only when the school stores guardians' phone numbers; shown as the e-mail address is.
    pub phone: Option<String>,
    pub no_access: bool,
    pub active: bool,
}

/// A person found by the administration's search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PersonRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub is_admin: bool,
    /// Staff roles in any school.
    pub roles: i64,
    /// Children linked as guardian.
    pub children: i64,
}

/// Invitations waiting in one school.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InvitationCount {
    pub school_id: i64,
    pub school: String,
    pub open: i64,
    pub expired: i64,
}

/// An invitation sent but not used (or taken back): who, when, and until when its link works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PendingInvitation {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// "guardian" or "staff".
    pub kind: String,
    pub role: Option<String>,
    pub pupil_id: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilDetail {
    pub pupil: PupilRow,
    pub school: SchoolSummary,
    pub guardians: Vec<GuardianLink>,
    pub groups: Vec<GroupView>,
    pub can_manage: bool,
    /// Staff of the child's own group and the directie invite guardians (AC-06).
    pub can_invite: bool,
    /// Invitations for this child not yet accepted (for those who may invite).
    pub invitations: Vec<PendingInvitation>,
    /// The server's clock, for "3 dagen geleden" and "verlopen".
    pub now: i64,
}

pub use crate::roles::Role as StaffRole;

/// A group or school name: trimmed, 1–80 characters.
pub fn parse_label(raw: &str, field: &str) -> Result<String, AppError> {
    let s = crate::names::plain(raw);
    if s.is_empty() {
        return Err(AppError::validation(
            field,
            crate::error::Invalid::NameRequired,
        ));
    }
    if s.chars().count() > 80 {
        return Err(AppError::validation(
            field,
            crate::error::Invalid::NameTooLong,
        ));
    }
    Ok(s)
}

/// An optional date of birth as 'YYYY-MM-DD'.
pub fn parse_date(raw: &str) -> Result<Option<String>, AppError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = s.split('-').collect();
    let ok = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0));
    if ok {
        Ok(Some(s.to_string()))
    } else {
        Err(AppError::validation(
            "birth_date",
            crate::error::Invalid::DateInvalid,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_only_known_values() {
        assert_eq!(StaffRole::parse("directie").unwrap(), StaffRole::Directie);
        assert!(StaffRole::parse("admin").is_err());
    }

    #[test]
    fn dates_are_iso_or_empty() {
        assert_eq!(parse_date("").unwrap(), None);
        assert_eq!(
            parse_date("2018-03-09").unwrap().as_deref(),
            Some("2018-03-09")
        );
        assert!(parse_date("9-3-2018").is_err());
        assert!(parse_date("2018-13-01").is_err());
    }
}
