//! Rendering notification e-mail: one item at once, or the daily or weekly summary. Each mail is
//! HTML plus plain text in the person's language, names the school, links to the post in Kring
//! (login required) and never embeds or links a photo file. Visibility is checked again here, at
//! send time: a post removed, or no longer readable, is left out.
use super::{
    digest,
    model::{Frequency, Kind, Notice},
    push::unsubscribe_link,
    server::{self as notify, Which},
};
use crate::{
    error::AppError,
    i18n::*,
    platform::{
        mail::{escape_html, Mail},
        state::AppState,
    },
    with_db,
};

/// One item as a mail shows it.
struct Item {
    kind: Kind,
    school: String,
    group: String,
    author: String,
    subject: String,
    /// The post's words as clean text (the e-mail's text part), shortened.
    text: String,
    /// The post's words as cleaned HTML (the e-mail's HTML part); empty when the text is long and
    /// the shortened text is shown instead.
    html: String,
    photos: i64,
    /// The day it happened, in the schools' time zone.
    date: String,
    link: String,
    notice: Option<Notice>,
}

impl Item {
    /// The title line: the post's title, or for a moderation item what was decided.
    fn subject(&self, l: Locale) -> String {
        match &self.notice {
            Some(notice) => notice.text(l),
            None => self.subject.clone(),
        }
    }

    /// Whether the post's words belong under the title (not for a comment or a decision about one).
    fn shows_body(&self) -> bool {
        !(self.text.is_empty()
            || self.text == self.subject
            || matches!(self.kind, Kind::Comment | Kind::Moderation))
    }
}

type Person = (String, String, String, bool);

async fn person(state: &AppState, user_id: i64) -> Result<Option<Person>, AppError> {
    let db = &state.db;
    let row: Option<Person> = with_db!(db, |pool| sqlx::query_as(
        "SELECT email, name, locale, active FROM users WHERE id = $1"
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await)?;
    Ok(row.filter(|p| p.3))
}

fn locale(code: &str) -> Locale {
    if code == "en" {
        Locale::en
    } else {
        Locale::nl
    }
}

/// The items of one person chosen by `which`, readable now.
async fn items(state: &AppState, user_id: i64, which: Which) -> Result<Vec<Item>, AppError> {
    let db = &state.db;
    let rows = notify::items(db, &crate::policy::Viewer::reader(db, user_id), which).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let body = r.6.clone().unwrap_or_default();
            let clean = crate::platform::markup::to_text(&body);
            // A short post is shown whole, with its markup; a long one as the start of its text.
            let html = if clean.chars().count() <= 600 {
                crate::platform::markup::render(&body)
            } else {
                String::new()
            };
            let n = notify::to_notification(r)?;
            Some(Item {
                kind: n.kind,
                school: n.school,
                group: n.group,
                author: n.author,
                text: excerpt_lines(&clean, 300),
                html,
                subject: n.subject,
                photos: n.photos,
                date: db.clock().date_of(n.created_at),
                link: state.settings.link(&n.href),
                notice: n.notice,
            })
        })
        .collect())
}

/// The mail about one notification, sent at once.
pub async fn item_mail(state: &AppState, notification_id: i64) -> Result<Option<Mail>, AppError> {
    let db = &state.db;
    let owner: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT user_id FROM notifications WHERE id = $1"
    )
    .bind(notification_id)
    .fetch_optional(pool)
    .await)?;
    let Some((user_id,)) = owner else {
        return Ok(None);
    };
    let Some((email, name, code, _)) = person(state, user_id).await? else {
        return Ok(None);
    };
    let found = items(state, user_id, Which::One(notification_id)).await?;
    let Some(item) = found.into_iter().next() else {
        return Ok(None);
    };
    let l = locale(&code);
    let subject = match item.kind {
        Kind::Urgent => {
            td_string!(l, notify.mail_urgent_subject, subject = &item.subject).to_string()
        }
        Kind::Comment => {
            td_string!(l, notify.mail_comment_subject, subject = &item.subject).to_string()
        }
        Kind::Report => td_string!(l, notify.mail_report_subject).to_string(),
        Kind::Moderation => item.subject(l),
        _ if item.school.is_empty() => item.subject.clone(),
        _ => format!("{}: {}", item.school, item.subject),
    };
    let hello = td_string!(l, mail.hello, name = &name).to_string();
    let unsubscribe = unsubscribe_link(state, user_id).await?;
    let text_block = item_text(l, &item);
    let settings = state.settings.link("/meldingen/instellingen");
    let footer_text = footer_text(l, &settings, &unsubscribe);
    Ok(Some(Mail {
        to: email,
        text: format!("{hello}\n\n{text_block}\n\n{footer_text}\n"),
        html: page(
            &subject,
            &format!(
                "<p style=\"margin:0 0 16px\">{}</p>{}",
                escape_html(&hello),
                item_html(l, &item)
            ),
            l,
            &settings,
            &unsubscribe,
        ),
        subject,
        unsubscribe: Some(unsubscribe),
    }))
}

/// The summary of one period for one person: every item they may see, in one mail.
pub async fn digest_mail(state: &AppState, job: digest::MailJob) -> Result<Option<Mail>, AppError> {
    let Some((email, name, code, _)) = person(state, job.user_id).await? else {
        return Ok(None);
    };
    // They may have changed their frequency after the run was queued.
    let db = &state.db;
    let frequency: Option<(String,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT email_frequency FROM notification_settings WHERE user_id = $1"
    )
    .bind(job.user_id)
    .fetch_optional(pool)
    .await)?;
    let current = frequency
        .and_then(|(f,)| Frequency::parse(&f))
        .unwrap_or_default();
    if current != job.frequency {
        return Ok(None);
    }
    let which = Which::MailedBetween(job.from, job.to);
    let list = items(state, job.user_id, which).await?;
    if list.is_empty() {
        return Ok(None);
    }
    let l = locale(&code);
    let count = list.len() as i64;
    let subject = if job.frequency == Frequency::Daily {
        td_string!(l, notify.daily_subject, count = count).to_string()
    } else {
        td_string!(l, notify.weekly_subject, count = count).to_string()
    };
    let intro = if job.frequency == Frequency::Daily {
        td_string!(l, notify.daily_intro).to_string()
    } else {
        td_string!(l, notify.weekly_intro).to_string()
    };
    let hello = td_string!(l, mail.hello, name = &name).to_string();
    let mut text = format!("{hello}\n\n{intro}\n");
    let mut html = format!(
        "<p style=\"margin:0 0 8px\">{}</p><p style=\"margin:0 0 16px\">{}</p>",
        escape_html(&hello),
        escape_html(&intro)
    );
    let mut school = None;
    for item in &list {
        if school.as_ref() != Some(&item.school) && !item.school.is_empty() {
            text.push_str(&format!("\n== {} ==\n", item.school));
            html.push_str(&format!(
                "<h2 style=\"font-size:18px;margin:24px 0 8px\">{}</h2>",
                escape_html(&item.school)
            ));
            school = Some(item.school.clone());
        }
        text.push_str(&format!("\n{}\n", item_text(l, item)));
        html.push_str(&item_html(l, item));
    }
    let unsubscribe = unsubscribe_link(state, job.user_id).await?;
    let settings = state.settings.link("/meldingen/instellingen");
    text.push_str(&format!("\n{}\n", footer_text(l, &settings, &unsubscribe)));
    Ok(Some(Mail {
        to: email,
        html: page(&subject, &html, l, &settings, &unsubscribe),
        text,
        subject,
        unsubscribe: Some(unsubscribe),
    }))
}

fn kind_label(l: Locale, kind: Kind) -> String {
    match kind {
        Kind::Post => td_string!(l, notify.kind_post),
        Kind::SchoolPost => td_string!(l, notify.kind_school_post),
        Kind::Urgent => td_string!(l, notify.kind_urgent),
        Kind::Comment => td_string!(l, notify.kind_comment),
        Kind::Newsletter => td_string!(l, notify.kind_newsletter),
        Kind::Consent => td_string!(l, notify.kind_consent),
        Kind::Report => td_string!(l, notify.kind_report),
        Kind::Moderation => td_string!(l, notify.kind_moderation),
    }
    .to_string()
}

/// "Groep 5 · juf Sanne · 3 foto's", whichever parts apply.
fn meta(l: Locale, item: &Item) -> String {
    let mut parts = vec![kind_label(l, item.kind)];
    if !item.group.is_empty() {
        parts.push(item.group.clone());
    }
    if !item.author.is_empty() {
        parts.push(item.author.clone());
    }
    parts.push(item.date.clone());
    match item.photos {
        0 => {}
        1 => parts.push(td_string!(l, notify.photos_single).to_string()),
        n => parts.push(td_string!(l, notify.photos_many, count = n).to_string()),
    }
    parts.join(" · ")
}

/// The first `max` characters of clean text, keeping its lines.
fn excerpt_lines(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

fn item_text(l: Locale, item: &Item) -> String {
    let read = td_string!(l, notify.read_in_kring).to_string();
    let body = if item.shows_body() {
        format!("{}\n", item.text)
    } else {
        String::new()
    };
    format!(
        "{}\n{}\n{body}{read}: {}",
        item.subject(l),
        meta(l, item),
        item.link
    )
}

fn item_html(l: Locale, item: &Item) -> String {
    let body = if !item.shows_body() {
        String::new()
    } else if !item.html.is_empty() {
        // Cleaned when the post was written (XS-01): only text, emphasis, lists and safe links.
        format!("<div style=\"margin:4px 0\">{}</div>", item.html)
    } else {
        format!(
            "<p style=\"margin:4px 0;white-space:pre-line\">{}</p>",
            escape_html(&item.text)
        )
    };
    let border = if item.kind == Kind::Urgent {
        "#b42318"
    } else {
        "#0b6e4f"
    };
    format!(
        "<div style=\"border-left:4px solid {border};padding:4px 0 4px 12px;margin:0 0 16px\">\
         <p style=\"margin:0;font-weight:600;font-size:16px\">{}</p>\
         <p style=\"margin:2px 0;font-size:13px;color:#52606d\">{}</p>{body}\
         <p style=\"margin:6px 0 0\"><a href=\"{}\" style=\"color:#0b6e4f;font-weight:600\">{}</a></p></div>",
        escape_html(&item.subject(l)),
        escape_html(&meta(l, item)),
        escape_html(&item.link),
        escape_html(td_string!(l, notify.read_in_kring)),
    )
}

fn footer_text(l: Locale, settings: &str, unsubscribe: &str) -> String {
    format!(
        "--\n{}\n{}: {settings}\n{}: {unsubscribe}",
        td_string!(l, notify.footer_why),
        td_string!(l, notify.footer_settings),
        td_string!(l, notify.footer_unsubscribe),
    )
}

/// A plain, phone-friendly HTML page around `content`, with the footer links.
fn page(title: &str, content: &str, l: Locale, settings: &str, unsubscribe: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{t}</title></head>\
         <body style=\"font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2933;max-width:560px;margin:0 auto;padding:20px;line-height:1.45\">\
         <h1 style=\"font-size:20px;margin:0 0 16px\">{t}</h1>{content}\
         <hr style=\"border:0;border-top:1px solid #d9e2ec;margin:24px 0 12px\">\
         <p style=\"font-size:13px;color:#52606d\">{why}<br><a href=\"{s}\" style=\"color:#0b6e4f\">{settings_label}</a> · \
         <a href=\"{u}\" style=\"color:#0b6e4f\">{unsub_label}</a></p></body></html>",
        lang = if l == Locale::en { "en" } else { "nl" },
        t = escape_html(title),
        why = escape_html(td_string!(l, notify.footer_why)),
        s = escape_html(settings),
        settings_label = escape_html(td_string!(l, notify.footer_settings)),
        u = escape_html(unsubscribe),
        unsub_label = escape_html(td_string!(l, notify.footer_unsubscribe)),
    )
}

/// Records a mail the server refused for good, for the admins (no address or text is stored).
pub async fn record_failure(
    state: &AppState,
    user_id: i64,
    kind: &str,
    reason: &str,
) -> Result<(), AppError> {
    let db = &state.db;
    with_db!(db, |pool| sqlx::query(
        "INSERT INTO mail_failures (user_id, kind, reason, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(user_id)
    .bind(kind)
    .bind(reason)
    .bind(db.clock().now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
