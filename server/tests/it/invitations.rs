//! AC-06: who may invite for a pupil, and that an invitation never links an existing account
//! without its owner. Every test here failed on the code the attack found: a teacher could link any
//! account to any pupil of the school at once, and the answer told whether the address had one.
use crate::common;

use common::{smtp::token_link, TestApp, PASSWORD};

const SANNE: &str = "juf.sanne@regenboog.example"; // teacher of Groep 3 (school A)
const AHMED: &str = "meester.ahmed@regenboog.example"; // teacher of Groep 5/6 (school A)
const DIRECTIE: &str = "directie@regenboog.example";
const KOMPAS: &str = "directie@kompas.example"; // directie of school B
const ADMIN: &str = "beheer@kring.example";
const SMIT: &str = "ouder.smit@example.nl"; // parent in school B
const BAKKER: &str = "ouder.bakker@example.nl"; // Lotte's parent (Groep 3)

async fn invite(app: &TestApp, as_who: &str, pupil: i64, email: &str) -> (u16, String) {
    let cookie = app.session(as_who).await;
    let res = app
        .call(
            "invite_guardian",
            Some(&cookie),
            &[
                ("pupil_id", pupil.to_string()),
                ("name", "Iemand".into()),
                ("email", email.into()),
            ],
        )
        .await;
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

/// The token of the newest invitation mailed to `email`.
async fn mailed_token(app: &TestApp, email: &str) -> String {
    let mail = app.smtp.wait_for(email, "/uitnodiging?token=").await;
    token_link(&mail, "http://")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string()
}

async fn accept(app: &TestApp, token: &str, password: &str) -> (u16, String) {
    let res = app
        .call(
            "accept_invitation",
            None,
            &[("token", token.into()), ("password", password.into())],
        )
        .await;
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

async fn count(app: &TestApp, sql: &str, a: i64, b: i64) -> i64 {
    let (n,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(sql)
        .bind(a)
        .bind(b)
        .fetch_one(pool)
        .await)
    .unwrap();
    n
}

async fn is_guardian(app: &TestApp, email: &str, pupil: i64) -> bool {
    let user = app.user_id(email).await;
    count(
        app,
        "SELECT COUNT(*) FROM guardianships WHERE pupil_id = $1 AND user_id = $2",
        pupil,
        user,
    )
    .await
        > 0
}

/// Only staff of the pupil's own group and the school's directie invite for a pupil: not a
/// teacher of another group, not a teacher without a group, not another school, not the admin.
async fn ac06_only_the_pupils_own_teachers_and_the_directie_invite(app: TestApp) {
    let lotte = app.pupil("Lotte").await; // Groep 3
    let sam = app.pupil("Sam").await; // Groep 5/6
    let julia = app.pupil("Julia").await; // school B
    assert_eq!(invite(&app, SANNE, lotte, "a1@example.nl").await.0, 200);
    assert_eq!(invite(&app, SANNE, sam, "a2@example.nl").await.0, 403);
    assert_eq!(invite(&app, SANNE, julia, "a3@example.nl").await.0, 404);
    assert_eq!(invite(&app, AHMED, sam, "a4@example.nl").await.0, 200);
    assert_eq!(invite(&app, DIRECTIE, sam, "a5@example.nl").await.0, 200);
    assert_eq!(invite(&app, KOMPAS, lotte, "a6@example.nl").await.0, 404);
    assert_eq!(invite(&app, ADMIN, lotte, "a7@example.nl").await.0, 403);
    assert_eq!(invite(&app, BAKKER, lotte, "a8@example.nl").await.0, 404);
    // A teacher of the school without any group.
    let school_a = app.school("OBS De Regenboog").await;
    let at = app.db.clock().now();
    for sql in [
        "INSERT INTO users (email, name, created_at) VALUES ('zonder.groep@regenboog.example', 'Zonder Groep', $1)",
        "INSERT INTO staff_roles (user_id, school_id, role) SELECT id, $1, 'teacher' FROM users WHERE email = 'zonder.groep@regenboog.example'",
    ] {
        let arg = if sql.contains("staff_roles") { school_a } else { at };
        app::with_db!(&app.db, |pool| sqlx::query(sql)
            .bind(arg)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
    }
    assert_eq!(
        invite(
            &app,
            "zonder.groep@regenboog.example",
            lotte,
            "a9@example.nl"
        )
        .await
        .0,
        403
    );
    // Only the allowed ones made an invitation.
    let (made,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM invitations"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(made, 3);
}

/// An existing account (here a parent of another school) is never linked at once: the inviter gets
/// the answer a new address gets, and the account sees nothing until its owner accepts with the
/// account's own password.
async fn ac06_an_existing_account_is_invited_never_linked_at_once(app: TestApp) {
    let lotte = app.pupil("Lotte").await;
    let fresh = invite(&app, SANNE, lotte, "nog.geen.account@example.nl").await;
    let existing = invite(&app, SANNE, lotte, SMIT).await;
    assert_eq!(fresh, (200, "\"Invited\"".to_string()));
    assert_eq!(
        existing, fresh,
        "the inviter cannot tell who has an account"
    );
    assert!(!is_guardian(&app, SMIT, lotte).await, "nothing granted yet");
    let smit = app.session(SMIT).await;
    let post = app.post_in("Groep 3").await;
    let read = app
        .call("get_post", Some(&smit), &[("post_id", post.to_string())])
        .await;
    assert_eq!(read.status(), 404, "the group stays closed");
    let school_a = app.school("OBS De Regenboog").await;
    let directie = app.actor(DIRECTIE).await;
    app::consent::server::open_round(&app.db, &directie, school_a, false, None)
        .await
        .expect("open round");
    let photos = app
        .id_of("SELECT id FROM consent_purposes WHERE kind = $1", "photos")
        .await;
    let consent = app
        .call(
            "answer_consent",
            Some(&smit),
            &[
                ("pupil_id", lotte.to_string()),
                (&format!("answers[p{photos}]"), "yes".into()),
            ],
        )
        .await;
    assert_eq!(consent.status(), 404, "and so does the child's consent");

    // The owner's link asks for the existing password, not a new one.
    let token = mailed_token(&app, SMIT).await;
    let info = app
        .call("invitation_info", None, &[("token", token.clone())])
        .await;
    let info: serde_json::Value = info.json().await.unwrap();
    assert_eq!(info["has_account"], true);
    let (status, body) = accept(&app, &token, "niet het wachtwoord").await;
    assert_eq!(status, 400, "{body}");
    assert!(!is_guardian(&app, SMIT, lotte).await);
    let (status, body) = accept(&app, &token, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    assert!(is_guardian(&app, SMIT, lotte).await, "linked once accepted");
    let (users,): (i64,) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM users WHERE email = 'ouder.smit@example.nl'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(users, 1, "no second account");
    assert_eq!(accept(&app, &token, PASSWORD).await.0, 404, "single use");
}

/// A teacher's invitation never links a staff or admin account; the directie may link a staff
/// member whose child attends the school (audited); an admin never becomes a guardian.
async fn ac06_staff_and_admin_accounts_are_not_linked_by_a_teacher(app: TestApp) {
    let lotte = app.pupil("Lotte").await;
    for (inviter, account) in [(SANNE, AHMED), (SANNE, ADMIN), (DIRECTIE, ADMIN)] {
        app.smtp.clear();
        assert_eq!(
            invite(&app, inviter, lotte, account).await,
            (200, "\"Invited\"".to_string())
        );
        let token = mailed_token(&app, account).await;
        let (status, body) = accept(&app, &token, PASSWORD).await;
        assert_eq!(status, 400, "{inviter} → {account}: {body}");
        let why = if account == ADMIN {
            "invite_admin_account"
        } else {
            "invite_staff_account"
        };
        assert!(body.contains(why), "{body}");
        assert!(!is_guardian(&app, account, lotte).await);
    }
    app.smtp.clear();
    invite(&app, DIRECTIE, lotte, AHMED).await;
    let token = mailed_token(&app, AHMED).await;
    assert_eq!(accept(&app, &token, PASSWORD).await.0, 200);
    assert!(is_guardian(&app, AHMED, lotte).await);
    let ahmed = app.user_id(AHMED).await;
    let audited = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE actor_id = $1 AND action = 'link_staff_as_guardian' AND $2 = $2",
        ahmed,
        0,
    )
    .await;
    assert_eq!(
        audited, 1,
        "the directie's link of a staff member is in the audit log"
    );
}

/// Re-inviting a guardian marked "geen toegang" and accepting again keeps the mark.
async fn ac06_reinviting_never_lifts_no_access(app: TestApp) {
    let lotte = app.pupil("Lotte").await;
    let bakker = app.user_id(BAKKER).await;
    let directie = app.session(DIRECTIE).await;
    let marked = app
        .call(
            "admin_guardian_access",
            Some(&directie),
            &[
                ("pupil_id", lotte.to_string()),
                ("user_id", bakker.to_string()),
                ("no_access", "true".into()),
            ],
        )
        .await;
    assert_eq!(marked.status(), 200);
    invite(&app, DIRECTIE, lotte, BAKKER).await;
    let token = mailed_token(&app, BAKKER).await;
    assert_eq!(accept(&app, &token, PASSWORD).await.0, 200);
    let still = count(
        &app,
        "SELECT COUNT(*) FROM guardianships WHERE pupil_id = $1 AND user_id = $2 AND no_access = TRUE",
        lotte,
        bakker,
    )
    .await;
    assert_eq!(still, 1, "geen toegang stays");
    let cookie = app.session(BAKKER).await;
    let post = app.post_in("Groep 3").await;
    let read = app
        .call("get_post", Some(&cookie), &[("post_id", post.to_string())])
        .await;
    assert_eq!(read.status(), 404);
}

/// A staff role on an existing account is accepted by its owner: another school's directie cannot
/// pull a teacher into their school.
async fn ac06_a_staff_role_on_an_existing_account_waits_for_its_owner(app: TestApp) {
    let kompas = app.session(KOMPAS).await;
    let school_b = app.school("CBS Het Kompas").await;
    let res = app
        .call(
            "invite_staff",
            Some(&kompas),
            &[
                ("school_id", school_b.to_string()),
                ("name", "Sanne".into()),
                ("email", SANNE.into()),
                ("role", "directie".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "\"Invited\"");
    let sanne = app.user_id(SANNE).await;
    let roles = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let (n,): (i64,) = app::with_db!(&db, |pool| sqlx::query_as(
                "SELECT COUNT(*) FROM staff_roles WHERE user_id = $1 AND school_id = $2"
            )
            .bind(sanne)
            .bind(school_b)
            .fetch_one(pool)
            .await)
            .unwrap();
            n
        }
    };
    assert_eq!(roles(&app).await, 0, "no role before acceptance");
    let token = mailed_token(&app, SANNE).await;
    assert_eq!(accept(&app, &token, "verkeerd wachtwoord").await.0, 400);
    assert_eq!(roles(&app).await, 0);
    assert_eq!(accept(&app, &token, PASSWORD).await.0, 200);
    assert_eq!(roles(&app).await, 1, "the owner accepted");
}

/// AC-06: a teacher sees guardians' e-mail addresses only of her own group's pupils.
async fn ac06_teachers_see_guardian_addresses_of_their_own_groups_only(app: TestApp) {
    let sanne = app.session(SANNE).await;
    let own = app
        .call(
            "admin_pupil",
            Some(&sanne),
            &[("pupil_id", app.pupil("Lotte").await.to_string())],
        )
        .await;
    assert_eq!(own.status(), 200);
    assert!(own.text().await.unwrap().contains(BAKKER));
    let other = app
        .call(
            "admin_pupil",
            Some(&sanne),
            &[("pupil_id", app.pupil("Sam").await.to_string())],
        )
        .await;
    assert_eq!(other.status(), 200, "the pupil page itself stays readable");
    let body = other.text().await.unwrap();
    assert!(body.contains("Noor de Vries"), "positive control: {body}");
    assert!(!body.contains("ouder.devries@example.nl"), "{body}");
}

/// The trial's vanished invitations: a sent invitation shows on the pupil's page with its date and
/// state; it can be sent again (a new link; the old one stops) and taken back (the link stops).
async fn pending_invitations_are_shown_resent_and_revoked(app: TestApp) {
    let lotte = app.pupil("Lotte").await;
    invite(&app, SANNE, lotte, "nieuwe.ouder@example.nl").await;
    let first = mailed_token(&app, "nieuwe.ouder@example.nl").await;
    let sanne = app.session(SANNE).await;
    let detail = app
        .call(
            "admin_pupil",
            Some(&sanne),
            &[("pupil_id", lotte.to_string())],
        )
        .await;
    let detail: serde_json::Value = detail.json().await.unwrap();
    let pending = detail["invitations"].as_array().unwrap();
    assert_eq!(pending.len(), 1, "{detail}");
    assert_eq!(pending[0]["email"], "nieuwe.ouder@example.nl");
    let id = pending[0]["id"].as_i64().unwrap();
    app.smtp.clear();
    let resent = app
        .call(
            "admin_resend_invitation",
            Some(&sanne),
            &[
                ("invitation_id", id.to_string()),
                ("back", "/beheer".into()),
            ],
        )
        .await;
    assert_eq!(resent.status(), 200);
    let second = mailed_token(&app, "nieuwe.ouder@example.nl").await;
    assert_ne!(first, second, "a new link");
    let info = |token: String| {
        let app = &app;
        async move {
            app.call("invitation_info", None, &[("token", token)])
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(info(first).await, 404, "the old link stopped");
    assert_eq!(info(second.clone()).await, 200);
    let revoked = app
        .call(
            "admin_revoke_invitation",
            Some(&sanne),
            &[
                ("invitation_id", id.to_string()),
                ("back", "/beheer".into()),
            ],
        )
        .await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(info(second.clone()).await, 404, "a revoked link stops");
    assert_eq!(accept(&app, &second, "een eigen lange zin").await.0, 404);
    let detail: serde_json::Value = app
        .call(
            "admin_pupil",
            Some(&sanne),
            &[("pupil_id", lotte.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(detail["invitations"].as_array().unwrap().is_empty());
}

db_tests!(
    pending_invitations_are_shown_resent_and_revoked,
    ac06_only_the_pupils_own_teachers_and_the_directie_invite,
    ac06_an_existing_account_is_invited_never_linked_at_once,
    ac06_staff_and_admin_accounts_are_not_linked_by_a_teacher,
    ac06_reinviting_never_lifts_no_access,
    ac06_a_staff_role_on_an_existing_account_waits_for_its_owner,
    ac06_teachers_see_guardian_addresses_of_their_own_groups_only,
);
