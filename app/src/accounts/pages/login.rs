use leptos::prelude::*;

use crate::ui::title::PageTitle;

use crate::{accounts::api::Login, i18n::*, ui::feedback::FormError};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Login>::new();
    view! {
        <PageTitle text=t_string!(i18n, login.title).to_string()/>
        <section class="card narrow">
            <h1>{t!(i18n, login.title)}</h1>
            <p class="lead">{t!(i18n, login.intro)}</p>
            <FormError result=action.value()/>
            <ActionForm action=action>
                <label for="email">{t!(i18n, fields.email)}</label>
                <input id="email" type="email" name="email" autocomplete="username" required inputmode="email"/>
                <label for="password">{t!(i18n, fields.password)}</label>
                <input id="password" type="password" name="password" autocomplete="current-password" required/>
                <button type="submit" class="primary">{t!(i18n, login.submit)}</button>
            </ActionForm>
            <p class="aside"><a href="/wachtwoord-vergeten">{t!(i18n, login.forgot)}</a></p>
            <p class="aside muted">{t!(i18n, login.invite_only)}</p>
        </section>
    }
}

/// New password and its confirmation, with the rule said up front.
#[component]
pub fn PasswordFields() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="password">{t!(i18n, fields.new_password)}</label>
        <input id="password" type="password" name="password" autocomplete="new-password" minlength="10" required aria-describedby="password-hint"/>
        <p id="password-hint" class="hint">{t!(i18n, fields.password_hint)}</p>
        <label for="password_confirm">{t!(i18n, fields.password_confirm)}</label>
        <input id="password_confirm" type="password" name="password_confirm" autocomplete="new-password" minlength="10" required/>
    }
}
