//! The two plain axum routes for media. Photos take this road instead of a server function: the
//! upload is streamed to storage with a per-route body limit, and every byte is served only after the
//! same visibility check as the feed (UP-04).
use axum::{
    extract::{multipart::Field, Multipart, Path, State},
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

use super::{
    model::{Refusal, UploadAnswer, Variant},
    photo::{self, MarkupScanner},
    server,
};
use crate::platform::{
    auth::{self, Actor},
    download::{self, Stored},
    state::AppState,
};

/// Enough of the start of a file for its type and, nearly always, its pixel size.
const HEAD_BYTES: usize = 256 * 1024;

async fn actor_of(state: &AppState, headers: &HeaderMap) -> Option<Actor> {
    auth::actor_from_headers(&state.db, headers).await
}

fn refuse(status: StatusCode, refusal: Refusal) -> Response {
    (
        status,
        Json(UploadAnswer {
            uid: None,
            refusal: Some(refusal),
        }),
    )
        .into_response()
}

/// `POST /media`: one file in the multipart field `file`. Answers `UploadAnswer` as JSON.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let Some(actor) = actor_of(&state, &headers).await else {
        return refuse(StatusCode::UNAUTHORIZED, Refusal::new("media_sign_in"));
    };
    match server::may_upload(&state.db, &actor).await {
        Ok(true) => {}
        Ok(false) => return refuse(StatusCode::FORBIDDEN, Refusal::new("media_not_allowed")),
        Err(_) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                Refusal::new("media_failed"),
            )
        }
    }
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                return match receive(&state, &actor, field).await {
                    Ok(uid) => Json(UploadAnswer {
                        uid: Some(uid),
                        refusal: None,
                    })
                    .into_response(),
                    Err((status, refusal)) => refuse(status, refusal),
                };
            }
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => {
                return refuse(StatusCode::BAD_REQUEST, Refusal::new("media_no_file"));
            }
        }
    }
}

type Refused = (StatusCode, Refusal);

/// Streams one file to storage: the type and pixel size are checked from its first bytes, the size
/// limit on every chunk, and nothing of a refused or broken upload stays behind (UP-05).
pub async fn receive(
    state: &AppState,
    actor: &Actor,
    mut field: Field<'_>,
) -> Result<String, Refused> {
    let limits = state.settings.media_limits;
    let broken = |_| (StatusCode::BAD_REQUEST, Refusal::new("media_broken_upload"));
    let mut head: Vec<u8> = Vec::new();
    let mut finished = false;
    while head.len() < HEAD_BYTES {
        match field.chunk().await.map_err(broken)? {
            Some(chunk) => head.extend_from_slice(&chunk),
            None => {
                finished = true;
                break;
            }
        }
    }
    if head.is_empty() {
        return Err((StatusCode::BAD_REQUEST, Refusal::new("media_no_file")));
    }
    let kind = photo::sniff(&head).ok_or((
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Refusal::new("media_type_not_allowed"),
    ))?;
    let video = kind.is_video();
    if video && state.settings.ffmpeg.is_none() {
        // Without ffmpeg a video would not play on every phone: better not to keep it at all.
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::new("media_video_unavailable"),
        ));
    }
    let (limit, limit_key) = if video {
        (limits.video_bytes, "media_video_too_big")
    } else {
        (limits.photo_bytes, "media_photo_too_big")
    };
    let too_big = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::over_limit(limit_key, limit),
        )
    };
    if head.len() as u64 > limit {
        return Err(too_big());
    }
    if !video {
        match photo::check_header(&head) {
            Ok(_) => {}
            // A header beyond the first bytes (huge EXIF): the job checks it before decoding.
            Err(r) if r.key == "media_unreadable" && !finished => {}
            Err(r) => return Err((StatusCode::UNPROCESSABLE_ENTITY, r)),
        }
    }
    // Photos are scanned for markup; videos are re-encoded by ffmpeg into a fresh container.
    let mut scanner = MarkupScanner::default();
    if !video {
        scanner.feed(&head);
    }
    let failed = |_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            Refusal::new("media_failed"),
        )
    };
    let kind_name = if video { "video" } else { "image" };
    let slot = server::begin(&state.db, actor, kind_name)
        .await
        .map_err(failed)?;
    let mut writer = match state.storage.writer(&slot.key).await {
        Ok(w) => w,
        Err(e) => {
            server::abandon(&state.db, slot.id).await;
            return Err(failed(e));
        }
    };
    let mut total = head.len() as u64;
    let streamed: Result<(), Refused> = async {
        writer.write(&head).await.map_err(failed)?;
        drop(head);
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            total += chunk.len() as u64;
            if total > limit {
                return Err(too_big());
            }
            if !video {
                scanner.feed(&chunk);
            }
            writer.write(&chunk).await.map_err(failed)?;
        }
        if scanner.found() {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Refusal::new("media_type_not_allowed"),
            ));
        }
        Ok(())
    }
    .await;
    if let Err(refused) = streamed {
        writer.abort().await;
        server::abandon(&state.db, slot.id).await;
        return Err(refused);
    }
    if let Err(e) = writer.finish().await {
        server::abandon(&state.db, slot.id).await;
        return Err(failed(e));
    }
    server::received(state, slot.id, total)
        .await
        .map_err(failed)?;
    Ok(slot.uid)
}

/// `GET /media/{uid}/{variant}`: the bytes, for a viewer who may see the post; otherwise 404,
/// identical to an id that never existed. Streamed from storage (DS-01); caches must ask again
/// every time (`no-cache`), so a withdrawn right takes effect on the next view; an unchanged file
/// then costs only a 304.
pub async fn serve(
    State(state): State<AppState>,
    Path((uid, variant)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "niet gevonden").into_response();
    let Some(variant) = Variant::parse(&variant) else {
        return not_found();
    };
    let Some(actor) = actor_of(&state, &headers).await else {
        return not_found();
    };
    let file = match server::file(&state.db, &actor, &uid, variant).await {
        Ok(Some(f)) => f,
        Ok(None) => return not_found(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let stored = Stored {
        key: &file.storage_key,
        size: file.bytes.max(0) as u64,
        content_type: &file.content_type,
    };
    download::respond(&state.storage, &method, &headers, stored).await
}
