//! The photos of a post: a few thumbnails in the feed, all of them on the post page. Every image is
//! fetched from the authorised media route in the size the screen needs (`srcset`).
use leptos::prelude::*;

use crate::{
    i18n::*,
    media::model::{scaled_width, MediaView, Variant},
};

/// How many photos a card in the feed shows before "+N".
const IN_FEED: usize = 4;

#[component]
pub fn Gallery(media: Vec<MediaView>, #[prop(optional)] full: bool, href: String) -> impl IntoView {
    let i18n = use_i18n();
    let total = media.len();
    if total == 0 {
        return None;
    }
    let shown = if full { total } else { total.min(IN_FEED) };
    // The viewer pages through the photos (videos play in place).
    let photos: Vec<MediaView> = media.iter().filter(|m| !m.is_video()).cloned().collect();
    let hidden = total - shown;
    let class = match (full, shown) {
        (false, 1) => "gallery single",
        (false, _) => "gallery compact",
        (true, _) => "gallery",
    };
    let sizes = if full || shown == 1 {
        "(min-width: 720px) 680px, 100vw"
    } else {
        "(min-width: 720px) 340px, 50vw"
    };
    let items = media
        .into_iter()
        .take(shown)
        .enumerate()
        .map(|(i, m)| {
            let n = i + 1;
            let alt = t_string!(i18n, media.photo_alt, n, total).to_string();
            let width = scaled_width(m.width, m.height, Variant::Feed.longest_side());
            let height = scaled_width(m.height, m.width, Variant::Feed.longest_side());
            let link = if full {
                m.url(Variant::Full)
            } else {
                href.clone()
            };
            let more = (!full && hidden > 0 && n == shown).then(|| {
                view! { <span class="more">{t!(i18n, media.more, n = hidden)}</span> }
            });
            if full && m.is_video() {
                let label = t_string!(i18n, media.video_alt, n, total).to_string();
                return view! {
                    <li class="video">
                        <video controls playsinline preload="none" controlslist="nodownload" poster=m.url(Variant::Feed)
                            src=m.url(Variant::Video) width=width height=height aria-label=label></video>
                    </li>
                }
                .into_any();
            }
            let alt = if m.is_video() {
                t_string!(i18n, media.video_alt, n, total).to_string()
            } else {
                alt
            };
            let play = m.is_video().then(|| view! { <span class="play" aria-hidden="true"></span> });
            let restricted = m.restricted.then(|| {
                let label = t_string!(i18n, media.restricted).to_string();
                view! { <span class="restricted" role="img" aria-label=label.clone() title=label></span> }
            });
            // The viewer island opens this photo on a tap (post page only).
            let photo_index = full
                .then(|| photos.iter().position(|p| p.uid == m.uid))
                .flatten()
                .map(|i| i.to_string());
            view! {
                <li>
                    <a href=link data-photo=photo_index>
                        <img src=m.url(Variant::Feed) srcset=m.srcset() sizes=sizes alt=alt
                            width=width height=height loading="lazy" decoding="async"/>
                        {play}
                        {restricted}
                        {more}
                    </a>
                </li>
            }
            .into_any()
        })
        .collect_view();
    let list = view! { <ul class=class aria-label=t_string!(i18n, media.gallery)>{items}</ul> };
    Some(if full && !photos.is_empty() {
        view! { <super::viewer::PhotoViewer photos>{list}</super::viewer::PhotoViewer> }.into_any()
    } else {
        list.into_any()
    })
}
