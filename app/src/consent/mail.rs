//! The consent mail: sent when the round opens and as the directie's reminder, only to guardians
//! who still have open questions when the job runs. It links to the app, never to data.
use super::server::{open_for, MailJob};
use crate::{
    error::AppError,
    i18n::*,
    platform::{
        mail::{html_body, Mail},
        state::AppState,
    },
    with_db,
};

#[derive(sqlx::FromRow)]
struct Recipient {
    email: String,
    name: String,
    locale: String,
    school: String,
}

pub async fn render(state: &AppState, job: MailJob) -> Result<Option<Mail>, AppError> {
    let db = &state.db;
    if open_for(db, job.user_id, job.school_id, job.round_id).await? == 0 {
        return Ok(None); // answered meanwhile
    }
    // Turned off in the notification settings (the banner in Kring keeps asking).
    let kind = crate::notify::model::Kind::Consent;
    if !crate::notify::prefs::wants_email(db, job.user_id, kind).await? {
        return Ok(None);
    }
    let who: Option<Recipient> = with_db!(db, |pool| sqlx::query_as(
        "SELECT u.email, u.name, u.locale, s.name AS school FROM users u, schools s \
         WHERE u.id = $1 AND u.active = TRUE AND s.id = $2"
    )
    .bind(job.user_id)
    .bind(job.school_id)
    .fetch_optional(pool)
    .await)?;
    let Some(who) = who else { return Ok(None) };
    let l = if who.locale == "en" {
        Locale::en
    } else {
        Locale::nl
    };
    let subject = if job.reminder {
        td_string!(l, mail.consent_reminder_subject, school = &who.school).to_string()
    } else {
        td_string!(l, mail.consent_subject, school = &who.school).to_string()
    };
    let hello = td_string!(l, mail.hello, name = &who.name).to_string();
    let body = td_string!(l, mail.consent_body, school = &who.school).to_string();
    let button = td_string!(l, mail.consent_button).to_string();
    let link = state.settings.link("/toestemming");
    Ok(Some(Mail {
        to: who.email,
        text: format!("{hello}\n\n{body}\n\n{button}: {link}\n"),
        html: html_body(&subject, &[hello, body], &button, &link),
        subject,
        unsubscribe: None,
    }))
}
