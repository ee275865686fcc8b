//! Web Push (SS-01, PR-06, LD-02). Delivery tests reach a push service on this machine through the
//! test-only `Reach::Local` in the app's settings; `public_only` checks what a real deployment
//! accepts: https endpoints on the public internet, at most ten per person, none taken from another
//! account's live session, and no redirect followed.
use crate::common;

use common::{
    consent::{call, exec, BAKKER, JANSEN, SANNE},
    push::{Device, PushService},
    TestApp,
};

use crate::notify::{drain, post_as};

async fn subscribe(app: &TestApp, who: &str, endpoint: &str) -> u16 {
    let (p256dh, auth) = Device::new().keys();
    call(
        app,
        who,
        "push_subscribe",
        &[
            ("endpoint", endpoint.to_string()),
            ("p256dh", p256dh),
            ("auth", auth),
        ],
    )
    .await
    .0
}

async fn endpoints_of(app: &TestApp, who: &str) -> Vec<String> {
    let user = app.user_id(who).await;
    let rows: Vec<(String,)> = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT endpoint FROM push_subscriptions WHERE user_id = $1 ORDER BY endpoint"
    )
    .bind(user)
    .fetch_all(pool)
    .await)
    .unwrap();
    rows.into_iter().map(|(e,)| e).collect()
}

async fn ld02_pr06_push_carries_nothing_personal_and_a_gone_subscription_is_deleted(app: TestApp) {
    let service = PushService::start().await;
    let phone = Device::new();
    let (p256dh, auth) = phone.keys();
    let (status, body) = call(
        &app,
        JANSEN,
        "push_subscribe",
        &[
            ("endpoint", format!("{}/ok/jansen", service.url)),
            ("p256dh", p256dh.clone()),
            ("auth", auth.clone()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let old = Device::new();
    let (old_key, old_auth) = old.keys();
    call(
        &app,
        JANSEN,
        "push_subscribe",
        &[
            ("endpoint", format!("{}/gone/old-tablet", service.url)),
            ("p256dh", old_key),
            ("auth", old_auth),
        ],
    )
    .await;
    let post = post_as(
        &app,
        SANNE,
        "Groep 3",
        "Mila heeft haar jas laten liggen.",
        false,
    )
    .await;
    drain(&app).await;
    let got = service.wait_for("/ok/jansen", 1).await;
    assert_eq!(got.len(), 1, "one push per item and device");
    let delivered = &got[0];
    assert_eq!(delivered.headers["content-encoding"], "aes128gcm");
    let vapid = delivered.headers["authorization"].to_str().unwrap();
    assert!(vapid.starts_with("vapid t="), "VAPID: {vapid}");
    // What passed through the push service: a neutral title and an opaque number.
    assert!(
        !delivered.body.windows(4).any(|w| w == b"Mila"),
        "encrypted"
    );
    let payload: serde_json::Value =
        serde_json::from_slice(&phone.decrypt(&delivered.body)).unwrap();
    assert_eq!(payload["title"], "Kring");
    let id = payload["id"].as_str().unwrap().to_string();
    assert_eq!(payload.as_object().unwrap().len(), 2, "{payload}");
    for private in ["Mila", "jas", "Sanne", "Groep", "Jansen"] {
        assert!(
            !payload.to_string().contains(private),
            "{private} in {payload}"
        );
    }
    // The words come from Kring, for the owner only.
    let (status, words) = call(&app, JANSEN, "push_text", &[("id", id.clone())]).await;
    assert_eq!(status, 200, "{words}");
    assert!(words["body"].as_str().unwrap().contains("jas"));
    assert_eq!(words["url"], format!("/bericht/{post}"));
    let (status, _) = call(&app, BAKKER, "push_text", &[("id", id)]).await;
    assert_eq!(status, 404, "someone else's notification");
    // The push service said 410 for the old tablet: its subscription is gone.
    service.wait_for("/gone/old-tablet", 1).await;
    drain(&app).await;
    let (left,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM push_subscriptions WHERE endpoint LIKE '%/gone/%'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(left, 0);
    // Logging out removes this device's subscription.
    let cookie = app.session(JANSEN).await;
    app.call(
        "push_subscribe",
        Some(&cookie),
        &[
            ("endpoint", format!("{}/ok/laptop", service.url)),
            ("p256dh", p256dh),
            ("auth", auth),
        ],
    )
    .await;
    let count = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let (n,): (i64,) = app::with_db!(&db, |pool| sqlx::query_as(
                "SELECT COUNT(*) FROM push_subscriptions WHERE endpoint LIKE '%/ok/laptop'"
            )
            .fetch_one(pool)
            .await)
            .unwrap();
            n
        }
    };
    assert_eq!(count(&app).await, 1);
    assert_eq!(app.call("logout", Some(&cookie), &[]).await.status(), 200);
    assert_eq!(count(&app).await, 0);
    // A subscription nobody confirmed for 60 days is pruned by the sweep; a fresh one stays.
    let jansen = app.user_id(JANSEN).await;
    exec(
        &app,
        "UPDATE push_subscriptions SET refreshed_at = $2 WHERE user_id = $1",
        jansen,
        app.db.clock().now() - 61 * 86400,
    )
    .await;
    let pruned = app::notify::push::prune(&app.db).await.unwrap();
    assert_eq!(
        pruned, 1,
        "the phone's subscription was not confirmed for 61 days"
    );
}

/// SS-01: a push service that answers with a redirect is not followed anywhere.
async fn ss01_a_redirect_from_a_push_endpoint_is_not_followed(app: TestApp) {
    let service = PushService::start().await;
    assert_eq!(
        subscribe(&app, JANSEN, &format!("{}/redirect/jansen", service.url)).await,
        200
    );
    post_as(&app, SANNE, "Groep 3", "Morgen gym.", true).await;
    drain(&app).await;
    service.wait_for("/redirect/jansen", 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        service
            .all()
            .iter()
            .all(|d| !d.path.starts_with("/followed/")),
        "the redirect was followed"
    );
}

db_tests!(
    settings |s| s.outbound = app::platform::outbound::Reach::Local;
    ld02_pr06_push_carries_nothing_personal_and_a_gone_subscription_is_deleted,
    ss01_a_redirect_from_a_push_endpoint_is_not_followed,
);

/// What a real deployment accepts.
mod public_only {
    use super::*;

    /// SS-01: only https endpoints on the public internet; the test service on this machine is
    /// refused too, as is anything inside the school's network.
    async fn ss01_only_public_https_endpoints_are_accepted(app: TestApp) {
        let service = PushService::start().await;
        for bad in [
            format!("{}/ok/x", service.url),
            "https://127.0.0.1/push".to_string(),
            "https://[::1]:8443/push".to_string(),
            "https://localhost/push".to_string(),
            "https://10.0.0.8/push".to_string(),
            "https://192.168.1.20/push".to_string(),
            "https://169.254.169.254/latest/meta-data".to_string(),
            "https://[fd00::1]/push".to_string(),
            "http://push.example.org/push".to_string(),
        ] {
            assert_eq!(subscribe(&app, JANSEN, &bad).await, 400, "{bad}");
        }
        assert!(endpoints_of(&app, JANSEN).await.is_empty());
        assert_eq!(
            subscribe(&app, JANSEN, "https://push.example.org/device-1").await,
            200,
            "positive control"
        );
    }

    /// SS-01: at most ten devices per person; the one heard from longest ago makes way.
    async fn ss01_at_most_ten_endpoints_per_person(app: TestApp) {
        for i in 0..12 {
            let endpoint = format!("https://push.example.org/device-{i:02}");
            assert_eq!(subscribe(&app, JANSEN, &endpoint).await, 200);
            // Distinct refresh times, so "longest ago" is well defined.
            let jansen = app.user_id(JANSEN).await;
            exec(
                &app,
                "UPDATE push_subscriptions SET refreshed_at = refreshed_at - 100 + $2 WHERE user_id = $1 AND endpoint LIKE '%device-__'",
                jansen,
                0,
            )
            .await;
        }
        let kept = endpoints_of(&app, JANSEN).await;
        assert_eq!(kept.len(), 10, "{kept:?}");
        assert!(!kept.iter().any(|e| e.ends_with("device-00")), "{kept:?}");
        assert!(kept.iter().any(|e| e.ends_with("device-11")));
    }

    /// SS-01: an endpoint registered in another account's live session stays theirs; once that
    /// session is over, the device may be registered by whoever uses it now.
    async fn ss01_an_endpoint_never_moves_away_from_a_live_session(app: TestApp) {
        let endpoint = "https://push.example.org/gedeelde-telefoon";
        assert_eq!(subscribe(&app, JANSEN, endpoint).await, 200);
        assert_eq!(subscribe(&app, BAKKER, endpoint).await, 400);
        assert_eq!(endpoints_of(&app, JANSEN).await, vec![endpoint.to_string()]);
        assert!(endpoints_of(&app, BAKKER).await.is_empty());
        let jansen = app.user_id(JANSEN).await;
        exec(
            &app,
            "UPDATE sessions SET expires_at = $2 WHERE user_id = $1",
            jansen,
            1,
        )
        .await;
        assert_eq!(subscribe(&app, BAKKER, endpoint).await, 200);
        assert_eq!(endpoints_of(&app, BAKKER).await, vec![endpoint.to_string()]);
    }

    db_tests!(
        ss01_only_public_https_endpoints_are_accepted,
        ss01_at_most_ten_endpoints_per_person,
        ss01_an_endpoint_never_moves_away_from_a_live_session,
    );
}
