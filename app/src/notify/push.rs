//! Web Push with `web-push-native` (RFC 8291 encryption and VAPID, pure Rust). The payload passes
//! through Google, Apple or Mozilla, so it carries no names, texts or photos (PR-06): only a
//! neutral title and the notification's number. The service worker fetches the words from Kring
//! with the person's own session, or shows a generic text.
use base64ct::{Base64UrlUnpadded, Encoding};
use serde::Serialize;
use web_push_native::{
    jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair},
    p256, Auth, WebPushBuilder,
};

use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db, outbound::Reach, secrets, state::AppState},
    with_db, with_tx,
};

const VAPID_KEY: &str = "vapid_private";
const UNSUBSCRIBE_KEY: &str = "unsubscribe_secret";
/// Subscriptions a browser has not confirmed for this long are dropped.
pub const STALE_SECS: i64 = 60 * 86400;
/// Devices one person may register; a new one beyond this replaces the one heard from longest ago
/// (SS-01: nobody makes the server send a hundred requests per post).
pub const MAX_DEVICES: i64 = 10;
/// How long a push service keeps an undelivered message; also the VAPID token's lifetime, which
/// push services want below 24 hours.
const TTL_SECS: u64 = 12 * 3600;

/// A server key, made and stored the first time it is asked for (two servers starting at once
/// agree on one: the insert is idempotent and both read the stored value).
async fn server_key(
    db: &Db,
    name: &str,
    make: impl FnOnce() -> String,
) -> Result<String, AppError> {
    let read = || async {
        let row: Option<(String,)> = with_db!(db, |pool| sqlx::query_as(
            "SELECT value FROM server_keys WHERE name = $1"
        )
        .bind(name)
        .fetch_optional(pool)
        .await)?;
        Ok::<_, AppError>(row.map(|(v,)| v))
    };
    if let Some(v) = read().await? {
        return Ok(v);
    }
    with_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO server_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING"
    )
    .bind(name)
    .bind(make())
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    read().await?.ok_or(AppError::Internal)
}

/// Makes the VAPID key pair and the unsubscribe secret at first start.
pub async fn ensure_keys(db: &Db) -> Result<(), AppError> {
    vapid(db).await?;
    unsubscribe_secret(db).await?;
    Ok(())
}

async fn vapid(db: &Db) -> Result<ES256KeyPair, AppError> {
    let raw = server_key(db, VAPID_KEY, || {
        Base64UrlUnpadded::encode_string(&ES256KeyPair::generate().to_bytes())
    })
    .await?;
    let bytes = Base64UrlUnpadded::decode_vec(&raw).map_err(|_| AppError::Internal)?;
    ES256KeyPair::from_bytes(&bytes).map_err(|_| AppError::Internal)
}

/// The public VAPID key as the browser's `applicationServerKey` wants it.
pub async fn public_key(db: &Db) -> Result<String, AppError> {
    let kp = vapid(db).await?;
    Ok(Base64UrlUnpadded::encode_string(
        &kp.public_key().public_key().to_bytes_uncompressed(),
    ))
}

async fn unsubscribe_secret(db: &Db) -> Result<String, AppError> {
    server_key(db, UNSUBSCRIBE_KEY, secrets::new_token).await
}

/// The signature in an unsubscribe link: nobody can turn off another person's e-mail.
pub async fn unsubscribe_sig(db: &Db, user_id: i64) -> Result<String, AppError> {
    use hmac::{Hmac, Mac};
    let secret = unsubscribe_secret(db).await?;
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| AppError::Internal)?;
    mac.update(format!("unsubscribe:{user_id}").as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// Checks an unsubscribe link's signature (in constant time).
pub async fn unsubscribe_valid(db: &Db, user_id: i64, sig: &str) -> Result<bool, AppError> {
    use hmac::{Hmac, Mac};
    let Ok(given) = hex::decode(sig) else {
        return Ok(false);
    };
    let secret = unsubscribe_secret(db).await?;
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| AppError::Internal)?;
    mac.update(format!("unsubscribe:{user_id}").as_bytes());
    Ok(mac.verify_slice(&given).is_ok())
}

pub async fn unsubscribe_link(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let sig = unsubscribe_sig(&state.db, user_id).await?;
    Ok(state
        .settings
        .link(&format!("/afmelden?u={user_id}&t={sig}")))
}

/// A browser's subscription as `PushSubscription.toJSON()` gives it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

impl Subscription {
    pub fn parse(
        reach: Reach,
        endpoint: &str,
        p256dh: &str,
        auth: &str,
    ) -> Result<Subscription, AppError> {
        let bad = || AppError::validation("push", crate::error::Invalid::PushInvalid);
        let url = url::Url::parse(endpoint).map_err(|_| bad())?;
        // Push services are https on the public internet (SS-01); names are checked again when
        // they are resolved for each connection.
        if endpoint.len() > 2000 || !reach.allows_url(&url) {
            return Err(bad());
        }
        let key = Base64UrlUnpadded::decode_vec(p256dh.trim_end_matches('=')).map_err(|_| bad())?;
        p256::PublicKey::from_sec1_bytes(&key).map_err(|_| bad())?;
        let secret =
            Base64UrlUnpadded::decode_vec(auth.trim_end_matches('=')).map_err(|_| bad())?;
        if secret.len() != 16 {
            return Err(bad());
        }
        Ok(Subscription {
            endpoint: endpoint.to_string(),
            p256dh: p256dh.trim_end_matches('=').to_string(),
            auth: auth.trim_end_matches('=').to_string(),
        })
    }
}

/// Stores (or refreshes) this device's subscription for the signed-in person and session. An
/// endpoint that another account registered in a session that is still live stays theirs; beyond
/// `MAX_DEVICES` the device heard from longest ago makes way.
pub async fn subscribe(
    db: &Db,
    actor: &Actor,
    session_token: Option<&str>,
    sub: &Subscription,
) -> Result<(), AppError> {
    let at = db.clock().now();
    let session_hash = session_token.map(secrets::hash_token);
    with_tx!(db, |tx| {
        let (taken,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM push_subscriptions ps JOIN sessions s ON s.id_hash = ps.session_hash \
             WHERE ps.endpoint = $1 AND ps.user_id <> $2 AND s.expires_at > $3",
        )
        .bind(&sub.endpoint)
        .bind(actor.user_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(AppError::validation(
                "push",
                crate::error::Invalid::PushInvalid,
            ));
        }
        sqlx::query(
            "INSERT INTO push_subscriptions (user_id, session_hash, endpoint, p256dh, auth, created_at, refreshed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) \
             ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, session_hash = excluded.session_hash, \
               p256dh = excluded.p256dh, auth = excluded.auth, refreshed_at = excluded.refreshed_at",
        )
        .bind(actor.user_id)
        .bind(session_hash)
        .bind(&sub.endpoint)
        .bind(&sub.p256dh)
        .bind(&sub.auth)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN \
             (SELECT id FROM push_subscriptions WHERE user_id = $1 ORDER BY refreshed_at DESC, id DESC LIMIT $2)",
        )
        .bind(actor.user_id)
        .bind(MAX_DEVICES)
        .execute(&mut *tx)
        .await?;
    });
    Ok(())
}

/// Removes this device's subscription (only the person's own).
pub async fn unsubscribe(db: &Db, actor: &Actor, endpoint: &str) -> Result<(), AppError> {
    with_db!(db, |pool| sqlx::query(
        "DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2"
    )
    .bind(actor.user_id)
    .bind(endpoint)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Drops subscriptions no browser has confirmed for 60 days.
pub async fn prune(db: &Db) -> Result<u64, AppError> {
    Ok(with_db!(db, |pool| sqlx::query(
        "DELETE FROM push_subscriptions WHERE refreshed_at < $1"
    )
    .bind(db.clock().now() - STALE_SECS)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?)
}

/// What goes through the push service: nothing personal.
#[derive(Serialize)]
struct Payload {
    title: &'static str,
    id: String,
}

/// Sends one notification to one subscription. A subscription the push service no longer knows
/// (404/410) is deleted; other failures are retried by the job queue.
pub async fn send(
    state: &AppState,
    http: &reqwest::Client,
    notification_id: i64,
    subscription_id: i64,
) -> Result<(), String> {
    let db = &state.db;
    let row: Option<(String, String, String)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT ps.endpoint, ps.p256dh, ps.auth FROM push_subscriptions ps \
         JOIN notifications n ON n.user_id = ps.user_id \
         WHERE ps.id = $1 AND n.id = $2"
    )
    .bind(subscription_id)
    .bind(notification_id)
    .fetch_optional(pool)
    .await)
    .map_err(|e| e.to_string())?;
    // Unsubscribed, logged out or the item removed meanwhile: nothing to send.
    let Some((endpoint, p256dh, auth)) = row else {
        return Ok(());
    };
    let kp = vapid(db).await.map_err(|e| e.to_string())?;
    let key = Base64UrlUnpadded::decode_vec(&p256dh).map_err(|_| "bad p256dh".to_string())?;
    let ua_public = p256::PublicKey::from_sec1_bytes(&key).map_err(|_| "bad p256dh")?;
    let auth = Base64UrlUnpadded::decode_vec(&auth).map_err(|_| "bad auth")?;
    if auth.len() != 16 {
        return Err("bad auth".into());
    }
    // Checked again at sending: a row from before the rule, or a rule made stricter since.
    let allowed = url::Url::parse(&endpoint).is_ok_and(|u| state.settings.outbound.allows_url(&u));
    if !allowed {
        tracing::warn!(
            subscription = subscription_id,
            "push endpoint not allowed; not sent"
        );
        return Ok(());
    }
    let uri: http::Uri = endpoint.parse().map_err(|_| "bad endpoint")?;
    let contact = format!("mailto:{}", mail_address(&state.settings.mail_from));
    let payload = serde_json::to_vec(&Payload {
        title: "Kring",
        id: notification_id.to_string(),
    })
    .map_err(|e| e.to_string())?;
    let request = WebPushBuilder::new(uri, ua_public, Auth::clone_from_slice(&auth))
        .with_valid_duration(std::time::Duration::from_secs(TTL_SECS))
        .with_vapid(&kp, &contact)
        .build(payload)
        .map_err(|e| format!("push encryption: {e}"))?;
    let request = reqwest::Request::try_from(request).map_err(|e| e.to_string())?;
    let response = http
        .execute(request)
        .await
        .map_err(|e| format!("push: {}", e.without_url()))?;
    match response.status().as_u16() {
        // Delivered: the subscription is alive, which counts as a refresh.
        200..=299 => {
            with_db!(db, |pool| sqlx::query(
                "UPDATE push_subscriptions SET refreshed_at = $2 WHERE id = $1"
            )
            .bind(subscription_id)
            .bind(db.clock().now())
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
            .map_err(|e| e.to_string())?;
            Ok(())
        }
        // Gone; or a redirect, which no push service sends and which is never followed (SS-01).
        300..=399 | 404 | 410 => {
            with_db!(db, |pool| sqlx::query(
                "DELETE FROM push_subscriptions WHERE id = $1"
            )
            .bind(subscription_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
            .map_err(|e| e.to_string())?;
            tracing::info!(
                subscription = subscription_id,
                status = response.status().as_u16(),
                "push subscription gone; removed"
            );
            Ok(())
        }
        status => Err(format!("push service answered {status}")),
    }
}

/// The bare address of a "Name <address>" mailbox.
fn mail_address(mailbox: &str) -> &str {
    match (mailbox.find('<'), mailbox.rfind('>')) {
        (Some(a), Some(b)) if a < b => &mailbox[a + 1..b],
        _ => mailbox.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriptions_are_checked() {
        let key = "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
        let auth = "_ordMnz7uTCmrpBTeUV4Bw";
        let p = Reach::PublicOnly;
        assert!(
            Subscription::parse(p, "https://fcm.googleapis.com/fcm/send/abc", key, auth).is_ok()
        );
        assert!(Subscription::parse(p, "http://127.0.0.1:9/push", key, auth).is_err());
        assert!(Subscription::parse(Reach::Local, "http://127.0.0.1:9/push", key, auth).is_ok());
        assert!(Subscription::parse(p, "http://push.example/abc", key, auth).is_err());
        assert!(Subscription::parse(p, "https://push.example/abc", "AAAA", auth).is_err());
        assert!(Subscription::parse(p, "https://push.example/abc", key, "AAAA").is_err());
    }

    #[test]
    fn the_payload_is_neutral() {
        let json = serde_json::to_string(&Payload {
            title: "Kring",
            id: "42".into(),
        })
        .unwrap();
        assert_eq!(json, r#"{"title":"Kring","id":"42"}"#);
        assert_eq!(mail_address("Kring <kring@school.nl>"), "kring@school.nl");
        assert_eq!(mail_address("kring@school.nl"), "kring@school.nl");
    }
}
