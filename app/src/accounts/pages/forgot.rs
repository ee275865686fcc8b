use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_query_map;

use crate::{accounts::api::RequestReset, i18n::*, ui::feedback::FormError};

#[component]
pub fn ForgotPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestReset>::new();
    let query = use_query_map();
    let sent = move || query.read().get("verstuurd").is_some();
    view! {
        <PageTitle text=t_string!(i18n, forgot.title).to_string()/>
        <section class="card narrow">
            <h1>{t!(i18n, forgot.title)}</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p class="lead">{t!(i18n, forgot.intro)}</p>
                    <FormError result=action.value()/>
                    <ActionForm action=action>
                        <label for="email">{t!(i18n, fields.email)}</label>
                        <input id="email" type="email" name="email" autocomplete="username" required inputmode="email"/>
                        <button type="submit" class="primary">{t!(i18n, forgot.submit)}</button>
                    </ActionForm>
                }
            >
                <p class="notice ok" role="status">{t!(i18n, forgot.sent)}</p>
            </Show>
            <p class="aside"><a href="/inloggen">{t!(i18n, nav.back_login)}</a></p>
        </section>
    }
}
