use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_query_map;

use crate::i18n::*;

/// Where the unsubscribe link in an e-mail leads. Opening the link changes nothing (mail scanners
/// open links too); the button posts to `/afmelden`, as a mail app's one-click unsubscribe does.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let done = move || query.read().get("klaar").is_some();
    let failed = move || query.read().get("fout").is_some();
    let action = move || {
        let q = query.read();
        format!(
            "/afmelden?u={}&t={}",
            q.get("u").unwrap_or_default(),
            q.get("t").unwrap_or_default()
        )
    };
    view! {
        <PageTitle text=t_string!(i18n, notify.unsubscribe_title).to_string()/>
        <section class="card">
            <h1>{t!(i18n, notify.unsubscribe_title)}</h1>
            {move || if done() {
                view! {
                    <p class="notice ok" role="status">{t!(i18n, notify.unsubscribe_done)}</p>
                    <p><a class="button" href="/meldingen/instellingen">{t!(i18n, notify.settings_link)}</a></p>
                }.into_any()
            } else if failed() {
                view! {
                    <p class="notice error" role="alert">{t!(i18n, notify.unsubscribe_invalid)}</p>
                    <p><a class="button" href="/meldingen/instellingen">{t!(i18n, notify.settings_link)}</a></p>
                }.into_any()
            } else {
                view! {
                    <p>{t!(i18n, notify.unsubscribe_explain)}</p>
                    <form method="post" action=action>
                        <button type="submit" class="primary">{t!(i18n, notify.unsubscribe_button)}</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
