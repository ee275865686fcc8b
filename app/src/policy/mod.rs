//! Who may see and do what, in one place. Every feature asks these rules and none restates them:
//! they are pushed into the feature's own query (`Sql`), so authorisation stays inside the query
//! and a post the viewer may not read is simply not found (AC-02).
//!
//! - `groups`: the groups a viewer reads and posts to;
//! - `posts`: the posts a viewer reads, and `readable_post`, the gate for everything that hangs under
//!   a post (comments, reports, tags, receipts);
//! - `power`: what staff may do with a post (edit, moderate, pin);
//! - `media`: the photo-consent rule and which photos and videos a viewer sees;
//! - `audience`: the families a post is for.
//!
//! Membership and consent are read at query time, so a move or a withdrawal counts on the next
//! request.
mod audience;
mod groups;
mod media;
mod posts;
mod power;
mod sql;

pub use audience::guardians_of_post;
pub use groups::{
    comments_allowed, postable_group_ids, postable_groups, reads_no_posts, this_year,
    visible_groups,
};
pub use media::{media_visible, photo_consented};
pub use posts::{
    listed_post, listed_post_rows, listed_posts, readable_post, readable_posts, PostRef,
};
pub use power::{may_edit, power_over, Power};
pub use sql::Sql;

use crate::{
    error::AppError,
    platform::{
        auth::{self, Actor, StaffRole},
        db::Db,
    },
};

/// Who is asking, and on which school day: every rule reads both, and `today` is read once from the
/// clock for the whole request.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub user_id: i64,
    pub roles: Vec<StaffRole>,
    /// 'YYYY-MM-DD' in the schools' time zone.
    pub today: String,
    /// The groups this viewer reads, when looked up once for the request (`with_groups`).
    groups: Option<Vec<i64>>,
}

impl Viewer {
    pub fn new(db: &Db, actor: &Actor) -> Viewer {
        Viewer {
            user_id: actor.user_id,
            roles: actor.roles.clone(),
            today: db.clock().today(),
            groups: None,
        }
    }

    /// The same viewer with the groups they read looked up once, for a request that asks the
    /// reading rules in several queries (the feed, a post): each query then carries a short list
    /// of ids instead of the whole group rule, which PostgreSQL plans in a fraction of the time.
    /// Looked up per request, so a move or a removed right still counts on the next one.
    pub async fn with_groups(mut self, db: &Db) -> Result<Viewer, AppError> {
        self.groups = Some(groups::visible_group_ids(db, &self).await?);
        Ok(self)
    }

    /// A person as a reader only, without their staff roles: for the reading rules (groups, posts,
    /// media), which depend on the person and the day alone, when no request carries them (the
    /// e-mails the job runner sends). A rule that needs roles must not be given this.
    pub fn reader(db: &Db, user_id: i64) -> Viewer {
        Viewer {
            user_id,
            roles: Vec::new(),
            today: db.clock().today(),
            groups: None,
        }
    }

    pub fn is_directie_of(&self, school_id: i64) -> bool {
        auth::directie_of(&self.roles, school_id)
    }

    pub fn is_staff_of(&self, school_id: i64) -> bool {
        auth::staff_of(&self.roles, school_id)
    }
}
