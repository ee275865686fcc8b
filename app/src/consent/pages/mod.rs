pub mod group;
pub mod mine;
pub mod photo_tags;
pub mod round;

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
