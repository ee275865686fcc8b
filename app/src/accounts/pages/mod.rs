pub mod account;
pub mod forgot;
pub mod invite;
pub mod login;
pub mod reset;
