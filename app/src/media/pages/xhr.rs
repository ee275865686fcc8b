//! The browser side of uploading: one `XMLHttpRequest` per file (fetch has no upload progress), one
//! file at a time so that a phone on a weak connection finishes photos one by one.
use std::{cell::RefCell, collections::HashMap};

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{File, FileList, FormData, HtmlInputElement, ProgressEvent, XmlHttpRequest};

use super::upload::{Upload, UploadState};
use crate::media::model::{MediaLimits, Refusal, UploadAnswer};

thread_local! {
    static FILES: RefCell<HashMap<u32, File>> = RefCell::new(HashMap::new());
    /// The chosen photos' object URLs; dropping one revokes it.
    static PREVIEWS: RefCell<HashMap<u32, gloo_file::ObjectUrl>> = RefCell::new(HashMap::new());
    static NEXT_KEY: RefCell<u32> = const { RefCell::new(0) };
}

pub fn chosen(ev: &leptos::ev::Event, uploads: RwSignal<Vec<Upload>>, limits: MediaLimits) {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
    else {
        return;
    };
    if let Some(files) = input.files() {
        add(&files, uploads, limits);
    }
    // The files now live in the list; clearing the input lets the same photo be chosen again and
    // keeps it out of the form's own submission.
    input.set_value("");
}

pub fn dropped(ev: &leptos::ev::DragEvent, uploads: RwSignal<Vec<Upload>>, limits: MediaLimits) {
    if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
        add(&files, uploads, limits);
    }
}

fn add(files: &FileList, uploads: RwSignal<Vec<Upload>>, limits: MediaLimits) {
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        let key = NEXT_KEY.with(|k| {
            let mut k = k.borrow_mut();
            *k += 1;
            *k
        });
        // Refused before a byte is sent: saves a parent's data plan and says why at once.
        let (limit, refusal) = if file.type_().starts_with("video/") {
            (limits.video_bytes, "media_video_too_big")
        } else {
            (limits.photo_bytes, "media_photo_too_big")
        };
        let state = if file.size() as u64 > limit {
            UploadState::Failed(Refusal::over_limit(refusal, limit))
        } else {
            UploadState::Queued
        };
        let preview = file.type_().starts_with("image/").then(|| {
            let url = gloo_file::ObjectUrl::from(gloo_file::File::from(file.clone()));
            let text = url.to_string();
            PREVIEWS.with(|p| p.borrow_mut().insert(key, url));
            text
        });
        let upload = Upload {
            key,
            name: file.name(),
            state,
            tags: Vec::new(),
            no_children: false,
            preview,
        };
        FILES.with(|f| f.borrow_mut().insert(key, file));
        uploads.update(|all| all.push(upload));
    }
    pump(uploads);
}

pub fn retry(key: u32, uploads: RwSignal<Vec<Upload>>) {
    set_state(uploads, key, UploadState::Queued);
    pump(uploads);
}

/// The row is gone: its file and its thumbnail's object URL go too.
pub fn forget(key: u32) {
    FILES.with(|f| f.borrow_mut().remove(&key));
    PREVIEWS.with(|p| p.borrow_mut().remove(&key));
}

/// Sent: the file is no longer needed, but the row still shows its thumbnail (revoking the URL
/// now would break that picture). The URLs go with the page otherwise.
fn forget_file(key: u32) {
    FILES.with(|f| f.borrow_mut().remove(&key));
}

fn set_state(uploads: RwSignal<Vec<Upload>>, key: u32, state: UploadState) {
    uploads.update(|all| {
        if let Some(u) = all.iter_mut().find(|u| u.key == key) {
            u.state = state;
        }
    });
}

/// Starts the next queued upload when none is on its way.
fn pump(uploads: RwSignal<Vec<Upload>>) {
    let all = uploads.get_untracked();
    if all
        .iter()
        .any(|u| matches!(u.state, UploadState::Sending(_)))
    {
        return;
    }
    let Some(next) = all.iter().find(|u| u.state == UploadState::Queued) else {
        return;
    };
    let key = next.key;
    let Some(file) = FILES.with(|f| f.borrow().get(&key).cloned()) else {
        set_state(
            uploads,
            key,
            UploadState::Failed(Refusal::new("media_failed")),
        );
        return pump(uploads);
    };
    if send(key, &file, uploads).is_err() {
        set_state(
            uploads,
            key,
            UploadState::Failed(Refusal::new("media_failed")),
        );
        pump(uploads);
    }
}

fn send(
    key: u32,
    file: &File,
    uploads: RwSignal<Vec<Upload>>,
) -> Result<(), wasm_bindgen::JsValue> {
    let xhr = XmlHttpRequest::new()?;
    xhr.open_with_async("POST", "/media", true)?;
    let form = FormData::new()?;
    form.append_with_blob_and_filename("file", file, &file.name())?;
    set_state(uploads, key, UploadState::Sending(0));

    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            // 99 at most: the server still has to store the last bytes.
            let p = ((e.loaded() / e.total()) * 100.0).min(99.0) as u8;
            set_state(uploads, key, UploadState::Sending(p));
        }
    });
    xhr.upload()?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));
    progress.forget();

    let done = {
        let xhr = xhr.clone();
        Closure::<dyn FnMut()>::new(move || {
            let text = xhr.response_text().ok().flatten().unwrap_or_default();
            let answer: Option<UploadAnswer> = serde_json::from_str(&text).ok();
            let state = match answer {
                Some(UploadAnswer { uid: Some(uid), .. }) => {
                    forget_file(key);
                    UploadState::Done(uid)
                }
                Some(UploadAnswer {
                    refusal: Some(r), ..
                }) => UploadState::Failed(r),
                _ => UploadState::Failed(Refusal::new("media_failed")),
            };
            set_state(uploads, key, state);
            pump(uploads);
        })
    };
    xhr.set_onload(Some(done.as_ref().unchecked_ref()));
    done.forget();

    let failed = Closure::<dyn FnMut()>::new(move || {
        set_state(
            uploads,
            key,
            UploadState::Failed(Refusal::new("media_network")),
        );
        pump(uploads);
    });
    xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));
    failed.forget();

    xhr.send_with_opt_form_data(Some(&form))
}
