//! Album types shared by the server and the browser.
use serde::{Deserialize, Serialize};

use crate::media::model::MediaView;

/// One child's photos of one school year (1 August – 31 July), newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlbumYear {
    /// "2025-2026".
    pub name: String,
    pub items: Vec<MediaView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlbumChild {
    pub pupil_id: i64,
    pub name: String,
    /// Newest year first; empty when nobody tagged the child yet.
    pub years: Vec<AlbumYear>,
}

/// Where one child's year downloads as a zip.
pub fn zip_url(pupil_id: i64, year: &str) -> String {
    format!("/album/{pupil_id}/{year}.zip")
}

/// A school year's name as used in URLs, checked before it reaches a query: "2025-2026".
pub fn parse_year(raw: &str) -> Option<&str> {
    let (a, b) = raw.split_once('-')?;
    let a: i32 = a.parse().ok().filter(|_| a.len() == 4)?;
    let b: i32 = b.parse().ok().filter(|_| b.len() == 4)?;
    (b == a + 1).then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_school_years_are_accepted() {
        assert_eq!(parse_year("2025-2026"), Some("2025-2026"));
        assert_eq!(parse_year("2025-2027"), None);
        assert_eq!(parse_year("2025"), None);
        assert_eq!(parse_year("25-26"), None);
        assert_eq!(parse_year("../etc"), None);
        assert_eq!(zip_url(7, "2025-2026"), "/album/7/2025-2026.zip");
    }
}
