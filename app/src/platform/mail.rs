//! Outgoing e-mail with `lettre`: SMTP when configured, otherwise `.eml` files in the outbox folder
//! (the demo). Mails are only ever sent from jobs, never inside a request.
use lettre::{
    message::{
        header::{HeaderName, HeaderValue},
        Mailbox, MultiPart,
    },
    AsyncFileTransport, AsyncTransport, Message, Tokio1Executor,
};

use super::{smtp::SmtpPool, state::Settings};

pub enum Mailer {
    Smtp(SmtpPool),
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

/// A rendered mail, without the transport's concerns.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A one-click unsubscribe URL (RFC 8058) for notification mail; `None` for account mail.
    pub unsubscribe: Option<String>,
}

/// Why a mail was not sent. `permanent`: the server refused it for good (a bounce); retrying
/// cannot help. `reason` never contains an address or text: it is stored and shown to admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailError {
    pub permanent: bool,
    pub reason: String,
}

impl MailError {
    pub fn transient(reason: impl Into<String>) -> MailError {
        MailError {
            permanent: false,
            reason: reason.into(),
        }
    }
}

impl From<MailError> for String {
    fn from(e: MailError) -> String {
        e.reason
    }
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Mailer, String> {
        let Some(smtp) = &settings.smtp else {
            std::fs::create_dir_all(settings.outbox_dir())
                .map_err(|e| format!("cannot create the outbox folder: {e}"))?;
            return Ok(Mailer::Outbox(AsyncFileTransport::new(
                settings.outbox_dir(),
            )));
        };
        Ok(Mailer::Smtp(SmtpPool::new(smtp.clone())))
    }

    pub async fn send(&self, from: &str, mail: Mail) -> Result<(), MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailError::transient("KRING_MAIL_FROM is not an address"))?;
        let to: Mailbox = mail.to.parse().map_err(|_| MailError {
            permanent: true,
            reason: "invalid address".into(),
        })?;
        let mut builder = Message::builder().from(from).to(to).subject(mail.subject);
        if let Some(link) = mail.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{link}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
            .map_err(|e| MailError::transient(format!("cannot build message: {e}")))?;
        match self {
            Mailer::Smtp(pool) => pool.send(message.envelope(), &message.formatted()).await,
            Mailer::Outbox(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::transient(format!("outbox: {e}"))),
        }
    }
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A plain, phone-friendly HTML body: a heading, paragraphs and one button.
pub fn html_body(heading: &str, paragraphs: &[String], button: &str, link: &str) -> String {
    let paras: String = paragraphs
        .iter()
        .map(|p| format!("<p style=\"margin:0 0 16px\">{}</p>", escape_html(p)))
        .collect();
    format!(
        "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:0 auto;padding:24px\">\
         <h1 style=\"font-size:22px\">{}</h1>{paras}\
         <p><a href=\"{}\" style=\"display:inline-block;background:#0b6e4f;color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none\">{}</a></p>\
         <p style=\"font-size:13px;color:#52606d\">{}</p></body></html>",
        escape_html(heading),
        escape_html(link),
        escape_html(button),
        escape_html(link),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_body_escapes_names() {
        let html = html_body("Hoi <b>", &["a & b".into()], "Ga", "https://x.nl/?a=1&b=2");
        assert!(html.contains("Hoi &lt;b&gt;"));
        assert!(html.contains("a &amp; b"));
        assert!(html.contains("a=1&amp;b=2"));
    }
}
