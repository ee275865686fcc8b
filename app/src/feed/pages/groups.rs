use leptos::prelude::*;

use crate::ui::title::PageTitle;

use crate::{
    admin::pages::foundation::AdminInstead,
    feed::api::my_groups,
    i18n::*,
    ui::{
        feedback::{page_error, Loading},
        group_name,
    },
};

/// The groups the reader can open: their children's groups and school groups, or a teacher's own.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let i18n = use_i18n();
    let groups = Resource::new(|| (), |_| my_groups());
    let body = move || {
        Suspend::new(async move {
            match groups.await {
                Ok(list) if list.is_empty() => view! {
                    <AdminInstead fallback=true/>
                }
                .into_any(),
                Ok(list) => view! {
                    <ul class="card list">
                        {list.into_iter().map(|g| {
                            let name = group_name(i18n, &g.kind, &g.name);
                            view! { <li><a href=format!("/groep/{}", g.id)>{name}</a></li> }
                        }).collect_view()}
                        <li>
                            <a href="/nieuwsbrieven">
                                <strong>{t!(i18n, newsletter.archive_title)}</strong>
                                <span class="muted small">{t!(i18n, newsletter.groups_link_hint)}</span>
                            </a>
                        </li>
                    </ul>
                }
                .into_any(),
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, groups.title).to_string()/>
        <div class="page-head"><h1>{t!(i18n, groups.title)}</h1></div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}
