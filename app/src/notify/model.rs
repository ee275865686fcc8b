//! Notification types shared by the server and the pages.
use serde::{Deserialize, Serialize};

/// What a notification is about. Families choose channels for the first six; staff also get
/// reports and comments on their own posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// A new post in a class (or staff) group.
    Post,
    /// A post to the whole school.
    SchoolPost,
    /// An urgent post: always reaches everyone at once on at least one channel.
    Urgent,
    /// A comment on a post in my child's group, or on my own post.
    Comment,
    Newsletter,
    /// The yearly consent round opened.
    Consent,
    /// A report in the moderation queue (staff).
    Report,
    /// What the school did with my comment (removed, with the reason) or my report (kept or removed).
    Moderation,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Post,
        Kind::SchoolPost,
        Kind::Urgent,
        Kind::Comment,
        Kind::Newsletter,
        Kind::Consent,
        Kind::Report,
        Kind::Moderation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Post => "post",
            Kind::SchoolPost => "school_post",
            Kind::Urgent => "urgent",
            Kind::Comment => "comment",
            Kind::Newsletter => "newsletter",
            Kind::Consent => "consent",
            Kind::Report => "report",
            Kind::Moderation => "moderation",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Kinds a guardian can get.
    pub fn for_families(self) -> bool {
        self != Kind::Report
    }

    /// Kinds a member of staff can get (comments on their posts, reports).
    pub fn for_staff(self) -> bool {
        matches!(self, Kind::Comment | Kind::Report)
    }
}

/// How often e-mail comes: each item at once, or one summary a day or a week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Immediately,
    Daily,
    #[default]
    Weekly,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Immediately => "immediately",
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
        }
    }

    pub fn parse(s: &str) -> Option<Frequency> {
        match s {
            "immediately" => Some(Frequency::Immediately),
            "daily" => Some(Frequency::Daily),
            "weekly" => Some(Frequency::Weekly),
            _ => None,
        }
    }
}

/// The channels chosen for one kind. The in-app list always has everything, so "only in Kring"
/// is both off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channels {
    pub kind: Kind,
    pub push: bool,
    pub email: bool,
}

impl Channels {
    /// The defaults: a weekly summary e-mail, and push once the app is installed and push allowed.
    pub fn default_for(kind: Kind) -> Channels {
        Channels {
            kind,
            push: true,
            email: true,
        }
    }
}

/// A group whose posts can be muted (push and e-mail; the in-app list keeps them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutableGroup {
    pub id: i64,
    pub name: String,
    pub school: String,
    pub muted: bool,
}

/// Everything the settings page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    pub frequency: Frequency,
    /// Only the kinds that apply to this person, in display order.
    pub channels: Vec<Channels>,
    pub groups: Vec<MutableGroup>,
    /// How many devices of this person receive push messages.
    pub push_devices: i64,
    /// The mail server refused mail to this person's address recently.
    pub email_failed: bool,
}

/// The preferences as the settings form sends them, parsed: unknown kinds are refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPrefs {
    pub frequency: Frequency,
    pub channels: Vec<Channels>,
    pub muted: Vec<i64>,
}

impl NewPrefs {
    pub fn parse(
        frequency: &str,
        push: &[String],
        email: &[String],
        muted: Vec<i64>,
    ) -> Option<NewPrefs> {
        let frequency = Frequency::parse(frequency)?;
        let chosen = |list: &[String]| -> Option<Vec<Kind>> {
            list.iter().map(|s| Kind::parse(s)).collect()
        };
        let push = chosen(push)?;
        let email = chosen(email)?;
        let channels = Kind::ALL
            .into_iter()
            .map(|kind| Channels {
                kind,
                push: push.contains(&kind),
                email: email.contains(&kind),
            })
            .collect();
        Some(NewPrefs {
            frequency,
            channels,
            muted,
        })
    }
}

/// A moderation decision told to the person it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// The school removed this person's comment, for this reason.
    CommentRemoved { reason: String },
    /// The school looked at this person's report about a comment or a post, and removed it or not.
    Report { comment: bool, removed: bool },
}

impl Notice {
    /// The sentence the list, the e-mail and the push message show.
    pub fn text(&self, l: crate::i18n::Locale) -> String {
        use crate::i18n::*;
        match self {
            Notice::CommentRemoved { reason } => {
                td_string!(l, notify.notice_comment_removed, reason = reason).to_string()
            }
            Notice::Report {
                comment: true,
                removed: true,
            } => td_string!(l, notify.notice_report_comment_removed).to_string(),
            Notice::Report {
                comment: true,
                removed: false,
            } => td_string!(l, notify.notice_report_comment_kept).to_string(),
            Notice::Report {
                comment: false,
                removed: true,
            } => td_string!(l, notify.notice_report_post_removed).to_string(),
            Notice::Report {
                comment: false,
                removed: false,
            } => td_string!(l, notify.notice_report_post_kept).to_string(),
        }
    }
}

/// One line of the in-app list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: Kind,
    /// Where it leads (a post page, the moderation queue, the consent page).
    pub href: String,
    /// The post's title, or the start of its text.
    pub subject: String,
    /// Who wrote it (the post's or comment's author).
    pub author: String,
    pub group: String,
    pub school: String,
    /// Photos and videos in the post that this person may see.
    pub photos: i64,
    pub created_at: i64,
    pub unread: bool,
    /// For a moderation item: what was decided (the subject is then empty).
    pub notice: Option<Notice>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub now: i64,
}

/// The words of a push notification, fetched by the service worker after the (empty) push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushText {
    pub title: String,
    pub body: String,
    pub url: String,
}

/// A mail the SMTP server refused for good (a bounce), as admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailFailure {
    pub name: String,
    /// "smtp 550" and the like: the code only, never the server's words or the address.
    pub reason: String,
    pub created_at: i64,
}

/// Shortens a text for a list or subject line, on a character boundary.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefs_parse_keeps_only_known_kinds() {
        let p = NewPrefs::parse(
            "daily",
            &["post".into(), "urgent".into()],
            &["newsletter".into()],
            vec![3],
        )
        .expect("valid");
        assert_eq!(p.frequency, Frequency::Daily);
        let post = p.channels.iter().find(|c| c.kind == Kind::Post).unwrap();
        assert!(post.push && !post.email);
        let news = p
            .channels
            .iter()
            .find(|c| c.kind == Kind::Newsletter)
            .unwrap();
        assert!(!news.push && news.email);
        assert!(NewPrefs::parse("hourly", &[], &[], vec![]).is_none());
        assert!(NewPrefs::parse("weekly", &["spam".into()], &[], vec![]).is_none());
    }

    #[test]
    fn kinds_round_trip_and_split_by_role() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert!(!Kind::Report.for_families());
        assert!(Kind::Report.for_staff() && !Kind::Post.for_staff() && !Kind::Urgent.for_staff());
    }

    #[test]
    fn excerpt_cuts_on_characters() {
        assert_eq!(excerpt("kort", 10), "kort");
        assert_eq!(excerpt("één  twee\ndrie vier", 9), "één twee…");
        assert_eq!(excerpt("abcdefghij", 5), "abcd…");
    }
}
