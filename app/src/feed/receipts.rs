//! Read receipts: which guardians opened a post, counted per pupil for the author and the directie.
use crate::{
    error::AppError,
    platform::{auth::Actor, db::Db},
    policy::{self, Sql, Viewer},
    posts::model::ReadReceipts,
    with_db,
};

/// Records that a guardian opened a post (staff views are not receipts).
pub async fn mark_seen(db: &Db, actor: &Actor, post_id: i64) -> Result<(), AppError> {
    if actor.is_staff() {
        return Ok(());
    }
    with_db!(db, |pool| sqlx::query(
        "INSERT INTO post_views (post_id, user_id, seen_at) VALUES ($1, $2, $3) \
         ON CONFLICT (post_id, user_id) DO NOTHING"
    )
    .bind(post_id)
    .bind(actor.user_id)
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records that a guardian had these posts on screen (in the feed), for the posts they may read;
/// any other id is ignored without a word, exactly like an unknown one. One insert for all.
pub async fn mark_many_seen(db: &Db, actor: &Actor, post_ids: &[i64]) -> Result<(), AppError> {
    if actor.is_staff() || post_ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = post_ids.iter().copied().take(100).collect();
    let v = Viewer::new(db, actor);
    with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO post_views (post_id, user_id, seen_at) SELECT p.id, ",
        );
        q.id(v.user_id)
            .add(", ")
            .id(db.clock().now())
            .add(" FROM posts p WHERE p.id IN ")
            .ids(&ids)
            .add(" AND p.id IN (");
        policy::readable_posts(&mut q, &v);
        q.add(") ON CONFLICT (post_id, user_id) DO NOTHING");
        q.build().execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// "Gezien door ouders van 18 van 24 leerlingen": for the author and the directie only. The pupils
/// are those placed this school year in the post's class groups (all of the school for a school-wide
/// post); a guardian link marked "no access" does not count.
pub async fn read_receipts(db: &Db, actor: &Actor, post_id: i64) -> Result<ReadReceipts, AppError> {
    let v = Viewer::new(db, actor);
    let post = policy::readable_post(db, &v, post_id).await?;
    if !policy::may_edit(&v, post.author_id, post.school_id) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<(String, String, bool)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.first_name, TRIM(p.prefix || ' ' || p.last_name) AS last_name, EXISTS (\
           SELECT 1 FROM guardianships gs JOIN post_views v ON v.user_id = gs.user_id AND v.post_id = $1 \
           WHERE gs.pupil_id = p.id AND gs.no_access = FALSE) AS seen \
         FROM pupils p \
         JOIN placements pl ON pl.pupil_id = p.id \
         JOIN school_years sy ON sy.id = pl.school_year_id AND sy.starts_on <= $2 AND sy.ends_on >= $2 \
         WHERE p.school_id = (SELECT school_id FROM posts WHERE id = $1) \
           AND (pl.group_id IN (SELECT group_id FROM post_groups WHERE post_id = $1) \
                OR EXISTS (SELECT 1 FROM post_groups pg JOIN groups g ON g.id = pg.group_id \
                           WHERE pg.post_id = $1 AND g.kind = 'school')) \
         ORDER BY p.last_name, p.first_name"
    )
    .bind(post_id)
    .bind(db.clock().today())
    .fetch_all(pool)
    .await
    })?;
    Ok(ReadReceipts {
        seen: rows.iter().filter(|r| r.2).count(),
        total: rows.len(),
        not_seen: rows
            .into_iter()
            .filter(|r| !r.2)
            .map(|(first, last, _)| format!("{first} {last}"))
            .collect(),
    })
}
