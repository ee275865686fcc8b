//! Photos and videos add one rule to the reading rules (PR-01, PR-02): an item in which a child is
//! tagged whose photo consent is not "yes" is shown only to that child's own guardians and to the
//! school's staff. The same rule in Rust, for the warning while composing, is
//! `consent::model::Audience::of`; `server/tests/it/policy.rs` evaluates both on every combination.
use super::{this_year, visible_groups, Sql, Viewer};

/// Whether pupil `pupil` (an SQL expression) has photo consent ("Foto's en video's in Kring") today:
/// at least one guardian with access said yes and none said no. Nobody answering is no. In a
/// strict round of the current school year, a yes that was not given or confirmed in that round has
/// lapsed. A correlated condition: it is evaluated only for the rows that ask, through the
/// `consent_current` key, never by listing every child of the foundation.
pub fn photo_consented<Q: Sql>(q: &mut Q, v: &Viewer, pupil: &str) {
    q.add(
        "(EXISTS (SELECT 1 FROM consent_current cc \
           JOIN consent_purposes cp ON cp.id = cc.purpose_id AND cp.kind = 'photos' \
           JOIN guardianships cg ON cg.pupil_id = cc.pupil_id AND cg.user_id = cc.user_id AND cg.no_access = FALSE \
           WHERE cc.pupil_id = ",
    )
    .add(pupil)
    .add(
        " AND cc.answer = TRUE AND NOT EXISTS ( \
             SELECT 1 FROM consent_rounds cr JOIN school_years csy ON csy.id = cr.school_year_id \
             WHERE cr.school_id = cp.school_id AND cr.strict = TRUE AND ",
    );
    this_year(q, "csy", &v.today);
    q.add(
        " AND (cc.round_id IS NULL OR cc.round_id <> cr.id))) \
         AND NOT EXISTS (SELECT 1 FROM consent_current cn \
           JOIN consent_purposes cpn ON cpn.id = cn.purpose_id AND cpn.kind = 'photos' \
           JOIN guardianships gn ON gn.pupil_id = cn.pupil_id AND gn.user_id = cn.user_id AND gn.no_access = FALSE \
           WHERE cn.pupil_id = ",
    )
    .add(pupil)
    .add(" AND cn.answer = FALSE))");
}

/// No child lacking photo consent is tagged in item `m`, other than the viewer's own children.
fn others_consent<Q: Sql>(q: &mut Q, v: &Viewer, m: &str) {
    q.add("NOT EXISTS (SELECT 1 FROM media_tags vt WHERE vt.media_id = ")
        .add(m)
        .add(".id AND NOT ");
    photo_consented(q, v, "vt.pupil_id");
    q.add(
        " AND vt.pupil_id NOT IN (SELECT vg.pupil_id FROM guardianships vg \
           WHERE vg.no_access = FALSE AND vg.user_id = ",
    )
    .id(v.user_id)
    .add("))");
}

/// Whether the viewer may see media item `m` (a table alias with `id` and `post_id`), in two ways:
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
pub fn media_visible<Q: Sql>(q: &mut Q, v: &Viewer, m: &str) {
    // Two EXISTS joined by OR, not one EXISTS over an OR: PostgreSQL turns a lone EXISTS into a
    // join and then hashes every post of the foundation (11 ms a page at 20,000 posts); under OR
    // each stays a lookup of the item's own post by its key.
    q.add("(EXISTS (SELECT 1 FROM posts vp WHERE vp.id = ")
        .add(m)
        .add(
            ".post_id AND EXISTS (SELECT 1 FROM post_groups rpg WHERE rpg.post_id = vp.id AND rpg.group_id IN (",
        );
    visible_groups(q, v);
    q.add(")) AND (vp.status = 'published' OR vp.author_id = ")
        .id(v.user_id)
        .add(
            ") AND ( \
             EXISTS (SELECT 1 FROM staff_roles vsr WHERE vsr.school_id = vp.school_id AND vsr.role <> 'administratie' AND vsr.user_id = ",
        )
        .id(v.user_id)
        .add(") OR ");
    others_consent(q, v, m);
    q.add(")) OR EXISTS (SELECT 1 FROM posts vp WHERE vp.id = ")
        .add(m)
        .add(".post_id AND vp.status = 'published' AND ");
    others_consent(q, v, m);
    q.add(
        " AND EXISTS ( \
             SELECT 1 FROM media_tags ot \
               JOIN guardianships og ON og.pupil_id = ot.pupil_id AND og.no_access = FALSE \
               JOIN pupils op ON op.id = ot.pupil_id \
               JOIN post_groups opg ON opg.post_id = vp.id JOIN groups ogr ON ogr.id = opg.group_id \
             WHERE og.user_id = ",
    )
    .id(v.user_id)
    .add(" AND ot.media_id = ")
    .add(m)
    .add(
        ".id AND ( \
               EXISTS (SELECT 1 FROM placements opl WHERE opl.pupil_id = ot.pupil_id AND opl.group_id = opg.group_id) \
               OR (ogr.kind = 'school' AND ogr.school_id = op.school_id)))))",
    );
}
