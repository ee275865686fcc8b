//! Media types shared by the server and the browser.
use serde::{Deserialize, Serialize};

/// The sizes every photo (and every video's poster) is stored in, and the video itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Variant {
    Thumb,
    Feed,
    Full,
    Video,
}

impl Variant {
    /// The image sizes, smallest first.
    pub const ALL: [Variant; 3] = [Variant::Thumb, Variant::Feed, Variant::Full];

    pub fn longest_side(self) -> u32 {
        match self {
            Variant::Thumb => 400,
            Variant::Feed => 1080,
            Variant::Full | Variant::Video => 2048,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Thumb => "thumb",
            Variant::Feed => "feed",
            Variant::Full => "full",
            Variant::Video => "video",
        }
    }

    pub fn parse(raw: &str) -> Option<Variant> {
        Variant::ALL
            .into_iter()
            .chain([Variant::Video])
            .find(|v| v.as_str() == raw)
    }
}

/// One photo (or video) of a post, as a reader gets it: only ready items reach readers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MediaView {
    pub post_id: i64,
    /// The public, unguessable id used in media URLs.
    pub uid: String,
    pub kind: String,
    pub width: i64,
    pub height: i64,
    /// A child without photo consent is tagged in it: only that child's family (and staff) see it.
    pub restricted: bool,
}

impl MediaView {
    pub fn is_video(&self) -> bool {
        self.kind == "video"
    }

    pub fn thumb_url(&self) -> String {
        self.url(Variant::Thumb)
    }

    pub fn url(&self, variant: Variant) -> String {
        format!("/media/{}/{}", self.uid, variant.as_str())
    }

    /// `srcset` for the browser to pick the right size for the screen.
    pub fn srcset(&self) -> String {
        Variant::ALL
            .iter()
            .map(|v| {
                let w = scaled_width(self.width, self.height, v.longest_side());
                format!("{} {w}w", self.url(*v))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The width of an image of `width`×`height` once its longest side is at most `longest`.
pub fn scaled_width(width: i64, height: i64, longest: u32) -> i64 {
    let longest = i64::from(longest);
    let max = width.max(height).max(1);
    if max <= longest {
        width
    } else {
        (width * longest + max / 2) / max
    }
}

/// A school trip is 40 photos; a hundred is plenty for one post.
pub const MAX_FILES_PER_POST: usize = 100;

pub use crate::limits::{MediaLimits, MB};

/// Whole megabytes, for messages ("maximaal 25 MB").
pub fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(MB)
}

/// Why an upload was refused. The key names the Dutch/English message; `limit_mb` fills it in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub key: String,
    #[serde(default)]
    pub limit_mb: u64,
}

impl Refusal {
    pub fn new(key: &str) -> Refusal {
        Refusal {
            key: key.into(),
            limit_mb: 0,
        }
    }

    /// Whether sending the same file again could work: a broken connection or a server hiccup
    /// may pass, a file of the wrong kind or size never will.
    pub fn retryable(&self) -> bool {
        matches!(
            self.key.as_str(),
            "media_broken_upload" | "media_failed" | "media_network" | "media_sign_in"
        )
    }

    pub fn over_limit(key: &str, limit: u64) -> Refusal {
        Refusal {
            key: key.into(),
            limit_mb: megabytes(limit),
        }
    }
}

/// What the upload endpoint answers: the new item's id, or why it was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadAnswer {
    pub uid: Option<String>,
    pub refusal: Option<Refusal>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_keep_the_aspect_ratio_and_never_upscale() {
        assert_eq!(scaled_width(4000, 3000, 400), 400);
        assert_eq!(scaled_width(3000, 4000, 400), 300);
        assert_eq!(scaled_width(300, 200, 400), 300);
    }

    #[test]
    fn variants_round_trip_and_unknown_names_are_none() {
        for v in Variant::ALL {
            assert_eq!(Variant::parse(v.as_str()), Some(v));
        }
        assert_eq!(Variant::parse("video"), Some(Variant::Video));
        assert_eq!(Variant::parse("original"), None);
    }

    #[test]
    fn limits_are_shown_in_whole_megabytes() {
        assert_eq!(megabytes(25 * MB), 25);
        assert_eq!(megabytes(25 * MB + 1), 26);
    }
}
