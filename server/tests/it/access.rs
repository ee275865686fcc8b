//! AC-01: every server function and every page, for every kind of actor, against the real router.
//! The lists of server functions and routes come from the registry and the route list, so a new one
//! without a row here fails the suite.
use crate::common;

use std::collections::BTreeSet;

use common::TestApp;

pub(crate) const ACTORS: [&str; 8] = [
    "anonymous",
    "ouder.bakker@example.nl",  // guardian of a child in Groep 3 (school A)
    "ouder.devries@example.nl", // guardian of a child in Groep 5/6 (school A)
    "juf.sanne@regenboog.example", // teacher of Groep 3
    "directie@regenboog.example", // directie of school A
    "directie@kompas.example",  // directie of school B
    "beheer@kring.example",     // foundation admin
    "administratie@regenboog.example", // the office of school A: people and imports, no posts
];

/// The objects the matrix asks about: all belong to Groep 3 of school A.
struct Fx {
    school_a: i64,
    group3: i64,
    post3: i64,
    lotte: i64,
    bakker: i64,
    sanne: i64,
    jansen: i64,
    /// Two comments by ouder.bakker on `post3` per actor: one to delete, one to remove.
    comments: Vec<i64>,
    /// An open report (by ouder.jansen, of another comment) per actor, for resolving.
    reports: Vec<i64>,
    /// The form field that answers the photo question ("answers[p<id>]"), and that question's id.
    photos_field: &'static str,
    photos: i64,
    /// A consent answer that counts already (confirming it is refused).
    answer: i64,
    /// Two newsletter drafts by the directie of school A: one to open, one to send.
    newsletter: i64,
    newsletter_to_send: i64,
    /// An uploaded, not yet applied import of school A.
    import_run: i64,
}

type Body = fn(&Fx, usize, i64) -> Vec<(&'static str, String)>;

/// (endpoint, request body, expected status per actor in `ACTORS` order). The `i64` is a fresh post
/// in Groep 3 by the teacher, made for each call, so that deleting or editing does not disturb the next.
const SERVER_FNS: &[(&str, Body, [u16; 8])] = &[
    (
        "current_user",
        |_, _, _| vec![],
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "login",
        |_, _, _| {
            vec![
                ("email", "niemand@example.nl".into()),
                ("password", "verkeerd wachtwoord".into()),
            ]
        },
        [400; 8],
    ),
    ("logout", |_, _, _| vec![], [200; 8]),
    (
        "logout_everywhere",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "request_reset",
        |_, _, _| vec![("email", "vergeten@example.nl".into())],
        [200; 8],
    ),
    (
        "reset_password",
        |_, _, _| {
            vec![
                ("token", "x".into()),
                ("password", "een lang wachtwoord".into()),
                ("password_confirm", "een lang wachtwoord".into()),
            ]
        },
        [400; 8],
    ),
    (
        "invitation_info",
        |_, _, _| vec![("token", "x".into())],
        [404; 8],
    ),
    (
        "accept_invitation",
        |_, _, _| {
            vec![
                ("token", "x".into()),
                ("password", "een lang wachtwoord".into()),
                ("password_confirm", "een lang wachtwoord".into()),
            ]
        },
        [404; 8],
    ),
    (
        "set_locale",
        |_, _, _| vec![("locale", "nl".into())],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "feed",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    // Ids the viewer cannot read are ignored, so the answer is the same for every signed-in actor.
    (
        "posts_seen",
        |f, _, _| vec![("ids[0]", f.post3.to_string())],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "group_feed",
        |f, _, _| vec![("group_id", f.group3.to_string())],
        [401, 200, 404, 200, 200, 404, 404, 404],
    ),
    (
        "get_post",
        |f, _, _| vec![("post_id", f.post3.to_string())],
        [401, 200, 404, 200, 200, 404, 404, 404],
    ),
    (
        "compose_options",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "my_groups",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "notifications",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "notification_prefs",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "save_notification_prefs",
        // Muting a group one cannot see is ignored (checked in the query), not an error.
        |f, _, _| {
            vec![
                ("frequency", "weekly".into()),
                ("email[]", "post".into()),
                ("muted[]", f.group3.to_string()),
            ]
        },
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "mail_failures",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "push_key",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "push_subscribe",
        |_, actor, _| {
            vec![
                ("endpoint", format!("https://push.example/device-{actor}")),
                ("p256dh", "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY".into()),
                ("auth", "_ordMnz7uTCmrpBTeUV4Bw".into()),
            ]
        },
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "push_unsubscribe",
        |_, actor, _| vec![("endpoint", format!("https://push.example/device-{actor}"))],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "push_text",
        // Nobody's notification: the owner-only rule is in tests/notify.rs.
        |_, _, _| vec![("id", "0".into())],
        [401, 404, 404, 404, 404, 404, 404, 404],
    ),
    (
        "newsletters",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "newsletter_form",
        |f, _, _| vec![("id", f.newsletter.to_string())],
        [401, 403, 403, 403, 200, 404, 403, 403],
    ),
    (
        // Only its author may send a draft: to everyone else it does not exist.
        "send_newsletter",
        |f, _, _| vec![("post_id", f.newsletter_to_send.to_string())],
        [401, 404, 404, 404, 200, 404, 404, 404],
    ),
    (
        "unschedule_newsletter",
        |f, _, _| vec![("post_id", f.newsletter.to_string())],
        [401, 404, 404, 404, 200, 404, 404, 404],
    ),
    (
        "create_post",
        |f, _, _| {
            vec![
                ("post[body]", "Hallo groep 3".into()),
                ("post[groups][]", f.group3.to_string()),
            ]
        },
        [401, 403, 403, 200, 200, 400, 403, 403],
    ),
    (
        "update_post",
        |f, _, p| {
            vec![
                ("post_id", p.to_string()),
                ("post[body]", "Gewijzigd".into()),
                ("post[groups][]", f.group3.to_string()),
            ]
        },
        [401, 403, 404, 200, 200, 404, 404, 404],
    ),
    (
        "delete_post",
        |_, _, p| vec![("post_id", p.to_string())],
        [401, 403, 404, 200, 200, 404, 404, 404],
    ),
    (
        "pin_post",
        |_, _, p| vec![("post_id", p.to_string()), ("pinned", "true".into())],
        [401, 403, 404, 200, 200, 404, 404, 404],
    ),
    (
        "post_for_edit",
        |_, _, p| vec![("post_id", p.to_string())],
        [401, 403, 404, 200, 200, 404, 404, 404],
    ),
    (
        "read_receipts",
        |_, _, p| vec![("post_id", p.to_string())],
        [401, 403, 404, 200, 200, 404, 404, 404],
    ),
    (
        "admin_schools",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "admin_create_school",
        |_, a, _| vec![("name", format!("Nieuwe school {a}"))],
        [401, 403, 403, 403, 403, 403, 200, 403],
    ),
    (
        "admin_school",
        |f, _, _| vec![("school_id", f.school_a.to_string())],
        [401, 404, 404, 200, 200, 404, 200, 200],
    ),
    (
        "admin_create_group",
        |f, a, _| {
            vec![
                ("school_id", f.school_a.to_string()),
                ("name", format!("Groep 7 ({a})")),
                ("kind", "class".into()),
            ]
        },
        [401, 404, 404, 403, 200, 404, 200, 200],
    ),
    (
        "admin_add_pupil",
        |f, _, _| {
            vec![
                ("school_id", f.school_a.to_string()),
                ("first_name", "Nina".into()),
                ("last_name", "Nieuw".into()),
                ("birth_date", "".into()),
                ("group_id", f.group3.to_string()),
            ]
        },
        [401, 404, 404, 403, 200, 404, 200, 200],
    ),
    // Imports: the school's directie and administratie, and admins. A teacher sees the school's
    // pupils but imports nothing; everyone else learns nothing.
    (
        "import_home",
        |f, _, _| vec![("school_id", f.school_a.to_string())],
        [401, 404, 404, 403, 200, 404, 200, 200],
    ),
    (
        "import_run",
        |f, _, _| vec![("run_id", f.import_run.to_string())],
        [401, 404, 404, 404, 200, 404, 200, 200],
    ),
    (
        "import_mapping",
        |f, _, _| {
            vec![
                ("run_id", f.import_run.to_string()),
                ("columns[leerlingnummer]", "leerlingnummer".into()),
            ]
        },
        [401, 404, 404, 404, 200, 404, 200, 200],
    ),
    (
        "import_apply",
        |f, _, _| vec![("run_id", f.import_run.to_string())],
        [401, 404, 404, 404, 200, 404, 200, 200],
    ),
    (
        "admin_pupil",
        |f, _, _| vec![("pupil_id", f.lotte.to_string())],
        [401, 404, 404, 200, 200, 404, 200, 200],
    ),
    (
        "admin_place_pupil",
        |f, _, _| {
            vec![
                ("pupil_id", f.lotte.to_string()),
                ("group_id", f.group3.to_string()),
            ]
        },
        [401, 404, 404, 403, 200, 404, 200, 200],
    ),
    (
        "invite_guardian",
        |f, a, _| {
            vec![
                ("pupil_id", f.lotte.to_string()),
                ("name", "Nieuwe Ouder".into()),
                ("email", format!("nieuw{a}@example.nl")),
            ]
        },
        [401, 404, 404, 200, 200, 404, 403, 200],
    ),
    (
        "invite_staff",
        |f, a, _| {
            vec![
                ("school_id", f.school_a.to_string()),
                ("name", "Nieuwe Juf".into()),
                ("email", format!("juf{a}@example.nl")),
                ("role", "teacher".into()),
            ]
        },
        [401, 404, 404, 403, 200, 404, 200, 403],
    ),
    (
        "admin_guardian_access",
        |f, _, _| {
            vec![
                ("pupil_id", f.lotte.to_string()),
                ("user_id", f.bakker.to_string()),
                ("no_access", "false".into()),
            ]
        },
        [401, 404, 404, 403, 200, 404, 200, 200],
    ),
    (
        "admin_group_staff",
        |f, _, _| {
            vec![
                ("school_id", f.school_a.to_string()),
                ("group_id", f.group3.to_string()),
                ("user_id", f.sanne.to_string()),
                ("member", "true".into()),
            ]
        },
        [401, 404, 404, 403, 200, 404, 200, 200],
    ),
    (
        "post_comments",
        |f, _, _| vec![("post_id", f.post3.to_string())],
        [401, 200, 404, 200, 200, 404, 404, 404],
    ),
    (
        "add_comment",
        |f, _, _| {
            vec![
                ("post_id", f.post3.to_string()),
                ("body", "Wat leuk!".into()),
            ]
        },
        [401, 200, 404, 200, 200, 404, 404, 404],
    ),
    (
        "delete_comment",
        |f, a, _| vec![("comment_id", f.comments[a].to_string())],
        [401, 200, 404, 403, 403, 404, 404, 404],
    ),
    (
        "remove_comment",
        |f, a, _| {
            vec![
                ("comment_id", f.comments[ACTORS.len() + a].to_string()),
                ("reason", "Noemt een kind bij naam".into()),
            ]
        },
        [401, 403, 404, 200, 200, 404, 404, 404],
    ),
    (
        "report_target",
        |_, _, post| vec![("post_id", post.to_string())],
        [401, 200, 404, 200, 200, 404, 404, 404],
    ),
    (
        "report",
        |_, _, post| {
            vec![
                ("post_id", post.to_string()),
                ("reason", "child".into()),
                ("details", "".into()),
            ]
        },
        // The teacher wrote the post: her own post is deleted, not reported.
        [401, 200, 404, 400, 200, 404, 404, 404],
    ),
    (
        "moderation_queue",
        |_, _, _| vec![],
        [401, 404, 404, 200, 200, 200, 200, 200],
    ),
    (
        "resolve_report",
        |f, a, _| {
            vec![
                ("report_id", f.reports[a].to_string()),
                ("decision", "keep".into()),
                ("note", "Besproken met de ouder".into()),
            ]
        },
        [401, 404, 404, 200, 200, 404, 404, 404],
    ),
    (
        "my_consent",
        |_, _, _| vec![],
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "my_album",
        |_, _, _| vec![],
        // Staff and others without children get an empty album; the zip is in tests/album.rs.
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "answer_consent",
        |f, _, _| {
            vec![
                ("pupil_id", f.lotte.to_string()),
                (f.photos_field, "yes".into()),
            ]
        },
        [401, 200, 404, 404, 404, 404, 404, 404],
    ),
    (
        "answer_all_consent",
        |f, _, _| {
            vec![(
                Box::leak(format!("answers[c{}p{}]", f.lotte, f.photos).into_boxed_str()),
                "yes".into(),
            )]
        },
        // Lotte's guardian only; for everyone else the child is not theirs.
        [401, 200, 404, 404, 404, 404, 404, 404],
    ),
    (
        "consent_round",
        |f, _, _| vec![("school_id", f.school_a.to_string())],
        [401, 404, 404, 404, 200, 404, 404, 404],
    ),
    (
        "open_consent_round",
        |f, _, _| vec![("school_id", f.school_a.to_string())],
        // The fixture opened this year's round already.
        [401, 404, 404, 404, 400, 404, 404, 404],
    ),
    (
        "set_consent_wording",
        |f, _, _| {
            vec![
                ("school_id", f.school_a.to_string()),
                ("purpose_id", f.photos.to_string()),
                ("title", "Foto's in Kring".into()),
                ("explanation", "Uitleg".into()),
            ]
        },
        [401, 404, 404, 404, 200, 404, 404, 404],
    ),
    (
        "group_consent",
        |f, _, _| vec![("group_id", f.group3.to_string())],
        [401, 404, 404, 200, 200, 404, 404, 404],
    ),
    (
        "set_tag_rule",
        |f, _, _| vec![("school_id", f.school_a.to_string())],
        [401, 404, 404, 404, 200, 404, 404, 404],
    ),
    (
        "photo_tags",
        |_, _, post| vec![("post_id", post.to_string())],
        [401, 403, 404, 200, 200, 404, 404, 404],
    ),
    (
        "save_photo_tags",
        |_, _, post| vec![("post_id", post.to_string())],
        [401, 403, 404, 200, 200, 404, 404, 404],
    ),
    (
        "pupil_consent_history",
        |f, _, _| vec![("pupil_id", f.lotte.to_string())],
        // Everyone but the directie gets `null` (tests/consent.rs checks it is empty).
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "remind_consent",
        |f, _, _| vec![("school_id", f.school_a.to_string())],
        [401, 404, 404, 404, 200, 404, 404, 404],
    ),
    (
        "confirm_consent",
        |f, _, _| {
            vec![
                ("school_id", f.school_a.to_string()),
                ("answer_id", f.answer.to_string()),
            ]
        },
        [401, 404, 404, 404, 400, 404, 404, 404],
    ),
    (
        "admin_search",
        |_, _, _| vec![("q", "ja".into())],
        [401, 404, 404, 200, 200, 200, 200, 200],
    ),
    (
        "admin_invitation_counts",
        |_, _, _| vec![],
        [401, 404, 404, 200, 200, 200, 200, 200],
    ),
    (
        "admin_store_phones",
        |f, _, _| {
            vec![
                ("school_id", f.school_a.to_string()),
                ("store", "false".into()),
            ]
        },
        [401, 404, 404, 403, 200, 404, 200, 403],
    ),
    (
        "admin_rename_school",
        |f, a, _| {
            vec![
                ("school_id", f.school_a.to_string()),
                ("name", format!("OBS De Regenboog {a}")),
            ]
        },
        [401, 404, 404, 403, 200, 404, 200, 403],
    ),
    (
        "admin_resend_invitation",
        // The rights per invitation are in tests/it/objects.rs; an unknown one is not found.
        |_, _, _| vec![("invitation_id", "0".into()), ("back", "/beheer".into())],
        [401, 404, 404, 404, 404, 404, 404, 404],
    ),
    (
        "admin_revoke_invitation",
        |_, _, _| vec![("invitation_id", "0".into()), ("back", "/beheer".into())],
        [401, 404, 404, 404, 404, 404, 404, 404],
    ),
    (
        "admin_user_active",
        |f, _, _| {
            vec![
                ("user_id", f.jansen.to_string()),
                ("active", "true".into()),
                ("back", "/beheer".into()),
            ]
        },
        [401, 404, 404, 404, 200, 404, 200, 404],
    ),
];

/// (route pattern, concrete path, expected status per actor) for pages fetched as a browser does.
/// A visitor who is not signed in is sent to the login page (302).
fn pages(f: &Fx) -> Vec<(&'static str, String, [u16; 8])> {
    vec![
        ("/", "/".into(), [302, 200, 200, 200, 200, 200, 200, 200]),
        (
            "/groepen",
            "/groepen".into(),
            [302, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/groep/{id}",
            format!("/groep/{}", f.group3),
            [302, 200, 404, 200, 200, 404, 404, 404],
        ),
        (
            "/bericht/nieuw",
            "/bericht/nieuw".into(),
            [302, 403, 403, 200, 200, 200, 403, 403],
        ),
        (
            "/bericht/{id}",
            format!("/bericht/{}", f.post3),
            [302, 200, 404, 200, 200, 404, 404, 404],
        ),
        (
            "/bericht/{id}/melden",
            format!("/bericht/{}/melden", f.post3),
            [302, 200, 404, 200, 200, 404, 404, 404],
        ),
        (
            "/nieuwsbrieven",
            "/nieuwsbrieven".into(),
            [302, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/nieuwsbrief/nieuw",
            "/nieuwsbrief/nieuw".into(),
            [302, 403, 403, 403, 200, 200, 403, 403],
        ),
        (
            "/nieuwsbrief/{id}/bewerken",
            format!("/nieuwsbrief/{}/bewerken", f.newsletter),
            [302, 403, 403, 403, 200, 404, 403, 403],
        ),
        (
            "/toestemming",
            "/toestemming".into(),
            [302, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/mijn-kind",
            "/mijn-kind".into(),
            [302, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/beheer/school/{id}/toestemming",
            format!("/beheer/school/{}/toestemming", f.school_a),
            [302, 404, 404, 404, 200, 404, 404, 404],
        ),
        (
            "/beheer/groep/{id}/toestemming",
            format!("/beheer/groep/{}/toestemming", f.group3),
            [302, 404, 404, 200, 200, 404, 404, 404],
        ),
        (
            "/moderatie",
            "/moderatie".into(),
            [302, 404, 404, 200, 200, 200, 200, 200],
        ),
        (
            "/bericht/{id}/kinderen",
            format!("/bericht/{}/kinderen", f.post3),
            [302, 403, 404, 200, 200, 404, 404, 404],
        ),
        (
            "/bericht/{id}/bewerken",
            format!("/bericht/{}/bewerken", f.post3),
            [302, 403, 404, 200, 200, 404, 404, 404],
        ),
        ("/inloggen", "/inloggen".into(), [200; 8]),
        (
            "/wachtwoord-vergeten",
            "/wachtwoord-vergeten".into(),
            [200; 8],
        ),
        (
            "/wachtwoord-instellen",
            "/wachtwoord-instellen?token=x".into(),
            [200; 8],
        ),
        ("/uitnodiging", "/uitnodiging?token=x".into(), [404; 8]),
        (
            "/account",
            "/account".into(),
            [302, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/meldingen",
            "/meldingen".into(),
            [302, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/meldingen/instellingen",
            "/meldingen/instellingen".into(),
            [302, 200, 200, 200, 200, 200, 200, 200],
        ),
        // Public: the unsubscribe link works without a session (its signature is checked on POST).
        ("/afmelden", "/afmelden".into(), [200; 8]),
        (
            "/beheer",
            "/beheer".into(),
            [302, 404, 404, 200, 200, 200, 200, 200],
        ),
        (
            "/beheer/school/{id}",
            format!("/beheer/school/{}", f.school_a),
            [302, 404, 404, 200, 200, 404, 200, 200],
        ),
        (
            "/beheer/school/{id}/import",
            format!("/beheer/school/{}/import", f.school_a),
            [302, 404, 404, 403, 200, 404, 200, 200],
        ),
        (
            "/beheer/import/{id}",
            format!("/beheer/import/{}", f.import_run),
            [302, 404, 404, 404, 200, 404, 200, 200],
        ),
        (
            "/beheer/leerling/{id}",
            format!("/beheer/leerling/{}", f.lotte),
            [302, 404, 404, 200, 200, 404, 200, 200],
        ),
    ]
}

async fn fixture(app: &TestApp) -> Fx {
    let post3 = app.post_in("Groep 3").await;
    let mut comments = Vec::new();
    let mut reports = Vec::new();
    for _ in 0..ACTORS.len() * 2 {
        comments.push(
            app.make_comment("ouder.bakker@example.nl", post3, "Leuk!")
                .await,
        );
    }
    for _ in ACTORS {
        let reported = app
            .make_comment("ouder.bakker@example.nl", post3, "Hm")
            .await;
        reports.push(
            app.make_report("ouder.jansen@example.nl", post3, Some(reported))
                .await,
        );
    }
    let school_a = app.school("OBS De Regenboog").await;
    let directie = app.actor("directie@regenboog.example").await;
    app::consent::server::open_round(&app.db, &directie, school_a, false, None)
        .await
        .expect("open round");
    let photos = app
        .id_of("SELECT id FROM consent_purposes WHERE kind = $1", "photos")
        .await;
    let bakker = app.actor("ouder.bakker@example.nl").await;
    let lotte = app.pupil("Lotte").await;
    app::consent::server::answer(&app.db, &bakker, lotte, &[(photos, true)])
        .await
        .expect("answer");
    let answer = app
        .id_of("SELECT MAX(id) FROM consent_answers WHERE $1 <> ''", "x")
        .await;
    let school_group = app
        .id_of(
            "SELECT g.id FROM groups g JOIN schools s ON s.id = g.school_id WHERE g.kind = 'school' AND s.name = $1",
            "OBS De Regenboog",
        )
        .await;
    let mut drafts = Vec::new();
    for title in ["Nieuwsbrief", "Nieuwsbrief om te versturen"] {
        let form = app::newsletters::model::DraftForm {
            group_id: school_group,
            title: title.into(),
            ..Default::default()
        };
        let id = app::newsletters::server::save(
            &app.db,
            &directie,
            &form,
            &[],
            &[],
            &Default::default(),
        )
        .await
        .expect("newsletter draft");
        drafts.push(id);
    }
    let import_run = app::import::runs::create(
        &app.db,
        school_a,
        None,
        b"leerlingnummer;roepnaam;achternaam;groep\n9001;Isa;Import;Groep 3\n",
        None,
    )
    .await
    .expect("import run");
    Fx {
        import_run,
        newsletter: drafts[0],
        newsletter_to_send: drafts[1],
        photos_field: Box::leak(format!("answers[p{photos}]").into_boxed_str()),
        photos,
        answer,
        comments,
        reports,
        school_a: app.school("OBS De Regenboog").await,
        group3: app.group("Groep 3").await,
        post3: app.post_in("Groep 3").await,
        lotte: app.pupil("Lotte").await,
        bakker: app.user_id("ouder.bakker@example.nl").await,
        sanne: app.user_id("juf.sanne@regenboog.example").await,
        jansen: app.user_id("ouder.jansen@example.nl").await,
    }
}

pub(crate) async fn cookie(app: &TestApp, actor: &str) -> Option<String> {
    if actor == "anonymous" {
        None
    } else {
        Some(app.session(actor).await)
    }
}

async fn ac01_every_server_function_for_every_actor(app: TestApp) {
    let f = fixture(&app).await;
    let registered: BTreeSet<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect();
    let covered: BTreeSet<String> = SERVER_FNS.iter().map(|(e, _, _)| e.to_string()).collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "server functions without a row in the access matrix: {missing:?}"
    );
    let mut failures = Vec::new();
    for (endpoint, body, expected) in SERVER_FNS {
        for (i, actor) in ACTORS.iter().enumerate() {
            let fresh = app
                .make_post("juf.sanne@regenboog.example", "Groep 3", "Vers bericht")
                .await;
            let c = cookie(&app, actor).await;
            let status = app
                .call(endpoint, c.as_deref(), &body(&f, i, fresh))
                .await
                .status()
                .as_u16();
            if status != expected[i] {
                failures.push(format!(
                    "{endpoint} as {actor}: got {status}, expected {}",
                    expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "access matrix mismatches:\n{}",
        failures.join("\n")
    );
}

async fn ac01_every_page_for_every_actor(app: TestApp) {
    let f = fixture(&app).await;
    let table = pages(&f);
    let routes: BTreeSet<String> = server::router::routes()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    let covered: BTreeSet<String> = table.iter().map(|(p, _, _)| p.to_string()).collect();
    let missing: Vec<_> = routes.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "pages without a row in the access matrix: {missing:?}"
    );
    let mut failures = Vec::new();
    for (_, path, expected) in &table {
        for (i, actor) in ACTORS.iter().enumerate() {
            let c = cookie(&app, actor).await;
            let res = app.page(path, c.as_deref()).await;
            let status = res.status().as_u16();
            if status != expected[i] {
                failures.push(format!(
                    "{path} as {actor}: got {status}, expected {}",
                    expected[i]
                ));
            }
            if status == 302 {
                let to = res
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if to != "/inloggen" {
                    failures.push(format!("{path} as {actor}: redirected to {to:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "page matrix mismatches:\n{}",
        failures.join("\n")
    );
}

/// AC-02: another group's post is a 404 byte-identical to an id that never existed; the same
/// actor sees their own group's post (positive control). Also across schools.
async fn ac02_hidden_is_identical_to_missing_with_positive_controls(app: TestApp) {
    let other_post = app.post_in("Groep 3").await;
    let own_post = app.post_in("Groep 5/6").await;
    let kompas_post = app.post_in("Groep 4").await;
    let devries = app.session("ouder.devries@example.nl").await;
    let get = |id: i64, c: String| {
        let app = &app;
        async move {
            let res = app
                .call("get_post", Some(&c), &[("post_id", id.to_string())])
                .await;
            (res.status().as_u16(), res.text().await.unwrap_or_default())
        }
    };
    let (own_status, own_body) = get(own_post, devries.clone()).await;
    assert_eq!(own_status, 200, "positive control: own group's post");
    assert!(own_body.contains("bibliotheek") || own_body.contains("Spreekbeurten"));
    let hidden = get(other_post, devries.clone()).await;
    let unknown = get(999_999, devries.clone()).await;
    assert_eq!(hidden.0, 404);
    assert_eq!(
        hidden, unknown,
        "hidden and unknown must be indistinguishable"
    );
    // Pages too.
    let page_hidden = app
        .page(&format!("/bericht/{other_post}"), Some(&devries))
        .await;
    let page_own = app
        .page(&format!("/bericht/{own_post}"), Some(&devries))
        .await;
    assert_eq!(page_hidden.status(), 404);
    assert_eq!(page_own.status(), 200);
    // Across schools: directie of school B.
    let kompas = app.session("directie@kompas.example").await;
    assert_eq!(
        get(kompas_post, kompas.clone()).await.0,
        200,
        "positive control: own school"
    );
    let across = get(other_post, kompas.clone()).await;
    let missing = get(999_999, kompas.clone()).await;
    assert_eq!(across.0, 404);
    assert_eq!(across, missing);
    let school_a = app.school("OBS De Regenboog").await;
    let a = app
        .call(
            "admin_school",
            Some(&kompas),
            &[("school_id", school_a.to_string())],
        )
        .await;
    let b = app
        .call(
            "admin_school",
            Some(&kompas),
            &[("school_id", "999999".into())],
        )
        .await;
    assert_eq!(
        (a.status(), a.text().await.unwrap()),
        (b.status(), b.text().await.unwrap())
    );
}

/// AC-03: moving a child, marking a guardian "no access" or deactivating an account changes what
/// the guardian sees on the very next request.
async fn ac03_access_follows_placement_at_once(app: TestApp) {
    let bakker = app.session("ouder.bakker@example.nl").await;
    let g3_post = app.post_in("Groep 3").await;
    let g56_post = app.post_in("Groep 5/6").await;
    let status = |id: i64| {
        let (app, c) = (&app, bakker.clone());
        async move {
            app.call("get_post", Some(&c), &[("post_id", id.to_string())])
                .await
                .status()
                .as_u16()
        }
    };
    // The feed as the guardian gets it: it must answer 200, or "not in it" would prove nothing.
    let feed = || {
        let (app, c) = (&app, bakker.clone());
        async move {
            let res = app.call("feed", Some(&c), &[]).await;
            assert_eq!(res.status(), 200, "the feed answers");
            res.text().await.unwrap()
        }
    };
    assert_eq!((status(g3_post).await, status(g56_post).await), (200, 404));
    assert!(
        feed().await.contains("Studiedag"),
        "positive control: the school group's post is in the feed"
    );
    let directie = app.session("directie@regenboog.example").await;
    let lotte = app.pupil("Lotte").await;
    let g56 = app.group("Groep 5/6").await;
    let moved = app
        .call(
            "admin_place_pupil",
            Some(&directie),
            &[
                ("pupil_id", lotte.to_string()),
                ("group_id", g56.to_string()),
            ],
        )
        .await;
    assert_eq!(moved.status(), 200);
    assert_eq!(
        (status(g3_post).await, status(g56_post).await),
        (404, 200),
        "after the move"
    );
    let moved_feed = feed().await;
    assert!(
        moved_feed.contains("Spreekbeurten") && !moved_feed.contains("Gymles verplaatst"),
        "the feed follows the move too"
    );
    let bakker_id = app.user_id("ouder.bakker@example.nl").await;
    let marked = app
        .call(
            "admin_guardian_access",
            Some(&directie),
            &[
                ("pupil_id", lotte.to_string()),
                ("user_id", bakker_id.to_string()),
                ("no_access", "true".into()),
            ],
        )
        .await;
    assert_eq!(marked.status(), 200);
    assert_eq!(
        status(g56_post).await,
        404,
        "a no-access link counts for nothing"
    );
    assert!(
        !feed().await.contains("Studiedag"),
        "no school group either once no child gives access"
    );
    let deactivated = app
        .call(
            "admin_user_active",
            Some(&directie),
            &[
                ("user_id", bakker_id.to_string()),
                ("active", "false".into()),
                ("back", "/beheer".into()),
            ],
        )
        .await;
    assert_eq!(deactivated.status(), 200);
    assert_eq!(
        app.call("feed", Some(&bakker), &[]).await.status(),
        401,
        "a deactivated account is signed out"
    );
}

/// AC-04: fields such as author or school sent by a client are ignored.
async fn ac04_client_cannot_choose_author_or_school(app: TestApp) {
    let sanne = app.session("juf.sanne@regenboog.example").await;
    let g3 = app.group("Groep 3").await;
    let directie_id = app.user_id("directie@regenboog.example").await;
    let res = app
        .call(
            "create_post",
            Some(&sanne),
            &[
                ("post[body]", "Wie schreef dit?".into()),
                ("post[groups][]", g3.to_string()),
                ("post[author_id]", directie_id.to_string()),
                ("post[school_id]", "999".into()),
                ("author_id", directie_id.to_string()),
                ("role", "directie".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let (author, school): (i64, i64) = app::with_db!(&app.db, |pool| sqlx::query_as(
        "SELECT author_id, school_id FROM posts WHERE id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(author, app.user_id("juf.sanne@regenboog.example").await);
    assert_eq!(school, app.school("OBS De Regenboog").await);
}

/// AC-05: when the authorisation query itself fails, the answer is a denial, never data.
async fn ac05_a_failing_authorisation_query_denies(app: TestApp) {
    let bakker = app.session("ouder.bakker@example.nl").await;
    let post = app.post_in("Groep 3").await;
    app::with_db!(&app.db, |pool| sqlx::query(
        "ALTER TABLE guardianships RENAME TO guardianships_gone"
    )
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    let res = app
        .call("get_post", Some(&bakker), &[("post_id", post.to_string())])
        .await;
    assert_eq!(res.status(), 500);
    let body = res.text().await.unwrap();
    assert!(
        !body.contains("Gymles") && !body.contains("kastanjes"),
        "no post text in a failed answer"
    );
    assert!(
        !body.to_lowercase().contains("guardianships"),
        "no database detail reaches the browser"
    );
}

db_tests!(
    ac01_every_server_function_for_every_actor,
    ac01_every_page_for_every_actor,
    ac02_hidden_is_identical_to_missing_with_positive_controls,
    ac03_access_follows_placement_at_once,
    ac04_client_cannot_choose_author_or_school,
    ac05_a_failing_authorisation_query_denies,
);
