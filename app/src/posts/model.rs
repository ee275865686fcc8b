//! Post types shared by the server and the browser: one view type from SQL row to component.
use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    media::model::{MediaLimits, MediaView, MAX_FILES_PER_POST},
};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
pub const PAGE_SIZE: i64 = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct GroupRef {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

/// Set by the browser's script (`SeenReporter`): this reader's screen reports which posts were seen,
/// so serving the feed no longer counts as seeing them.
pub const SCRIPT_COOKIE: &str = "kring_js";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PostView {
    pub id: i64,
    pub school_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub title: Option<String>,
    /// The author's markup, for editing.
    pub body: String,
    pub urgent: bool,
    pub pinned: bool,
    /// "processing" while its photos are being processed (only the author sees it), else "published".
    pub status: String,
    /// Families may comment (only ever true for a post to one class group).
    pub comments_open: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// "post", or "newsletter" for a composed newsletter (nieuwsbrief).
    pub kind: String,
    /// When a scheduled newsletter goes out.
    pub publish_at: Option<i64>,
    /// Sanitised HTML made from `body` when it was written (XS-01, DS-02).
    pub body_html: String,
    /// The markup rules `body_html` was made with (`markup::VERSION`).
    #[serde(skip)]
    pub render_version: i64,
    /// The post's groups that the viewer may see.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub groups: Vec<GroupRef>,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub can_edit: bool,
    /// Ready photos and videos, in the author's order.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub media: Vec<MediaView>,
    /// Counted in the post's own query (`POST_COLUMNS`).
    pub comment_count: i64,
    /// For the author and the directie only: why photos or videos of this post could not be
    /// processed (refusal keys); they are left out of the post.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub failed_media: Vec<String>,
    /// For the author and the directie only: items still being processed.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub pending_media: usize,
    /// When a scheduled newsletter goes out, in the foundation's time zone ("27-11-2026 16:00").
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub publish_at_text: Option<String>,
    /// A newsletter's PDFs.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub attachments: Vec<Attachment>,
    /// The reader has opened or been shown this post before (read by the feed only, to record a
    /// receipt only for what is new).
    #[cfg_attr(feature = "ssr", sqlx(default))]
    #[serde(skip)]
    pub seen: bool,
}

/// The columns of `PostView` rows, for a query that adds its own (`POST_FROM` follows).
#[cfg(feature = "ssr")]
pub const POST_COLUMNS: &str =
    "SELECT p.id, p.school_id, p.author_id, u.name AS author_name, p.title, p.body, p.body_html, p.render_version, \
     p.urgent, p.pinned, COALESCE(p.draft_state, p.status) AS status, p.comments_open, p.created_at, p.updated_at, p.kind, p.publish_at, \
     (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id AND c.removed_at IS NULL) AS comment_count";

/// What `POST_COLUMNS` reads from; a `WHERE` condition follows.
#[cfg(feature = "ssr")]
pub const POST_FROM: &str = " FROM posts p JOIN users u ON u.id = p.author_id WHERE ";

impl PostView {
    pub fn processing(&self) -> bool {
        self.status == "processing"
    }

    pub fn is_newsletter(&self) -> bool {
        self.kind == "newsletter"
    }

    /// A newsletter not sent yet: a draft or a scheduled one (only its author sees it).
    pub fn unsent(&self) -> bool {
        self.status == "draft" || self.status == "scheduled"
    }
}

/// A page of posts plus the server's clock, so relative times ("2 uur geleden") render the same on
/// the server and in the browser (no hydration mismatch).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage {
    pub posts: Vec<PostView>,
    pub pinned: Vec<PostView>,
    /// Where the next page starts, if there is one: "created_at.id".
    pub next: Option<String>,
    pub now: i64,
    pub group: Option<GroupRef>,
    pub can_post: bool,
    /// The foundation's admin, who reads no posts: the home page shows the administration instead.
    pub admin_only: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: i64,
    pub id: i64,
}

impl Cursor {
    pub fn parse(raw: Option<&str>) -> Cursor {
        raw.and_then(|s| {
            let (t, i) = s.split_once('.')?;
            Some(Cursor {
                created_at: t.parse().ok()?,
                id: i.parse().ok()?,
            })
        })
        .unwrap_or(Cursor {
            created_at: i64::MAX,
            id: i64::MAX,
        })
    }

    pub fn of(post: &PostView) -> String {
        format!("{}.{}", post.created_at, post.id)
    }
}

/// The compose/edit form as the browser sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub groups: Vec<i64>,
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub pinned: bool,
    /// The author lets families comment (it only takes effect for a post to one class group).
    #[serde(default)]
    pub comments: bool,
    /// Uploaded photos and videos (their uids), in the order the author chose.
    #[serde(default)]
    pub media: Vec<String>,
    /// Children tagged in those items, as "uid:pupil id".
    #[serde(default)]
    pub tags: Vec<String>,
    /// Items (uids) the author marked as showing no recognisable child.
    #[serde(default)]
    pub no_children: Vec<String>,
}

/// A post that passed every rule that does not need the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPost {
    pub title: Option<String>,
    pub body: String,
    pub groups: Vec<i64>,
    pub urgent: bool,
    pub pinned: bool,
    pub comments: bool,
    pub media: Vec<String>,
    /// (uid, pupil id): children tagged in the items of `media`.
    pub tags: Vec<(String, i64)>,
    /// Items of `media` the author marked as showing no recognisable child.
    pub no_children: Vec<String>,
}

impl NewPost {
    /// Items that say nothing about who is in them: no child tagged and not marked as showing none.
    pub fn untagged(&self) -> impl Iterator<Item = &String> {
        self.media.iter().filter(|uid| {
            !self.no_children.contains(uid) && !self.tags.iter().any(|(t, _)| t == *uid)
        })
    }
}

impl NewPost {
    pub fn parse(form: PostForm) -> Result<NewPost, AppError> {
        let title = crate::names::plain(&form.title);
        let body = form.body.trim();
        if body.is_empty() {
            return Err(AppError::validation(
                "body",
                crate::error::Invalid::PostBodyRequired,
            ));
        }
        if body.chars().count() > BODY_MAX {
            return Err(AppError::validation(
                "body",
                crate::error::Invalid::PostBodyTooLong,
            ));
        }
        if title.chars().count() > TITLE_MAX {
            return Err(AppError::validation(
                "title",
                crate::error::Invalid::PostTitleTooLong,
            ));
        }
        let mut groups = form.groups;
        groups.sort_unstable();
        groups.dedup();
        if groups.is_empty() {
            return Err(AppError::validation(
                "groups",
                crate::error::Invalid::PostGroupsRequired,
            ));
        }
        if form.media.len() > MAX_FILES_PER_POST {
            return Err(AppError::validation(
                "media",
                crate::error::Invalid::MediaTooMany,
            ));
        }
        let mut media: Vec<String> = Vec::new();
        for uid in form.media {
            if !media.contains(&uid) {
                media.push(uid);
            }
        }
        let mut tags: Vec<(String, i64)> = Vec::new();
        for raw in form.tags {
            let tag = crate::consent::model::parse_tag(&raw)
                .filter(|(uid, _)| media.contains(uid))
                .ok_or_else(|| {
                    AppError::validation("tags", crate::error::Invalid::TagNotInGroup)
                })?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let mut no_children = form.no_children;
        no_children.retain(|uid| media.contains(uid));
        Ok(NewPost {
            tags,
            no_children,
            media,
            title: (!title.is_empty()).then_some(title),
            body: body.to_string(),
            groups,
            urgent: form.urgent,
            pinned: form.pinned,
            comments: form.comments,
        })
    }
}

/// Read receipts for staff: a pupil counts as reached when any of their guardians opened the post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadReceipts {
    pub seen: usize,
    pub total: usize,
    /// Pupils none of whose guardians has opened the post yet, by name.
    pub not_seen: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposeOptions {
    pub groups: Vec<GroupRef>,
    pub limits: MediaLimits,
    /// Children the author may tag in photos, with their photo consent.
    pub candidates: Vec<crate::consent::model::TagCandidate>,
    /// One of the author's schools wants every photo tagged before publishing.
    pub tags_required: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str, groups: Vec<i64>) -> PostForm {
        PostForm {
            body: body.into(),
            groups,
            ..Default::default()
        }
    }

    #[test]
    fn a_post_needs_text_and_at_least_one_group() {
        assert!(NewPost::parse(form("  ", vec![1])).is_err());
        assert!(NewPost::parse(form("Hallo", vec![])).is_err());
        let p = NewPost::parse(form(" Hallo ", vec![2, 1, 2])).unwrap();
        assert_eq!(p.body, "Hallo");
        assert_eq!(p.groups, vec![1, 2]);
        assert_eq!(p.title, None);
    }

    #[test]
    fn tags_name_an_item_of_the_post() {
        let mut f = form("Schoolreis", vec![1]);
        f.media = vec!["abc".into()];
        f.tags = vec!["abc:7".into(), "abc:7".into(), "abc:8".into()];
        let p = NewPost::parse(f.clone()).unwrap();
        assert_eq!(p.tags, vec![("abc".into(), 7), ("abc".into(), 8)]);
        f.tags = vec!["other:7".into()];
        assert!(
            NewPost::parse(f.clone()).is_err(),
            "not an item of this post"
        );
        f.tags = vec!["abc:lotte".into()];
        assert!(NewPost::parse(f).is_err());
    }

    #[test]
    fn an_item_is_untagged_until_it_names_children_or_none() {
        let mut f = form("Schoolreis", vec![1]);
        f.media = vec!["a".into(), "b".into(), "c".into()];
        f.tags = vec!["a:7".into()];
        f.no_children = vec!["b".into(), "elsewhere".into()];
        let p = NewPost::parse(f).unwrap();
        assert_eq!(p.no_children, vec!["b".to_string()]);
        assert_eq!(p.untagged().collect::<Vec<_>>(), vec!["c"]);
    }

    #[test]
    fn overlong_text_is_refused_not_cut() {
        let long = "x".repeat(BODY_MAX + 1);
        assert_eq!(
            NewPost::parse(form(&long, vec![1])),
            Err(AppError::validation(
                "body",
                crate::error::Invalid::PostBodyTooLong
            ))
        );
    }

    #[test]
    fn a_cursor_round_trips_and_garbage_means_the_first_page() {
        let c = Cursor::parse(Some("1700000000.42"));
        assert_eq!((c.created_at, c.id), (1700000000, 42));
        assert_eq!(Cursor::parse(Some("nonsense")).id, i64::MAX);
    }
}

/// A PDF of a newsletter, as a reader gets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Attachment {
    pub post_id: i64,
    pub uid: String,
    pub name: String,
    pub bytes: i64,
}

impl Attachment {
    pub fn url(&self) -> String {
        format!("/bijlage/{}", self.uid)
    }

    /// "1,2 MB" or "340 kB", as Dutch readers write it.
    pub fn size_text(&self) -> String {
        let kb = (self.bytes.max(0) as f64) / 1024.0;
        if kb < 1024.0 {
            format!("{} kB", kb.ceil() as i64)
        } else {
            format!("{:.1} MB", kb / 1024.0).replace('.', ",")
        }
    }
}
