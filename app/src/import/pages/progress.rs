//! The progress bar of an import that is being applied. An island: with JavaScript it asks for the
//! run's progress every second and a half and reloads the page when the run is done; without it,
//! the page reloads itself (`RunBody`'s refresh in <noscript>).
use leptos::prelude::*;

use crate::i18n::*;

#[island]
pub fn ImportProgress(run_id: i64, done: i64, total: i64) -> impl IntoView {
    let i18n = use_i18n();
    let progress = RwSignal::new((done, total));
    #[cfg(feature = "hydrate")]
    {
        let tick = move || {
            leptos::task::spawn_local(async move {
                let Ok(run) = crate::import::api::import_run(run_id).await else {
                    return;
                };
                if run.status == crate::import::model::RunStatus::Applying {
                    progress.set((run.done, run.total));
                } else if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_millis(1500)) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = run_id;
    let percent = move || {
        let (done, total) = progress.get();
        if total > 0 {
            done * 100 / total
        } else {
            0
        }
    };
    view! {
        <progress max=move || progress.get().1.max(1) value=move || progress.get().0>{move || format!("{}%", percent())}</progress>
        <p>{move || { let (done, total) = progress.get(); t_string!(i18n, import.progress, done = done, total = total).to_string() }}</p>
    }
}
