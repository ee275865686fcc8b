//! The one rule for who sees which group and post. Every read of posts and their media (feed, group
//! page, post page, media URLs, and later digests and push) goes through `readable_posts`, which
//! builds on `VISIBLE_GROUPS`, so the rule exists once.
//!
//! - guardians: the class groups their children are placed in this school year (a "no access" link
//!   counts for nothing) and the school group of each school those children attend;
//! - teachers: the groups they teach or belong to, and their school's school group;
//! - directie: every group of their school;
//! - foundation admins: none — they manage structure and people, not posts (least privilege).
//!
//! Membership is derived from placements at query time, so moving a pupil changes access at once.

/// Group ids that user `$1` may read on date `$2` ('YYYY-MM-DD'). Use as `... IN (VISIBLE_GROUPS)`.
pub const VISIBLE_GROUPS: &str = "\
SELECT pl.group_id FROM guardianships gs \
  JOIN placements pl ON pl.pupil_id = gs.pupil_id \
  JOIN school_years sy ON sy.id = pl.school_year_id \
  WHERE gs.user_id = $1 AND gs.no_access = FALSE AND sy.starts_on <= $2 AND sy.ends_on >= $2 \
UNION \
SELECT g.id FROM groups g \
  JOIN pupils p ON p.school_id = g.school_id \
  JOIN guardianships gs ON gs.pupil_id = p.id \
  JOIN placements pl ON pl.pupil_id = p.id \
  JOIN school_years sy ON sy.id = pl.school_year_id \
  WHERE g.kind = 'school' AND gs.user_id = $1 AND gs.no_access = FALSE \
    AND sy.starts_on <= $2 AND sy.ends_on >= $2 \
UNION \
SELECT gs2.group_id FROM group_staff gs2 \
  JOIN staff_roles sr ON sr.user_id = gs2.user_id \
  JOIN groups g2 ON g2.id = gs2.group_id AND g2.school_id = sr.school_id \
  WHERE gs2.user_id = $1 \
UNION \
SELECT g.id FROM groups g JOIN staff_roles sr ON sr.school_id = g.school_id \
  WHERE sr.user_id = $1 AND (sr.role = 'directie' OR g.kind = 'school')";

/// Group ids that user `$1` may post to: groups they teach, and for directie every group of the school.
pub const POSTABLE_GROUPS: &str = "\
SELECT gs2.group_id FROM group_staff gs2 \
  JOIN groups g2 ON g2.id = gs2.group_id \
  JOIN staff_roles sr ON sr.user_id = gs2.user_id AND sr.school_id = g2.school_id \
  WHERE gs2.user_id = $1 AND g2.kind <> 'school' \
UNION \
SELECT g.id FROM groups g JOIN staff_roles sr ON sr.school_id = g.school_id \
  WHERE sr.user_id = $1 AND sr.role = 'directie'";

/// Post ids that user `$1` may read on date `$2`: published posts in a visible group, plus the user's
/// own posts while their photos are still being processed (families see nothing of those).
/// Use as `... IN (<this>)`.
pub fn readable_posts() -> String {
    format!(
        "SELECT rpg.post_id FROM post_groups rpg JOIN posts rp ON rp.id = rpg.post_id \
         WHERE rpg.group_id IN ({VISIBLE_GROUPS}) AND (rp.status = 'published' OR rp.author_id = $1)"
    )
}
