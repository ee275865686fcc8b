//! SMTP connections for `Mailer`, kept open and reused, with `TCP_NODELAY`. lettre writes a
//! message's body and its closing "." in two writes; with Nagle's algorithm on, the second waits for
//! the server to acknowledge the first, which a server delays by up to 40 ms. That capped sending at
//! about 25 mails a second per connection. lettre's own transport offers no way to set the option,
//! so Kring opens the socket itself and hands it to lettre's connection (`connect_with_transport`);
//! STARTTLS, implicit TLS and authentication stay lettre's (and native-tls's) work.
use std::{
    fmt, io,
    net::SocketAddr,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use lettre::transport::smtp::{
    authentication::{Credentials, Mechanism},
    client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters},
    extension::ClientId,
    Error,
};

use super::mail::MailError;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
    sync::Mutex,
};

use super::state::SmtpSettings;

/// Idle connections kept for reuse (one per job runner is plenty).
const KEEP: usize = 16;
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct SmtpPool {
    settings: SmtpSettings,
    hello: ClientId,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
}

impl SmtpPool {
    pub fn new(settings: SmtpSettings) -> SmtpPool {
        SmtpPool {
            settings,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Sends one message (envelope and formatted bytes) on a pooled or new connection.
    pub async fn send(
        &self,
        envelope: &lettre::address::Envelope,
        email: &[u8],
    ) -> Result<(), MailError> {
        let reused = self.idle.lock().await.pop();
        let mut conn = match reused {
            Some(mut c) => {
                // The server may have closed an idle connection meanwhile.
                if c.test_connected().await {
                    c
                } else {
                    self.connect().await?
                }
            }
            None => self.connect().await?,
        };
        let result = conn.send(envelope, email).await;
        match &result {
            // A refused recipient leaves the connection usable; a broken one is dropped.
            Ok(_) => self.keep(conn).await,
            Err(e) if e.is_permanent() || e.is_transient() => self.keep(conn).await,
            Err(_) => conn.abort().await,
        }
        result.map(|_| ()).map_err(|e| from_lettre(&e))
    }

    async fn keep(&self, conn: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().await;
        if idle.len() < KEEP {
            idle.push(conn);
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, MailError> {
        let s = &self.settings;
        let tcp = tokio::time::timeout(TIMEOUT, TcpStream::connect((s.host.as_str(), s.port)))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "smtp connect timed out"))
            .and_then(|r| r)
            .map_err(|_| connection("no connection"))?;
        tcp.set_nodelay(true)
            .map_err(|_| connection("no connection"))?;
        let stream: Box<dyn AsyncTokioStream> = if s.tls == "tls" {
            let connector =
                native_tls::TlsConnector::new().map_err(|_| connection("TLS unavailable"))?;
            let tls = tokio_native_tls::TlsConnector::from(connector)
                .connect(&s.host, tcp)
                .await
                .map_err(|_| connection("TLS handshake failed"))?;
            Box::new(Tls(tls))
        } else {
            Box::new(tcp)
        };
        let fail = |e: Error| from_lettre(&e);
        let mut conn = AsyncSmtpConnection::connect_with_transport(stream, &self.hello)
            .await
            .map_err(fail)?;
        if s.tls == "starttls" {
            let params = TlsParameters::new(s.host.clone()).map_err(fail)?;
            conn.starttls(params, &self.hello).await.map_err(fail)?;
        }
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            let credentials = Credentials::new(user.clone(), password.clone());
            conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials)
                .await
                .map_err(fail)?;
        }
        Ok(conn)
    }
}

fn connection(what: &str) -> MailError {
    MailError {
        permanent: false,
        reason: format!("smtp: {what}"),
    }
}

/// The code only: the server's words may repeat the address.
fn from_lettre(e: &Error) -> MailError {
    MailError {
        permanent: e.is_permanent(),
        reason: match e.status() {
            Some(code) => format!("smtp {code}"),
            None => "smtp: no connection".into(),
        },
    }
}

/// An implicit-TLS stream over Kring's own (no-delay) socket.
struct Tls(tokio_native_tls::TlsStream<TcpStream>);

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tls")
    }
}

impl AsyncTokioStream for Tls {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().get_ref().get_ref().peer_addr()
    }
}

impl AsyncRead for Tls {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Tls {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}
