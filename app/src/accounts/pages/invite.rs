use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_query_map;

use super::login::PasswordFields;
use crate::{
    accounts::api::{load_invitation, AcceptInvitation},
    i18n::*,
    ui::feedback::{FormError, Loading},
};

#[component]
pub fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AcceptInvitation>::new();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let info = Resource::new(token, load_invitation);
    let body = move || {
        Suspend::new(async move {
            match info.await {
                // An existing account accepts with its own password: nothing is linked to an
                // account without its owner (AC-06).
                Ok(inv) if inv.has_account => view! {
                    <h1>{t!(i18n, invite.welcome, name = inv.name.clone())}</h1>
                    <p class="lead">{t!(i18n, invite.intro_existing, school = inv.school.clone())}</p>
                    <p class="muted">{t!(i18n, invite.existing_for, email = inv.email.clone())}</p>
                    <FormError result=action.value()/>
                    <ActionForm action=action>
                        <input type="hidden" name="token" value=token/>
                        <label for="password">{t!(i18n, fields.password)}</label>
                        <input id="password" type="password" name="password" autocomplete="current-password" required/>
                        <button type="submit" class="primary">{t!(i18n, invite.accept)}</button>
                    </ActionForm>
                    <p class="aside"><a href="/wachtwoord-vergeten">{t!(i18n, login.forgot)}</a></p>
                }
                .into_any(),
                Ok(inv) => view! {
                    <h1>{t!(i18n, invite.welcome, name = inv.name.clone())}</h1>
                    <p class="lead">{t!(i18n, invite.intro, school = inv.school.clone())}</p>
                    <p class="muted">{t!(i18n, invite.account_for, email = inv.email.clone())}</p>
                    <FormError result=action.value()/>
                    <ActionForm action=action>
                        <input type="hidden" name="token" value=token/>
                        <PasswordFields/>
                        <button type="submit" class="primary">{t!(i18n, invite.submit)}</button>
                    </ActionForm>
                }
                .into_any(),
                Err(_) => view! {
                    <h1>{t!(i18n, invite.invalid_title)}</h1>
                    <p>{t!(i18n, invite.invalid)}</p>
                    <p class="aside"><a href="/inloggen">{t!(i18n, nav.back_login)}</a></p>
                }
                .into_any(),
            }
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, invite.title).to_string()/>
        <section class="card narrow">
            <Suspense fallback=Loading>{body}</Suspense>
        </section>
    }
}
