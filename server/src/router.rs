//! The HTTP surface: Leptos pages and server functions, `/healthz`, static files, and one middleware
//! that refuses cross-site state changes (CS-01) and adds security headers to every response (HD-01).
use std::{sync::OnceLock, time::Instant};

use app::{
    album::zip as album_zip,
    media::{model::MediaLimits, routes as media},
    platform::headers::csp,
    platform::state::AppState,
    shell, App,
};
use axum::{
    body::Body,
    extract::DefaultBodyLimit,
    extract::{Request, State},
    handler::Handler,
    http::{header, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{on, MethodFilter, MethodRouter},
    Router,
};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::compression::CompressionLayer;

/// The app's routes, generated once per process. Generating them raises a process-wide flag that
/// leaves every resource first polled meanwhile pending forever (leptos#4773), so it must never run
/// while any page renders: not even when tests start several apps in one process.
pub fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// A route outside Leptos: its method, its path pattern and its handler.
struct PlainRoute {
    method: Method,
    path: &'static str,
    handler: MethodRouter<AppState>,
}

impl PlainRoute {
    /// The handler answers `method` only (GET also answers HEAD, as axum's `get` does).
    fn new<H, T>(method: Method, path: &'static str, handler: H) -> PlainRoute
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("a method axum can route");
        PlainRoute {
            method,
            path,
            handler: on(filter, handler),
        }
    }

    /// A request body cap for this route alone (uploads stream; this is the outer cap).
    fn body_limit(mut self, bytes: u64) -> PlainRoute {
        self.handler = self.handler.layer(DefaultBodyLimit::max(bytes as usize));
        self
    }
}

/// Every route that is not a Leptos page or server function. `build` adds these and nothing else
/// besides Leptos' own routes, so a new plain route is added here; the access matrix
/// (server/tests/it/access_plain.rs, AC-01) fails for an entry without a row.
fn plain(limits: MediaLimits) -> Vec<PlainRoute> {
    // The stream is counted against the photo/video limit as it arrives; this is the outer cap.
    let upload_cap = limits.photo_bytes.max(limits.video_bytes) + 1024 * 1024;
    let form_cap = limits.post_bytes + 1024 * 1024;
    vec![
        PlainRoute::new(Method::GET, "/healthz", healthz),
        PlainRoute::new(Method::POST, "/media", media::upload).body_limit(upload_cap),
        PlainRoute::new(Method::GET, "/media/{uid}/{variant}", media::serve),
        PlainRoute::new(
            Method::GET,
            "/sw.js",
            app::platform::service_worker::service_worker,
        ),
        PlainRoute::new(Method::GET, "/album/{pupil}/{file}", album_zip::download),
        PlainRoute::new(Method::POST, "/afmelden", app::notify::routes::unsubscribe),
        PlainRoute::new(
            Method::GET,
            "/bijlage/{uid}",
            app::newsletters::routes::serve,
        ),
        PlainRoute::new(Method::POST, "/beheer/import", app::import::routes::upload)
            .body_limit(2 * app::import::routes::MAX_FILE_BYTES as u64 + 1024 * 1024),
        PlainRoute::new(
            Method::GET,
            "/beheer/import/{run}/regels.csv",
            app::import::routes::lines_csv,
        ),
        PlainRoute::new(
            Method::POST,
            "/nieuwsbrief/opslaan",
            app::newsletters::routes::save,
        )
        .body_limit(form_cap),
        PlainRoute::new(
            Method::POST,
            "/bericht/nieuw",
            app::posts::form_post::create,
        )
        .body_limit(form_cap),
    ]
}

/// The (method, path pattern) of every route outside Leptos, as `build` registers them.
pub fn plain_routes() -> Vec<(Method, &'static str)> {
    plain(MediaLimits::default())
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect()
}

/// The router: the plain routes of `plain`, then Leptos' pages and server functions. A route added
/// here with `.route(…)` instead of in `plain` would escape the access matrix.
pub fn build(state: AppState) -> Router {
    let routes = routes();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(app::platform::ctx::RequestActor::default());
        }
    };
    let app_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let mut router = Router::new();
    for route in plain(state.settings.media_limits) {
        router = router.route(route.path, route.handler);
    }
    router
        .leptos_routes_with_context(&state, routes, context.clone(), app_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(CompressionLayer::new().compress_when(compressible))
        .with_state(state)
}

/// Pages, server-function answers and text files are compressed on the fly (brotli or gzip, as the
/// browser asks). Photos, videos and album zips are compressed already, and the build's files are
/// served precompressed by a release build (`cargo leptos build --release --precompress`), which the
/// layer leaves alone because they carry their own `Content-Encoding`.
fn compressible(
    _: StatusCode,
    _: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let text = kind.starts_with("text/")
        || [
            "application/json",
            "application/javascript",
            "application/manifest+json",
            "image/svg+xml",
        ]
        .iter()
        .any(|t| kind.starts_with(t));
    let small = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .is_some_and(|n| n < 512);
    text && !small
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.db.ping().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// A server function whose arguments could not be read never ran, so nothing set its status and
/// server_fn answers 500. The body is the `AppError` the client shows (a Dutch sentence); its own
/// status is the right one (400 for a malformed form), so a client's mistake is not a server error.
async fn server_fn_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_fn_error = response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && response
            .headers()
            .contains_key(server_fn::error::SERVER_FN_ERROR_HEADER);
    if !is_fn_error {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether a browser `Origin` is Kring's own. On a loopback address, `localhost`, `127.0.0.1` and
/// `[::1]` with the same port count as one site, so the demo works whichever name is typed.
pub fn same_origin(origin: &str, public: &url::Url) -> bool {
    let Ok(origin) = url::Url::parse(origin) else {
        return false;
    };
    if origin.origin() == public.origin() {
        return true;
    }
    let loopback = |u: &url::Url| matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    loopback(&origin)
        && loopback(public)
        && origin.scheme() == public.scheme()
        && origin.port_or_known_default() == public.port_or_known_default()
}

async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // Log the path only: queries can carry invitation and reset tokens.
    let path = request.uri().path().to_string();
    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let headers = request.headers();
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        let cross = match (origin, fetch_site) {
            (Some(o), _) => !same_origin(o, &state.settings.public_url),
            (None, Some(site)) => !matches!(site, "same-origin" | "none"),
            (None, None) => false,
        };
        if cross {
            tracing::warn!(%method, %path, "refused a cross-site request");
            let response = (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
            return with_security_headers(response, &state);
        }
    }
    let mut response = next.run(request).await;
    if let Some(rule) = app::platform::service_worker::static_cache_control(&path) {
        if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
        }
    }
    tracing::info!(%method, %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    with_security_headers(response, &state)
}

fn with_security_headers(mut response: Response<Body>, state: &AppState) -> Response<Body> {
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(h, header::CONTENT_SECURITY_POLICY, &csp(None));
    }
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(
        h,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(self), microphone=(), geolocation=(), interest-cohort=()",
    );
    if state.settings.secure_cookies() {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    let is_html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    // Signed-in pages and data never sit in a shared or back/forward cache.
    if is_html && !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "private, no-store");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cs01_origin_matching() {
        let public = url::Url::parse("https://kring.school.nl").unwrap();
        assert!(same_origin("https://kring.school.nl", &public));
        assert!(!same_origin("https://evil.example", &public));
        assert!(!same_origin("http://kring.school.nl", &public));
        assert!(!same_origin("null", &public));
        let local = url::Url::parse("http://127.0.0.1:3000").unwrap();
        assert!(same_origin("http://localhost:3000", &local));
        assert!(!same_origin("http://localhost:3001", &local));
    }
}
