//! `/mijn-kind`: a guardian's album of their own children, per school year, with a zip per year.
//! Thumbnails open the photo itself; without JavaScript that is a plain link, with it the viewer.
use leptos::prelude::*;

use crate::ui::title::PageTitle;

use super::{
    api::load_album,
    model::{zip_url, AlbumChild, AlbumYear},
};
use crate::{
    i18n::*,
    media::{
        model::{MediaView, Variant},
        pages::viewer::PhotoViewer,
    },
    ui::feedback::{page_error, Loading},
};

#[component]
pub fn AlbumPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_album());
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok(children) if children.is_empty() => {
                    view! { <p class="card muted">{t!(i18n, consent.no_children)}</p> }.into_any()
                }
                Ok(children) => children
                    .into_iter()
                    .map(|child| view! { <ChildAlbum child/> })
                    .collect_view()
                    .into_any(),
                Err(e) => page_error(e).into_any(),
            }
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, album.title).to_string()/>
        <h1>{t!(i18n, album.title)}</h1>
        <p class="lead">{t!(i18n, album.intro)}</p>
        <Suspense fallback=|| view! { <Loading/> }>{body}</Suspense>
    }
}

#[component]
fn ChildAlbum(child: AlbumChild) -> impl IntoView {
    let i18n = use_i18n();
    let AlbumChild {
        pupil_id,
        name,
        years,
    } = child;
    let content = if years.is_empty() {
        view! { <p class="muted">{t_string!(i18n, album.empty, name = name.clone()).to_string()}</p> }
            .into_any()
    } else {
        years
            .into_iter()
            .map(|year| view! { <YearAlbum pupil_id year/> })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card album">
            <h2>{name}</h2>
            {content}
        </section>
    }
}

#[component]
fn YearAlbum(pupil_id: i64, year: AlbumYear) -> impl IntoView {
    let i18n = use_i18n();
    let AlbumYear { name, items } = year;
    let count = items.len();
    let photos: Vec<MediaView> = items.iter().filter(|m| !m.is_video()).cloned().collect();
    let tiles = items
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let n = i + 1;
            let (href, alt) = if m.is_video() {
                (m.url(Variant::Video), t_string!(i18n, media.video_alt, n, total = count).to_string())
            } else {
                (m.url(Variant::Full), t_string!(i18n, media.photo_alt, n, total = count).to_string())
            };
            let play = m.is_video().then(|| view! { <span class="play" aria-hidden="true"></span> });
            let photo_index = photos.iter().position(|p| p.uid == m.uid).map(|i| i.to_string());
            view! {
                <li>
                    <a href=href data-photo=photo_index>
                        <img src=m.url(Variant::Thumb) alt=alt width="200" height="200" loading="lazy" decoding="async"/>
                        {play}
                    </a>
                </li>
            }
        })
        .collect_view();
    let label = t_string!(i18n, album.year, year = name.clone(), n = count).to_string();
    view! {
        <div class="album-year">
            <div class="album-head">
                <h3>{label.clone()}</h3>
                <a class="button" href=zip_url(pupil_id, &name) download="">
                    {t!(i18n, album.download)}
                </a>
            </div>
            <PhotoViewer photos>
                <ul class="gallery album-grid" aria-label=label>{tiles}</ul>
            </PhotoViewer>
        </div>
    }
}
