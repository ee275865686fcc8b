//! The compose form without JavaScript: text and photos arrive together as one multipart form.
//! Photos stream to storage exactly as the JavaScript uploader sends them (`media::routes::receive`),
//! then the post is created by the same domain code as the server function.
use axum::{
    extract::{multipart::Field, Multipart, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};

use super::model::{NewPost, PostForm, BODY_MAX, TITLE_MAX};
use crate::media::model::MAX_FILES_PER_POST;
use crate::{
    error::AppError,
    media::{routes as media_routes, server as media},
    platform::{auth, state::AppState},
};

/// Text fields are small; a field larger than this is refused rather than read into memory.
const FIELD_MAX: usize = BODY_MAX * 4 + TITLE_MAX * 4;

/// A text field of a multipart form, refused (None) when too large or not UTF-8.
pub(crate) async fn text(mut field: Field<'_>) -> Option<String> {
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = field.chunk().await {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > FIELD_MAX {
            return None;
        }
    }
    String::from_utf8(bytes).ok()
}

fn back(key: &str) -> Response {
    Redirect::to(&format!("/bericht/nieuw?fout={key}")).into_response()
}

/// `POST /bericht/nieuw` (multipart/form-data).
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let actor = auth::actor_from_headers(&state.db, &headers).await;
    let Some(actor) = actor else {
        return Redirect::to("/inloggen").into_response();
    };
    if !media::may_upload(&state.db, &actor).await.unwrap_or(false) {
        return back("media_not_allowed");
    }
    let mut form = PostForm::default();
    let mut refusal = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return back("media_broken_upload"),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            // An empty file input still sends one nameless, empty part.
            if field.file_name().is_none_or(str::is_empty) || refusal.is_some() {
                continue;
            }
            // Refused before it is stored, not after (DS-01).
            if form.media.len() >= MAX_FILES_PER_POST {
                refusal = Some("media_too_many".to_string());
                continue;
            }
            match media_routes::receive(&state, &actor, field).await {
                Ok(uid) => form.media.push(uid),
                Err((_, r)) => refusal = Some(r.key),
            }
            continue;
        }
        let Some(value) = text(field).await else {
            return back("invalid_form");
        };
        match name.as_str() {
            "post[title]" => form.title = value,
            "post[body]" => form.body = value,
            "post[groups][]" => match value.parse() {
                Ok(id) => form.groups.push(id),
                Err(_) => return back("invalid_form"),
            },
            "post[urgent]" => form.urgent = value == "true",
            "post[pinned]" => form.pinned = value == "true",
            "post[comments]" => form.comments = value == "true",
            _ => {}
        }
    }
    if let Some(key) = refusal {
        media::discard_uploads(&state, &actor, &form.media).await;
        return back(&key);
    }
    let uploads = form.media.clone();
    let created = match NewPost::parse(form) {
        Ok(post) => {
            super::server::create(&state.db, &actor, post, &state.settings.media_limits).await
        }
        Err(e) => Err(e),
    };
    if created.is_err() {
        media::discard_uploads(&state, &actor, &uploads).await;
    }
    match created {
        Ok(id) => {
            state.wake_jobs();
            Redirect::to(&format!("/bericht/{id}")).into_response()
        }
        Err(AppError::Validation { message, .. }) => back(message.key()),
        Err(AppError::Forbidden) => back("media_not_allowed"),
        Err(_) => back("media_failed"),
    }
}
