//! The demo school: two schools so that access between schools can be tried, class groups with a
//! teacher, guardians and posts each, one guardian with children in two groups, and a school-wide post.
//! Running it again changes nothing.
use app::{
    error::AppError,
    platform::{db::Db, secrets},
    with_db, with_tx,
};

pub struct DemoAccount {
    pub role: &'static str,
    pub email: &'static str,
    pub group: &'static str,
}

/// (role, e-mail, name, school index, groups taught or children's groups)
const PEOPLE: &[(&str, &str, &str, usize, &[&str])] = &[
    ("admin", "beheer@kring.example", "Bea Beheer", 0, &[]),
    (
        "directie",
        "directie@regenboog.example",
        "Daan Dijkstra",
        0,
        &[],
    ),
    (
        "teacher",
        "juf.sanne@regenboog.example",
        "Sanne Visser",
        0,
        &["Groep 3"],
    ),
    (
        "teacher",
        "meester.ahmed@regenboog.example",
        "Ahmed El Amrani",
        0,
        &["Groep 5/6"],
    ),
    (
        "guardian",
        "ouder.jansen@example.nl",
        "Eva Jansen",
        0,
        &["Groep 3", "Groep 5/6"],
    ),
    (
        "guardian",
        "ouder.bakker@example.nl",
        "Tom Bakker",
        0,
        &["Groep 3"],
    ),
    (
        "guardian",
        "ouder.devries@example.nl",
        "Noor de Vries",
        0,
        &["Groep 5/6"],
    ),
    ("directie", "directie@kompas.example", "Karin Kok", 1, &[]),
    (
        "teacher",
        "juf.lisa@kompas.example",
        "Lisa Mulder",
        1,
        &["Groep 4"],
    ),
    (
        "guardian",
        "ouder.smit@example.nl",
        "Sem Smit",
        1,
        &["Groep 4"],
    ),
    // The office of school A: pupils, guardians and imports, and no posts.
    (
        "administratie",
        "administratie@regenboog.example",
        "Fatima Yilmaz",
        0,
        &[],
    ),
];

const SCHOOLS: &[(&str, &[&str])] = &[
    ("OBS De Regenboog", &["Groep 3", "Groep 5/6"]),
    ("CBS Het Kompas", &["Groep 4"]),
];

const CHILDREN: &[(&str, &str, &str, usize, &str)] = &[
    // (first, last, guardian e-mail, school index, group)
    ("Mila", "Jansen", "ouder.jansen@example.nl", 0, "Groep 3"),
    ("Finn", "Jansen", "ouder.jansen@example.nl", 0, "Groep 5/6"),
    ("Lotte", "Bakker", "ouder.bakker@example.nl", 0, "Groep 3"),
    (
        "Sam",
        "de Vries",
        "ouder.devries@example.nl",
        0,
        "Groep 5/6",
    ),
    ("Julia", "Smit", "ouder.smit@example.nl", 1, "Groep 4"),
];

const POSTS: &[(&str, &str, Option<&str>, &str)] = &[
    // (author e-mail, group or "" for the whole school, title, body)
    ("juf.sanne@regenboog.example", "Groep 3", Some("Gymles verplaatst"), "De gymles van donderdag is deze week op **vrijdag**. Denk aan gymschoenen!"),
    ("juf.sanne@regenboog.example", "Groep 3", None, "Wat een mooie herfstwandeling vandaag. De kinderen hebben kastanjes verzameld voor de natuurtafel."),
    ("meester.ahmed@regenboog.example", "Groep 5/6", Some("Spreekbeurten"), "De planning voor de spreekbeurten staat vast:\n\n- week 48: Finn en Sam\n- week 49: de rest van de groep"),
    ("meester.ahmed@regenboog.example", "Groep 5/6", None, "Morgen gaan we naar de bibliotheek. Wie een pasje heeft, neemt dat mee."),
    ("directie@regenboog.example", "", Some("Studiedag 4 december"), "Op woensdag 4 december hebben alle groepen een studiedag. De kinderen zijn die dag vrij."),
    ("juf.lisa@kompas.example", "Groep 4", Some("Schoolreis"), "De schoolreis naar het museum is op 12 juni."),
];

pub async fn seed_demo(db: &Db, password: &str) -> Result<Vec<DemoAccount>, AppError> {
    let exists: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id FROM users WHERE email = $1"
    )
    .bind(PEOPLE[0].1)
    .fetch_optional(pool)
    .await)?;
    if exists.is_none() {
        create(db, password).await?;
    }
    Ok(PEOPLE
        .iter()
        .map(|(role, email, _, _, groups)| DemoAccount {
            role,
            email,
            group: match groups {
                [] => "-",
                [one] => one,
                _ => "Groep 3, Groep 5/6",
            },
        })
        .collect())
}

async fn create(db: &Db, password: &str) -> Result<(), AppError> {
    let hash = secrets::hash_password(password.to_string()).await?;
    let at = db.clock().now();
    let (year, starts, ends) = db.clock().current_school_year();
    with_tx!(db, |tx| {
        let mut school_ids = Vec::new();
        // (school index, group name, id)
        let mut groups: Vec<(usize, &str, i64)> = Vec::new();
        for (i, (name, class_groups)) in SCHOOLS.iter().enumerate() {
            let (school,): (i64,) = sqlx::query_as(
                "INSERT INTO schools (name, created_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(name)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            let (year_id,): (i64,) = sqlx::query_as(
                "INSERT INTO school_years (school_id, name, starts_on, ends_on) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(school)
            .bind(&year)
            .bind(&starts)
            .bind(&ends)
            .fetch_one(&mut *tx)
            .await?;
            let (whole,): (i64,) = sqlx::query_as(
                "INSERT INTO groups (school_id, kind, name) VALUES ($1, 'school', 'Hele school') RETURNING id",
            )
            .bind(school)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO groups (school_id, kind, name) VALUES ($1, 'staff', 'Team')")
                .bind(school)
                .execute(&mut *tx)
                .await?;
            groups.push((i, "", whole));
            for g in class_groups.iter() {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO groups (school_id, school_year_id, kind, name) VALUES ($1, $2, 'class', $3) RETURNING id",
                )
                .bind(school)
                .bind(year_id)
                .bind(g)
                .fetch_one(&mut *tx)
                .await?;
                groups.push((i, g, id));
            }
            school_ids.push((school, year_id));
        }
        let group_id = |school: usize, name: &str| {
            groups
                .iter()
                .find(|(s, n, _)| *s == school && *n == name)
                .map(|g| g.2)
                .unwrap_or_default()
        };
        let mut user_ids: Vec<(&str, i64)> = Vec::new();
        for (role, email, name, school, taught) in PEOPLE {
            let (uid,): (i64,) = sqlx::query_as(
                "INSERT INTO users (email, name, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(email)
            .bind(name)
            .bind(&hash)
            .bind(*role == "admin")
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            user_ids.push((email, uid));
            if matches!(*role, "directie" | "teacher" | "administratie") {
                sqlx::query(
                    "INSERT INTO staff_roles (user_id, school_id, role) VALUES ($1, $2, $3)",
                )
                .bind(uid)
                .bind(school_ids[*school].0)
                .bind(role)
                .execute(&mut *tx)
                .await?;
            }
            if *role == "teacher" {
                for g in taught.iter() {
                    sqlx::query("INSERT INTO group_staff (group_id, user_id) VALUES ($1, $2)")
                        .bind(group_id(*school, g))
                        .bind(uid)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        let user = |email: &str| {
            user_ids
                .iter()
                .find(|(e, _)| *e == email)
                .map(|u| u.1)
                .unwrap_or_default()
        };
        for (first, last, guardian, school, group) in CHILDREN {
            let (pid,): (i64,) = sqlx::query_as(
                "INSERT INTO pupils (school_id, first_name, last_name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(school_ids[*school].0)
            .bind(first)
            .bind(last)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO placements (pupil_id, school_year_id, group_id) VALUES ($1, $2, $3)",
            )
            .bind(pid)
            .bind(school_ids[*school].1)
            .bind(group_id(*school, group))
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO guardianships (pupil_id, user_id) VALUES ($1, $2)")
                .bind(pid)
                .bind(user(guardian))
                .execute(&mut *tx)
                .await?;
        }
        for (i, (author, group, title, body)) in POSTS.iter().enumerate() {
            let school = PEOPLE
                .iter()
                .find(|p| p.1 == *author)
                .map(|p| p.3)
                .unwrap_or_default();
            // Spread the demo posts over the last days so the feed reads naturally.
            let when = at - ((POSTS.len() - i) as i64) * 5 * 3600;
            let (post,): (i64,) = sqlx::query_as(
                "INSERT INTO posts (school_id, author_id, title, body, urgent, created_at, updated_at, comments_open, body_html, render_version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9) RETURNING id",
            )
            .bind(school_ids[school].0)
            .bind(user(author))
            .bind(title)
            .bind(body)
            .bind(group.is_empty())
            .bind(when)
            // Families may comment on a class post; a school-wide one never has comments.
            .bind(!group.is_empty())
            .bind(app::platform::markup::render(body))
            .bind(app::platform::markup::VERSION)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO post_groups (post_id, group_id) VALUES ($1, $2)")
                .bind(post)
                .bind(group_id(school, group))
                .execute(&mut *tx)
                .await?;
        }
    });
    Ok(())
}
