use leptos::prelude::*;
use leptos_meta::Title;

use crate::{accounts::api::Login, i18n::*, ui::feedback::FormError};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Login>::new();
    follow_account_locale(action);
    view! {
        <Title text=move || t_string!(i18n, login.title)/>
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

/// After signing in with the app running, show it in the account's language straight away (without
/// JavaScript the next page load does this from the cookie).
pub fn follow_account_locale<S>(action: ServerAction<S>)
where
    S: server_fn::ServerFn<Output = String, Error = crate::error::AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Output: Send + Sync + 'static,
{
    let i18n = use_i18n();
    Effect::new(move |_| {
        if let Some(Ok(code)) = action.value().get() {
            i18n.set_locale(if code == "en" { Locale::en } else { Locale::nl });
        }
    });
}
