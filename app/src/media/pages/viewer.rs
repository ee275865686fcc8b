//! The full-screen photo viewer: swipe on phones, arrow keys and Escape on laptops. Without
//! JavaScript the gallery links open each photo on its own, so nothing depends on this.
use leptos::{html, prelude::*};

use crate::{
    i18n::*,
    media::model::{MediaView, Variant},
};

/// A swipe shorter than this (CSS pixels) is a tap.
const SWIPE: i32 = 50;

/// The only part of a gallery that runs in the browser (an island): the server renders the photo
/// links, and a tap on one (`a[data-photo]`) opens the viewer instead of following the link.
#[island]
pub fn PhotoViewer(photos: Vec<MediaView>, children: Children) -> impl IntoView {
    let open = RwSignal::new(None::<usize>);
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let index = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("a[data-photo]").ok().flatten())
                .and_then(|a| a.get_attribute("data-photo"))
                .and_then(|s| s.parse::<usize>().ok());
            if let Some(i) = index {
                ev.prevent_default();
                open.set(Some(i));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <div class="photo-viewer" on:click=on_click>
            {children()}
            <Viewer photos open/>
        </div>
    }
}

#[component]
pub fn Viewer(photos: Vec<MediaView>, open: RwSignal<Option<usize>>) -> impl IntoView {
    let i18n = use_i18n();
    let count = photos.len().max(1) as i32;
    let step = move |by: i32| {
        open.update(|o| {
            if let Some(i) = o {
                *i = (*i as i32 + by).rem_euclid(count) as usize;
            }
        })
    };
    // The phone's Back button closes the viewer instead of leaving the post: opening it adds a
    // history entry, Back (or closing) takes it away again.
    let in_history = StoredValue::new(false);
    Effect::new(move |_| {
        if open.get().is_some() && !in_history.get_value() {
            in_history.set_value(true);
            #[cfg(feature = "hydrate")]
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", None);
            }
        }
    });
    let close = move || {
        if in_history.get_value() {
            // The entry goes; `popstate` then closes the viewer.
            #[cfg(feature = "hydrate")]
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = h.back();
                return;
            }
        }
        open.set(None);
    };
    let back = window_event_listener(leptos::ev::popstate, move |_| {
        if in_history.get_value() {
            in_history.set_value(false);
            open.set(None);
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if open.get_untracked().is_none() {
            return;
        }
        match ev.key().as_str() {
            "Escape" => close(),
            "ArrowLeft" => step(-1),
            "ArrowRight" => step(1),
            _ => {}
        }
    });
    on_cleanup(move || {
        keys.remove();
        back.remove();
    });
    let close_button = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if open.get().is_some() {
            if let Some(b) = close_button.get() {
                let _ = b.focus();
            }
        }
    });
    let touch_x = StoredValue::new(None::<i32>);
    // Touch lists exist only in the browser build.
    let on_touch_start = move |ev: leptos::ev::TouchEvent| {
        #[cfg(feature = "hydrate")]
        touch_x.set_value(ev.changed_touches().get(0).map(|t| t.client_x()));
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_touch_end = move |ev: leptos::ev::TouchEvent| {
        #[cfg(feature = "hydrate")]
        {
            let end = ev.changed_touches().get(0).map(|t| t.client_x());
            if let (Some(start), Some(end)) = (touch_x.get_value(), end) {
                if end - start > SWIPE {
                    step(-1);
                } else if start - end > SWIPE {
                    step(1);
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, touch_x, SWIPE);
    };
    move || {
        let index = open.get()?;
        let photo = photos.get(index)?.clone();
        let (n, total) = (index + 1, photos.len());
        let label = t_string!(i18n, media.photo_alt, n, total).to_string();
        let (alt, count_text) = (label.clone(), label.clone());
        Some(view! {
            <div class="viewer" role="dialog" aria-modal="true" aria-label=label
                on:touchstart=on_touch_start on:touchend=on_touch_end>
                <img src=photo.url(Variant::Full) srcset=photo.srcset() sizes="100vw" alt=alt/>
                <p class="viewer-count" aria-hidden="true">{count_text}</p>
                <button type="button" class="viewer-close" node_ref=close_button on:click=move |_| close()>
                    {t!(i18n, media.viewer_close)}
                </button>
                {(total > 1).then(|| view! {
                    <button type="button" class="viewer-prev" aria-label=t_string!(i18n, media.viewer_prev)
                        on:click=move |_| step(-1)></button>
                    <button type="button" class="viewer-next" aria-label=t_string!(i18n, media.viewer_next)
                        on:click=move |_| step(1)></button>
                })}
            </div>
        })
    }
}
