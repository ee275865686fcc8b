//! Which groups a viewer reads and posts to.
//!
//! - guardians: the class groups their children are placed in this school year (a "no access" link
//!   counts for nothing) and the school group of each school those children attend;
//! - teachers: the groups they teach or belong to, and their school's school group;
//! - directie: every group of their school;
//! - foundation admins: none — they manage structure and people, not posts (least privilege).
use super::{Sql, Viewer};
use crate::{error::AppError, platform::db::Db, with_db};

/// `<alias>` (a `school_years` row) is the school year that contains `today` ('YYYY-MM-DD').
pub fn this_year<Q: Sql>(q: &mut Q, alias: &str, today: &str) {
    q.add(alias).add(".starts_on <= ").text(today);
    q.add(" AND ").add(alias).add(".ends_on >= ").text(today);
}

/// Group ids the viewer may read. Use as `… IN (<this>)`: the rule itself, or the list it gave
/// when the viewer looked it up for this request (`Viewer::with_groups`).
pub fn visible_groups<Q: Sql>(q: &mut Q, v: &Viewer) {
    match &v.groups {
        Some(ids) => {
            q.list(ids);
        }
        None => group_rule(q, v),
    }
}

/// The ids `visible_groups` stands for, read once.
pub(super) async fn visible_group_ids(db: &Db, v: &Viewer) -> Result<Vec<i64>, AppError> {
    let rows: Vec<(i64,)> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new("SELECT g.id FROM groups g WHERE g.id IN (");
        group_rule(&mut q, v);
        q.add(") ORDER BY g.id");
        q.build_query_as().fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

fn group_rule<Q: Sql>(q: &mut Q, v: &Viewer) {
    q.add(
        "SELECT pl.group_id FROM guardianships gs \
         JOIN placements pl ON pl.pupil_id = gs.pupil_id \
         JOIN school_years sy ON sy.id = pl.school_year_id \
         WHERE gs.no_access = FALSE AND gs.user_id = ",
    )
    .id(v.user_id)
    .add(" AND ");
    this_year(q, "sy", &v.today);
    q.add(
        " UNION SELECT g.id FROM groups g \
         JOIN pupils p ON p.school_id = g.school_id \
         JOIN guardianships gs ON gs.pupil_id = p.id \
         JOIN placements pl ON pl.pupil_id = p.id \
         JOIN school_years sy ON sy.id = pl.school_year_id \
         WHERE g.kind = 'school' AND gs.no_access = FALSE AND gs.user_id = ",
    )
    .id(v.user_id)
    .add(" AND ");
    this_year(q, "sy", &v.today);
    q.add(
        " UNION SELECT gs2.group_id FROM group_staff gs2 \
         JOIN staff_roles sr ON sr.user_id = gs2.user_id AND sr.role <> 'administratie' \
         JOIN groups g2 ON g2.id = gs2.group_id AND g2.school_id = sr.school_id \
         WHERE gs2.user_id = ",
    )
    .id(v.user_id)
    .add(
        " UNION SELECT g.id FROM groups g JOIN staff_roles sr ON sr.school_id = g.school_id \
         WHERE (sr.role = 'directie' OR (g.kind = 'school' AND sr.role = 'teacher')) AND sr.user_id = ",
    )
    .id(v.user_id);
}

/// Group ids the viewer may post to: groups they teach, and for directie every group of the school.
/// Use as `… IN (<this>)`.
pub fn postable_groups<Q: Sql>(q: &mut Q, v: &Viewer) {
    q.add(
        "SELECT gs2.group_id FROM group_staff gs2 \
         JOIN groups g2 ON g2.id = gs2.group_id \
         JOIN staff_roles sr ON sr.user_id = gs2.user_id AND sr.school_id = g2.school_id \
           AND sr.role <> 'administratie' \
         WHERE g2.kind <> 'school' AND gs2.user_id = ",
    )
    .id(v.user_id)
    .add(
        " UNION SELECT g.id FROM groups g JOIN staff_roles sr ON sr.school_id = g.school_id \
         WHERE sr.role = 'directie' AND sr.user_id = ",
    )
    .id(v.user_id);
}

/// The groups of this school year (and school and staff groups) the viewer may post to. Both ways in
/// need a staff role, and the roles were read fresh for this request: a parent, who is asked on
/// every page, pays no query for it.
pub async fn postable_group_ids(db: &Db, v: &Viewer) -> Result<Vec<i64>, AppError> {
    if v.roles.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64,)> = with_db!(db, |pool| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT g.id FROM groups g LEFT JOIN school_years sy ON sy.id = g.school_year_id \
             WHERE g.id IN (",
        );
        postable_groups(&mut q, v);
        q.add(") AND (sy.id IS NULL OR (");
        this_year(&mut q, "sy", &v.today);
        q.add("))");
        q.build_query_as().fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A foundation admin or an administratie without children or a teaching role reads no posts at
/// all: their home page is the administration.
pub async fn reads_no_posts(db: &Db, v: &Viewer, is_admin: bool) -> Result<bool, AppError> {
    // Admins and the administratie work with people, not posts: without a child of their own their
    // start page is the administration.
    let teaches = v.roles.iter().any(|r| r.role.teaches());
    if teaches || (!is_admin && v.roles.is_empty()) {
        return Ok(false);
    }
    let (children,): (i64,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM guardianships WHERE user_id = $1 AND no_access = FALSE"
    )
    .bind(v.user_id)
    .fetch_one(pool)
    .await)?;
    Ok(children == 0)
}

/// Only a post to exactly one class group may carry comments: a parent's name is then shown only
/// to the families of their own child's group.
pub async fn comments_allowed(db: &Db, groups: &[i64]) -> Result<bool, AppError> {
    let [group] = groups else {
        return Ok(false);
    };
    let kind: Option<(String,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT kind FROM groups WHERE id = $1"
    )
    .bind(*group)
    .fetch_optional(pool)
    .await)?;
    Ok(kind.is_some_and(|(k,)| k == "class"))
}
