//! Newsletter types shared by the server and the browser. A newsletter is a post of kind
//! "newsletter": its sections live in the post's body as `## heading` blocks, so reading,
//! visibility and notifications are those of posts.
use serde::{Deserialize, Serialize};

use crate::{
    error::Invalid,
    media::model::MediaView,
    posts::model::{GroupRef, BODY_MAX, TITLE_MAX},
};

/// Empty section slots the form always offers below the filled ones.
pub const EMPTY_SECTIONS: usize = 3;
pub const MAX_ATTACHMENTS: usize = 10;
pub const ATTACHMENT_MAX_BYTES: u64 = 20 * crate::media::model::MB;
pub const HEADING_MAX: usize = 120;

pub use crate::posts::model::Attachment;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub text: String,
}

/// The body of a newsletter: the introduction, then each section under its own heading.
pub fn join(intro: &str, sections: &[Section]) -> String {
    let mut body = intro.trim().to_string();
    for s in sections {
        let heading = one_line(&s.heading);
        let text = s.text.trim();
        if heading.is_empty() && text.is_empty() {
            continue;
        }
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        if !heading.is_empty() {
            body.push_str("## ");
            body.push_str(&heading);
            if !text.is_empty() {
                body.push_str("\n\n");
            }
        }
        body.push_str(text);
    }
    body
}

/// The other way round, for editing: text before the first `## ` line is the introduction.
pub fn split(body: &str) -> (String, Vec<Section>) {
    let mut intro = String::new();
    let mut sections: Vec<Section> = Vec::new();
    for line in body.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            sections.push(Section {
                heading: heading.trim().to_string(),
                text: String::new(),
            });
            continue;
        }
        let target = match sections.last_mut() {
            Some(s) => &mut s.text,
            None => &mut intro,
        };
        target.push_str(line);
        target.push('\n');
    }
    for s in &mut sections {
        s.text = s.text.trim().to_string();
    }
    (intro.trim().to_string(), sections)
}

fn one_line(raw: &str) -> String {
    crate::names::plain(raw)
}

/// What the newsletter form sends, as the server reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DraftForm {
    pub id: Option<i64>,
    pub group_id: i64,
    pub title: String,
    pub intro: String,
    pub headings: Vec<String>,
    pub texts: Vec<String>,
    pub no_children: Vec<String>,
    pub remove_media: Vec<String>,
    pub remove_files: Vec<String>,
}

/// A draft that passed the rules that need no database. A draft may lack a title (saving never
/// loses work); sending needs one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub title: Option<String>,
    pub body: String,
}

impl Draft {
    pub fn parse(form: &DraftForm) -> Result<Draft, Invalid> {
        let title = one_line(&form.title);
        if title.chars().count() > TITLE_MAX {
            return Err(Invalid::PostTitleTooLong);
        }
        let sections: Vec<Section> = form
            .headings
            .iter()
            .zip(form.texts.iter().chain(std::iter::repeat(&String::new())))
            .map(|(h, t)| Section {
                heading: h.clone(),
                text: t.clone(),
            })
            .collect();
        if sections
            .iter()
            .any(|s| s.heading.chars().count() > HEADING_MAX)
        {
            return Err(Invalid::NewsletterHeadingTooLong);
        }
        let body = join(&form.intro, &sections);
        if body.chars().count() > BODY_MAX {
            return Err(Invalid::PostBodyTooLong);
        }
        Ok(Draft {
            title: (!title.is_empty()).then_some(title),
            body,
        })
    }
}

/// One newsletter in the archive, or one of the writer's own drafts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct NewsletterItem {
    pub id: i64,
    pub school_name: String,
    pub title: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub publish_at: Option<i64>,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub when: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Archive {
    pub published: Vec<NewsletterItem>,
    /// The viewer's own drafts and scheduled newsletters.
    pub drafts: Vec<NewsletterItem>,
    pub can_write: bool,
}

/// A photo of a newsletter in its form, with the author's "no recognisable child" mark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormPhoto {
    pub media: MediaView,
    pub no_children: bool,
    pub tagged: bool,
}

/// Everything the newsletter form shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsletterEdit {
    pub id: Option<i64>,
    pub schools: Vec<GroupRef>,
    pub group_id: i64,
    pub title: String,
    pub intro: String,
    pub sections: Vec<Section>,
    pub photos: Vec<FormPhoto>,
    pub attachments: Vec<Attachment>,
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(h: &str, t: &str) -> Section {
        Section {
            heading: h.into(),
            text: t.into(),
        }
    }

    #[test]
    fn sections_round_trip_through_the_body() {
        let sections = vec![
            section("Van de directie", "Beste ouders,\n\nFijne week!"),
            section("Agenda", "- ma: studiedag\n- vr: kerstdiner"),
        ];
        let body = join("Welkom bij de nieuwsbrief.", &sections);
        assert_eq!(
            body,
            "Welkom bij de nieuwsbrief.\n\n## Van de directie\n\nBeste ouders,\n\nFijne week!\n\n## Agenda\n\n- ma: studiedag\n- vr: kerstdiner"
        );
        assert_eq!(
            split(&body),
            ("Welkom bij de nieuwsbrief.".to_string(), sections)
        );
    }

    #[test]
    fn empty_slots_are_dropped_and_headings_are_one_line() {
        let body = join(
            "",
            &[
                section("", ""),
                section("Sport\ndag", "Hardlopen"),
                section("", ""),
            ],
        );
        assert_eq!(body, "## Sport dag\n\nHardlopen");
        let (intro, sections) = split(&body);
        assert_eq!(intro, "");
        assert_eq!(sections, vec![section("Sport dag", "Hardlopen")]);
    }

    #[test]
    fn a_draft_may_lack_a_title_but_not_be_too_long() {
        let mut form = DraftForm {
            headings: vec!["Agenda".into()],
            texts: vec!["Kerst".into()],
            ..DraftForm::default()
        };
        let draft = Draft::parse(&form).unwrap();
        assert_eq!(draft.title, None);
        assert_eq!(draft.body, "## Agenda\n\nKerst");
        form.title = "x".repeat(TITLE_MAX + 1);
        assert_eq!(Draft::parse(&form), Err(Invalid::PostTitleTooLong));
        form.title = "Nieuwsbrief".into();
        form.headings = vec!["h".repeat(HEADING_MAX + 1)];
        assert_eq!(Draft::parse(&form), Err(Invalid::NewsletterHeadingTooLong));
    }

    #[test]
    fn attachment_sizes_read_as_dutch() {
        let a = |bytes| Attachment {
            post_id: 1,
            uid: "u".into(),
            name: "n.pdf".into(),
            bytes,
        };
        assert_eq!(a(340 * 1024).size_text(), "340 kB");
        assert_eq!(a(1_258_291).size_text(), "1,2 MB");
    }
}
