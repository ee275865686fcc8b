//! What a staff member is at a school: its directie (every group, moderation, the consent round,
//! people), a teacher (their own groups) or its administratie (the office: pupils, groups,
//! guardians, invitations and imports, and no posts). Stored as text in `staff_roles.role`; compared as this
//! type everywhere in Rust.
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Directie,
    Teacher,
    /// The office: manages people and imports; reads no posts, comments or consent answers.
    Administratie,
}

impl Role {
    /// Directie and teachers work with the groups' posts; the administratie does not.
    pub fn teaches(self) -> bool {
        matches!(self, Role::Directie | Role::Teacher)
    }

    /// Directie and administratie manage a school's people and imports.
    pub fn runs_office(self) -> bool {
        matches!(self, Role::Directie | Role::Administratie)
    }

    pub fn parse(raw: &str) -> Result<Role, AppError> {
        match raw {
            "directie" => Ok(Role::Directie),
            "teacher" => Ok(Role::Teacher),
            "administratie" => Ok(Role::Administratie),
            _ => Err(AppError::validation(
                "role",
                crate::error::Invalid::RoleInvalid,
            )),
        }
    }

    /// As stored in `staff_roles.role`; `None` for anything else.
    pub fn from_db(raw: &str) -> Option<Role> {
        Role::parse(raw).ok()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Directie => "directie",
            Role::Teacher => "teacher",
            Role::Administratie => "administratie",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_an_unknown_one_gives_no_power() {
        for role in [Role::Directie, Role::Teacher, Role::Administratie] {
            assert_eq!(Role::from_db(role.as_str()), Some(role));
        }
        assert_eq!(Role::from_db("admin"), None);
        assert_eq!(Role::from_db("Directie"), None);
    }
}
