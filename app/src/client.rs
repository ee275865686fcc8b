//! What every island needs from "above" in the browser. Kring is rendered by the server; only the
//! interactive parts (islands) run as WASM, and they have no `App` around them on the client.
use leptos::prelude::*;
use leptos_i18n::context::{init_i18n_context_with_options, I18nContextOptions};

use crate::i18n::Locale;

/// Called once after `hydrate_islands()`, on the root owner every island is a child of.
pub fn start() {
    // The language comes from `<html lang>`, which the server set; only the server writes the cookie.
    let i18n = init_i18n_context_with_options::<Locale>(
        I18nContextOptions::default().enable_cookie(false),
    );
    provide_context(i18n);
    // A server function that answers with a redirect (publishing a post) navigates the page; without
    // a client-side router nobody else would.
    let _ = server_fn::redirect::set_redirect_hook(|to: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_href(to);
        }
    });
    // End-to-end tests wait for this marker. Islands hydrate in the same task as this call, so a
    // zero timeout runs after all of them.
    set_timeout(
        || {
            if let Some(body) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body())
            {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
