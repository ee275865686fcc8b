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
    keep_scroll_position();
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

/// Back to a list (the feed, a group) lands where the reader left it: pages are never cached
/// (`no-store`), so the browser loads them anew and would start at the top. The position is kept
/// per address in the tab's session storage while the page is left, and restored after Back.
fn keep_scroll_position() {
    use gloo_storage::{SessionStorage, Storage};
    let Some(window) = web_sys::window() else {
        return;
    };
    let key = |w: &web_sys::Window| {
        let l = w.location();
        format!(
            "kring.scroll.{}{}",
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default()
        )
    };
    let back_forward = window
        .performance()
        .map(|p| p.navigation().type_() == web_sys::PerformanceNavigation::TYPE_BACK_FORWARD)
        .unwrap_or(false);
    if back_forward {
        if let Ok(y) = SessionStorage::get::<f64>(&key(&window)) {
            window.scroll_to_with_x_and_y(0.0, y);
        }
    }
    // Kept for the page's life: the handle only removes the listener when asked.
    let _ = window_event_listener(leptos::ev::pagehide, move |_| {
        if let Some(w) = web_sys::window() {
            let _ = SessionStorage::set(key(&w), w.scroll_y().unwrap_or(0.0));
        }
    });
}
