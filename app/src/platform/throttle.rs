//! Login and token throttling per IP and per account (AU-02), with `governor`'s keyed GCRA limiters.
//! In memory per process: with several instances each one throttles on its own, which only makes the
//! limit a small multiple, never absent.
use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
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
    /// Password guesses per account, counted before the password is checked: forty guesses sent
    /// at once cannot all pass the limit before the first failure is known. A right password
    /// gives its guess back: a teacher who signs in on a phone, a laptop and the school's computer
    /// is not a threat.
    guesses: Mutex<HashMap<String, Bucket>>,
    /// Passwords checked for a login, for the tests that count them.
    checked: AtomicU64,
}

/// A leaky bucket: `GUESSES` fit, one leaks out every `GUESS_SECS`.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    level: f64,
    at: Instant,
}

const GUESSES: f64 = 8.0;
const GUESS_SECS: f64 = 60.0;

impl Bucket {
    fn now(self, now: Instant) -> f64 {
        let leaked = now.saturating_duration_since(self.at).as_secs_f64() / GUESS_SECS;
        (self.level - leaked).max(0.0)
    }
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
            guesses: Mutex::new(HashMap::new()),
            checked: AtomicU64::new(0),
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
    /// Counts a password guess for this account before the password is checked; refused while the
    /// account has used up its guesses (then even the right password waits, or guessing would go
    /// on). The returned guess is given back by `Guess::was_right`.
    pub fn begin_guess(&self, account: &str) -> Result<Guess<'_>, AppError> {
        let now = Instant::now();
        let mut all = self.guesses.lock().unwrap_or_else(|e| e.into_inner());
        // Forget accounts whose bucket is empty again, so the map never grows without bound.
        all.retain(|_, b| b.now(now) > 0.0);
        let level = all.get(account).map_or(0.0, |b| b.now(now));
        if level + 1.0 > GUESSES {
            let wait = (level + 1.0 - GUESSES) * GUESS_SECS;
            return Err(AppError::RateLimited {
                retry_after: (wait.ceil() as u64).max(1),
            });
        }
        all.insert(
            account.to_string(),
            Bucket {
                level: level + 1.0,
                at: now,
            },
        );
        self.checked.fetch_add(1, Ordering::Relaxed);
        Ok(Guess {
            throttle: self,
            account: account.to_string(),
        })
    }

    /// How many login passwords were let through to be checked so far.
    pub fn checked(&self) -> u64 {
        self.checked.load(Ordering::Relaxed)
    }

    fn give_back(&self, account: &str) {
        let now = Instant::now();
        let mut all = self.guesses.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = all.get_mut(account) {
            *b = Bucket {
                level: (b.now(now) - 1.0).max(0.0),
                at: now,
            };
        }
    }
}

/// One counted guess; it stays counted unless the password was right.
pub struct Guess<'a> {
    throttle: &'a Throttle,
    account: String,
}

impl Guess<'_> {
    pub fn was_right(self) {
        self.throttle.give_back(&self.account);
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
            t.begin_guess("a@example.nl")
                .expect("right passwords never block")
                .was_right();
        }
        for _ in 0..8 {
            let _wrong = t.begin_guess("a@example.nl").expect("within the budget");
        }
        let err = t.begin_guess("a@example.nl").err().expect("blocked");
        assert!(matches!(err, AppError::RateLimited { retry_after } if retry_after >= 1));
        assert!(t.begin_guess("b@example.nl").is_ok());
    }

    #[test]
    fn ds01_a_guess_counts_before_its_password_is_checked() {
        let t = Throttle::default();
        // Forty guesses in flight at once: none has been checked yet, still only eight get a turn.
        let admitted: Vec<_> = (0..40)
            .filter_map(|_| t.begin_guess("a@example.nl").ok())
            .collect();
        assert_eq!(admitted.len(), 8);
        assert_eq!(t.checked(), 8);
    }
}
