//! `POST /afmelden?u=…&t=…`: the one-click unsubscribe of RFC 8058 (mail apps post
//! `List-Unsubscribe=One-Click` here) and the button on the unsubscribe page. The signature in the
//! link proves the link came from a mail to this person; no login is needed, and all it can do
//! is turn e-mail off.
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use crate::platform::state::AppState;

#[derive(Deserialize)]
pub struct Link {
    #[serde(default)]
    u: i64,
    #[serde(default)]
    t: String,
}

pub async fn unsubscribe(
    State(state): State<AppState>,
    Query(link): Query<Link>,
    body: String,
) -> Response {
    let one_click = body.contains("List-Unsubscribe=One-Click");
    let valid = super::push::unsubscribe_valid(&state.db, link.u, &link.t)
        .await
        .unwrap_or(false);
    if !valid {
        return if one_click {
            StatusCode::BAD_REQUEST.into_response()
        } else {
            Redirect::to("/afmelden?fout=1").into_response()
        };
    }
    if let Err(e) = super::prefs::email_off(&state.db, link.u).await {
        tracing::error!(error = %e, "could not turn e-mail off");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    if one_click {
        StatusCode::OK.into_response()
    } else {
        Redirect::to("/afmelden?klaar=1").into_response()
    }
}
