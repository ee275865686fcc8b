//! Login and token throttling per IP and per account (AU-02), with `governor`'s keyed GCRA limiters.
//! In memory per process: with several instances each one throttles on its own, which only makes the
//! limit a small multiple, never absent.
use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};

use governor::{
    clock::{Clock, DefaultClock},
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};

use crate::error::AppError;

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

pub struct Throttle {
    per_ip: Keyed<IpAddr>,
    per_account: Keyed<String>,
    /// Wrong passwords per account. Successful logins do not count: a teacher who signs in on a
    /// phone, a laptop and the school's computer is not a threat.
    login_failures: Keyed<String>,
    /// Accounts whose failures went over budget, and until when they wait.
    blocked: Mutex<HashMap<String, Instant>>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Throttle")
    }
}

fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("non-zero burst"))
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            // A school's parents may share one NAT address: generous per IP, strict per account.
            per_ip: RateLimiter::keyed(quota(60, Duration::from_secs(2))),
            per_account: RateLimiter::keyed(quota(8, Duration::from_secs(60))),
            login_failures: RateLimiter::keyed(quota(8, Duration::from_secs(60))),
            blocked: Mutex::new(HashMap::new()),
        }
    }
}

impl Throttle {
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), AppError> {
        self.per_ip.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after: wait.as_secs().max(1),
            }
        })
    }

    pub fn check_account(&self, account: &str) -> Result<(), AppError> {
        self.per_account
            .check_key(&account.to_string())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                AppError::RateLimited {
                    retry_after: wait.as_secs().max(1),
                }
            })
    }
}

impl Throttle {
    /// Before a password is checked: refused while the account waits after too many wrong ones
    /// (then even the right password waits, or guessing would go on).
    pub fn check_login(&self, account: &str) -> Result<(), AppError> {
        let now = Instant::now();
        let mut blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        blocked.retain(|_, until| *until > now);
        match blocked.get(account) {
            Some(until) => Err(AppError::RateLimited {
                retry_after: (*until - now).as_secs().max(1),
            }),
            None => Ok(()),
        }
    }

    /// A wrong password: it counts against the account; over the budget, the account waits.
    pub fn login_failed(&self, account: &str) {
        if let Err(not_until) = self.login_failures.check_key(&account.to_string()) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            self.blocked
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(account.to_string(), Instant::now() + wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn au02_account_is_throttled_after_its_burst_and_others_are_not() {
        let t = Throttle::default();
        for _ in 0..8 {
            assert!(t.check_account("a@example.nl").is_ok());
        }
        let err = t.check_account("a@example.nl").unwrap_err();
        assert!(matches!(err, AppError::RateLimited { retry_after } if retry_after >= 1));
        assert!(t.check_account("b@example.nl").is_ok());
    }

    #[test]
    fn au02_only_wrong_passwords_count_against_a_login() {
        let t = Throttle::default();
        for _ in 0..20 {
            assert!(
                t.check_login("a@example.nl").is_ok(),
                "right passwords never block"
            );
        }
        for _ in 0..9 {
            assert!(t.check_login("a@example.nl").is_ok());
            t.login_failed("a@example.nl");
        }
        let err = t.check_login("a@example.nl").unwrap_err();
        assert!(matches!(err, AppError::RateLimited { retry_after } if retry_after >= 1));
        assert!(t.check_login("b@example.nl").is_ok());
    }
}
