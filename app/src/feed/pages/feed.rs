use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_query_map;

use super::{card::PostCard, seen::SeenReporter};
use crate::admin::pages::home::AdminHome;
use crate::{
    feed::api::feed,
    i18n::*,
    posts::model::FeedPage as Page,
    ui::feedback::{page_error, Loading},
};

/// Every post of every group the reader may see, newest first. The foundation's admin, who reads
/// no posts, finds the administration here instead of an empty feed.
#[component]
pub fn FeedPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page = Resource::new(move || query.read().get("tot"), feed);
    let head = move || {
        view! {
            <PageTitle text=t_string!(i18n, feed.title).to_string()/>
            <div class="page-head">
                <h1>{t!(i18n, feed.title)}</h1>
            </div>
        }
    };
    let body = move || {
        Suspend::new(async move {
            match page.await {
                Ok(p) if p.admin_only => view! { <AdminHome/> }.into_any(),
                Ok(p) => view! { {head()} <PostList page=p more_href="/".to_string()/> }.into_any(),
                Err(e) => view! { {head()} {page_error(e)} }.into_any(),
            }
        })
    };
    view! {
        <Suspense fallback=Loading>{body}</Suspense>
        <SeenReporter/>
    }
}

/// Pinned posts, then posts, then "Meer laden" (a plain link, so it works without JavaScript).
#[component]
pub fn PostList(page: Page, more_href: String) -> impl IntoView {
    let i18n = use_i18n();
    let now = page.now;
    let compose_href = match &page.group {
        Some(g) => format!("/bericht/nieuw?groep={}", g.id),
        None => "/bericht/nieuw".to_string(),
    };
    let empty = page.posts.is_empty() && page.pinned.is_empty();
    view! {
        {page.can_post.then(|| view! {
            <p class="compose-cta"><a class="button primary" href=compose_href>{t!(i18n, posts.new)}</a></p>
        })}
        {empty.then(|| view! {
            <section class="card empty"><p>{t!(i18n, feed.empty)}</p></section>
        })}
        {(!page.pinned.is_empty()).then(|| view! {
            <h2 class="section-title">{t!(i18n, posts.pinned_section)}</h2>
        })}
        {page.pinned.into_iter().map(|post| view! { <PostCard post now/> }).collect_view()}
        {page.posts.into_iter().map(|post| view! { <PostCard post now/> }).collect_view()}
        {page.next.map(|next| view! {
            <p class="more">
                <a class="button" href=format!("{more_href}?tot={next}")>{t!(i18n, feed.more)}</a>
            </p>
        })}
    }
}
