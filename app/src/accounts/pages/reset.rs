use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_query_map;

use super::login::PasswordFields;
use crate::{accounts::api::ResetPassword, i18n::*, ui::feedback::FormError};

#[component]
pub fn ResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ResetPassword>::new();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <PageTitle text=t_string!(i18n, reset.title).to_string()/>
        <section class="card narrow">
            <h1>{t!(i18n, reset.title)}</h1>
            <p class="lead">{t!(i18n, reset.intro)}</p>
            <FormError result=action.value()/>
            <ActionForm action=action>
                <input type="hidden" name="token" value=token/>
                <PasswordFields/>
                <button type="submit" class="primary">{t!(i18n, reset.submit)}</button>
            </ActionForm>
        </section>
    }
}
