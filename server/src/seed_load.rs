//! A large foundation for load benchmarks (`kring seed-load`): schools with many class groups, a class of
//! pupils with a guardian each in every group, teachers, and many posts spread over the groups and the
//! last months. One guardian, `ouder.load@example.nl`, has children in two groups of the first school:
//! the benchmark reads that guardian's feed. A third of the class posts have photos, one of them with
//! a child tagged. Running it again changes nothing.
use app::{
    error::AppError,
    platform::{db::Db, secrets},
    with_db, with_tx,
};

pub const LOAD_PARENT: &str = "ouder.load@example.nl";

const GROUPS_PER_SCHOOL: usize = 30;
const PUPILS_PER_GROUP: usize = 20;

pub struct LoadSize {
    pub posts: usize,
    pub groups: usize,
}

/// Creates the load foundation unless it exists. Returns the number of posts and groups in it.
pub async fn seed_load(db: &Db, password: &str, size: LoadSize) -> Result<LoadSize, AppError> {
    let exists: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id FROM users WHERE email = $1"
    )
    .bind(LOAD_PARENT)
    .fetch_optional(pool)
    .await)?;
    if exists.is_none() {
        create(db, password, &size).await?;
        notify_last_week(db).await?;
        // A bulk load outruns PostgreSQL's autovacuum: without fresh statistics the planner takes
        // the tables for empty, and the first summaries read every notification (19 ms a mail).
        if let app::platform::db::Pool::Postgres(pool) = &db.pool {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
    }
    let (posts,): (i64,) = with_db!(db, |pool| sqlx::query_as("SELECT COUNT(*) FROM posts")
        .fetch_one(pool)
        .await)?;
    let (groups,): (i64,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM groups WHERE kind = 'class'"
    )
    .fetch_one(pool)
    .await)?;
    Ok(LoadSize {
        posts: posts as usize,
        groups: groups as usize,
    })
}

/// Writes the notifications of the last week's posts, as publishing them would have done, so the
/// weekly summary has something to send to every guardian.
async fn notify_last_week(db: &Db) -> Result<(), AppError> {
    use app::notify::server::{fan_out, Event};
    let posts: Vec<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id FROM posts WHERE created_at >= $1 ORDER BY id"
    )
    .bind(db.clock().now() - 7 * 86400)
    .fetch_all(pool)
    .await)?;
    for (id,) in posts {
        fan_out(db, Event::Post(id)).await?;
    }
    Ok(())
}

const BODIES: &[&str] = &[
    "Vandaag hebben we in de klas geoefend met breuken. De kinderen deden erg goed mee!",
    "Denk eraan: morgen is het gymdag. Graag gymschoenen meenemen.",
    "De spreekbeurten beginnen volgende week. Het rooster hangt bij de deur van het lokaal.",
    "Wat een mooie ochtend in het bos. We hebben paddenstoelen gezocht en getekend.",
    "Volgende week vrijdag is de klassenavond. Jullie zijn van harte welkom vanaf 19.00 uur.",
];

async fn create(db: &Db, password: &str, size: &LoadSize) -> Result<(), AppError> {
    let hash = secrets::hash_password(password.to_string()).await?;
    let at = db.clock().now();
    let (year, starts, ends) = db.clock().current_school_year();
    let schools = size.groups.div_ceil(GROUPS_PER_SCHOOL).max(1);
    with_tx!(db, |tx| {
        // Per school: (school id, school group id, teacher id); all class groups with their school index.
        let mut school_rows: Vec<(i64, i64, i64)> = Vec::new();
        // (school index, group id, its first pupil)
        let mut class_groups: Vec<(usize, i64, i64)> = Vec::new();
        for s in 0..schools {
            let (school,): (i64,) = sqlx::query_as(
                "INSERT INTO schools (name, created_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(format!("Belastingschool {}", s + 1))
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
            let (teacher,): (i64,) = sqlx::query_as(
                "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(format!("leraar{}@belasting.example", s + 1))
            .bind(format!("Leraar {}", s + 1))
            .bind(&hash)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO staff_roles (user_id, school_id, role) VALUES ($1, $2, 'teacher')",
            )
            .bind(teacher)
            .bind(school)
            .execute(&mut *tx)
            .await?;
            school_rows.push((school, whole, teacher));
            let in_school = GROUPS_PER_SCHOOL.min(size.groups - class_groups.len());
            for g in 0..in_school {
                let (group,): (i64,) = sqlx::query_as(
                    "INSERT INTO groups (school_id, school_year_id, kind, name) VALUES ($1, $2, 'class', $3) RETURNING id",
                )
                .bind(school)
                .bind(year_id)
                .bind(format!("Groep {}{}", g / 4 + 1, ["a", "b", "c", "d"][g % 4]))
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO group_staff (group_id, user_id) VALUES ($1, $2)")
                    .bind(group)
                    .bind(teacher)
                    .execute(&mut *tx)
                    .await?;
                let mut first_pupil = 0;
                for p in 0..PUPILS_PER_GROUP {
                    // The load guardian's two children are the first pupils of the first two groups.
                    let email = if s == 0 && g < 2 && p == 0 {
                        LOAD_PARENT.to_string()
                    } else {
                        format!("ouder.{group}.{p}@belasting.example")
                    };
                    let guardian: (i64,) = sqlx::query_as(
                        "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (email) DO UPDATE SET name = excluded.name RETURNING id",
                    )
                    .bind(&email)
                    .bind(format!("Ouder {group}-{p}"))
                    .bind(&hash)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    let (pupil,): (i64,) = sqlx::query_as(
                        "INSERT INTO pupils (school_id, first_name, last_name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(school)
                    .bind(format!("Kind {p}"))
                    .bind(format!("van groep {group}"))
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query("INSERT INTO placements (pupil_id, school_year_id, group_id) VALUES ($1, $2, $3)")
                        .bind(pupil)
                        .bind(year_id)
                        .bind(group)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO guardianships (pupil_id, user_id) VALUES ($1, $2)")
                        .bind(pupil)
                        .bind(guardian.0)
                        .execute(&mut *tx)
                        .await?;
                    if p == 0 {
                        first_pupil = pupil;
                    }
                }
                class_groups.push((s, group, first_pupil));
            }
        }
        // Every twentieth post goes to a whole school; the rest round-robin over the class groups,
        // one every ten minutes back from now. Every third class post has two photos, the first with
        // a child tagged (the photos' files do not exist: the feed only links to them).
        let rendered: Vec<String> = BODIES
            .iter()
            .map(|b| app::platform::markup::render(b))
            .collect();
        for i in 0..size.posts {
            let (s, group, pupil) = if i % 20 == 19 {
                let s = (i / 20) % school_rows.len();
                (s, school_rows[s].1, None)
            } else {
                let (s, g, p) = class_groups[i % class_groups.len()];
                (s, g, Some(p))
            };
            let (post,): (i64,) = sqlx::query_as(
                "INSERT INTO posts (school_id, author_id, title, body, created_at, updated_at, comments_open, body_html, render_version) \
                 VALUES ($1, $2, $3, $4, $5, $5, TRUE, $6, $7) RETURNING id",
            )
            .bind(school_rows[s].0)
            .bind(school_rows[s].2)
            .bind((i % 3 == 0).then(|| format!("Bericht {}", i + 1)))
            .bind(BODIES[i % BODIES.len()])
            .bind(at - (i as i64) * 600)
            .bind(&rendered[i % BODIES.len()])
            .bind(app::platform::markup::VERSION)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO post_groups (post_id, group_id) VALUES ($1, $2)")
                .bind(post)
                .bind(group)
                .execute(&mut *tx)
                .await?;
            let Some(pupil) = pupil.filter(|_| i % 3 == 0) else {
                continue;
            };
            for k in 0..2_i64 {
                let (media,): (i64,) = sqlx::query_as(
                    "INSERT INTO media (uid, uploader_id, post_id, position, kind, status, bytes, width, height, created_at) \
                     VALUES ($1, $2, $3, $4, 'image', 'ready', 250000, 1600, 1200, $5) RETURNING id",
                )
                .bind(format!("load-{post}-{k}"))
                .bind(school_rows[s].2)
                .bind(post)
                .bind(k)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                if k == 0 {
                    sqlx::query("INSERT INTO media_tags (media_id, pupil_id) VALUES ($1, $2)")
                        .bind(media)
                        .bind(pupil)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
    });
    Ok(())
}
