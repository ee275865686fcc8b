//! Read receipts on the post page, for the author and the directie.
use leptos::prelude::*;

use crate::{feed::api::read_receipts, i18n::*, ui::feedback::error_text};

#[component]
pub fn ReadReceiptsCard(post_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let receipts = Resource::new(move || post_id, read_receipts);
    let body = move || {
        Suspend::new(async move {
            match receipts.await {
                Ok(r) if r.total == 0 => {
                    view! { <p>{t!(i18n, posts.receipts_none)}</p> }.into_any()
                }
                Ok(r) => {
                    let missing = r.not_seen.clone();
                    let summary =
                        t_string!(i18n, posts.receipts_summary, seen = r.seen, total = r.total)
                            .to_string();
                    view! {
                        <p><strong>{summary}</strong></p>
                        {if missing.is_empty() {
                            view! { <p>{t!(i18n, posts.receipts_all)}</p> }.into_any()
                        } else {
                            let names = missing.into_iter().map(|n| view! { <li>{n}</li> }).collect_view();
                            view! {
                                <details>
                                    <summary>{t!(i18n, posts.receipts_missing, n = r.total - r.seen)}</summary>
                                    <ul class="plain-list">{names}</ul>
                                </details>
                            }
                            .into_any()
                        }}
                    }
                    .into_any()
                }
                Err(e) => view! { <p class="notice error">{error_text(i18n, &e)}</p> }.into_any(),
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="receipts-title">
            <h2 id="receipts-title">{t!(i18n, posts.receipts_title)}</h2>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}
