//! "Gezien" counts what a guardian had on screen in the feed, not only the posts they opened: short
//! posts are read in full there. This island watches the feed's posts and reports those at least
//! half in view for a moment; it also tells the server (a cookie) that this browser reports, so
//! serving the feed no longer counts as seeing it.
use leptos::prelude::*;

/// How long reports are gathered before they are sent together.
#[cfg(feature = "hydrate")]
const BATCH: std::time::Duration = std::time::Duration::from_millis(1500);

#[island]
pub fn SeenReporter() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| watch());
}

#[cfg(feature = "hydrate")]
fn watch() {
    use std::{cell::RefCell, collections::BTreeSet, rc::Rc};

    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(html) = document.clone().dyn_into::<web_sys::HtmlDocument>() {
        let _ = html.set_cookie(&format!(
            "{}=1; Path=/; Max-Age=31536000; SameSite=Lax",
            crate::posts::model::SCRIPT_COOKIE
        ));
    }
    let waiting: Rc<RefCell<BTreeSet<i64>>> = Rc::default();
    let sent: Rc<RefCell<BTreeSet<i64>>> = Rc::default();
    let scheduled = Rc::new(RefCell::new(false));
    let on_change = {
        let (waiting, sent, scheduled) = (waiting.clone(), sent.clone(), scheduled.clone());
        Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            for entry in entries.iter() {
                let Ok(entry) = entry.dyn_into::<IntersectionObserverEntry>() else {
                    continue;
                };
                let id = entry
                    .target()
                    .get_attribute("data-post-id")
                    .and_then(|v| v.parse::<i64>().ok());
                if let Some(id) = id.filter(|_| entry.is_intersecting()) {
                    if !sent.borrow().contains(&id) {
                        waiting.borrow_mut().insert(id);
                    }
                }
            }
            if waiting.borrow().is_empty() || *scheduled.borrow() {
                return;
            }
            *scheduled.borrow_mut() = true;
            let (waiting, sent, scheduled) = (waiting.clone(), sent.clone(), scheduled.clone());
            set_timeout(
                move || {
                    *scheduled.borrow_mut() = false;
                    let ids: Vec<i64> = std::mem::take(&mut *waiting.borrow_mut())
                        .into_iter()
                        .collect();
                    sent.borrow_mut().extend(ids.iter().copied());
                    leptos::task::spawn_local(async move {
                        let _ = crate::feed::api::posts_seen(ids).await;
                    });
                },
                BATCH,
            );
        })
    };
    let options = IntersectionObserverInit::new();
    options.set_threshold(&wasm_bindgen::JsValue::from_f64(0.5));
    let Ok(observer) =
        IntersectionObserver::new_with_options(on_change.as_ref().unchecked_ref(), &options)
    else {
        return;
    };
    on_change.forget();
    if let Ok(posts) = document.query_selector_all("article[data-post-id]") {
        for i in 0..posts.length() {
            if let Some(el) = posts
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                observer.observe(&el);
            }
        }
    }
}
