//! The import's plain routes: the upload (a multipart form, with and without JavaScript) and the
//! preview as a CSV for the office to fix its export in Excel, every cell inert (no formulas).
use axum::{
    extract::{multipart::Field, Multipart, Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

use super::{model::Change, runs};
use crate::{
    platform::{auth, state::AppState},
    posts::form_post::text,
};

/// An import file is small (a school of 1,000 pupils: about 200 kB); this bounds a wrong one.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

fn back(school_id: i64, key: &str) -> Response {
    Redirect::to(&format!("/beheer/school/{school_id}/import?fout={key}")).into_response()
}

async fn read_file(mut field: Field<'_>) -> Result<Vec<u8>, &'static str> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| "onleesbaar")? {
        if bytes.len() + chunk.len() > MAX_FILE_BYTES {
            return Err("te_groot");
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// `POST /beheer/import` (multipart/form-data: `school_id`, `file`, optional `guardians`): stores the
/// files as a run and shows its preview. Nothing in the school changes here.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let Some(actor) = auth::actor_from_headers(&state.db, &headers).await else {
        return Redirect::to("/inloggen").into_response();
    };
    let mut school_id = 0;
    let mut turn = None;
    let mut file = None;
    let mut guardians = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return back(school_id, "onleesbaar"),
        };
        let name = field.name().unwrap_or_default().to_string();
        let has_file = field.file_name().is_some_and(|n| !n.is_empty());
        match name.as_str() {
            "file" | "guardians" if !has_file => {}
            "file" | "guardians" => {
                // The form sends the school first: nobody else's file is read at all.
                if crate::admin::server::manage(&actor, school_id).is_err() {
                    return StatusCode::NOT_FOUND.into_response();
                }
                if turn.is_none() {
                    match runs::file_turn().await {
                        Ok(t) => turn = Some(t),
                        Err(_) => return back(school_id, "onleesbaar"),
                    }
                }
                let bytes = match read_file(field).await {
                    Ok(b) => b,
                    Err(key) => return back(school_id, key),
                };
                if name == "file" {
                    file = Some(bytes);
                } else {
                    guardians = Some(bytes);
                }
            }
            _ => {
                let Some(value) = text(field).await else {
                    return back(school_id, "onleesbaar");
                };
                if name == "school_id" {
                    school_id = value.parse().unwrap_or_default();
                }
            }
        }
    }
    if crate::admin::server::manage(&actor, school_id).is_err() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return back(school_id, "geen_bestand");
    };
    match runs::create(
        &state.db,
        school_id,
        Some(actor.user_id),
        &file,
        guardians.as_deref(),
    )
    .await
    {
        Ok(run) => Redirect::to(&format!("/beheer/import/{run}")).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not store an import file");
            back(school_id, "onleesbaar")
        }
    }
}

/// `GET /beheer/import/{run}/regels.csv`: every line of the preview (errors first), as a
/// spreadsheet the office can open.
pub async fn lines_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(run_id): Path<i64>,
) -> Response {
    let Some(actor) = auth::actor_from_headers(&state.db, &headers).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let lines = async {
        let run = super::server::run_for(&state.db, &actor, run_id).await?;
        let _turn = runs::file_turn().await?;
        let (file, guardians) = runs::files(&state.db, run_id).await?;
        let preview = runs::preview(&state.db, run.school_id, &file, guardians.as_deref())
            .await?
            .map_err(|_| crate::error::AppError::NotFound)?;
        Ok::<_, crate::error::AppError>(preview.plan.lines)
    }
    .await;
    let mut lines = match lines {
        Ok(lines) => lines,
        Err(crate::error::AppError::Internal) => {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    lines.sort_by_key(|l| l.change != Change::Error);
    let csv = super::export::to_csv(
        &["wijziging", "soort", "sleutel", "toelichting"],
        lines.into_iter().map(|l| {
            vec![
                l.change.as_str().to_string(),
                l.kind.as_str().to_string(),
                l.key,
                l.detail,
            ]
        }),
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-{run_id}.csv\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        csv,
    )
        .into_response()
}
