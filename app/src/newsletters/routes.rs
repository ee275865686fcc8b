//! The newsletter form and its PDFs take plain axum routes: the form is one multipart post (photos
//! and PDFs stream to storage as they arrive), with and without JavaScript, and an attachment is
//! served only after the feed's visibility check (UP-04), as a download.
use axum::{
    extract::{multipart::Field, Multipart, Path, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

use super::model::{DraftForm, ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS};
use crate::media::model::MAX_FILES_PER_POST;
use crate::{
    error::AppError,
    media::routes as media_routes,
    platform::{
        auth,
        download::{self, Stored},
        secrets,
        state::AppState,
    },
    posts::form_post::text,
};

/// Streams one PDF to storage. Only a file that starts like a PDF is kept, whatever its name says.
async fn receive_pdf(state: &AppState, mut field: Field<'_>) -> Result<String, &'static str> {
    let name = field
        .file_name()
        .map(clean_name)
        .unwrap_or_else(|| "bijlage.pdf".into());
    let first = match field.chunk().await {
        Ok(Some(c)) => c,
        Ok(None) => return Err("media_no_file"),
        Err(_) => return Err("media_broken_upload"),
    };
    if !first.starts_with(b"%PDF-") {
        return Err("newsletter_not_pdf");
    }
    let uid = secrets::new_token()[..22].to_string();
    let key = format!("a/{uid}.pdf");
    let mut writer = state
        .storage
        .writer(&key)
        .await
        .map_err(|_| "media_failed")?;
    let mut total = first.len() as u64;
    let streamed: Result<(), &'static str> = async {
        writer.write(&first).await.map_err(|_| "media_failed")?;
        while let Some(chunk) = field.chunk().await.map_err(|_| "media_broken_upload")? {
            total += chunk.len() as u64;
            if total > ATTACHMENT_MAX_BYTES {
                return Err("newsletter_file_too_big");
            }
            writer.write(&chunk).await.map_err(|_| "media_failed")?;
        }
        Ok(())
    }
    .await;
    if let Err(key) = streamed {
        writer.abort().await;
        return Err(key);
    }
    writer.finish().await.map_err(|_| "media_failed")?;
    if super::server::add_attachment(&state.db, &uid, &name, total, &key)
        .await
        .is_err()
    {
        let _ = state.storage.delete(&key).await;
        return Err("media_failed");
    }
    Ok(uid)
}

/// A file name as shown to readers: its last path part, printable, at most 120 characters, ending
/// in ".pdf".
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let visible: String = base
        .chars()
        .filter(|c| !c.is_control() && !crate::names::is_invisible_format(*c) && *c != '"')
        .collect();
    let mut name: String = crate::names::plain(&visible).chars().take(120).collect();
    name = name.trim().to_string();
    if name.is_empty() {
        name = "bijlage".into();
    }
    if !name.to_lowercase().ends_with(".pdf") {
        name.push_str(".pdf");
    }
    name
}

fn to_form(id: Option<i64>, key: &str) -> Response {
    let path = match id {
        Some(id) => format!("/nieuwsbrief/{id}/bewerken"),
        None => "/nieuwsbrief/nieuw".to_string(),
    };
    Redirect::to(&format!("{path}?fout={key}")).into_response()
}

/// `POST /nieuwsbrief/opslaan` (multipart/form-data). Whatever was typed is saved even when a file
/// is refused: the writer comes back to the form with the reason and loses nothing.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let Some(actor) = auth::actor_from_headers(&state.db, &headers).await else {
        return Redirect::to("/inloggen").into_response();
    };
    let mut form = DraftForm::default();
    let mut media = Vec::new();
    let mut files = Vec::new();
    let mut refusal: Option<String> = None;
    let mut more = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return to_form(form.id, "media_broken_upload"),
        };
        let name = field.name().unwrap_or_default().to_string();
        let has_file = field.file_name().is_some_and(|n| !n.is_empty());
        match name.as_str() {
            "photos" | "attachments" if !has_file || refusal.is_some() => continue,
            // Refused before they are stored, not after (DS-01).
            "photos" if media.len() >= MAX_FILES_PER_POST => {
                refusal = Some("media_too_many".into());
            }
            "attachments" if files.len() >= MAX_ATTACHMENTS => {
                refusal = Some("newsletter_too_many_files".into());
            }
            "photos" => match media_routes::receive(&state, &actor, field).await {
                Ok(uid) => media.push(uid),
                Err((_, r)) => refusal = Some(r.key),
            },
            "attachments" => match receive_pdf(&state, field).await {
                Ok(uid) => files.push(uid),
                Err(key) => refusal = Some(key.into()),
            },
            _ => {
                let Some(value) = text(field).await else {
                    return to_form(form.id, "invalid_form");
                };
                match name.as_str() {
                    "id" => form.id = value.parse().ok(),
                    "group" => form.group_id = value.parse().unwrap_or_default(),
                    "title" => form.title = value,
                    "intro" => form.intro = value,
                    "heading[]" => form.headings.push(value),
                    "text[]" => form.texts.push(value),
                    "no_children[]" => form.no_children.push(value),
                    "remove_media[]" => form.remove_media.push(value),
                    "remove_file[]" => form.remove_files.push(value),
                    "do" => more = value == "more",
                    _ => {}
                }
            }
        }
    }
    let saved = super::server::save(
        &state.db,
        &actor,
        &form,
        &media,
        &files,
        &state.settings.media_limits,
    )
    .await;
    if saved.is_err() {
        // Nothing was saved: what this form stored goes at once, not after a day.
        crate::media::server::discard_uploads(&state, &actor, &media).await;
        super::attachments::discard(&state, &files).await;
    }
    if let Ok(id) = &saved {
        if !form.remove_files.is_empty() || !form.remove_media.is_empty() {
            let why = format!("newsletter.{id}.{}", state.db.clock().now());
            if crate::platform::jobs::queue_purge(&state, &why)
                .await
                .is_err()
            {
                tracing::warn!(post = id, "could not queue the purge; the daily sweep will");
            }
        }
    }
    match (saved, refusal) {
        (Ok(id), None) if !more => Redirect::to(&format!("/bericht/{id}")).into_response(),
        (Ok(id), None) => {
            Redirect::to(&format!("/nieuwsbrief/{id}/bewerken#onderdelen")).into_response()
        }
        (Ok(id), Some(key)) => to_form(Some(id), &key),
        (Err(AppError::Validation { message, .. }), _) => to_form(form.id, message.key()),
        (Err(AppError::Forbidden), _) => to_form(form.id, "newsletter_not_allowed"),
        (Err(AppError::NotFound), _) => to_form(None, "newsletter_not_allowed"),
        (Err(e), _) => {
            tracing::error!(error = %e, "could not save a newsletter");
            to_form(form.id, "media_failed")
        }
    }
}

/// `GET /bijlage/{uid}`: the PDF, for a reader of its newsletter; otherwise 404, identical to an id
/// that never existed. Sent as a download: a PDF can carry scripts, and Kring's pages never show it.
pub async fn serve(
    State(state): State<AppState>,
    Path(uid): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "niet gevonden").into_response();
    let Some(actor) = auth::actor_from_headers(&state.db, &headers).await else {
        return not_found();
    };
    let file = match super::server::attachment_file(&state.db, &actor, &uid).await {
        Ok(Some(f)) => f,
        Ok(None) => return not_found(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let stored = Stored {
        key: &file.storage_key,
        size: file.bytes.max(0) as u64,
        content_type: "application/pdf",
    };
    let mut response = download::respond(&state.storage, &method, &headers, stored).await;
    let h = response.headers_mut();
    let encoded: String = url::form_urlencoded::byte_serialize(file.name.as_bytes()).collect();
    let disposition = format!(
        "attachment; filename=\"bijlage.pdf\"; filename*=UTF-8''{}",
        encoded.replace('+', "%20").replace('*', "%2A")
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn file_names_are_made_plain() {
        assert_eq!(
            clean_name("C:\\Users\\juf\\Nieuwsbrief 12.pdf"),
            "Nieuwsbrief 12.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd.pdf");
        assert_eq!(clean_name("a\"b\n.PDF"), "ab.PDF");
        assert_eq!(clean_name(""), "bijlage.pdf");
        assert_eq!(clean_name("cod\u{202E}fdp.exe"), "codfdp.exe.pdf");
    }
}
