//! The two plain axum routes for media. Photos take this road instead of a server function: the
//! upload is streamed to storage with a per-route body limit, and every byte is served only after the
//! same visibility check as the feed (UP-04).
use axum::{
    body::Body,
    extract::{multipart::Field, Multipart, Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

use super::{
    model::{Refusal, UploadAnswer, Variant},
    process::{self, MarkupScanner},
    server,
};
use crate::server::{
    auth::{self, Actor},
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
    let kind = process::sniff(&head).ok_or((
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
        match process::check_header(&head) {
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
/// identical to an id that never existed. Caches must ask again every time (`no-cache`), so a
/// withdrawn right takes effect on the next view; an unchanged file then costs only a 304.
pub async fn serve(
    State(state): State<AppState>,
    Path((uid, variant)): Path<(String, String)>,
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
    // Stored files never change under a key, so the key names the version.
    let etag = format!(
        "\"{}\"",
        &crate::server::secrets::hash_token(&file.storage_key)[..16]
    );
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    let mut response = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let size = file.bytes.max(0) as u64;
        match byte_range(&headers, size) {
            Some(range) => match state
                .storage
                .get_range(&file.storage_key, range.clone())
                .await
            {
                Ok(bytes) => {
                    let mut r = (StatusCode::PARTIAL_CONTENT, Body::from(bytes)).into_response();
                    if let Ok(v) = HeaderValue::from_str(&format!(
                        "bytes {}-{}/{size}",
                        range.start,
                        range.end - 1
                    )) {
                        r.headers_mut().insert(header::CONTENT_RANGE, v);
                    }
                    r
                }
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            },
            None => match state.storage.get(&file.storage_key).await {
                Ok(bytes) => Body::from(bytes).into_response(),
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            },
        }
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}

/// One `bytes=a-b` range inside the file (what phones send to seek in a video); anything else
/// is answered with the whole file.
fn byte_range(headers: &HeaderMap, size: u64) -> Option<std::ops::Range<u64>> {
    let raw = headers.get(header::RANGE)?.to_str().ok()?;
    let spec = raw.strip_prefix("bytes=")?;
    if spec.contains(',') || size == 0 {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            (size.saturating_sub(n), size - 1)
        }
        (s, "") => (s.parse().ok()?, size - 1),
        (s, e) => (s.parse().ok()?, e.parse::<u64>().ok()?.min(size - 1)),
    };
    (start <= end && start < size).then_some(start..end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(raw: &str, size: u64) -> Option<std::ops::Range<u64>> {
        let mut h = HeaderMap::new();
        h.insert(header::RANGE, HeaderValue::from_str(raw).unwrap());
        byte_range(&h, size)
    }

    #[test]
    fn ranges_for_seeking_in_a_video() {
        assert_eq!(range("bytes=0-99", 1000), Some(0..100));
        assert_eq!(range("bytes=900-", 1000), Some(900..1000));
        assert_eq!(range("bytes=-100", 1000), Some(900..1000));
        assert_eq!(range("bytes=0-5000", 1000), Some(0..1000));
        assert_eq!(range("bytes=2000-", 1000), None);
        assert_eq!(range("bytes=0-1,5-6", 1000), None);
        assert_eq!(range("items=0-1", 1000), None);
    }
}
