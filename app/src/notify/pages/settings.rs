use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_query_map;

use super::kind_name;
use crate::{
    i18n::*,
    notify::{
        api::{load_prefs, SavePrefs},
        model::{Frequency, Kind},
    },
    ui::feedback::{page_error, FormError, Loading},
};

/// How news reaches this person: per kind push and/or e-mail, how often e-mail comes, muted groups,
/// and push on this device (`/push.js` asks the browser, only after a tap).
#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SavePrefs>::new();
    let query = use_query_map();
    let prefs = Resource::new(|| (), |_| load_prefs());
    let body = move || {
        Suspend::new(async move {
            let p = match prefs.await {
                Ok(p) => p,
                Err(e) => return page_error(e),
            };
            let saved = query.read_untracked().get("opgeslagen").is_some();
            let current = p.frequency;
            let channels = p.channels.clone();
            let freq = move |f: Frequency, label: String, hint: String| {
                view! {
                    <label class="choice">
                        <input type="radio" name="frequency" value=f.as_str() checked=current == f/>
                        <span>{label}<span class="muted small block">{hint}</span></span>
                    </label>
                }
            };
            view! {
                {saved.then(|| view! { <p class="notice ok" role="status">{t!(i18n, notify.saved)}</p> })}
                {p.email_failed.then(|| view! { <p class="notice error" role="alert">{t!(i18n, notify.email_failed)}</p> })}
                <section class="card push-card">
                    <h2>{t!(i18n, notify.push_title)}</h2>
                    <p class="muted" data-push-state="off" hidden>{t!(i18n, notify.push_off_help)}</p>
                    <p class="muted" data-push-state="on" hidden>{t!(i18n, notify.push_on_help)}</p>
                    <p class="muted" data-push-state="denied" hidden>{t!(i18n, notify.push_denied)}</p>
                    <p class="muted" data-push-state="unsupported">{t!(i18n, notify.push_unsupported)}</p>
                    <div class="actions">
                        <button type="button" class="primary" id="push-on" hidden>{t!(i18n, notify.push_on)}</button>
                        <button type="button" id="push-off" hidden>{t!(i18n, notify.push_off)}</button>
                    </div>
                    {(p.push_devices > 0).then(|| view! {
                        <p class="muted small">{t!(i18n, notify.push_devices, count = p.push_devices)}</p>
                    })}
                </section>
                <FormError result=save.value()/>
                <ActionForm action=save>
                    <section class="card">
                        <h2>{t!(i18n, notify.what_title)}</h2>
                        <p class="muted">{t!(i18n, notify.what_help)}</p>
                        {if p.channels.is_empty() {
                            view! { <p class="muted">{t!(i18n, notify.nothing_to_set)}</p> }.into_any()
                        } else {
                            view! {
                        <table class="prefs">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, notify.col_kind)}</th>
                                    <th scope="col">{t!(i18n, notify.col_push)}</th>
                                    <th scope="col">{t!(i18n, notify.col_email)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {channels.iter().map(|c| {
                                    let name = kind_name(i18n, c.kind);
                                    let push_label = format!("{name}: {}", t_string!(i18n, notify.col_push));
                                    let email_label = format!("{name}: {}", t_string!(i18n, notify.col_email));
                                    view! {
                                        <tr>
                                            <th scope="row">
                                                {name.clone()}
                                                {(c.kind == Kind::Urgent).then(|| view! {
                                                    <span class="muted small block">{t!(i18n, notify.urgent_always)}</span>
                                                })}
                                            </th>
                                            <td><input type="checkbox" name="push[]" value=c.kind.as_str() checked=c.push aria-label=push_label/></td>
                                            <td><input type="checkbox" name="email[]" value=c.kind.as_str() checked=c.email aria-label=email_label/></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                            }.into_any()
                        }}
                    </section>
                    <section class="card">
                        <fieldset>
                            <legend><h2>{t!(i18n, notify.frequency_title)}</h2></legend>
                            {freq(Frequency::Immediately, t_string!(i18n, notify.freq_now).to_string(), t_string!(i18n, notify.freq_now_hint).to_string())}
                            {freq(Frequency::Daily, t_string!(i18n, notify.freq_daily).to_string(), t_string!(i18n, notify.freq_daily_hint).to_string())}
                            {freq(Frequency::Weekly, t_string!(i18n, notify.freq_weekly).to_string(), t_string!(i18n, notify.freq_weekly_hint).to_string())}
                        </fieldset>
                    </section>
                    {(!p.groups.is_empty()).then(|| view! {
                        <section class="card">
                            <fieldset>
                                <legend><h2>{t!(i18n, notify.mute_title)}</h2></legend>
                                <p class="muted">{t!(i18n, notify.mute_help)}</p>
                                {p.groups.iter().map(|g| view! {
                                    <label class="choice">
                                        <input type="checkbox" name="muted[]" value=g.id checked=g.muted/>
                                        <span>{g.name.clone()}<span class="muted small block">{g.school.clone()}</span></span>
                                    </label>
                                }).collect_view()}
                            </fieldset>
                        </section>
                    })}
                    <div class="actions">
                        <button type="submit" class="primary">{t!(i18n, notify.save)}</button>
                    </div>
                </ActionForm>
                <script src="/push.js" defer></script>
            }
            .into_any()
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, notify.settings_title).to_string()/>
        <div class="page-head">
            <h1>{t!(i18n, notify.settings_title)}</h1>
            <a class="button" href="/meldingen">{t!(i18n, notify.title)}</a>
        </div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}
