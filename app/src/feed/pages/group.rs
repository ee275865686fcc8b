use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::feed::PostList;
use crate::{
    app::param_id,
    feed::api::group_feed,
    i18n::*,
    ui::{
        feedback::{page_error, Loading},
        group_name,
    },
};

/// One group's page: its pinned posts first.
#[component]
pub fn GroupPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || (param_id(params.read().get("id")), query.read().get("tot")),
        |(id, cursor)| group_feed(id, cursor),
    );
    let body = move || {
        Suspend::new(async move {
            match page.await {
                Ok(p) => {
                    let group = p.group.clone();
                    let name = group
                        .as_ref()
                        .map(|g| group_name(i18n, &g.kind, &g.name))
                        .unwrap_or_default();
                    let consent = group
                        .as_ref()
                        .filter(|g| p.can_post && g.kind == "class")
                        .map(|g| format!("/beheer/groep/{}/toestemming", g.id));
                    let href = group
                        .map(|g| format!("/groep/{}", g.id))
                        .unwrap_or_default();
                    view! {
                        <PageTitle text=name.clone()/>
                        <div class="page-head">
                            <h1>{name}</h1>
                            {consent.map(|href| view! { <a class="button" href=href>{t!(i18n, consent.group_link)}</a> })}
                        </div>
                        <PostList page=p more_href=href/>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! { <Suspense fallback=Loading>{body}</Suspense> }
}
