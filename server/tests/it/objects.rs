//! AC-06: the object-level access matrix for every administration and account server function:
//! each actor against a target in their own group, elsewhere in their own school, in another school,
//! and at the foundation (admin) level. The list of functions is read from `admin/api.rs` and
//! `accounts/api.rs`, so a new function there without four rows fails the suite.
use std::collections::BTreeSet;

use crate::common;

use common::TestApp;

const ACTORS: [&str; 8] = [
    "anonymous",
    "ouder.bakker@example.nl",     // guardian of Lotte (Groep 3, school A)
    "ouder.devries@example.nl",    // guardian of Sam (Groep 5/6, school A)
    "juf.sanne@regenboog.example", // teacher of Groep 3
    "directie@regenboog.example",  // directie of school A
    "directie@kompas.example",     // directie of school B
    "beheer@kring.example",        // foundation admin
    "administratie@regenboog.example", // the office of school A
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    /// Groep 3 of school A: Lotte, her guardian ouder.bakker, teacher juf.sanne.
    OwnGroup,
    /// Groep 5/6 of school A: Sam, ouder.devries, meester.ahmed.
    OwnSchool,
    /// Groep 4 of school B: Julia, ouder.smit, juf.lisa.
    OtherSchool,
    /// The foundation level: a new school without staff (only the admin manages it), its pupil Kees,
    /// and the admin's own account.
    Admin,
}

const TARGETS: [Target; 4] = [
    Target::OwnGroup,
    Target::OwnSchool,
    Target::OtherSchool,
    Target::Admin,
];

/// The target objects, one set per `Target`.
struct Obj {
    school: i64,
    group: i64,
    pupil: i64,
    /// A guardian of `pupil` (the admin's account for `Target::Admin`).
    guardian: i64,
    guardian_email: &'static str,
    /// A teacher of `group` (the admin's account for `Target::Admin`).
    teacher: i64,
    /// An open invitation for `pupil`, and one more per actor to revoke.
    invitation: i64,
    revocable: Vec<i64>,
}

struct Fx {
    objects: Vec<(Target, Obj)>,
}

impl Fx {
    fn of(&self, t: Target) -> &Obj {
        &self
            .objects
            .iter()
            .find(|(x, _)| *x == t)
            .expect("target")
            .1
    }
}

type Body = fn(&Obj, usize) -> Vec<(&'static str, String)>;

const A: [u16; 8] = [401, 404, 404, 200, 200, 404, 200, 200]; // seen by school A's staff and the admin
const A_MANAGE: [u16; 8] = [401, 404, 404, 403, 200, 404, 200, 200]; // changed by A's directie and office, and the admin
const A_LEAD: [u16; 8] = [401, 404, 404, 403, 200, 404, 200, 403]; // the school itself: A's directie and the admin
const B_MANAGE: [u16; 8] = [401, 404, 404, 404, 404, 200, 200, 404]; // changed by B's directie and the admin
const ADMIN_ONLY: [u16; 8] = [401, 404, 404, 404, 404, 404, 200, 404];
const EVERYONE: [u16; 8] = [200; 8];
const SIGNED_IN: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 200];

/// (endpoint, target, body, expected status per actor in `ACTORS` order).
fn rows() -> Vec<(&'static str, Target, Body, [u16; 8])> {
    let mut rows: Vec<(&'static str, Target, Body, [u16; 8])> = Vec::new();
    let mut all = |endpoint: &'static str, body: Body, per_target: [[u16; 8]; 4]| {
        for (t, expected) in TARGETS.into_iter().zip(per_target) {
            rows.push((endpoint, t, body, expected));
        }
    };
    // Administration: schools, groups, pupils, people.
    all("admin_schools", |_, _| vec![], [SIGNED_IN; 4]);
    all(
        "admin_create_school",
        |_, a| vec![("name", format!("School {a} {}", common::unique()))],
        [[401, 403, 403, 403, 403, 403, 200, 403]; 4],
    );
    all(
        "admin_school",
        |o, _| vec![("school_id", o.school.to_string())],
        [A, A, [401, 404, 404, 404, 404, 200, 200, 404], ADMIN_ONLY],
    );
    all(
        "admin_create_group",
        |o, _| {
            vec![
                ("school_id", o.school.to_string()),
                ("name", format!("Groep 8 {}", common::unique())),
                ("kind", "class".into()),
            ]
        },
        [A_MANAGE, A_MANAGE, B_MANAGE, ADMIN_ONLY],
    );
    all(
        "admin_add_pupil",
        |o, _| {
            vec![
                ("school_id", o.school.to_string()),
                ("first_name", "Nina".into()),
                ("last_name", "Nieuw".into()),
                ("birth_date", "".into()),
                ("group_id", o.group.to_string()),
            ]
        },
        [A_MANAGE, A_MANAGE, B_MANAGE, ADMIN_ONLY],
    );
    all(
        "admin_pupil",
        |o, _| vec![("pupil_id", o.pupil.to_string())],
        [A, A, [401, 404, 404, 404, 404, 200, 200, 404], ADMIN_ONLY],
    );
    all(
        "admin_place_pupil",
        |o, _| {
            vec![
                ("pupil_id", o.pupil.to_string()),
                ("group_id", o.group.to_string()),
            ]
        },
        [A_MANAGE, A_MANAGE, B_MANAGE, ADMIN_ONLY],
    );
    all(
        "invite_guardian",
        |o, a| {
            vec![
                ("pupil_id", o.pupil.to_string()),
                ("name", "Nieuwe Ouder".into()),
                ("email", format!("ouder{a}.{}@example.nl", common::unique())),
            ]
        },
        // Only the pupil's own teachers and the directie; the admin sees the pupil but may not.
        [
            [401, 404, 404, 200, 200, 404, 403, 200],
            [401, 404, 404, 403, 200, 404, 403, 200],
            [401, 404, 404, 404, 404, 200, 403, 404],
            [401, 404, 404, 404, 404, 404, 403, 404],
        ],
    );
    all(
        "invite_staff",
        |o, a| {
            vec![
                ("school_id", o.school.to_string()),
                ("name", "Nieuwe Juf".into()),
                ("email", format!("juf{a}.{}@example.nl", common::unique())),
                ("role", "teacher".into()),
            ]
        },
        [A_LEAD, A_LEAD, B_MANAGE, ADMIN_ONLY],
    );
    all(
        "admin_guardian_access",
        |o, _| {
            vec![
                ("pupil_id", o.pupil.to_string()),
                ("user_id", o.guardian.to_string()),
                ("no_access", "false".into()),
            ]
        },
        // The admin's account is nobody's guardian: not found, also for the admin.
        [
            A_MANAGE,
            A_MANAGE,
            B_MANAGE,
            [401, 404, 404, 404, 404, 404, 404, 404],
        ],
    );
    all(
        "admin_group_staff",
        |o, _| {
            vec![
                ("school_id", o.school.to_string()),
                ("group_id", o.group.to_string()),
                ("user_id", o.teacher.to_string()),
                ("member", "true".into()),
            ]
        },
        // The admin is no staff of the new school: refused with a reason.
        [
            A_MANAGE,
            A_MANAGE,
            B_MANAGE,
            [401, 404, 404, 404, 404, 404, 400, 404],
        ],
    );
    // Searching people and counting invitations: whoever manages a school (results scoped, see
    // ac06_a_directie_finds_only_their_own_schools_people).
    all(
        "admin_search",
        |o, _| vec![("q", o.guardian_email.into())],
        [[401, 404, 404, 200, 200, 200, 200, 200]; 4],
    );
    all(
        "admin_invitation_counts",
        |_, _| vec![],
        [[401, 404, 404, 200, 200, 200, 200, 200]; 4],
    );
    all(
        "admin_store_phones",
        |o, _| {
            vec![
                ("school_id", o.school.to_string()),
                ("store", "false".into()),
            ]
        },
        [A_LEAD, A_LEAD, B_MANAGE, ADMIN_ONLY],
    );
    all(
        "admin_rename_school",
        |o, a| {
            vec![
                ("school_id", o.school.to_string()),
                ("name", format!("School {a} {}", common::unique())),
            ]
        },
        [A_LEAD, A_LEAD, B_MANAGE, ADMIN_ONLY],
    );
    // Those who may invite for the pupil act on its open invitations.
    let invitation_rows = [
        [401, 404, 404, 200, 200, 404, 403, 200],
        [401, 404, 404, 403, 200, 404, 403, 200],
        [401, 404, 404, 404, 404, 200, 403, 404],
        [401, 404, 404, 404, 404, 404, 403, 404],
    ];
    all(
        "admin_resend_invitation",
        |o, _| {
            vec![
                ("invitation_id", o.invitation.to_string()),
                ("back", "/beheer".into()),
            ]
        },
        invitation_rows,
    );
    all(
        "admin_revoke_invitation",
        |o, a| {
            vec![
                ("invitation_id", o.revocable[a].to_string()),
                ("back", "/beheer".into()),
            ]
        },
        invitation_rows,
    );
    all(
        "admin_user_active",
        |o, _| {
            vec![
                ("user_id", o.guardian.to_string()),
                ("active", "true".into()),
                ("back", "/beheer".into()),
            ]
        },
        // A directie reaches only people wholly within their school; nobody (de)activates
        // themselves, and no directie reaches the admin.
        [
            [401, 404, 404, 404, 200, 404, 200, 404],
            [401, 404, 404, 404, 200, 404, 200, 404],
            B_MANAGE,
            [401, 404, 404, 404, 404, 404, 400, 404],
        ],
    );
    // Accounts: these act on the caller or on a token; the target account changes nothing, and no
    // answer tells whether it exists (AU-02).
    all("current_user", |_, _| vec![], [EVERYONE; 4]);
    all(
        "login",
        |o, _| {
            vec![
                ("email", o.guardian_email.into()),
                ("password", "niet het wachtwoord".into()),
            ]
        },
        [[400; 8]; 4],
    );
    all("logout", |_, _| vec![], [EVERYONE; 4]);
    all("logout_everywhere", |_, _| vec![], [SIGNED_IN; 4]);
    all(
        "request_reset",
        |o, _| vec![("email", o.guardian_email.into())],
        [EVERYONE; 4],
    );
    all(
        "reset_password",
        |o, _| {
            vec![
                ("token", format!("{}", o.guardian)),
                ("password", "een lang wachtwoord".into()),
                ("password_confirm", "een lang wachtwoord".into()),
            ]
        },
        [[400; 8]; 4],
    );
    all(
        "invitation_info",
        |o, _| vec![("token", format!("{}", o.guardian))],
        [[404; 8]; 4],
    );
    all(
        "accept_invitation",
        |o, _| {
            vec![
                ("token", format!("{}", o.pupil)),
                ("password", "een lang wachtwoord".into()),
            ]
        },
        [[404; 8]; 4],
    );
    all(
        "set_locale",
        |_, _| vec![("locale", "nl".into())],
        [SIGNED_IN; 4],
    );
    rows
}

/// The endpoints declared in one of the app's `api.rs` files.
fn endpoints_in(file: &str) -> Vec<String> {
    let path = format!("{}/../app/src/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.split("endpoint = \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

async fn fixture(app: &TestApp) -> Fx {
    let admin = app.actor("beheer@kring.example").await;
    let school_c = app::admin::server::create_school(&app.db, &admin, "Nieuwe school")
        .await
        .expect("school");
    let group1 = app::admin::server::create_group(&app.db, &admin, school_c, "Groep 1", "class")
        .await
        .expect("group");
    let kees = app::admin::pupils::add_pupil(
        &app.db,
        &admin,
        school_c,
        app::admin::pupils::NewPupil {
            first_name: "Kees".into(),
            last_name: "Kort".into(),
            birth_date: String::new(),
            group_id: group1,
        },
    )
    .await
    .expect("pupil");
    let admin_id = app.user_id("beheer@kring.example").await;
    // Open invitations for a pupil, made as the admin (the rights are what the matrix checks).
    let invitations = |pupil: i64, n: usize| {
        let admin = admin.clone();
        async move {
            let mut ids = Vec::new();
            for i in 0..n {
                let email = format!("uitgenodigd{i}.{}@example.nl", common::unique());
                app::accounts::server::invite(
                    &app.state,
                    &admin,
                    app.id_of(
                        "SELECT school_id FROM pupils WHERE id = CAST($1 AS BIGINT)",
                        &pupil.to_string(),
                    )
                    .await,
                    "Iemand",
                    &email,
                    app::accounts::server::Grant::Guardian { pupil_id: pupil },
                )
                .await
                .expect("invitation");
                ids.push(
                    app.id_of("SELECT id FROM invitations WHERE email = $1", &email)
                        .await,
                );
            }
            ids
        }
    };
    let obj = |school: &str, group: &str, pupil: &str, guardian: &'static str, teacher: &str| {
        let (school, group, pupil, teacher) = (
            school.to_string(),
            group.to_string(),
            pupil.to_string(),
            teacher.to_string(),
        );
        async move {
            let pupil = app.pupil(&pupil).await;
            let mut made = invitations(pupil, ACTORS.len() + 1).await;
            Obj {
                school: app.school(&school).await,
                group: app.group(&group).await,
                pupil,
                guardian: app.user_id(guardian).await,
                guardian_email: guardian,
                teacher: app.user_id(&teacher).await,
                invitation: made.pop().expect("one to resend"),
                revocable: made,
            }
        }
    };
    Fx {
        objects: vec![
            (
                Target::OwnGroup,
                obj(
                    "OBS De Regenboog",
                    "Groep 3",
                    "Lotte",
                    "ouder.bakker@example.nl",
                    "juf.sanne@regenboog.example",
                )
                .await,
            ),
            (
                Target::OwnSchool,
                obj(
                    "OBS De Regenboog",
                    "Groep 5/6",
                    "Sam",
                    "ouder.devries@example.nl",
                    "meester.ahmed@regenboog.example",
                )
                .await,
            ),
            (
                Target::OtherSchool,
                obj(
                    "CBS Het Kompas",
                    "Groep 4",
                    "Julia",
                    "ouder.smit@example.nl",
                    "juf.lisa@kompas.example",
                )
                .await,
            ),
            (Target::Admin, {
                let mut made = invitations(kees, ACTORS.len() + 1).await;
                Obj {
                    school: school_c,
                    group: group1,
                    pupil: kees,
                    guardian: admin_id,
                    guardian_email: "beheer@kring.example",
                    teacher: admin_id,
                    invitation: made.pop().expect("one to resend"),
                    revocable: made,
                }
            }),
        ],
    }
}

async fn ac06_every_admin_and_account_function_against_every_target(app: TestApp) {
    // Calls come from many client addresses (below), which Kring believes only from a proxy.
    let app = common::spawn_app_with(app.backend, |s| {
        s.trusted_proxies = vec![std::net::IpAddr::from([127, 0, 0, 1])]
    })
    .await;
    let table = rows();
    let covered: BTreeSet<(String, Target)> = table
        .iter()
        .map(|(e, t, _, _)| (e.to_string(), *t))
        .collect();
    let mut missing = Vec::new();
    for file in ["admin/api.rs", "accounts/api.rs"] {
        for endpoint in endpoints_in(file) {
            for t in TARGETS {
                if !covered.contains(&(endpoint.clone(), t)) {
                    missing.push(format!("{endpoint} × {t:?}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "functions without object-level rows: {missing:?}"
    );
    assert!(
        table.iter().any(|(_, _, _, e)| e.contains(&200)),
        "positive controls"
    );
    let f = fixture(&app).await;
    let mut failures = Vec::new();
    for (n, (endpoint, target, body, expected)) in table.iter().enumerate() {
        for (i, actor) in ACTORS.iter().enumerate() {
            let cookie = if *actor == "anonymous" {
                None
            } else {
                Some(app.session(actor).await)
            };
            // Each call from its own client address, as from many phones: the per-IP login
            // throttle is not what this matrix is about.
            let mut req = reqwest::Client::new()
                .post(app.at(&format!("/api/{endpoint}")))
                .header("x-forwarded-for", format!("10.9.{}.{}", n % 250, i + 1))
                .form(&body(f.of(*target), i));
            if let Some(c) = &cookie {
                req = req.header("cookie", c);
            }
            let status = req.send().await.expect("request").status().as_u16();
            if status != expected[i] {
                failures.push(format!(
                    "{endpoint} on {target:?} as {actor}: got {status}, expected {}",
                    expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "object-level mismatches:\n{}",
        failures.join("\n")
    );
}

/// Finding 2: one school's directie deactivated other schools' directie and the foundation admin.
/// Now a directie reaches only accounts whose every role and child is in their own school.
async fn ac06_a_directie_deactivates_only_people_wholly_within_their_school(app: TestApp) {
    let directie = app.session("directie@regenboog.example").await;
    let set = |email: &'static str, active: bool| {
        let (app, directie) = (&app, directie.clone());
        async move {
            let user = app.user_id(email).await;
            app.call(
                "admin_user_active",
                Some(&directie),
                &[
                    ("user_id", user.to_string()),
                    ("active", active.to_string()),
                    ("back", "/beheer".into()),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    };
    let active = |email: &'static str| {
        let app = &app;
        async move {
            let (a,): (bool,) = app::with_db!(&app.db, |pool| sqlx::query_as(
                "SELECT active FROM users WHERE email = $1"
            )
            .bind(email)
            .fetch_one(pool)
            .await)
            .unwrap();
            a
        }
    };
    // The attack: link the other school's directie to a pupil of this school first.
    let lotte = app.pupil("Lotte").await;
    let invited = app
        .call(
            "invite_guardian",
            Some(&directie),
            &[
                ("pupil_id", lotte.to_string()),
                ("name", "Karin".into()),
                ("email", "directie@kompas.example".into()),
            ],
        )
        .await;
    assert_eq!(invited.status(), 200);
    // A parent with a child in each school.
    let jansen = app.user_id("ouder.jansen@example.nl").await;
    let julia = app.pupil("Julia").await;
    app::with_db!(&app.db, |pool| sqlx::query(
        "INSERT INTO guardianships (pupil_id, user_id) VALUES ($1, $2)"
    )
    .bind(julia)
    .bind(jansen)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    for out_of_reach in [
        "directie@kompas.example",
        "beheer@kring.example",
        "juf.lisa@kompas.example",
        "ouder.smit@example.nl",
        "ouder.jansen@example.nl",
    ] {
        assert_eq!(set(out_of_reach, false).await, 404, "{out_of_reach}");
        assert!(active(out_of_reach).await, "{out_of_reach} still active");
    }
    // Positive controls: the school's own parent and teacher.
    let bakker = app.session("ouder.bakker@example.nl").await;
    for own in ["ouder.bakker@example.nl", "meester.ahmed@regenboog.example"] {
        assert_eq!(set(own, false).await, 200, "{own}");
        assert!(!active(own).await);
    }
    assert_eq!(
        app.call("feed", Some(&bakker), &[]).await.status(),
        401,
        "signed out at once"
    );
    // The admin reaches everyone.
    let admin = app.session("beheer@kring.example").await;
    let karin = app.user_id("directie@kompas.example").await;
    let res = app
        .call(
            "admin_user_active",
            Some(&admin),
            &[
                ("user_id", karin.to_string()),
                ("active", "false".into()),
                ("back", "/beheer".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(!active("directie@kompas.example").await);
}

/// The search of people: a directie finds only the people of their own school; the admin everyone.
async fn ac06_a_directie_finds_only_their_own_schools_people(app: TestApp) {
    let search = |who: &'static str, q: &'static str| {
        let app = &app;
        async move {
            let cookie = app.session(who).await;
            let res = app
                .call("admin_search", Some(&cookie), &[("q", q.into())])
                .await;
            assert_eq!(res.status(), 200);
            res.text().await.unwrap()
        }
    };
    assert!(search("directie@regenboog.example", "bakker")
        .await
        .contains("ouder.bakker@example.nl"));
    assert!(!search("directie@regenboog.example", "smit")
        .await
        .contains("ouder.smit@example.nl"));
    assert!(!search("directie@regenboog.example", "beheer")
        .await
        .contains("beheer@kring.example"));
    assert!(search("beheer@kring.example", "smit")
        .await
        .contains("ouder.smit@example.nl"));
    // A search term is text, not a pattern.
    assert_eq!(search("beheer@kring.example", "%%").await, "[]");
}

db_tests!(
    ac06_a_directie_finds_only_their_own_schools_people,
    ac06_every_admin_and_account_function_against_every_target,
    ac06_a_directie_deactivates_only_people_wholly_within_their_school,
);
