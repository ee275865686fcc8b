pub mod group;
pub mod mine;
pub mod photo_tags;
pub mod round;

use leptos::prelude::*;

use crate::{consent::model::ConsentState, i18n::*};

/// The words for a child's consent state, in the user's language.
pub fn state_text(i18n: leptos_i18n::I18nContext<Locale>, state: ConsentState) -> String {
    match state {
        ConsentState::Yes => t_string!(i18n, consent.state_yes).to_string(),
        ConsentState::No => t_string!(i18n, consent.state_no).to_string(),
        ConsentState::Unanswered => t_string!(i18n, consent.state_unanswered).to_string(),
        ConsentState::Disagree => t_string!(i18n, consent.state_disagree).to_string(),
    }
}

/// Every answer given, newest first: who said what, when, to which version of the question.
#[component]
pub fn HistoryList(entries: Vec<crate::consent::model::HistoryEntry>, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let items = entries
        .into_iter()
        .map(|h| {
            let answer = if h.pending {
                t_string!(i18n, consent.history_pending).to_string()
            } else if h.answer {
                t_string!(i18n, consent.yes).to_string()
            } else {
                t_string!(i18n, consent.no).to_string()
            };
            view! {
                <li class="meta-line">
                    <strong>{h.pupil_name}</strong>
                    <span>{t_string!(i18n, consent.history_item, title = h.title, version = h.version).to_string()}</span>
                    <span>{answer}</span>
                    <span>{h.who}</span>
                    <time>{crate::ui::time::ago(i18n, now, h.answered_at)}</time>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="plain-list history">{items}</ul> }
}
