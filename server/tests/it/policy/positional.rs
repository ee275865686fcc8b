//! The reading rules written a second time, by hand, in the positional form Kring once used (`$1` =
//! the user, `$2` = today). Not used by the app: the tests evaluate them beside the rules of
//! `app::policy` on every combination and on a rich school, and change them clause by clause to
//! prove the combinations tell every clause apart. A change to a rule that is not made here too
//! fails the comparison.
#![allow(dead_code)]

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
  JOIN staff_roles sr ON sr.user_id = gs2.user_id AND sr.role <> 'administratie' \
  JOIN groups g2 ON g2.id = gs2.group_id AND g2.school_id = sr.school_id \
  WHERE gs2.user_id = $1 \
UNION \
SELECT g.id FROM groups g JOIN staff_roles sr ON sr.school_id = g.school_id \
  WHERE sr.user_id = $1 AND (sr.role = 'directie' OR (g.kind = 'school' AND sr.role = 'teacher'))";

/// Post ids that user `$1` may read on date `$2`: published posts in a visible group, plus the user's
/// own posts while their photos are still being processed and their unsent newsletters (both have
/// the status "processing"; families see nothing of those).
/// Use as `... IN (<this>)`.
pub fn readable_posts() -> String {
    format!(
        "SELECT rpg.post_id FROM post_groups rpg JOIN posts rp ON rp.id = rpg.post_id \
         WHERE rpg.group_id IN ({VISIBLE_GROUPS}) AND (rp.status = 'published' OR rp.author_id = $1)"
    )
}

/// Whether pupil `pupil` (an SQL expression) has photo consent ("Foto's en video's in Kring") on date
/// `$2`: at least one guardian with access said yes and none said no. Nobody answering is no. In a
/// strict round of the current school year, a yes that was not given or confirmed in that round has
/// lapsed. A correlated condition: it is evaluated only for the rows that ask, through the
/// `consent_current` key, never by listing every child of the foundation.
pub fn photo_consented(pupil: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM consent_current cc \
           JOIN consent_purposes cp ON cp.id = cc.purpose_id AND cp.kind = 'photos' \
           JOIN guardianships cg ON cg.pupil_id = cc.pupil_id AND cg.user_id = cc.user_id AND cg.no_access = FALSE \
           WHERE cc.pupil_id = {pupil} AND cc.answer = TRUE AND NOT EXISTS ( \
             SELECT 1 FROM consent_rounds cr JOIN school_years csy ON csy.id = cr.school_year_id \
             WHERE cr.school_id = cp.school_id AND cr.strict = TRUE AND csy.starts_on <= $2 AND csy.ends_on >= $2 \
               AND (cc.round_id IS NULL OR cc.round_id <> cr.id))) \
         AND NOT EXISTS (SELECT 1 FROM consent_current cn \
           JOIN consent_purposes cpn ON cpn.id = cn.purpose_id AND cpn.kind = 'photos' \
           JOIN guardianships gn ON gn.pupil_id = cn.pupil_id AND gn.user_id = cn.user_id AND gn.no_access = FALSE \
           WHERE cn.pupil_id = {pupil} AND cn.answer = FALSE))"
    )
}

/// Whether user `$1` may see media item `m` (a table alias with `id` and `post_id`) on date `$2`,
/// in two ways:
/// - items of readable posts. Staff of the school see all of them (they moderate and must know
///   what they posted); others do not see an item in which a child is tagged who lacks photo
///   consent and is not their own child;
/// - items of earlier published posts in which the viewer's own child is tagged, when the post was
///   meant for that child (a group the child was placed in, in any year, or the school group of
///   the child's school): the "Mijn kind" album keeps last year's photos when last year's group is
///   no longer readable. The same consent rule applies, for staff too.
///
/// Every view of a photo goes through this: feed, post page, media URLs, album and zip. It is a
/// condition on the item itself, so a query pays only for the items it looks at.
pub fn media_visible(m: &str) -> String {
    let others_consent = format!(
        "NOT EXISTS (SELECT 1 FROM media_tags vt WHERE vt.media_id = {m}.id \
           AND NOT {consented} \
           AND vt.pupil_id NOT IN (SELECT vg.pupil_id FROM guardianships vg \
                                   WHERE vg.user_id = $1 AND vg.no_access = FALSE))",
        consented = photo_consented("vt.pupil_id")
    );
    format!(
        "EXISTS (SELECT 1 FROM posts vp WHERE vp.id = {m}.post_id AND ( \
           (EXISTS (SELECT 1 FROM post_groups rpg WHERE rpg.post_id = vp.id AND rpg.group_id IN ({VISIBLE_GROUPS})) \
            AND (vp.status = 'published' OR vp.author_id = $1) AND ( \
             EXISTS (SELECT 1 FROM staff_roles vsr WHERE vsr.user_id = $1 AND vsr.school_id = vp.school_id AND vsr.role <> 'administratie') \
             OR {others_consent})) \
           OR (vp.status = 'published' AND {others_consent} AND EXISTS ( \
             SELECT 1 FROM media_tags ot \
               JOIN guardianships og ON og.pupil_id = ot.pupil_id AND og.user_id = $1 AND og.no_access = FALSE \
               JOIN pupils op ON op.id = ot.pupil_id \
               JOIN post_groups opg ON opg.post_id = vp.id JOIN groups ogr ON ogr.id = opg.group_id \
             WHERE ot.media_id = {m}.id AND ( \
               EXISTS (SELECT 1 FROM placements opl WHERE opl.pupil_id = ot.pupil_id AND opl.group_id = opg.group_id) \
               OR (ogr.kind = 'school' AND ogr.school_id = op.school_id))))))"
    )
}

/// The families who may read post `$1` on date `$2`: the other way round of the guardian parts of
/// `VISIBLE_GROUPS` (children placed in one of the post's class groups this school year, or
/// attending the school of its school group). Notifications are addressed with it; every message is
/// checked against `readable_posts` again when it is sent. Use as `... IN (<this>)`.
pub const GUARDIANS_OF_POST: &str = "\
SELECT gs.user_id FROM post_groups pg \
  JOIN placements pl ON pl.group_id = pg.group_id \
  JOIN school_years sy ON sy.id = pl.school_year_id \
  JOIN guardianships gs ON gs.pupil_id = pl.pupil_id \
  WHERE pg.post_id = $1 AND gs.no_access = FALSE AND sy.starts_on <= $2 AND sy.ends_on >= $2 \
UNION \
SELECT gs.user_id FROM post_groups pg \
  JOIN groups g ON g.id = pg.group_id AND g.kind = 'school' \
  JOIN pupils p ON p.school_id = g.school_id \
  JOIN placements pl ON pl.pupil_id = p.id \
  JOIN school_years sy ON sy.id = pl.school_year_id \
  JOIN guardianships gs ON gs.pupil_id = p.id \
  WHERE pg.post_id = $1 AND gs.no_access = FALSE AND sy.starts_on <= $2 AND sy.ends_on >= $2";
