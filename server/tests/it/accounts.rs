//! Sign-in, sessions, password reset and invitations over HTTP, with mails through a real SMTP sink.
use crate::common;

use common::{smtp::token_link, TestApp, PASSWORD};

fn login_form(email: &str, password: &str) -> Vec<(&'static str, String)> {
    vec![("email", email.into()), ("password", password.into())]
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kring_session="))
        .map(str::to_string)
}

/// AU-02, SE-01: the plain HTML form login redirects and sets a hardened session cookie with a new id;
/// wrong password and unknown e-mail get the very same answer.
async fn au02_login_sets_a_fresh_hardened_cookie_and_reveals_nothing(app: TestApp) {
    let form = login_form("ouder.bakker@example.nl", PASSWORD);
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.at("/api/login"))
        .header("accept", "text/html")
        .header("cookie", "kring_session=planted-by-attacker")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/");
    let cookie = session_cookie(&res).expect("session cookie");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=7776000")
    );
    assert!(
        !cookie.contains("planted-by-attacker"),
        "the id is rotated at login"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain-http localhost has no Secure flag"
    );

    let wrong = app
        .call(
            "login",
            None,
            &login_form("ouder.bakker@example.nl", "niet het wachtwoord"),
        )
        .await;
    let unknown = app
        .call(
            "login",
            None,
            &login_form("onbekend@example.nl", "niet het wachtwoord"),
        )
        .await;
    let (ws, wb) = (wrong.status(), wrong.text().await.unwrap());
    let (us, ub) = (unknown.status(), unknown.text().await.unwrap());
    assert_eq!(ws, 400);
    assert_eq!(
        (ws, wb),
        (us, ub),
        "wrong password and unknown e-mail answer alike"
    );
}

/// Staff sessions last 14 days, guardians' 90 (both sliding).
async fn se01_staff_sessions_are_shorter(app: TestApp) {
    let res = app
        .call(
            "login",
            None,
            &login_form("juf.sanne@regenboog.example", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(session_cookie(&res).unwrap().contains("Max-Age=1209600"));
}

/// SE-01: on https the cookie is Secure.
async fn se01_https_cookies_are_secure(app: TestApp) {
    let https = common::spawn_app_with(app.backend, |s| {
        s.public_url = "https://kring.example.nl".parse().unwrap();
    })
    .await;
    let res = https
        .call(
            "login",
            None,
            &login_form("ouder.bakker@example.nl", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(session_cookie(&res).unwrap().contains("; Secure"));
    let page = https.page("/inloggen", None).await;
    assert!(page.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
}

/// AU-02: per-account throttling answers 429 with Retry-After.
async fn au02_login_is_throttled_per_account(app: TestApp) {
    let mut last = None;
    for _ in 0..12 {
        let res = app
            .call(
                "login",
                None,
                &login_form("ouder.smit@example.nl", "fout fout fout"),
            )
            .await;
        if res.status() == 429 {
            last = Some(res);
            break;
        }
    }
    let res = last.expect("throttled within 12 attempts");
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    // Even the right password waits now.
    let right = app
        .call(
            "login",
            None,
            &login_form("ouder.smit@example.nl", PASSWORD),
        )
        .await;
    assert_eq!(right.status(), 429);
}

/// SE-01: logout ends the server-side session; "log out on all devices" ends every session.
async fn se01_logout_and_logout_everywhere_end_sessions(app: TestApp) {
    let phone = app.session("ouder.jansen@example.nl").await;
    let laptop = app.session("ouder.jansen@example.nl").await;
    assert_eq!(app.call("feed", Some(&phone), &[]).await.status(), 200);
    assert_eq!(app.call("logout", Some(&phone), &[]).await.status(), 200);
    assert_eq!(
        app.call("feed", Some(&phone), &[]).await.status(),
        401,
        "the old cookie is dead"
    );
    assert_eq!(
        app.call("feed", Some(&laptop), &[]).await.status(),
        200,
        "other devices stay signed in"
    );
    let tablet = app.session("ouder.jansen@example.nl").await;
    assert_eq!(
        app.call("logout_everywhere", Some(&tablet), &[])
            .await
            .status(),
        200
    );
    assert_eq!(app.call("feed", Some(&laptop), &[]).await.status(), 401);
    assert_eq!(app.call("feed", Some(&tablet), &[]).await.status(), 401);
}

/// AU-03: a teacher invites a parent; the mailed link works once, makes the account, signs in and
/// shows the child's group. The token is stored only hashed.
async fn au03_invitation_link_is_single_use_and_lands_in_kring(app: TestApp) {
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let lotte = app.pupil("Lotte").await;
    let res = app
        .call(
            "invite_guardian",
            Some(&sanne),
            &[
                ("pupil_id", lotte.to_string()),
                ("name", "Ria Bakker".into()),
                ("email", "Ria.Bakker@Example.nl".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let mail = app
        .smtp
        .wait_for("ria.bakker@example.nl", "/uitnodiging?token=")
        .await;
    assert!(mail.text.contains("OBS De Regenboog"));
    let link = token_link(&mail, "http://");
    let token = link.split("token=").nth(1).unwrap().to_string();
    let stored: Vec<(String,)> = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT token_hash FROM invitations"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert!(
        stored.iter().all(|(h,)| h != &token),
        "only the hash is stored"
    );

    let info = app
        .call("invitation_info", None, &[("token", token.clone())])
        .await;
    assert_eq!(info.status(), 200);
    let browser = common::client();
    let form = [
        ("token", token.clone()),
        ("password", "een zin om te onthouden".into()),
        ("password_confirm", "een zin om te onthouden".into()),
    ];
    let accepted = browser
        .post(app.at("/api/accept_invitation"))
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 302);
    let feed = browser
        .get(app.at("/"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200);
    assert!(
        feed.text().await.unwrap().contains("Gymles verplaatst"),
        "the new parent sees the group's post"
    );

    let again = app.call("accept_invitation", None, &form).await;
    assert_eq!(again.status(), 404, "single use");
    let login = app
        .call(
            "login",
            None,
            &login_form("ria.bakker@example.nl", "een zin om te onthouden"),
        )
        .await;
    assert_eq!(login.status(), 200);
}

/// AU-03: an expired invitation does nothing.
async fn au03_expired_invitation_is_refused(app: TestApp) {
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let lotte = app.pupil("Lotte").await;
    app.call(
        "invite_guardian",
        Some(&sanne),
        &[
            ("pupil_id", lotte.to_string()),
            ("name", "Laat".into()),
            ("email", "laat@example.nl".into()),
        ],
    )
    .await;
    let mail = app.smtp.wait_for("laat@example.nl", "token=").await;
    let token = token_link(&mail, "http://")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    app::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE invitations SET expires_at = 0"
    )
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    assert_eq!(
        app.call("invitation_info", None, &[("token", token)])
            .await
            .status(),
        404
    );
}

/// AU-03: the reset link works once, within the hour, ends other sessions, and the reset answer is
/// the same for unknown addresses.
async fn au03_password_reset_is_single_use(app: TestApp) {
    let old_session = app.session("ouder.devries@example.nl").await;
    let known = app
        .call(
            "request_reset",
            None,
            &[("email", "ouder.devries@example.nl".into())],
        )
        .await;
    let unknown = app
        .call(
            "request_reset",
            None,
            &[("email", "onbekend@example.nl".into())],
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    let mail = app
        .smtp
        .wait_for("ouder.devries@example.nl", "/wachtwoord-instellen?token=")
        .await;
    let token = token_link(&mail, "http://")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    let form = [
        ("token", token),
        ("password", "nieuw en lang genoeg".into()),
        ("password_confirm", "nieuw en lang genoeg".into()),
    ];
    assert_eq!(app.call("reset_password", None, &form).await.status(), 200);
    assert_eq!(
        app.call("reset_password", None, &form).await.status(),
        400,
        "single use"
    );
    assert_eq!(
        app.call("feed", Some(&old_session), &[]).await.status(),
        401,
        "other sessions ended"
    );
    assert_eq!(
        app.call(
            "login",
            None,
            &login_form("ouder.devries@example.nl", "nieuw en lang genoeg")
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.call(
            "login",
            None,
            &login_form("ouder.devries@example.nl", PASSWORD)
        )
        .await
        .status(),
        400
    );
}

/// AU-01: short and common passwords are refused with a Dutch reason on the form.
async fn au01_weak_passwords_are_refused(app: TestApp) {
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let lotte = app.pupil("Lotte").await;
    app.call(
        "invite_guardian",
        Some(&sanne),
        &[
            ("pupil_id", lotte.to_string()),
            ("name", "Zwak".into()),
            ("email", "zwak@example.nl".into()),
        ],
    )
    .await;
    let mail = app.smtp.wait_for("zwak@example.nl", "token=").await;
    let token = token_link(&mail, "http://")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    for weak in ["kort", "wachtwoord123"] {
        let res = app
            .call(
                "accept_invitation",
                None,
                &[
                    ("token", token.clone()),
                    ("password", weak.into()),
                    ("password_confirm", weak.into()),
                ],
            )
            .await;
        assert_eq!(res.status(), 400, "{weak}");
    }
    // Without JavaScript the form comes back with the reason on the page.
    let browser = common::client();
    let res = browser
        .post(app.at("/api/accept_invitation"))
        .header("accept", "text/html")
        .header("referer", app.at(&format!("/uitnodiging?token={token}")))
        .form(&[
            ("token", token.clone()),
            ("password", "kort".into()),
            ("password_confirm", "kort".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let back = res.headers()["location"].to_str().unwrap().to_string();
    let page = browser
        .get(back)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("minstens 10 tekens"),
        "the Dutch reason is shown without JavaScript"
    );
}

/// A reset link used after the account was deactivated changes nothing (not the password, not the
/// link) and says the account is inactive; once the school reactivates it, the same link works.
async fn au03_a_reset_link_of_a_deactivated_account_changes_nothing(app: TestApp) {
    let email = "ouder.devries@example.nl";
    app.call("request_reset", None, &[("email", email.into())])
        .await;
    let mail = app
        .smtp
        .wait_for(email, "/wachtwoord-instellen?token=")
        .await;
    let token = token_link(&mail, "http://")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    let user = app.user_id(email).await;
    let state = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let row: (Option<String>, i64) = app::with_db!(&db, |pool| sqlx::query_as(
                "SELECT u.password_hash, (SELECT COUNT(*) FROM password_resets r WHERE r.user_id = u.id AND r.used_at IS NULL) \
                 FROM users u WHERE u.id = $1"
            )
            .bind(user)
            .fetch_one(pool)
            .await)
            .unwrap();
            row
        }
    };
    let before = state(&app).await;
    let directie = app.session("directie@regenboog.example").await;
    let active = |on: bool| {
        let (app, directie) = (&app, directie.clone());
        async move {
            app.call(
                "admin_user_active",
                Some(&directie),
                &[
                    ("user_id", user.to_string()),
                    ("active", on.to_string()),
                    ("back", "/beheer".into()),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(active(false).await, 200);
    let form = [
        ("token", token),
        ("password", "een heel nieuw wachtwoord".into()),
        ("password_confirm", "een heel nieuw wachtwoord".into()),
    ];
    let res = app.call("reset_password", None, &form).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("account_inactive"));
    assert_eq!(state(&app).await, before, "password and link unchanged");
    assert_eq!(active(true).await, 200);
    assert_eq!(app.call("reset_password", None, &form).await.status(), 200);
}

db_tests!(
    au02_login_sets_a_fresh_hardened_cookie_and_reveals_nothing,
    se01_staff_sessions_are_shorter,
    se01_https_cookies_are_secure,
    au02_login_is_throttled_per_account,
    se01_logout_and_logout_everywhere_end_sessions,
    au03_invitation_link_is_single_use_and_lands_in_kring,
    au03_expired_invitation_is_refused,
    au03_a_reset_link_of_a_deactivated_account_changes_nothing,
    au03_password_reset_is_single_use,
    au01_weak_passwords_are_refused,
);
