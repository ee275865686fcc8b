use leptos::prelude::*;

use crate::ui::title::PageTitle;

use crate::{
    accounts::api::{load_me, Logout, LogoutEverywhere, SetLocale},
    i18n::*,
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let logout = ServerAction::<Logout>::new();
    let logout_all = ServerAction::<LogoutEverywhere>::new();
    let locale = ServerAction::<SetLocale>::new();
    let user = Resource::new(|| (), |_| load_me());
    let body = move || {
        Suspend::new(async move {
            let u = match user.await {
                Ok(Some(u)) => u,
                Ok(None) => return page_error(crate::error::AppError::Unauthorized),
                Err(e) => return page_error(e),
            };
            let is_nl = u.locale != "en";
            view! {
                <section class="card">
                    <h1>{t!(i18n, account.title)}</h1>
                    <p class="lead">{t!(i18n, account.signed_in_as, name = u.name.clone())}</p>
                </section>
                {u.has_children.then(|| view! {
                    <section class="card">
                        <h2>{t!(i18n, consent.title)}</h2>
                        <p class="muted">{t!(i18n, consent.intro)}</p>
                        <a class="button" href="/toestemming">{t!(i18n, consent.manage_link)}</a>
                    </section>
                })}
                <section class="card">
                    <h2>{t!(i18n, notify.title)}</h2>
                    <p class="muted">{t!(i18n, notify.account_intro)}</p>
                    <a class="button" href="/meldingen/instellingen">{t!(i18n, notify.settings_link)}</a>
                </section>
                <crate::ui::pwa::InstallHint/>
                <section class="card">
                    <h2>{t!(i18n, account.language)}</h2>
                    <FormError result=locale.value()/>
                    <ActionForm action=locale>
                        <fieldset>
                            <legend class="sr-only">{t!(i18n, account.language)}</legend>
                            <label class="choice"><input type="radio" name="locale" value="nl" checked=is_nl/>{t!(i18n, account.lang_nl)}</label>
                            <label class="choice"><input type="radio" name="locale" value="en" checked=!is_nl/>{t!(i18n, account.lang_en)}</label>
                        </fieldset>
                        <button type="submit">{t!(i18n, account.save_language)}</button>
                    </ActionForm>
                </section>
                <section class="card">
                    <h2>{t!(i18n, account.sessions)}</h2>
                    <p class="muted">{t!(i18n, account.sessions_help)}</p>
                    <div class="actions">
                        <ActionForm action=logout>
                            <button type="submit" class="primary">{t!(i18n, account.logout)}</button>
                        </ActionForm>
                        <ActionForm action=logout_all>
                            <button type="submit">{t!(i18n, account.logout_everywhere)}</button>
                        </ActionForm>
                    </div>
                </section>
            }
            .into_any()
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, account.title).to_string()/>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}
