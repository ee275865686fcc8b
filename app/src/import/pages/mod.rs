//! The import screens: a school's import page (upload and recent runs) and a run's page (preview,
//! column mapping, applying with progress, result).
mod home;
mod mapping;
mod progress;
mod run;

pub use home::ImportPage;
pub use run::ImportRunPage;
