//! What a server function needs from its request: the state, the actor, the client address, and a
//! way to answer with the right HTTP status.
use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::extract::ConnectInfo;
use http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use super::{
    auth::{self, Actor},
    state::AppState,
};
use crate::error::AppError;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

async fn parts() -> Result<Parts, AppError> {
    leptos_axum::extract::<Parts>()
        .await
        .map_err(|_| AppError::Internal)
}

pub fn session_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| auth::cookie_value(h, auth::SESSION_COOKIE))
        .map(str::to_string)
}

/// Whether the request carries a cookie of this name.
pub async fn has_cookie(name: &str) -> Result<bool, AppError> {
    Ok(parts()
        .await?
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|h| auth::cookie_value(h, name).is_some()))
}

pub async fn current_token() -> Result<Option<String>, AppError> {
    Ok(session_token(&parts().await?))
}

/// The actor of one request, looked up once: a page calls several server functions while it renders
/// (the menu, the banner, the page itself). Provided fresh for every request by the router, so it
/// never outlives the request it was read for.
#[derive(Clone, Default)]
pub struct RequestActor(Arc<tokio::sync::OnceCell<Option<Actor>>>);

/// The signed-in actor, if any. An authorisation error is a denial, never a pass (AC-05).
pub async fn optional_actor() -> Result<Option<Actor>, AppError> {
    let state = state()?;
    let lookup = || async {
        match current_token().await? {
            Some(token) => auth::session_actor(&state.db, &token).await,
            None => Ok(None),
        }
    };
    match use_context::<RequestActor>() {
        Some(cache) => cache.0.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

pub async fn actor() -> Result<Actor, AppError> {
    optional_actor().await?.ok_or(AppError::Unauthorized)
}

/// The client's address: the peer, or the first untrusted hop of `X-Forwarded-For` when the peer is
/// a proxy listed in `KRING_TRUSTED_PROXIES`.
pub async fn client_ip() -> Result<IpAddr, AppError> {
    let state = state()?;
    let parts = parts().await?;
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    Ok(resolve_client_ip(
        peer,
        &parts.headers,
        &state.settings.trusted_proxies,
    ))
}

pub fn resolve_client_ip(peer: IpAddr, headers: &http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

pub fn set_header(name: &'static str, value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.insert_header(header::HeaderName::from_static(name), v);
    }
}

/// Sets the HTTP status of the answer from the error, so that a hidden object is a real 404, a
/// throttled login a real 429 with `Retry-After`, and so on. Use as `ctx::reply(async { … }.await)`.
pub fn reply<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        if is_plain_form_post() {
            // Without JavaScript the browser must get the redirect back to its form, where the
            // error is shown; a 4xx status here would replace that with a bare error body.
            return result;
        }
        if let Some(res) = use_context::<ResponseOptions>() {
            res.set_status(
                StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
            if let AppError::RateLimited { retry_after } = err {
                if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                    res.insert_header(header::RETRY_AFTER, v);
                }
            }
        }
    }
    result
}

/// A server function called by a plain HTML form (no JavaScript): its path is the function's own and the
/// browser accepts HTML. During page rendering the path is the page's, so statuses still apply there.
fn is_plain_form_post() -> bool {
    use_context::<Parts>().is_some_and(|p| {
        p.uri.path().starts_with("/api/")
            && p.headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let mut h = http::HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.2".parse().unwrap());
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(resolve_client_ip(stranger, &h, &[proxy]), stranger);
        assert_eq!(
            resolve_client_ip(proxy, &h, &[proxy]),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
    }
}
