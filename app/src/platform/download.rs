//! Stored files (photos, videos, PDFs) to a browser: streamed from storage in the store's own small
//! chunks and never read whole, so no number of readers or size of file makes the server hold it
//! (DS-01). `HEAD` reads nothing from storage; one byte range serves a phone that seeks in a video;
//! a range outside the file is `416`.
use std::ops::Range;

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
};

use super::storage::Storage;

/// One stored object as the database knows it; the size comes from there, not from storage.
pub struct Stored<'a> {
    pub key: &'a str,
    pub size: u64,
    pub content_type: &'a str,
}

/// What a request's `Range` header asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    Whole,
    Part(Range<u64>),
    Unsatisfiable,
}

/// One `bytes=a-b`, `bytes=a-` or `bytes=-n` range. Several ranges, another unit or a malformed
/// header are ignored (the whole file, as RFC 9110 allows); a well-formed range that lies outside
/// the file cannot be served.
pub fn requested(headers: &HeaderMap, size: u64) -> Requested {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|raw| raw.trim().strip_prefix("bytes="))
    else {
        return Requested::Whole;
    };
    if spec.contains(',') {
        return Requested::Whole;
    }
    let Some((start, end)) = spec.split_once('-') else {
        return Requested::Whole;
    };
    let (start, end) = (start.trim(), end.trim());
    let parsed: Option<(u64, Option<u64>)> = match (start, end) {
        ("", "") => None,
        ("", suffix) => match suffix.parse::<u64>() {
            Ok(0) => return Requested::Unsatisfiable,
            Ok(n) => Some((size.saturating_sub(n), None)),
            Err(_) => None,
        },
        (s, "") => s.parse().ok().map(|s| (s, None)),
        (s, e) => match (s.parse::<u64>(), e.parse::<u64>()) {
            (Ok(s), Ok(e)) if s <= e => Some((s, Some(e))),
            _ => None,
        },
    };
    let Some((start, end)) = parsed else {
        return Requested::Whole;
    };
    if start >= size {
        return Requested::Unsatisfiable;
    }
    let last = end.map_or(size - 1, |e| e.min(size - 1));
    Requested::Part(start..last + 1)
}

/// The answer for `file`, already authorised by the caller. Caches must ask again every time
/// (`no-cache`) so that a withdrawn right counts at once; an unchanged file then costs a 304.
pub async fn respond(
    storage: &Storage,
    method: &Method,
    headers: &HeaderMap,
    file: Stored<'_>,
) -> Response {
    // A stored file never changes under its key, so the key names the version.
    let etag = format!("\"{}\"", &super::secrets::hash_token(file.key)[..16]);
    let etag = etag.as_str();
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    let mut response = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match requested(headers, file.size) {
            Requested::Unsatisfiable => {
                let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                set(
                    r.headers_mut(),
                    header::CONTENT_RANGE,
                    &format!("bytes */{}", file.size),
                );
                r
            }
            Requested::Whole => body(storage, method, &file, None).await,
            Requested::Part(range) => body(storage, method, &file, Some(range)).await,
        }
    };
    let h = response.headers_mut();
    set(h, header::CONTENT_TYPE, file.content_type);
    set(h, header::CACHE_CONTROL, "private, no-cache");
    set(h, header::ACCEPT_RANGES, "bytes");
    set(h, header::ETAG, etag);
    response
}

async fn body(
    storage: &Storage,
    method: &Method,
    file: &Stored<'_>,
    range: Option<Range<u64>>,
) -> Response {
    let length = range.as_ref().map_or(file.size, |r| r.end - r.start);
    let status = if range.is_some() {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let body = if *method == Method::HEAD {
        Body::empty()
    } else {
        match storage.stream(file.key, range.clone()).await {
            Ok(stream) => Body::from_stream(stream),
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    };
    let mut r = (status, body).into_response();
    set(r.headers_mut(), header::CONTENT_LENGTH, &length.to_string());
    if let Some(range) = range {
        set(
            r.headers_mut(),
            header::CONTENT_RANGE,
            &format!("bytes {}-{}/{}", range.start, range.end - 1, file.size),
        );
    }
    r
}

fn set(h: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(name, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(raw: &str, size: u64) -> Requested {
        let mut h = HeaderMap::new();
        h.insert(header::RANGE, HeaderValue::from_str(raw).unwrap());
        requested(&h, size)
    }

    #[test]
    fn ranges_for_seeking_in_a_video() {
        assert_eq!(range("bytes=0-99", 1000), Requested::Part(0..100));
        assert_eq!(range("bytes=900-", 1000), Requested::Part(900..1000));
        assert_eq!(range("bytes=-100", 1000), Requested::Part(900..1000));
        assert_eq!(range("bytes=-5000", 1000), Requested::Part(0..1000));
        assert_eq!(range("bytes=0-5000", 1000), Requested::Part(0..1000));
        assert_eq!(range("bytes=0-", 1000), Requested::Part(0..1000));
    }

    #[test]
    fn ds01_a_range_outside_the_file_is_unsatisfiable_and_odd_ones_are_ignored() {
        assert_eq!(range("bytes=2000-", 1000), Requested::Unsatisfiable);
        assert_eq!(range("bytes=1000-1001", 1000), Requested::Unsatisfiable);
        assert_eq!(range("bytes=-0", 1000), Requested::Unsatisfiable);
        assert_eq!(range("bytes=0-", 0), Requested::Unsatisfiable);
        assert_eq!(range("bytes=0-1,5-6", 1000), Requested::Whole);
        assert_eq!(range("items=0-1", 1000), Requested::Whole);
        assert_eq!(range("bytes=5-1", 1000), Requested::Whole);
        assert_eq!(range("bytes=x-y", 1000), Requested::Whole);
        assert_eq!(requested(&HeaderMap::new(), 1000), Requested::Whole);
    }
}
