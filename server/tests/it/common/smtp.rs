//! A real SMTP server in the test process: lettre talks SMTP to it, tests read what arrived.
use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    /// The raw message with quoted-printable decoded, so links can be searched.
    pub text: String,
}

#[derive(Clone, Default)]
pub struct SmtpSink {
    pub mails: Arc<Mutex<Vec<Received>>>,
    /// Addresses refused for good at RCPT TO (a bounce: "550 no such user").
    pub reject: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> (SmtpSink, u16) {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind smtp sink");
        let port = listener.local_addr().expect("addr").port();
        let sink = SmtpSink::default();
        let mails = sink.mails.clone();
        let reject = sink.reject.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let mails = mails.clone();
                let reject = reject.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO")
                        {
                            b"250 sink\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            let address = line[8..]
                                .trim()
                                .trim_matches(|c| c == '<' || c == '>')
                                .to_string();
                            let refused = reject.lock().is_ok_and(|r| r.contains(&address));
                            if refused {
                                b"550 5.1.1 no such user\r\n"
                            } else {
                                to.push(address);
                                b"250 OK\r\n"
                            }
                        } else if upper.starts_with("DATA") {
                            let _ = write.write_all(b"354 go ahead\r\n").await;
                            let mut raw = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                raw.push_str(&l);
                                raw.push('\n');
                            }
                            if let Ok(mut m) = mails.lock() {
                                m.push(Received {
                                    to: std::mem::take(&mut to),
                                    text: decode_qp(&raw),
                                });
                            }
                            b"250 queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 OK\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        (sink, port)
    }

    /// The mails that arrived for `to`.
    pub fn to(&self, to: &str) -> Vec<Received> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .collect()
    }

    pub fn all(&self) -> Vec<Received> {
        self.mails.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Forgets what arrived so far, so the next `wait_for` finds only newer mail.
    pub fn clear(&self) {
        if let Ok(mut m) = self.mails.lock() {
            m.clear();
        }
    }

    /// Waits for a mail to `to` whose text contains `needle`, and returns it.
    pub async fn wait_for(&self, to: &str, needle: &str) -> Received {
        for _ in 0..200 {
            if let Some(m) = self
                .all()
                .into_iter()
                .find(|m| m.to.iter().any(|t| t == to) && m.text.contains(needle))
            {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "no mail to {to} containing {needle:?}; got {:#?}",
            self.all()
        );
    }
}

/// Undoes quoted-printable soft breaks and `=XX` escapes.
pub fn decode_qp(raw: &str) -> String {
    let joined = raw.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            ) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first Kring link with a `token=` in a mail.
pub fn token_link(mail: &Received, path: &str) -> String {
    let start = mail
        .text
        .find(path)
        .unwrap_or_else(|| panic!("no {path} link in {}", mail.text));
    let rest = &mail.text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .unwrap_or(rest.len());
    rest[..end].to_string()
}
