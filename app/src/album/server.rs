//! Album queries. Both the page and the zip read media through `policy::media_visible`, so the album
//! shows exactly what the guardian may see anywhere else, consent of other children included.
use super::model::{AlbumChild, AlbumYear};
use crate::{
    error::AppError,
    media::model::MediaView,
    platform::{auth::Actor, db::Db},
    policy::{self, Sql, Viewer},
    with_db,
};

#[derive(sqlx::FromRow)]
struct Tagged {
    pupil_id: i64,
    at: i64,
    #[sqlx(flatten)]
    media: MediaView,
}

/// The guardian's children (links marked "no access" excluded), with the visible photos and videos
/// each is tagged in, grouped per school year, newest first.
pub async fn album(db: &Db, actor: &Actor) -> Result<Vec<AlbumChild>, AppError> {
    let children: Vec<(i64, String)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.id, p.first_name || ' ' || CASE WHEN p.prefix = '' THEN '' ELSE p.prefix || ' ' END || p.last_name FROM guardianships gs JOIN pupils p ON p.id = gs.pupil_id \
         WHERE gs.user_id = $1 AND gs.no_access = FALSE ORDER BY p.first_name, p.id"
    )
    .bind(actor.user_id)
    .fetch_all(pool)
    .await
    })?;
    let v = Viewer::new(db, actor);
    let rows: Vec<Tagged> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT t.pupil_id, ap.created_at AS at, m.post_id, m.uid, m.kind, m.width, m.height, \
               EXISTS (SELECT 1 FROM media_tags r WHERE r.media_id = m.id AND NOT ",
        );
        policy::photo_consented(&mut q, &v, "r.pupil_id");
        q.add(
            ") AS restricted \
             FROM media_tags t JOIN media m ON m.id = t.media_id JOIN posts ap ON ap.id = m.post_id \
               JOIN guardianships ag ON ag.pupil_id = t.pupil_id AND ag.no_access = FALSE AND ag.user_id = ",
        )
        .id(v.user_id)
        .add(" WHERE m.status = 'ready' AND ");
        policy::media_visible(&mut q, &v, "m");
        q.add(" ORDER BY ap.created_at DESC, ap.id DESC, m.position, m.id");
        q.build_query_as().fetch_all(pool).await
    })?;
    Ok(children
        .into_iter()
        .map(|(pupil_id, name)| {
            let mut years: Vec<AlbumYear> = Vec::new();
            for row in rows.iter().filter(|r| r.pupil_id == pupil_id) {
                let year = db.clock().school_year_of(row.at);
                match years.last_mut() {
                    Some(y) if y.name == year => y.items.push(row.media.clone()),
                    _ => years.push(AlbumYear {
                        name: year,
                        items: vec![row.media.clone()],
                    }),
                }
            }
            AlbumChild {
                pupil_id,
                name,
                years,
            }
        })
        .collect())
}

/// One file for the zip: the full-size photo, or the video itself.
#[derive(sqlx::FromRow)]
pub struct ZipFile {
    pub storage_key: String,
    pub bytes: i64,
    pub kind: String,
    pub at: i64,
}

/// The files of one child's school year for the zip, oldest first; `NotFound` unless the actor is
/// a guardian of the child with access. An empty list is a year without visible photos.
pub async fn zip_files(
    db: &Db,
    actor: &Actor,
    pupil_id: i64,
    year: &str,
) -> Result<(String, Vec<ZipFile>), AppError> {
    let child: Option<(String,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT p.first_name FROM guardianships gs JOIN pupils p ON p.id = gs.pupil_id \
         WHERE gs.user_id = $1 AND gs.pupil_id = $2 AND gs.no_access = FALSE"
    )
    .bind(actor.user_id)
    .bind(pupil_id)
    .fetch_optional(pool)
    .await)?;
    let (first_name,) = child.ok_or(AppError::NotFound)?;
    let v = Viewer::new(db, actor);
    let files: Vec<ZipFile> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT f.storage_key, f.bytes, m.kind, zp.created_at AS at \
             FROM media_tags t JOIN media m ON m.id = t.media_id JOIN posts zp ON zp.id = m.post_id \
               JOIN media_files f ON f.media_id = m.id \
                 AND f.variant = CASE WHEN m.kind = 'video' THEN 'video' ELSE 'full' END \
             WHERE m.status = 'ready' AND t.pupil_id = ",
        );
        q.id(pupil_id).add(" AND ");
        policy::media_visible(&mut q, &v, "m");
        q.add(" ORDER BY zp.created_at, zp.id, m.position, m.id");
        q.build_query_as().fetch_all(pool).await
    })?;
    Ok((
        first_name,
        files
            .into_iter()
            .filter(|f| db.clock().school_year_of(f.at) == year)
            .collect(),
    ))
}
