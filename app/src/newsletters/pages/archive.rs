use leptos::prelude::*;

use crate::ui::title::PageTitle;

use crate::{
    i18n::*,
    newsletters::{api::newsletters, model::NewsletterItem},
    ui::feedback::{page_error, Loading},
};

/// Every newsletter the viewer may read, newest first; for the directie also their unsent ones.
#[component]
pub fn NewslettersPage() -> impl IntoView {
    let i18n = use_i18n();
    let archive = Resource::new(|| (), |_| newsletters());
    let item = move |n: NewsletterItem, unsent: bool| {
        let title = n
            .title
            .clone()
            .unwrap_or_else(|| t_string!(i18n, newsletter.untitled).to_string());
        let state = match (unsent, n.status.as_str()) {
            (true, "scheduled") => {
                t_string!(i18n, newsletter.scheduled_for, when = n.when.clone()).to_string()
            }
            (true, _) => t_string!(i18n, newsletter.draft).to_string(),
            _ => n.when.clone(),
        };
        view! {
            <li>
                <a href=format!("/bericht/{}", n.id)>
                    <strong>{title}</strong>
                    <span class="muted small">{format!("{} · {state}", n.school_name)}</span>
                </a>
            </li>
        }
    };
    let body = move || {
        Suspend::new(async move {
            let a = match archive.await {
                Ok(a) => a,
                Err(e) => return page_error(e),
            };
            let drafts = (!a.drafts.is_empty()).then(|| {
                view! {
                    <section class="card" aria-labelledby="unsent-h">
                        <h2 id="unsent-h">{t!(i18n, newsletter.unsent_heading)}</h2>
                        <ul class="list newsletter-list">{a.drafts.into_iter().map(|n| item(n, true)).collect_view()}</ul>
                    </section>
                }
            });
            let published = if a.published.is_empty() {
                view! { <section class="card empty"><p>{t!(i18n, newsletter.none)}</p></section> }
                    .into_any()
            } else {
                view! {
                    <section class="card" aria-labelledby="sent-h">
                        <h2 id="sent-h">{t!(i18n, newsletter.sent_heading)}</h2>
                        <ul class="list newsletter-list">{a.published.into_iter().map(|n| item(n, false)).collect_view()}</ul>
                    </section>
                }
                .into_any()
            };
            view! {
                {a.can_write.then(|| view! {
                    <p><a class="button primary" href="/nieuwsbrief/nieuw">{t!(i18n, newsletter.new)}</a></p>
                })}
                {drafts}
                {published}
            }
            .into_any()
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, newsletter.archive_title).to_string()/>
        <div class="page-head"><h1>{t!(i18n, newsletter.archive_title)}</h1></div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}
