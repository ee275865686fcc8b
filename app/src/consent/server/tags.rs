//! Changing who is tagged in the photos of a published post: a teacher who forgot, a parent who
//! reported "my child is on this photo". The new tags count on the next request, like consent.
use super::tag_candidates;
use crate::{
    consent::model::{PhotoTags, TagCandidate, TagItem},
    error::AppError,
    platform::{auth::Actor, db::Db},
    with_db, with_tx,
};

/// Tags child `$2` in item `$1` (a uid) of post `$3`; the uid must belong to that post.
pub const INSERT_TAG: &str = "INSERT INTO media_tags (media_id, pupil_id) \
SELECT id, $2 FROM media WHERE uid = $1 AND post_id = $3 ON CONFLICT DO NOTHING";

/// How many photos and videos of post `$1` name neither a child nor "no recognisable child": in a
/// school that requires tags, such a post is not published and its tags cannot be emptied.
pub const UNTAGGED_MEDIA: &str = "SELECT COUNT(*) FROM media m WHERE m.post_id = $1 \
AND m.status NOT IN ('discarded', 'failed') AND m.no_children = FALSE \
AND NOT EXISTS (SELECT 1 FROM media_tags t WHERE t.media_id = m.id)";

/// Where a post goes, as far as tagging cares: its school, its groups, and whether it is school-wide.
struct Reach {
    school_id: i64,
    groups: Vec<i64>,
    school_wide: bool,
}

/// Children that may be tagged in a post of this reach: those of its groups, or of the whole school
/// for a school-wide post, as far as the actor may post to them.
async fn candidates_for(
    db: &Db,
    actor: &Actor,
    post: &Reach,
) -> Result<Vec<TagCandidate>, AppError> {
    let mut out: Vec<TagCandidate> = Vec::new();
    for c in tag_candidates(db, actor).await? {
        let in_post = c.school_id == post.school_id
            && (post.school_wide || post.groups.contains(&c.group_id));
        if in_post && !out.iter().any(|o| o.pupil_id == c.pupil_id) {
            out.push(c);
        }
    }
    Ok(out)
}

/// The post's items and their tags, for the author and the directie (`Forbidden` otherwise).
pub async fn photo_tags(db: &Db, actor: &Actor, post_id: i64) -> Result<PhotoTags, AppError> {
    let post = crate::feed::read::editable_post(db, actor, post_id).await?;
    let tags: Vec<(String, i64)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT m.uid, t.pupil_id FROM media_tags t JOIN media m ON m.id = t.media_id WHERE m.post_id = $1"
    )
    .bind(post_id)
    .fetch_all(pool)
    .await
    })?;
    let no_children: Vec<(String,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT uid FROM media WHERE post_id = $1 AND no_children = TRUE"
    )
    .bind(post_id)
    .fetch_all(pool)
    .await)?;
    let reach = Reach {
        school_id: post.school_id,
        groups: post.groups.iter().map(|g| g.id).collect(),
        school_wide: post.groups.iter().any(|g| g.kind == "school"),
    };
    let candidates = candidates_for(db, actor, &reach).await?;
    let required = super::tags_required(db, post.school_id).await?;
    let items = post
        .media
        .into_iter()
        .map(|m| TagItem {
            video: m.is_video(),
            thumb: m.thumb_url(),
            tags: tags
                .iter()
                .filter(|(uid, _)| *uid == m.uid)
                .map(|(_, p)| *p)
                .collect(),
            uid: m.uid,
        })
        .collect();
    Ok(PhotoTags {
        post_id,
        items,
        no_children: no_children.into_iter().map(|(uid,)| uid).collect(),
        candidates,
        required,
    })
}

/// Sets the tags of the post's items for the children on the form (the candidates); tags of other
/// children stay. Every pair must name an item of this post and a child the actor may tag in it.
/// `no_children` lists the items that show no recognisable child. In a school that requires tags,
/// the result must still name a child (or "nobody") on every item, or nothing changes: removing the
/// last tag would otherwise show a hidden photo to the whole group.
pub async fn save_photo_tags(
    db: &Db,
    actor: &Actor,
    post_id: i64,
    tags: &[(String, i64)],
    no_children: &[String],
) -> Result<(), AppError> {
    let post = crate::feed::read::editable_post(db, actor, post_id).await?;
    let reach = Reach {
        school_id: post.school_id,
        groups: post.groups.iter().map(|g| g.id).collect(),
        school_wide: post.groups.iter().any(|g| g.kind == "school"),
    };
    let candidates = candidates_for(db, actor, &reach).await?;
    let of_post = |uid: &String| post.media.iter().any(|m| m.uid == *uid);
    let valid = tags
        .iter()
        .all(|(uid, pupil)| of_post(uid) && candidates.iter().any(|c| c.pupil_id == *pupil))
        && no_children.iter().all(of_post);
    if !valid {
        return Err(AppError::validation(
            "tags",
            crate::error::Invalid::TagNotInGroup,
        ));
    }
    let required = super::tags_required(db, post.school_id).await?;
    let ids: Vec<String> = candidates.iter().map(|c| c.pupil_id.to_string()).collect();
    let delete = format!(
        "DELETE FROM media_tags WHERE media_id IN (SELECT id FROM media WHERE post_id = $1) \
         AND pupil_id IN ({})",
        if ids.is_empty() {
            "NULL".to_string()
        } else {
            ids.join(", ")
        }
    );
    with_tx!(db, |tx| {
        // Only the children on this form change: a tag of a child who has since moved class or left
        // stays, or a photo of a child without consent would suddenly reach everyone.
        sqlx::query(&delete).bind(post_id).execute(&mut *tx).await?;
        for (uid, pupil) in tags {
            sqlx::query(INSERT_TAG)
                .bind(uid)
                .bind(*pupil)
                .bind(post_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE media SET no_children = FALSE WHERE post_id = $1")
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        for uid in no_children {
            sqlx::query("UPDATE media SET no_children = TRUE WHERE post_id = $1 AND uid = $2")
                .bind(post_id)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
        }
        if required {
            let (untagged,): (i64,) = sqlx::query_as(UNTAGGED_MEDIA)
                .bind(post_id)
                .fetch_one(&mut *tx)
                .await?;
            if untagged > 0 {
                // Dropping the transaction undoes every change above.
                return Err(AppError::validation(
                    "media",
                    crate::error::Invalid::MediaTagsRequired,
                ));
            }
        }
    });
    Ok(())
}
