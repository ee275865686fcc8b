//! Limits set per Kring in its configuration that the server enforces and the browser checks before
//! sending a byte. Kept outside the features because the configuration (`platform`) holds them.
use serde::{Deserialize, Serialize};

/// Upload limits, configurable per Kring; the browser checks them before sending a byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaLimits {
    pub photo_bytes: u64,
    pub video_bytes: u64,
    pub post_bytes: u64,
}

impl Default for MediaLimits {
    fn default() -> Self {
        MediaLimits {
            photo_bytes: 25 * MB,
            video_bytes: 500 * MB,
            post_bytes: 1024 * MB,
        }
    }
}

pub const MB: u64 = 1024 * 1024;
