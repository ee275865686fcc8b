//! A local push service for the tests: it accepts Web Push requests like FCM or Mozilla's autopush
//! do, and decrypts each payload with the subscription's own keys (RFC 8291), as the browser would.
//! `/gone/...` answers 410 Gone, like a push service for a subscription the browser dropped;
//! `/redirect/...` redirects to `/followed/...`.
use std::sync::{Arc, Mutex};

use axum::{
    body::Bytes,
    extract::Path,
    http::{header, HeaderMap, StatusCode},
    response::IntoResponse,
    routing::post,
    Router,
};
use base64ct::{Base64UrlUnpadded, Encoding};
use web_push_native::{p256, Auth};

/// One device: its key pair and auth secret, as `pushManager.subscribe` makes them.
pub struct Device {
    pub secret: p256::SecretKey,
    pub auth: [u8; 16],
}

impl Device {
    pub fn new() -> Device {
        use rand::RngCore;
        let mut raw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let mut auth = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut auth);
        Device {
            secret: p256::SecretKey::from_slice(&raw).expect("a valid scalar"),
            auth,
        }
    }

    /// (p256dh, auth) as the browser's `toJSON()` gives them.
    pub fn keys(&self) -> (String, String) {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let public = self.secret.public_key().to_encoded_point(false);
        (
            Base64UrlUnpadded::encode_string(public.as_bytes()),
            Base64UrlUnpadded::encode_string(&self.auth),
        )
    }

    pub fn decrypt(&self, body: &[u8]) -> Vec<u8> {
        web_push_native::decrypt(
            body.to_vec(),
            &self.secret,
            &Auth::clone_from_slice(&self.auth),
        )
        .expect("the payload decrypts with the subscription's keys")
    }
}

#[derive(Clone, Debug)]
pub struct Delivered {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

#[derive(Clone, Default)]
pub struct PushService {
    pub received: Arc<Mutex<Vec<Delivered>>>,
    pub url: String,
}

impl PushService {
    pub async fn start() -> PushService {
        let received: Arc<Mutex<Vec<Delivered>>> = Arc::default();
        let store = received.clone();
        let app = Router::new().route(
            "/{kind}/{id}",
            post(
                move |Path((kind, id)): Path<(String, String)>, headers: HeaderMap, body: Bytes| {
                    let store = store.clone();
                    async move {
                        store.lock().unwrap().push(Delivered {
                            path: format!("/{kind}/{id}"),
                            headers,
                            body: body.to_vec(),
                        });
                        match kind.as_str() {
                            "gone" => StatusCode::GONE.into_response(),
                            // Sends the pusher elsewhere: Kring must not follow (SS-01).
                            "redirect" => (
                                StatusCode::TEMPORARY_REDIRECT,
                                [(header::LOCATION, format!("/followed/{id}"))],
                            )
                                .into_response(),
                            _ => StatusCode::CREATED.into_response(),
                        }
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind push service");
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        PushService { received, url }
    }

    pub fn all(&self) -> Vec<Delivered> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until `n` pushes arrived at `path`.
    pub async fn wait_for(&self, path: &str, n: usize) -> Vec<Delivered> {
        for _ in 0..200 {
            let got: Vec<_> = self.all().into_iter().filter(|d| d.path == path).collect();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("fewer than {n} pushes at {path}: {:?}", self.all().len());
    }
}
