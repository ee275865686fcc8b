//! Security headers (HD-01). Pages get a CSP with a per-request nonce for Leptos' hydration script;
//! every other response (static files, errors, server functions) gets the same policy without one.
use http::{header, HeaderValue};

/// The Content-Security-Policy. No inline script runs unless it carries the nonce; WebAssembly needs
/// 'wasm-unsafe-eval' to compile. Styles and everything else come only from Kring itself.
pub fn csp(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(n) => format!("script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'"
    )
}

/// Sets the page's CSP with the nonce Leptos generated for this render.
pub fn set_page_csp() {
    use leptos::prelude::*;
    if let (Some(nonce), Some(res)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(v) = HeaderValue::from_str(&csp(Some(&nonce))) {
            res.insert_header(header::CONTENT_SECURITY_POLICY, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hd01_csp_allows_no_inline_script_without_the_nonce() {
        let p = csp(Some("abc"));
        assert!(p.contains("'nonce-abc'"));
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(!csp(None).contains("nonce"));
    }
}
