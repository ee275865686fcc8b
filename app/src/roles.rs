//! What a staff member is at a school: its directie (every group, moderation, the consent round,
//! people) or a teacher (their own groups). Stored as text in `staff_roles.role`; compared as this
//! type everywhere in Rust.
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Directie,
    Teacher,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Role, AppError> {
        match raw {
            "directie" => Ok(Role::Directie),
            "teacher" => Ok(Role::Teacher),
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_an_unknown_one_gives_no_power() {
        for role in [Role::Directie, Role::Teacher] {
            assert_eq!(Role::from_db(role.as_str()), Some(role));
        }
        assert_eq!(Role::from_db("admin"), None);
        assert_eq!(Role::from_db("Directie"), None);
    }
}
