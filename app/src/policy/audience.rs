//! Who a post is for.
use super::Sql;

/// The families who may read post `post_id` today: the other way round of the guardian parts of
/// `visible_groups` (children placed in one of the post's class groups this school year, or
/// attending the school of its school group). Notifications and the newsletter's reach are
/// counted with it; every message is checked against `readable_posts` again when it is sent.
/// `today` is 'YYYY-MM-DD' in the schools' time zone. Use as `… IN (<this>)` or `FROM (<this>) u`.
pub fn guardians_of_post<Q: Sql>(q: &mut Q, today: &str, post_id: i64) {
    q.add(
        "SELECT gs.user_id FROM post_groups pg \
         JOIN placements pl ON pl.group_id = pg.group_id \
         JOIN school_years sy ON sy.id = pl.school_year_id \
         JOIN guardianships gs ON gs.pupil_id = pl.pupil_id \
         WHERE gs.no_access = FALSE AND pg.post_id = ",
    )
    .id(post_id)
    .add(" AND ");
    super::this_year(q, "sy", today);
    q.add(
        " UNION SELECT gs.user_id FROM post_groups pg \
         JOIN groups g ON g.id = pg.group_id AND g.kind = 'school' \
         JOIN pupils p ON p.school_id = g.school_id \
         JOIN placements pl ON pl.pupil_id = p.id \
         JOIN school_years sy ON sy.id = pl.school_year_id \
         JOIN guardianships gs ON gs.pupil_id = p.id \
         WHERE gs.no_access = FALSE AND pg.post_id = ",
    )
    .id(post_id)
    .add(" AND ");
    super::this_year(q, "sy", today);
}
