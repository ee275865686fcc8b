//! One post as a card, used by the feed, group pages and the post page.
use leptos::prelude::*;

use crate::{
    i18n::*,
    media::{
        model::Refusal,
        pages::{refusal_text, Gallery},
    },
    posts::model::PostView,
    ui::{group_name, time::ago},
};

#[component]
pub fn PostCard(post: PostView, now: i64, #[prop(optional)] full: bool) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/bericht/{}", post.id);
    let when = ago(i18n, now, post.created_at);
    let groups = post
        .groups
        .iter()
        .map(|g| {
            let name = group_name(i18n, &g.kind, &g.name);
            view! { <li><a class="chip" href=format!("/groep/{}", g.id)>{name}</a></li> }
        })
        .collect_view();
    let processing = post.processing();
    let newsletter = post.is_newsletter();
    let preview = full && post.unsent();
    let attachments = (full && !post.attachments.is_empty()).then(|| {
        let items = post
            .attachments
            .iter()
            .map(|a| {
                view! {
                    <li>
                        <a href=a.url() download>{a.name.clone()}</a>
                        <span class="muted small">{format!(" ({})", a.size_text())}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="attachments" aria-label=t_string!(i18n, newsletter.attachments_label)>
                <ul class="plain-list">{items}</ul>
            </section>
        }
    });
    let comment_count = match post.comment_count {
        0 => None,
        1 => Some(t_string!(i18n, posts.comment_count_single).to_string()),
        n => Some(t_string!(i18n, posts.comment_count_many, count = n).to_string()),
    };
    let class = if post.urgent {
        "card post urgent"
    } else {
        "card post"
    };
    let title = match (post.title.clone(), full) {
        (Some(t), true) => Some(view! { <h1 class="post-title">{t}</h1> }.into_any()),
        (Some(t), false) => {
            Some(view! { <h2 class="post-title"><a href=href.clone()>{t}</a></h2> }.into_any())
        }
        // A post's own page always has a main heading, if only for screen readers.
        (None, true) => {
            let author = post.author_name.clone();
            Some(
                view! { <h1 class="sr-only">{t!(i18n, posts.untitled_heading, author)}</h1> }
                    .into_any(),
            )
        }
        (None, false) => None,
    };
    let post_id = post.id;
    view! {
        <article class=class data-post-id=post_id>
            <header class="post-meta">
                <ul class="chips">{groups}</ul>
                <p>
                    <span class="author">{post.author_name.clone()}</span>
                    <a class="when" href=href.clone()><time>{when}</time></a>
                </p>
                {post.urgent.then(|| view! { <p class="badge urgent-badge">{t!(i18n, posts.urgent)}</p> })}
                {post.pinned.then(|| view! { <p class="badge">{t!(i18n, posts.pinned)}</p> })}
                {newsletter.then(|| view! { <p class="badge newsletter-badge">{t!(i18n, newsletter.badge)}</p> })}
            </header>
            {preview.then(|| view! { <p class="notice preview" role="status">{t!(i18n, newsletter.preview_notice)}</p> })}
            {(preview && post.pending_media > 0).then(|| {
                let text = match post.pending_media {
                    1 => t_string!(i18n, newsletter.media_pending_single).to_string(),
                    n => t_string!(i18n, newsletter.media_pending_many, count = n).to_string(),
                };
                view! { <p class="notice processing" role="status">{text}</p> }
            })}
            {title}
            {processing.then(|| view! { <p class="notice processing" role="status">{t!(i18n, media.processing)}</p> })}
            {(full && !post.failed_media.is_empty()).then(|| {
                let reasons = post
                    .failed_media
                    .iter()
                    .map(|key| view! { <li>{refusal_text(i18n, &Refusal::new(key))}</li> })
                    .collect_view();
                view! {
                    <div class="notice error" role="status">
                        <p>{t!(i18n, media.failed_items)}</p>
                        <ul class="plain-list">{reasons}</ul>
                        <p class="hint">{t!(i18n, media.failed_hint)}</p>
                    </div>
                }
            })}
            // In the feed a newsletter shows its title and photos; it is read on its own page.
            {(full || !newsletter).then(|| view! { <div class="post-body" inner_html=post.body_html.clone()></div> })}
            <Gallery media=post.media.clone() full href=href.clone()/>
            {attachments}
            {(!full).then(|| view! {
                <footer class="post-foot meta-line">
                    <a href=href.clone()>
                        {if newsletter { t!(i18n, newsletter.read).into_any() } else { t!(i18n, posts.open).into_any() }}
                    </a>
                    {comment_count.map(|c| view! { <a href=format!("{href}#reacties")>{c}</a> })}
                </footer>
            })}
        </article>
    }
}
