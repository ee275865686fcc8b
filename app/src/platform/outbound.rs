//! Requests to addresses that users choose (Web Push endpoints today): never to this machine or the
//! school's own network (SS-01). Only https, no proxy, no redirects, and every address checked after
//! DNS resolution, for each new connection, so that a name cannot point somewhere else later.
use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

/// Whether an address is on the public internet: not loopback, private, link-local, shared
/// (carrier NAT), documentation, benchmarking, multicast, reserved or unspecified, also when an IPv4
/// address hides in an IPv6 one.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // IPv4-compatible (::a.b.c.d), NAT64 and 6to4 carry an IPv4 address: none is a push service.
        || s[..6].iter().all(|x| *x == 0)
        || (s[0] == 0x64 && s[1] == 0xff9b)
        || s[0] == 0x2002
        || (s[0] == 0x2001 && s[1] == 0)
        || (s[0] == 0x2001 && s[1] == 0xdb8)
        || s[0] == 0x100
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0)
}

/// Where outgoing requests may go. `Local` lets the test suite reach a push service on this machine
/// over plain http; it is set only in code (`Settings::outbound`), never from the environment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reach {
    #[default]
    PublicOnly,
    Local,
}

impl Reach {
    fn allows(self, ip: IpAddr) -> bool {
        is_public(ip) || (self == Reach::Local && ip.is_loopback())
    }

    /// Whether a user may register this URL: https to a name or a public address.
    pub fn allows_url(self, url: &url::Url) -> bool {
        let host_ok = match url.host() {
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                let local_name = name == "localhost" || name.ends_with(".localhost");
                !local_name || self == Reach::Local
            }
            Some(url::Host::Ipv4(ip)) => self.allows(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => self.allows(IpAddr::V6(ip)),
            None => false,
        };
        let scheme_ok = url.scheme() == "https" || (self == Reach::Local && url.scheme() == "http");
        host_ok && scheme_ok && url.username().is_empty() && url.password().is_none()
    }
}

/// Resolves names and keeps only the addresses `Reach` allows; a name with none fails to connect.
struct CheckedResolver(Reach);

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let reach = self.0;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found.filter(|a| reach.allows(a.ip())).collect();
            if allowed.is_empty() {
                tracing::warn!("refused an outgoing request to a non-public address");
                return Err("no public address".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// The HTTP client for requests to user-chosen addresses. Callers also check each URL with
/// `Reach::allows_url` before sending: a literal IP address never reaches the resolver.
pub fn client(reach: Reach) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .https_only(reach == Reach::PublicOnly)
        .dns_resolver(Arc::new(CheckedResolver(reach)))
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn ss01_internal_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "142.250.74.110",
            "2a00:1450:4001:80b::200a",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn ss01_only_https_to_public_hosts_may_be_registered() {
        let p = Reach::PublicOnly;
        assert!(p.allows_url(&url("https://fcm.googleapis.com/fcm/send/abc")));
        assert!(p.allows_url(&url("https://142.250.74.110/push")));
        for bad in [
            "http://fcm.googleapis.com/x",
            "https://127.0.0.1/x",
            "https://[::1]:8080/x",
            "https://localhost/x",
            "https://api.localhost./x",
            "https://10.0.0.5/x",
            "https://[::ffff:169.254.169.254]/x",
            "https://user:pw@push.example/x",
            "ftp://push.example/x",
        ] {
            assert!(!p.allows_url(&url(bad)), "{bad}");
        }
        assert!(Reach::Local.allows_url(&url("http://127.0.0.1:4000/ok/x")));
        assert!(!Reach::Local.allows_url(&url("http://10.0.0.5/x")));
    }
}
