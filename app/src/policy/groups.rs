//! Which groups a viewer reads and posts to.
//!
//! - guardians: the class groups their children are placed in this school year (a "no access" link
//!   counts for nothing) and the school group of each school those children attend;
//! - teachers: the groups they teach or belong to, and their school's school group;
//! - directie: every group of their school;
//! - foundation admins: none — they manage structure and people, not posts (least privilege).
use super::{Sql, Viewer};

/// `<alias>` (a `school_years` row) is the school year that contains `today` ('YYYY-MM-DD').
pub fn this_year<Q: Sql>(q: &mut Q, alias: &str, today: &str) {
    q.add(alias).add(".starts_on <= ").text(today);
    q.add(" AND ").add(alias).add(".ends_on >= ").text(today);
}

/// Group ids the viewer may read. Use as `… IN (<this>)`.
pub fn visible_groups<Q: Sql>(q: &mut Q, v: &Viewer) {
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
         JOIN staff_roles sr ON sr.user_id = gs2.user_id \
         JOIN groups g2 ON g2.id = gs2.group_id AND g2.school_id = sr.school_id \
         WHERE gs2.user_id = ",
    )
    .id(v.user_id)
    .add(
        " UNION SELECT g.id FROM groups g JOIN staff_roles sr ON sr.school_id = g.school_id \
         WHERE (sr.role = 'directie' OR g.kind = 'school') AND sr.user_id = ",
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
         WHERE g2.kind <> 'school' AND gs2.user_id = ",
    )
    .id(v.user_id)
    .add(
        " UNION SELECT g.id FROM groups g JOIN staff_roles sr ON sr.school_id = g.school_id \
         WHERE sr.role = 'directie' AND sr.user_id = ",
    )
    .id(v.user_id);
}
