//! The photo picker of the compose form. Without JavaScript it is a plain multi-file input that
//! posts with the form (no progress). With JavaScript every file uploads on its own as soon as it
//! is chosen, with its own progress bar, retry and remove; a failed file never loses the others or
//! the text, and the form sends only the ids of finished uploads.
use leptos::prelude::*;

use super::{refusal_text, tags::TagPicker};
use crate::{
    consent::model::TagCandidate,
    i18n::*,
    media::model::{megabytes, MediaLimits, Refusal},
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadState {
    Queued,
    Sending(u8),
    Done(String),
    Failed(Refusal),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    pub key: u32,
    pub name: String,
    pub state: UploadState,
    /// Children the teacher tagged in it (pupil ids).
    pub tags: Vec<i64>,
    /// The teacher marked that no child is recognisable in it.
    pub no_children: bool,
    /// A local picture of a chosen photo (an object URL), so the teacher sees which photo she tags.
    pub preview: Option<String>,
}

/// Whether any upload is still on its way (the form waits for it).
pub fn busy(uploads: &[Upload]) -> bool {
    uploads
        .iter()
        .any(|u| matches!(u.state, UploadState::Queued | UploadState::Sending(_)))
}

pub const ACCEPT: &str = "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,video/mp4,video/quicktime,video/webm";

#[component]
pub fn Uploader(
    limits: MediaLimits,
    uploads: RwSignal<Vec<Upload>>,
    #[prop(optional)] candidates: Vec<TagCandidate>,
    /// The school wants every item tagged (or marked as showing no recognisable child).
    #[prop(optional)]
    tags_required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let photo = megabytes(limits.photo_bytes);
    let video = megabytes(limits.video_bytes);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        super::xhr::chosen(&ev, uploads, limits);
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, limits);
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        super::xhr::dropped(&ev, uploads, limits);
    };
    let candidates = StoredValue::new(candidates);
    // Which row's tag picker is open (the rows re-render on every progress step).
    let tagging = RwSignal::new(None::<u32>);
    let rows = move || {
        uploads
            .get()
            .into_iter()
            .map(|u| view! { <UploadRow upload=u uploads candidates tagging tags_required/> })
            .collect_view()
    };
    let summary = move || {
        let all = uploads.get();
        let done = all
            .iter()
            .filter(|u| matches!(u.state, UploadState::Done(_)))
            .count();
        (!all.is_empty())
            .then(|| t_string!(i18n, media.progress, done, total = all.len()).to_string())
    };
    let ids = move || {
        uploads
            .get()
            .into_iter()
            .filter_map(|u| match u.state {
                UploadState::Done(uid) => {
                    let tags = u
                        .tags
                        .iter()
                        .map(|p| view! { <input type="hidden" name="post[tags][]" value=format!("{uid}:{p}")/> })
                        .collect_view();
                    let none = u.no_children.then(|| {
                        view! { <input type="hidden" name="post[no_children][]" value=uid.clone()/> }
                    });
                    Some(view! { <input type="hidden" name="post[media][]" value=uid/>{tags}{none} })
                }
                _ => None,
            })
            .collect_view()
    };
    view! {
        <fieldset class="uploader">
            <legend>{t!(i18n, media.photos_label)}</legend>
            <label class="dropzone" for="post-files"
                on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=on_drop>
                <span class="button">{t!(i18n, media.choose)}</span>
                <span class="hint">{t!(i18n, media.drop_hint)}</span>
                <input id="post-files" class="file-input" type="file" name="files" multiple accept=ACCEPT
                    aria-describedby="files-hint" on:change=on_change/>
            </label>
            <p id="files-hint" class="hint">{t!(i18n, media.limit_hint, photo, video)}</p>
            {tags_required.then(|| view! { <p class="hint">{t!(i18n, media.tags_required_hint)}</p> })}
            <ul class="uploads">{rows}</ul>
            <p class="hint" aria-live="polite">{summary}</p>
            {ids}
        </fieldset>
    }
}

#[component]
fn UploadRow(
    upload: Upload,
    uploads: RwSignal<Vec<Upload>>,
    candidates: StoredValue<Vec<TagCandidate>>,
    tagging: RwSignal<Option<u32>>,
    tags_required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = upload.key;
    let name = upload.name.clone();
    let remove_label = t_string!(i18n, media.remove_label, name = name.clone()).to_string();
    let (status, percent, class) = match &upload.state {
        UploadState::Queued => (t_string!(i18n, media.queued).to_string(), 0, "upload"),
        UploadState::Sending(p) => (
            t_string!(i18n, media.uploading, percent = *p).to_string(),
            *p,
            "upload",
        ),
        UploadState::Done(_) => (t_string!(i18n, media.done).to_string(), 100, "upload done"),
        UploadState::Failed(r) => (refusal_text(i18n, r), 0, "upload failed"),
    };
    let failed = matches!(upload.state, UploadState::Failed(_));
    // "Opnieuw" only where trying again could help.
    let retryable = matches!(&upload.state, UploadState::Failed(r) if r.retryable());
    let done = matches!(upload.state, UploadState::Done(_));
    let tags = upload.tags.clone();
    let no_children = upload.no_children;
    let untagged = done && tags_required && tags.is_empty() && !no_children;
    let retry = move |_| {
        #[cfg(feature = "hydrate")]
        super::xhr::retry(key, uploads);
    };
    let remove = move |_| {
        #[cfg(feature = "hydrate")]
        super::xhr::forget(key);
        uploads.update(|all| all.retain(|u| u.key != key));
    };
    let preview = upload.preview.clone();
    let thumb = preview
        .clone()
        .map(|src| view! { <img class="upload-thumb" src=src alt="" width="56" height="56"/> });
    view! {
        <li class=class>
            <span class="name">{thumb}<span class="file-name">{name}</span></span>
            <progress max="100" value=percent aria-hidden="true"></progress>
            <span class="status" role=failed.then_some("alert")>{status}</span>
            <span class="row-actions">
                {retryable.then(|| view! { <button type="button" on:click=retry>{t!(i18n, media.retry)}</button> })}
                <button type="button" aria-label=remove_label on:click=remove>{t!(i18n, media.remove)}</button>
            </span>
            // With the school's tagging rule the picker is there even without children to pick, so
            // "no recognisable child" can be ticked.
            {(done && (tags_required || !candidates.with_value(Vec::is_empty))).then(|| view! {
                <TagPicker key tags no_children uploads candidates tagging preview=preview.clone()/>
            })}
            {untagged.then(|| view! { <span class="status needs-tags">{t!(i18n, media.needs_tags)}</span> })}
        </li>
    }
}
