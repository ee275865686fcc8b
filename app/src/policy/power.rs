//! What staff may do with a post they can read.
use super::{postable_groups, this_year, PostRef, Sql, Viewer};
use crate::{error::AppError, platform::db::Db, with_db};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Power {
    /// Change or remove the post: its author, or the directie of its school.
    pub edit: bool,
    /// Remove comments and handle reports: those who may edit, and staff of one of its groups.
    pub moderate: bool,
    /// Pin or unpin it: staff who may post to one of its groups of this school year.
    pub pin: bool,
}

/// Whether the viewer may change or remove a post by `author_id` in `school_id`.
pub fn may_edit(v: &Viewer, author_id: i64, school_id: i64) -> bool {
    author_id == v.user_id || v.is_directie_of(school_id)
}

/// The viewer's power over `post` (which they could read). Families have none and pay no query.
pub async fn power_over(db: &Db, v: &Viewer, post: &PostRef) -> Result<Power, AppError> {
    let edit = may_edit(v, post.author_id, post.school_id);
    if !v.is_staff_of(post.school_id) {
        return Ok(Power {
            edit,
            ..Power::default()
        });
    }
    let (in_group, postable): (bool, bool) = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT EXISTS (SELECT 1 FROM post_groups pg JOIN group_staff gs ON gs.group_id = pg.group_id \
               WHERE pg.post_id = ",
        );
        q.id(post.id)
            .add(" AND gs.user_id = ")
            .id(v.user_id)
            .add(
                "), EXISTS (SELECT 1 FROM post_groups pg JOIN groups g ON g.id = pg.group_id \
                 LEFT JOIN school_years sy ON sy.id = g.school_year_id WHERE pg.post_id = ",
            )
            .id(post.id)
            .add(" AND (sy.id IS NULL OR (");
        this_year(&mut q, "sy", &v.today);
        q.add(")) AND pg.group_id IN (");
        postable_groups(&mut q, v);
        q.add("))");
        q.build_query_as().fetch_one(pool).await
    })?;
    Ok(Power {
        edit,
        moderate: edit || in_group,
        pin: postable,
    })
}
