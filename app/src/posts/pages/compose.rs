use leptos::{form::FromFormData, prelude::*};
use leptos_router::hooks::use_query_map;

use crate::ui::title::PageTitle;

use super::form::PostFields;
use crate::{
    consent::model::TagCandidate,
    error::AppError,
    i18n::*,
    media::{
        model::MediaLimits,
        pages::{upload::busy, Uploader},
    },
    posts::api::{load_compose, CreatePost},
    ui::feedback::{page_error, FormError, Loading},
};

/// The compose form. Without JavaScript it posts text and photos together as one multipart form to
/// `/bericht/nieuw`; with JavaScript the photos upload one by one first and the text goes to the
/// `create_post` server function with their ids.
#[component]
pub fn ComposePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // A refusal from the form post without JavaScript comes back as `?fout=<key>`.
    let returned = move || {
        query.read().get("fout").map(|key| {
            let text = crate::media::pages::returned_text(i18n, &key);
            view! { <p class="notice error" role="alert">{text}</p> }
        })
    };
    let options = Resource::new(|| (), |_| load_compose());
    let body = move || {
        Suspend::new(async move {
            match options.await {
                Ok(o) if o.groups.is_empty() => page_error(AppError::Forbidden),
                Ok(o) => {
                    let preselect = query
                        .read_untracked()
                        .get("groep")
                        .and_then(|g| g.parse().ok());
                    // The directie (who may post school-wide) also writes the newsletter.
                    let newsletter = o.groups.iter().any(|g| g.kind == "school").then(|| view! {
                        <p class="hint"><a href="/nieuwsbrief/nieuw">{t!(i18n, newsletter.compose_link)}</a></p>
                    });
                    view! {
                        {newsletter}
                        <section class="card">
                            {returned}
                            <ComposeForm limits=o.limits candidates=o.candidates tags_required=o.tags_required>
                                <PostFields groups=o.groups preselect=preselect.unwrap_or(0)/>
                            </ComposeForm>
                        </section>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, compose.title).to_string()/>
        <div class="page-head"><h1>{t!(i18n, compose.title)}</h1></div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}

/// The part of the compose page that runs in the browser (an island): photo uploads with progress,
/// tagging, and sending the post once every upload is done. The fields are rendered by the server.
#[island]
fn ComposeForm(
    limits: MediaLimits,
    candidates: Vec<TagCandidate>,
    tags_required: bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreatePost>::new();
    let uploads = RwSignal::new(Vec::new());
    let waiting = move || busy(&uploads.read());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if waiting() {
            return;
        }
        match CreatePost::from_event(&ev) {
            Ok(args) => {
                action.dispatch(args);
            }
            Err(_) => action.value().set(Some(Err(AppError::validation(
                "form",
                crate::error::Invalid::InvalidForm,
            )))),
        }
    };
    view! {
        <FormError result=action.value()/>
        <form method="post" action="/bericht/nieuw" enctype="multipart/form-data" on:submit=on_submit>
            {children()}
            <Uploader limits uploads candidates tags_required/>
            {move || waiting().then(|| view! { <p class="hint" aria-live="polite">{t!(i18n, media.wait)}</p> })}
            <button type="submit" class="primary" disabled=waiting>{t!(i18n, compose.publish)}</button>
        </form>
    }
}
