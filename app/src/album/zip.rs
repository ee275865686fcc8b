//! `GET /album/{pupil}/{year}.zip`: one child's photos and videos of a school year as one zip,
//! written while it streams, so a year of photos never sits in memory. The photos are JPEGs
//! already, so entries are stored, not compressed again.
use async_zip::{tokio::write::ZipFileWriter, Compression, ZipEntryBuilder};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use futures::{AsyncWriteExt, StreamExt};
use tokio_util::io::ReaderStream;

use super::{model::parse_year, server::ZipFile};
use crate::{
    error::AppError,
    platform::{auth, clock::Clock, state::AppState, storage::Storage},
};

/// Files up to this size are read whole; larger ones (videos) in pieces of this size.
const PIECE: u64 = 4 * 1024 * 1024;

pub async fn download(
    State(state): State<AppState>,
    Path((pupil_id, file)): Path<(i64, String)>,
    headers: HeaderMap,
) -> Response {
    // One answer for "no such child", "not yours" and "nothing in that year": no probing.
    let not_found = || (StatusCode::NOT_FOUND, "niet gevonden").into_response();
    let Some(year) = file.strip_suffix(".zip").and_then(parse_year) else {
        return not_found();
    };
    let Some(actor) = auth::actor_from_headers(&state.db, &headers).await else {
        return not_found();
    };
    let (first_name, files) =
        match super::server::zip_files(&state.db, &actor, pupil_id, year).await {
            Ok(found) if !found.1.is_empty() => found,
            Ok(_) | Err(AppError::NotFound) => return not_found(),
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
    let (sink, source) = tokio::io::duplex(256 * 1024);
    let writing = tokio::spawn(write_zip(
        state.storage.clone(),
        state.db.clock().clone(),
        files,
        sink,
    ));
    // A failure half-way must not look like a complete download: end the body with an error, so
    // the connection is cut and the browser reports the download as failed.
    let outcome = futures::stream::once(async move {
        match writing.await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => {
                tracing::warn!(pupil = pupil_id, error = %e, "album zip failed");
                Some(Err(std::io::Error::other("zip failed")))
            }
            Err(_) => Some(Err(std::io::Error::other("zip task failed"))),
        }
    })
    .filter_map(futures::future::ready);
    let body = Body::from_stream(ReaderStream::new(source).chain(outcome));
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"kring-{}-{year}.zip\"",
        file_safe(&first_name)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The child's first name reduced to what every file system and browser accepts.
fn file_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if safe.is_empty() {
        "album".into()
    } else {
        safe
    }
}

async fn write_zip(
    storage: Storage,
    clock: Clock,
    files: Vec<ZipFile>,
    sink: tokio::io::DuplexStream,
) -> Result<(), String> {
    let failed = |e: async_zip::error::ZipError| e.to_string();
    let unreadable = |_: AppError| "storage read failed".to_string();
    let mut zip = ZipFileWriter::with_tokio(sink);
    for (n, f) in files.iter().enumerate() {
        let ext = if f.kind == "video" { "mp4" } else { "jpg" };
        let name = format!("{}-{:03}.{ext}", clock.date_of(f.at), n + 1);
        let entry = ZipEntryBuilder::new(name.into(), Compression::Stored);
        let size = f.bytes.max(0) as u64;
        if size <= PIECE {
            let data = storage.get(&f.storage_key).await.map_err(unreadable)?;
            zip.write_entry_whole(entry, &data).await.map_err(failed)?;
        } else {
            let mut writer = zip.write_entry_stream(entry).await.map_err(failed)?;
            let mut chunks = storage
                .stream(&f.storage_key, None)
                .await
                .map_err(unreadable)?;
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(|e| e.to_string())?;
                writer.write_all(&chunk).await.map_err(|e| e.to_string())?;
            }
            writer.close().await.map_err(failed)?;
        }
    }
    zip.close().await.map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(super::file_safe("Zoë-Anne"), "Zo-Anne");
        assert_eq!(super::file_safe("../"), "album");
    }
}
