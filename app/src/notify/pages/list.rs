use leptos::prelude::*;

use crate::ui::title::PageTitle;

use super::kind_name;
use crate::{
    i18n::*,
    notify::{api::load_notifications, model::Kind},
    ui::{
        feedback::{page_error, Loading},
        time::ago,
    },
};

/// Everything that happened for this person, newest first; opening the page marks it read.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| load_notifications());
    let body = move || {
        Suspend::new(async move {
            let list = match list.await {
                Ok(l) => l,
                Err(e) => return page_error(e),
            };
            if list.items.is_empty() {
                return view! {
                    <section class="card empty"><p>{t!(i18n, notify.none)}</p></section>
                }
                .into_any();
            }
            let now = list.now;
            view! {
                <ul class="card list notifications">
                    {list.items.into_iter().map(|n| {
                        let class = match (n.unread, n.kind == Kind::Urgent) {
                            (_, true) => "notification urgent",
                            (true, _) => "notification unread",
                            _ => "notification",
                        };
                        let mut meta = vec![kind_name(i18n, n.kind)];
                        meta.extend([n.group.clone(), n.author.clone()].into_iter().filter(|s| !s.is_empty()));
                        meta.push(ago(i18n, now, n.created_at));
                        let subject = match &n.notice {
                            Some(notice) => notice.text(i18n.get_locale_untracked()),
                            None if n.subject.is_empty() => kind_name(i18n, n.kind),
                            None => n.subject.clone(),
                        };
                        view! {
                            <li class=class>
                                <a href=n.href>
                                    {n.unread.then(|| view! { <span class="sr-only">{t!(i18n, notify.unread)}</span> })}
                                    <strong>{subject}</strong>
                                    <span class="muted small">{meta.join(" · ")}</span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, notify.title).to_string()/>
        <div class="page-head">
            <h1>{t!(i18n, notify.title)}</h1>
            <a class="button" href="/meldingen/instellingen">{t!(i18n, notify.settings_link)}</a>
        </div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}
