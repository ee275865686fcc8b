//! The composition of the job runner: every feature registers its jobs, start-up work, timed work
//! and cleanups. The runner (`platform::worker`) knows none of them.
use crate::platform::{mail::Mailer, registry::Registry, state::AppState, worker::Runner};

pub fn registry() -> Registry {
    let mut registry = Registry::default();
    crate::accounts::jobs::register(&mut registry);
    crate::consent::jobs::register(&mut registry);
    crate::import::jobs::register(&mut registry);
    crate::media::jobs::register(&mut registry);
    crate::newsletters::jobs::register(&mut registry);
    crate::notify::jobs::register(&mut registry);
    crate::posts::jobs::register(&mut registry);
    registry
}

/// A runner with every feature's jobs.
pub fn runner(state: AppState, mailer: Mailer) -> Runner {
    Runner::new(state, mailer, registry())
}
