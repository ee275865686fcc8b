//! The installed app in the browser: registering the service worker, offering a new version
//! ("Nieuwe versie — vernieuwen"), and the install button or the iPhone hint.
use leptos::prelude::*;

use crate::i18n::*;

/// Shown on every page once a new version is ready; the page reloads once, on request.
#[island]
pub fn AppUpdate() -> impl IntoView {
    let i18n = use_i18n();
    let ready = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| client::register(ready));
    let refresh = move |_| {
        #[cfg(feature = "hydrate")]
        client::activate();
    };
    move || {
        ready.get().then(|| {
            view! {
                <p class="notice update" role="status">
                    <span>{t!(i18n, app.update_ready)}</span>
                    <button type="button" class="primary" on:click=refresh>{t!(i18n, app.update_action)}</button>
                </p>
            }
        })
    }
}

/// How this browser installs Kring, known only once the page runs in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Install {
    /// Not known yet (server rendering, or no JavaScript): general advice.
    Unknown,
    /// Already opened from the home screen.
    Installed,
    /// The browser offered its install prompt (Android Chrome, desktop Chrome and Edge).
    Prompt,
    /// iPhone or iPad: installing goes through the share menu.
    Ios,
}

/// The account page's "Kring als app" section.
#[island]
pub fn InstallHint() -> impl IntoView {
    let i18n = use_i18n();
    let mode = RwSignal::new(Install::Unknown);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| client::watch_install(mode));
    let install = move |_| {
        #[cfg(feature = "hydrate")]
        client::prompt_install(mode);
    };
    let body = move || {
        match mode.get() {
        Install::Installed => view! { <p>{t!(i18n, app.installed)}</p> }.into_any(),
        Install::Prompt => view! {
            <p>{t!(i18n, app.install_intro)}</p>
            <button type="button" class="primary" on:click=install>{t!(i18n, app.install_button)}</button>
        }
        .into_any(),
        Install::Ios => view! { <p>{t!(i18n, app.install_ios)}</p> }.into_any(),
        Install::Unknown => view! { <p>{t!(i18n, app.install_other)}</p> }.into_any(),
    }
    };
    view! {
        <section class="card install">
            <h2>{t!(i18n, app.install_title)}</h2>
            {body}
        </section>
    }
}

#[cfg(feature = "hydrate")]
mod client {
    use std::{
        cell::RefCell,
        sync::atomic::{AtomicBool, Ordering},
    };

    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

    use super::Install;

    thread_local! {
        static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
        static PROMPT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    }
    /// Set when the user asked for the new version: only then does a change of worker reload.
    static REFRESHING: AtomicBool = AtomicBool::new(false);

    pub fn register(ready: RwSignal<bool>) {
        let Some(window) = web_sys::window() else {
            return;
        };
        // Only secure origins (https, localhost) have service workers.
        let navigator = window.navigator();
        if !js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false) {
            return;
        }
        let container = navigator.service_worker();
        let had_controller = container.controller().is_some();
        let reload = Closure::<dyn FnMut()>::new(move || {
            if REFRESHING.swap(false, Ordering::SeqCst) {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
            }
        });
        container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
        reload.forget();
        let promise = container.register("/sw.js");
        leptos::task::spawn_local(async move {
            let Ok(found) = wasm_bindgen_futures::JsFuture::from(promise).await else {
                return;
            };
            let registration: ServiceWorkerRegistration = found.unchecked_into();
            // A new version installed while an earlier page was open is already waiting.
            if had_controller && registration.waiting().is_some() {
                ready.set(true);
            }
            let watched = registration.clone();
            let on_update = Closure::<dyn FnMut()>::new(move || {
                let Some(worker) = watched.installing() else {
                    return;
                };
                let state_of = worker.clone();
                let on_state = Closure::<dyn FnMut()>::new(move || {
                    if state_of.state() == ServiceWorkerState::Installed && had_controller {
                        ready.set(true);
                    }
                });
                worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
                on_state.forget();
            });
            registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
            on_update.forget();
            REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));
        });
    }

    pub fn activate() {
        REFRESHING.store(true, Ordering::SeqCst);
        REGISTRATION.with(|r| {
            if let Some(waiting) = r.borrow().as_ref().and_then(|r| r.waiting()) {
                let _ = waiting.post_message(&JsValue::from_str("skip-waiting"));
            }
        });
    }

    pub fn watch_install(mode: RwSignal<Install>) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let standalone = window
            .match_media("(display-mode: standalone)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        let agent = window.navigator().user_agent().unwrap_or_default();
        if standalone {
            mode.set(Install::Installed);
            return;
        }
        if agent.contains("iPhone") || agent.contains("iPad") {
            mode.set(Install::Ios);
        }
        // Chrome may have fired the event before this page hydrated; it fires again on load.
        PROMPT.with(|p| {
            if p.borrow().is_some() {
                mode.set(Install::Prompt);
            }
        });
        let on_prompt = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            ev.prevent_default();
            PROMPT.with(|p| *p.borrow_mut() = Some(ev.into()));
            mode.set(Install::Prompt);
        });
        let _ = window.add_event_listener_with_callback(
            "beforeinstallprompt",
            on_prompt.as_ref().unchecked_ref(),
        );
        on_prompt.forget();
    }

    pub fn prompt_install(mode: RwSignal<Install>) {
        let Some(event) = PROMPT.with(|p| p.borrow_mut().take()) else {
            return;
        };
        if let Ok(prompt) = js_sys::Reflect::get(&event, &JsValue::from_str("prompt")) {
            if let Some(prompt) = prompt.dyn_ref::<js_sys::Function>() {
                let _ = prompt.call0(&event);
            }
        }
        // The browser offers its prompt once per event.
        mode.set(Install::Unknown);
    }
}
