//! Children in photos: who may be tagged, what their consent means for who sees the photo, and the
//! tags as the forms send them.
use serde::{Deserialize, Serialize};

use super::ConsentState;

/// Who will see a photo, given the photo consent of the children tagged in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Every family that can read the post.
    Everyone,
    /// Only these children's own guardians (and staff): they lack consent.
    OnlyFamiliesOf(Vec<i64>),
}

impl Audience {
    /// The rule `policy::media_visible` applies in SQL, for the warning while composing.
    pub fn of(tagged: &[(i64, ConsentState)]) -> Audience {
        let without: Vec<i64> = tagged
            .iter()
            .filter(|(_, state)| !state.allows())
            .map(|(pupil, _)| *pupil)
            .collect();
        if without.is_empty() {
            Audience::Everyone
        } else {
            Audience::OnlyFamiliesOf(without)
        }
    }

    /// May a family whose children are `own` see the photo? (Staff always may.)
    pub fn includes(&self, own: &[i64]) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::OnlyFamiliesOf(pupils) => pupils.iter().all(|p| own.contains(p)),
        }
    }
}

/// One photo or video of a post, as the tag page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagItem {
    pub uid: String,
    pub video: bool,
    /// Where its thumbnail is.
    pub thumb: String,
    /// The pupils tagged in it.
    pub tags: Vec<i64>,
}

/// The photos of a published post with the children tagged in each, for changing the tags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoTags {
    pub post_id: i64,
    /// Each ready item with the pupil ids tagged in it.
    pub items: Vec<TagItem>,
    /// The items marked "no recognisable child".
    pub no_children: Vec<String>,
    /// Children of the post's groups (any class of the school for a school-wide post).
    pub candidates: Vec<TagCandidate>,
    /// The school wants every photo to name its children or "no recognisable child".
    pub required: bool,
}

/// A child the teacher can tag in a photo, with what their photo consent comes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCandidate {
    pub pupil_id: i64,
    pub name: String,
    pub group_id: i64,
    pub school_id: i64,
    pub photos: ConsentState,
}

/// A tagged child in a photo as the forms send it: "uid:pupil id".
pub fn parse_tag(raw: &str) -> Option<(String, i64)> {
    let (uid, pupil) = raw.split_once(':')?;
    Some((uid.to_string(), pupil.parse().ok()?))
}
