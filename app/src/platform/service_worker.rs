//! The installable app: the service worker, and how long browsers may keep static files (LD-03).
//!
//! The service worker keeps only the hashed build files (WASM, JS, CSS), the icons and the offline
//! page. It never stores a page, a server-function answer or a photo: those are personal and must
//! disappear the moment access does. A new build changes the hashed names and so the worker's
//! text, which is how the browser notices a new version.
use std::sync::OnceLock;

use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use leptos::config::LeptosOptions;

use super::state::AppState;

/// Static files that are the same for everyone and safe to keep on a phone.
const STATIC: [&str; 8] = [
    "/offline.html",
    "/offline.css",
    "/favicon.svg",
    "/manifest.webmanifest",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/maskable-192.png",
    "/icons/maskable-512.png",
];

/// Whether this build names its files with content hashes (cargo-leptos `hash-files`): then a
/// `hash.txt` lies next to the executable, as Leptos itself expects.
pub fn hash_file_present() -> bool {
    hash_file().is_some_and(|p| p.exists())
}

fn hash_file() -> Option<std::path::PathBuf> {
    Some(std::env::current_exe().ok()?.parent()?.join("hash.txt"))
}

/// The hashed build files as the pages link them (js, wasm, css under `/pkg`). Without hashed
/// names there are none: an unhashed file would be served from the cache after a new build.
fn build_files(options: &LeptosOptions) -> Vec<String> {
    if !options.hash_files {
        return Vec::new();
    }
    let hashes = hash_file()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let (name, pkg) = (&options.output_name, &options.site_pkg_dir);
    hashes
        .lines()
        .filter_map(|line| {
            let (kind, hash) = line.trim().split_once(':')?;
            matches!(kind, "js" | "wasm" | "css")
                .then(|| format!("/{pkg}/{name}.{}.{kind}", hash.trim()))
        })
        .collect()
}

/// The worker's source for this build (read once: the build does not change while running).
fn worker_source(options: &LeptosOptions) -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let mut files = build_files(options);
        files.extend(STATIC.iter().map(|s| s.to_string()));
        let list = serde_json::to_string(&files).unwrap_or_else(|_| "[]".into());
        let version = &crate::platform::secrets::hash_token(&list)[..12];
        include_str!("sw.js")
            .replace("__VERSION__", version)
            .replace("[\"__PRECACHE__\"]", &list)
    })
}

/// `GET /sw.js`. Browsers check it for changes on every visit (`no-cache`).
pub async fn service_worker(State(state): State<AppState>) -> Response {
    let mut response = worker_source(&state.leptos_options).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// How long a browser may keep a file (LD-03): hashed build files for a year, unchanged; other
/// static files only after asking again; everything else is decided elsewhere (pages: never).
pub fn static_cache_control(path: &str) -> Option<&'static str> {
    if path.starts_with("/pkg/") && is_hashed(path) {
        Some("public, max-age=31536000, immutable")
    } else if path.starts_with("/pkg/") || STATIC.contains(&path) || path == "/sw.js" {
        Some("no-cache")
    } else {
        None
    }
}

/// `kring.3f9a…c1.wasm`: a name with a hex content hash between the name and the extension.
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = file.split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() >= 8
        && parts[parts.len() - 2]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ld03_only_hashed_build_files_are_kept_for_long() {
        let immutable = Some("public, max-age=31536000, immutable");
        assert_eq!(
            static_cache_control("/pkg/kring.EA6nSCTRI_XiagSaIrtN7A.wasm"),
            immutable
        );
        assert_eq!(static_cache_control("/pkg/kring.wasm"), Some("no-cache"));
        assert_eq!(static_cache_control("/offline.html"), Some("no-cache"));
        assert_eq!(static_cache_control("/"), None);
        assert_eq!(static_cache_control("/media/abc/feed"), None);
        assert_eq!(static_cache_control("/api/feed"), None);
    }
}
