//! Account types shared by server and browser.
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 200;

/// Who is signed in, as the UI needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub locale: String,
    pub is_admin: bool,
    pub is_staff: bool,
    /// May open the administration screens (admin, directie or teacher).
    pub can_manage: bool,
    pub can_post: bool,
    /// Reports waiting for this user as directie or as the author of the post.
    pub open_reports: i64,
    /// A guardian of at least one child: has a consent page.
    pub has_children: bool,
    /// Consent questions of an open round this guardian has not answered or confirmed.
    pub open_consent: i64,
    /// Notifications not yet seen in the in-app list.
    pub unread: i64,
}

/// An e-mail address, trimmed and lower-cased, with a plausible shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, AppError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Email(email))
        } else {
            Err(AppError::validation(
                "email",
                crate::error::Invalid::EmailInvalid,
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 10 characters, no composition rules, not a well-known one (AU-01).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "0123456789",
    "1111111111",
    "qwertyuiop",
    "password12",
    "password123",
    "wachtwoord",
    "wachtwoord1",
    "wachtwoord12",
    "wachtwoord123",
    "welkom1234",
    "welkom12345",
    "iloveyou12",
    "qwerty1234",
    "abcdefghij",
    "a1b2c3d4e5",
    "1q2w3e4r5t",
    "kring-demo",
    "kringkring",
    "voetbal123",
    "zomer20252",
    "00000000000",
    "9876543210",
    "passw0rd12",
    "letmein123",
    "administrator",
    "geheim1234",
    "azertyuiop",
    "1234qwerty",
];

impl NewPassword {
    pub fn parse(raw: &str, confirm: &str) -> Result<NewPassword, AppError> {
        let count = raw.chars().count();
        if count < PASSWORD_MIN {
            return Err(AppError::validation(
                "password",
                crate::error::Invalid::PasswordTooShort,
            ));
        }
        if count > PASSWORD_MAX {
            return Err(AppError::validation(
                "password",
                crate::error::Invalid::PasswordTooLong,
            ));
        }
        if COMMON_PASSWORDS.contains(&raw.to_lowercase().as_str()) {
            return Err(AppError::validation(
                "password",
                crate::error::Invalid::PasswordCommon,
            ));
        }
        if raw != confirm {
            return Err(AppError::validation(
                "password_confirm",
                crate::error::Invalid::PasswordMismatch,
            ));
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A person's display name.
pub fn parse_name(raw: &str, field: &str) -> Result<String, AppError> {
    let name = crate::names::plain(raw);
    if name.is_empty() {
        return Err(AppError::validation(
            field,
            crate::error::Invalid::NameRequired,
        ));
    }
    if name.chars().count() > 100 {
        return Err(AppError::validation(
            field,
            crate::error::Invalid::NameTooLong,
        ));
    }
    Ok(name)
}

/// The one answer an inviter gets: whether the address already has an account stays with its owner,
/// who accepts the invitation either way (AC-06).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteOutcome {
    Invited,
}

/// What an invitation link shows before it is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub name: String,
    pub email: String,
    pub school: String,
    /// The address has an account already: the page asks for its password, not a new one.
    pub has_account: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ouder@School.NL ").unwrap().as_str(),
            "ouder@school.nl"
        );
        for bad in ["", "geen-at", "@school.nl", "a@b", "a b@school.nl", "a@.nl"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn au01_passwords_need_ten_characters_and_not_a_common_one() {
        assert!(NewPassword::parse("kort", "kort").is_err());
        assert!(NewPassword::parse("wachtwoord", "wachtwoord").is_err());
        assert!(NewPassword::parse("Wachtwoord123", "Wachtwoord123").is_err());
        assert!(NewPassword::parse("lange zin zonder regels", "anders").is_err());
        assert!(NewPassword::parse("lange zin zonder regels", "lange zin zonder regels").is_ok());
    }

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(
            parse_name("  Anna   de  Vries ", "name").unwrap(),
            "Anna de Vries"
        );
        assert!(parse_name("   ", "name").is_err());
    }
}
